"""Page forms validated by the same marshmallow schemas and services as the API.

A page shows the same messages the API gives, in the reader's language; nothing is stored when any
part fails (the transaction is rolled back).
"""

from collections.abc import Callable

import marshmallow as ma
from flask import flash, make_response
from markupsafe import Markup

from registry.common.errors import DomainError, TooMany
from registry.common.i18n import current_language
from registry.extensions import db


def in_reader_language(message: str) -> str:
    """Field messages carry both languages as "中文 / English": keep the reader's half."""
    zh, sep, en = message.partition(" / ")
    if not sep:
        return message
    return en if current_language() == "en" else zh


def flatten(messages) -> dict[str, list[str]]:
    """marshmallow's nested messages as {field: [message, ...]} in the reader's language."""
    if isinstance(messages, list):
        return {"_": [in_reader_language(str(m)) for m in messages]}
    out: dict[str, list[str]] = {}
    for field, value in messages.items():
        items = value if isinstance(value, list) else [str(v) for v in _leaves(value)]
        out[str(field)] = [in_reader_language(str(m)) for m in items]
    return out


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        yield from value
    else:
        yield value


def submit(action: Callable[[], object]) -> tuple[object, dict[str, list[str]] | None]:
    """Run a unit of work for a page: commit on success; on bad input roll back and return the errors."""
    try:
        result = action()
        db.session.commit()
        return result, None
    except ma.ValidationError as exc:
        db.session.rollback()
        return None, flatten(exc.messages)
    except TooMany:
        raise  # the page answers 429 with Retry-After, not a form error
    except DomainError as exc:
        db.session.rollback()
        return None, {exc.field or "_": [in_reader_language(exc.message)]}


def field_error(errors: dict | None, field: str) -> Markup:
    """The error line shown under a form field."""
    if not errors or field not in errors:
        return Markup("")
    return Markup('<span class="field-error" role="alert">{}</span>').format("；".join(errors[field]))


def errors_besides(errors: dict | None, *fields: str) -> list[str]:
    """The messages of a form's errors that belong to none of the fields it shows them beside."""
    return [message for field, messages in (errors or {}).items() if field not in fields for message in messages]


def shown_once(html: str):
    """A page that shows a secret this once (a gate's secret, a temporary password): never cached, the
    secret in no address and no session."""
    page = make_response(html)
    page.headers["Cache-Control"] = "no-store"
    return page


def picked(row) -> str:
    """A firm or unit as its picker field shows it: the credit code where it has one (unique), else the
    name; empty for none."""
    return (row.credit_code or row.name) if row is not None else ""


def form_value(value) -> str:
    """A stored value as a form field shows it: an enum's code, a date in ISO form, empty for nothing."""
    if value is None:
        return ""
    return getattr(value, "value", None) or (value.isoformat() if hasattr(value, "isoformat") else str(value))


def coordinates(form) -> dict:
    """A page form's `longitude` and `latitude` as degrees (empty: None); a DomainError naming the field
    that is not a number in range."""
    found = {}
    for key, most in (("longitude", 180), ("latitude", 90)):
        text = (form.get(key) or "").strip()
        try:
            found[key] = float(text) if text else None
        except ValueError:
            found[key] = float("nan")
        value = found[key]
        if value is not None and not -most <= value <= most:  # NaN fails too
            raise DomainError(in_reader_language("经纬度应为度数 / a coordinate is a number of degrees"), key)
    return found


def flash_errors(errors: dict[str, list[str]]) -> None:
    """A form's errors as one message on the page the reader is sent back to (a form inside a list)."""
    flash("；".join(message for messages in errors.values() for message in messages), "error")
