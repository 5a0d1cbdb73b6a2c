"""Chinese first, English available: pick the language of a message for the current reader."""

import os

from flask import has_request_context, request

LANGUAGES = ("zh", "en")


def current_language() -> str:
    """`?lang=`, then the `lang` cookie, then Accept-Language, for a request; LANG for the command
    line; else Chinese."""
    if has_request_context():
        chosen = request.environ.get("registry.language")
        if chosen is None:  # once a request: an export asks for every cell
            chosen = request.environ["registry.language"] = _asked()
        return chosen
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else "zh"


def _asked() -> str:
    for asked in (request.args.get("lang"), request.cookies.get("lang")):
        if asked in LANGUAGES:
            return asked
    return request.accept_languages.best_match(LANGUAGES, default="zh")


def t(zh: str, en: str) -> str:
    """The message in the reader's language."""
    return en if current_language() == "en" else zh
