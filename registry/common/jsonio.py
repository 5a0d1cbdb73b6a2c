"""JSON in and out: parsing with a nesting limit, for every body the registry and the gateway read.

Python's parser recurses: a body nested 100,000 levels deep raises RecursionError, which no caller
expects. No document this project reads is nested more than a few levels, so anything deeper than
MAX_DEPTH is refused as malformed JSON, with a JSONDecodeError like any other bad body.
"""

from __future__ import annotations

import json
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict

MAX_DEPTH = 32


def too_deep(value, max_depth: int = MAX_DEPTH) -> bool:
    """Whether a parsed document nests arrays and objects deeper than `max_depth` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads(data: str | bytes, max_depth: int = MAX_DEPTH):
    """json.loads, refusing documents nested deeper than `max_depth` (JSONDecodeError, a ValueError)."""
    encoding = "utf-8" if isinstance(data, str) else json.detect_encoding(data)
    try:  # bytes as json.loads reads them: UTF-8 (with or without a BOM), UTF-16 or UTF-32
        text = data if isinstance(data, str) else data.decode(encoding)
    except UnicodeDecodeError as exc:
        name = encoding.upper().removesuffix("-SIG")
        raise json.JSONDecodeError(f"not {name}: {exc.reason}", " ", exc.start) from None
    message = f"JSON nested deeper than {max_depth} levels"
    try:
        value = json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError(message, text[:100] or " ", 0) from None
    if too_deep(value, max_depth):
        raise json.JSONDecodeError(message, text[:100] or " ", 0)
    return value


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON with the nesting limit on what it reads, and Decimal written as a number
    (the OpenAPI document's bounds of decimal fields, e.g. "maximum": 99.0)."""

    def loads(self, s, **kwargs):
        return loads(s)

    @staticmethod
    def default(o):
        if isinstance(o, Decimal):
            return float(o)
        return DefaultJSONProvider.default(o)


class ArgumentsParser(FlaskParser):
    """webargs parses request bodies itself: with the same nesting limit."""

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        """A multipart/form-data body as one document: its form fields and its files together."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return missing
        return loads(req.get_data(cache=True))
