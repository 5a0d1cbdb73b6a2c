"""A CSV export written by the database itself, on PostgreSQL: `COPY (SELECT ...) TO STDOUT (FORMAT csv)`.

Read row by row into Python and formatted there, a month of violations (91,000 rows of 16 cells) took
3.2 s: 1.0 s in the database, 1.4 s of the driver turning each cell into a Python value, 0.8 s of
formatting. Here the SELECT already gives each cell as the CSV shows it (a code's word in the reader's
language, a moment as the district's wall-clock time, text made inert), and the server writes the CSV:
Python only passes the bytes on. The same rules as registry.common.exports, in SQL:

- a code is its word (registry.labels) in the reader's language, or the code itself when it has none;
- a moment is the district's local time in the column's layout;
- text a spreadsheet would take for a formula gets an apostrophe before it (OWASP, CSV injection).

The SELECT is compiled by SQLAlchemy with its parameters processed as its own execution would, and
the parameters are bound by psycopg on the client (COPY takes none of its own). SQLite has no COPY: its
exports are formatted in Python. `tests/test_exports_in_database.py` holds the two to the same cells.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import String, case, func, literal, type_coerce
from sqlalchemy.sql import Select

from registry.common.i18n import current_language
from registry.common.time import LOCAL_TZ
from registry.extensions import db
from registry.labels import LABELS, words

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")  # registry.common.exports.inert
DATE_TIME = "YYYY-MM-DD HH24:MI:SS"
DAY = "YYYY-MM-DD"
CHUNK = 64 * 1024


def in_database() -> bool:
    """Whether exports are written by the database (PostgreSQL) rather than formatted in Python."""
    return db.session.get_bind().dialect.name == "postgresql"


def inert(text):
    """Text as a spreadsheet will show it: an apostrophe before a formula's first character."""
    text = type_coerce(text, String)
    return case((func.substr(text, 1, 1).in_(FORMULA_LEADS), literal("'") + text), else_=text)


def labelled(kind: str, column):
    """The reader's word for the column's code; the code itself when the table has none; NULL stays
    empty."""
    code = type_coerce(column, String)
    language = current_language()
    known = {key: words(kind, key, language) for key in LABELS.get(kind, {})}
    return inert(case(known, value=code, else_=code)) if known else inert(code)


def local_text(moment, layout: str = DATE_TIME):
    """An aware moment as the district's wall-clock time, in `layout` (to_char's)."""
    return func.to_char(func.timezone(LOCAL_TZ.key, moment), layout)


def _statement(query: Select) -> tuple[str, dict]:
    """The SELECT's SQL and its parameters, processed by their types as SQLAlchemy's execution would."""
    compiled = query.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    processors = compiled._bind_processors  # what SQLAlchemy's own execution applies to each parameter
    params = {key: processors[key](value) if key in processors else value for key, value in compiled.params.items()}
    return compiled.string, params


class Copied:
    """The CSV of `query`'s rows as the server writes it, in chunks of about 64 KiB; once read to the
    end, `rows` is the number of rows it held (the server's own count)."""

    def __init__(self, query: Select):
        self.query = query
        self.rows: int | None = None

    def __iter__(self) -> Iterator[bytes]:
        sql, params = _statement(self.query)
        # the session's connection for this SELECT: a replica's where the view reads from one
        routed = db.session.connection(bind_arguments={"clause": self.query})
        connection = routed.connection.driver_connection
        buffer = bytearray()
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for data in copy:  # a row at a time, as libpq gives them
                    buffer += data
                    if len(buffer) > CHUNK:
                        yield bytes(buffer)
                        buffer.clear()
            self.rows = cursor.rowcount
        if buffer:
            yield bytes(buffer)
