"""Tables for download as CSV or XLSX, written row by row so that a long export runs in flat memory.

Rows hold Python values: a date-time (local, naive) or a date becomes a real date cell in XLSX and text
in the column's layout in CSV; text is written as it is. Headers and labels follow the reader's language.

Cells carry data, never formulas (OWASP, CSV injection): text a spreadsheet would take for a formula or a
DDE call (opening with =, +, -, @, a tab or a carriage return) is written in CSV with an apostrophe before
it, which Excel and WPS show as text, and in XLSX always as a string cell, which no spreadsheet evaluates. A
cargo of `=HYPERLINK(...)` typed by a firm, or a fleet name typed by an anonymous driver, stays text in
the bureau's spreadsheet.

CSV is streamed as it is produced (UTF-8 with a byte-order mark, so that Excel opens Chinese text
correctly), and its last line says it is complete and how many rows it holds: a stream cut short (a
worker stopped by its timeout ends the response as if it were whole, and the HTTP status went out
first) lacks it. XLSX is a zip archive and cannot be streamed before it is complete: XlsxWriter's
constant-memory mode writes rows to a temporary file as they come, and the archive is then streamed
(a worker stopped before the end sends no archive, or one that does not open). Its header row is bold
and frozen, and each column has its width.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter
from flask import Response, stream_with_context
from sqlalchemy import DateTime, String, text, type_coerce

from registry.common.copying import FORMULA_LEADS, Copied
from registry.common.i18n import t
from registry.extensions import db

CHUNK = 64 * 1024
DATE_TIME = ("%Y-%m-%d %H:%M:%S", "yyyy-mm-dd hh:mm:ss")
DAY = ("%Y-%m-%d", "yyyy-mm-dd")


@dataclass(frozen=True)
class Column:
    """A column of an export: its title in both languages, its width in characters (XLSX), and how a
    date-time in it is written: as text in CSV (strftime) and as a date cell's format in XLSX."""

    zh: str
    en: str
    width: float = 12
    layout: tuple[str, str] = DATE_TIME

    @property
    def title(self) -> str:
        return t(self.zh, self.en)


def _disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def inert(text: str) -> str:
    """Text a spreadsheet opening a CSV will show as it is: an apostrophe before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def _as_text(value, column: Column):
    kind = type(value)  # text first: most cells are (an export writes millions)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_LEADS) else value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(column.layout[0])
    if isinstance(value, date):
        return value.strftime(DAY[0])
    if isinstance(value, str):
        return inert(value)
    return value


def streamed(query, chunk: int = 1000) -> Iterator:
    """The rows of `query`, read to the end as they come, in flat memory (a server-side cursor, `chunk`
    rows a fetch). PostgreSQL plans a cursor for its first tenth (cursor_tuple_fraction), by walks that
    start at once and are slow to finish: it is told the whole result will be read (a month's violations
    merged with every pass of the month took 2.9 s, against 2.0 s by hash)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    return db.session.execute(query.execution_options(yield_per=chunk, stream_results=True))


def as_driver_gives(column):
    """On PostgreSQL, a code or a moment as the driver reads it (text; an aware datetime), without the
    column type's own conversion on every row (an enum member, a UTC check): an export of 100,000 rows
    spent a third of its time there. The labels and the local time read either. SQLite keeps its text
    dates, which only the column type turns into moments."""
    if db.session.get_bind().dialect.name != "postgresql":
        return column
    impl = getattr(column.type, "impl", None)
    plain = DateTime(timezone=True) if isinstance(impl, DateTime) else String()
    return type_coerce(column, plain).label(column.key)


def completion_line(rows: int) -> str:
    """The last line of a whole CSV export: a file cut short (a worker killed, a connection dropped)
    lacks it, so that a cut file never passes for a whole one."""
    return t(f"# 导出完整，共 {rows} 行", f"# export complete: {rows} rows")


def csv_response(filename: str, columns: list[Column], rows: Iterable[list], *, complete_line: bool = True) -> Response:
    """The rows as CSV, streamed; ending with `completion_line` unless it is a template to fill in."""

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([inert(column.title) for column in columns])
        written = 0
        for row in rows:
            writer.writerow([_as_text(value, column) for value, column in zip(row, columns, strict=True)])
            written += 1
            if buffer.tell() > CHUNK:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        if complete_line:
            writer.writerow([completion_line(written)])
        yield buffer.getvalue().encode()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": _disposition(filename)},
    )


def copied_csv_response(filename: str, columns: list[Column], query) -> Response:
    """The rows of `query` (each cell already as the CSV shows it, registry.common.copying) as CSV written
    by PostgreSQL and streamed, with the same header and completion line as `csv_response`."""

    def line(cells: list[str]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(cells)
        return buffer.getvalue().encode()

    def generate():
        yield "\ufeff".encode() + line([inert(column.title) for column in columns])
        copied = Copied(query)
        yield from copied
        yield line([completion_line(copied.rows)])

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": _disposition(filename)},
    )


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name, its columns and its rows (any iterable, read once); `preamble`:
    lines above the table that say what it is (its title first, then what it covers and when it was
    exported), so that a filed copy explains itself."""

    name: str
    columns: list[Column]
    rows: Iterable[list] = ()
    preamble: tuple[str, ...] = ()


class _Formats:
    """The workbook's cell formats, each made once: bold headings, the title, a layout per date column."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.workbook = workbook
        self.bold = workbook.add_format({"bold": True})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self._layouts: dict[str, object] = {}

    def layout(self, number_format: str):
        if number_format not in self._layouts:
            self._layouts[number_format] = self.workbook.add_format({"num_format": number_format})
        return self._layouts[number_format]


class _SheetWriter:
    """A sheet being written: its title lines, its bold frozen header row and column widths first, then
    each row as it comes (constant memory: in order, never going back)."""

    def __init__(self, workbook: xlsxwriter.Workbook, formats: _Formats, sheet: Sheet):
        self.worksheet = worksheet = workbook.add_worksheet(sheet.name)
        self.formats, self.columns = formats, sheet.columns
        above = len(sheet.preamble) + 1 if sheet.preamble else 0  # the lines and a blank row
        worksheet.freeze_panes(above + 1, 0)  # everything above the first row of data
        for number, column in enumerate(sheet.columns):
            worksheet.set_column(number, number, column.width)
        for number, line in enumerate(sheet.preamble):
            worksheet.write_string(number, 0, inert(line), formats.title if number == 0 else None)
        self.row = above
        for number, column in enumerate(sheet.columns):
            worksheet.write_string(self.row, number, inert(column.title), formats.bold)

    def write(self, values) -> None:
        """A row: a date-time or date a date cell in the column's layout, a number a number, text always
        text (a leading = is never taken for a formula), nothing (None, empty text) no cell at all."""
        if len(values) != len(self.columns):
            raise ValueError(f"a row of {len(values)} cells for {len(self.columns)} columns")
        self.row += 1
        row, text = self.row, self.worksheet.write_string
        for number, value in enumerate(values):
            kind = type(value)  # text first: most cells are (a month's export writes two million)
            if kind is str:
                if value:
                    text(row, number, value)
            elif value is not None:
                self._write_other(row, number, value, self.columns[number])

    def _write_other(self, row: int, number: int, value, column: Column) -> None:
        worksheet = self.worksheet
        if isinstance(value, bool):
            worksheet.write_boolean(row, number, value)
        elif isinstance(value, int | float | Decimal):
            worksheet.write_number(row, number, float(value))
        elif isinstance(value, datetime):
            worksheet.write_datetime(row, number, value, self.formats.layout(column.layout[1]))
        elif isinstance(value, date):
            worksheet.write_datetime(row, number, value, self.formats.layout(DAY[1]))
        elif isinstance(value, str):
            worksheet.write_string(row, number, value)
        else:
            worksheet.write_string(row, number, str(value))


def xlsx_response(filename: str, sheet: str, columns: list[Column], rows: Iterable[list]) -> Response:
    return workbook_response(filename, [Sheet(sheet, columns, rows)])


def workbook_response(filename: str, sheets: list[Sheet], routed: Iterable[tuple[int, list]] = ()) -> Response:
    """An XLSX of several sheets, each with its bold frozen header row and column widths. XlsxWriter's
    constant-memory mode writes each row to a temporary file as it comes (flat memory); the archive is
    then streamed. `routed`: rows for several sheets from one read of the data, each (the sheet's place
    in `sheets`, the row), written after the sheets' own rows."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the generator once streamed)
    workbook = xlsxwriter.Workbook(spool, {"constant_memory": True, "remove_timezone": True})
    formats = _Formats(workbook)
    writers = []
    for sheet in sheets:
        writers.append(_SheetWriter(workbook, formats, sheet))
        for values in sheet.rows:
            writers[-1].write(values)
    for place, values in routed:
        writers[place].write(values)
    workbook.close()
    spool.seek(0)

    def generate():
        with spool:
            while chunk := spool.read(CHUNK):
                yield chunk

    return Response(
        generate(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": _disposition(filename)},
    )


def table_response(fmt: str, filename: str, sheet: str, columns: list[Column], rows: Iterable[list]) -> Response:
    """The table as `fmt` (csv or xlsx), named `filename` without its extension."""
    if fmt == "csv":
        return csv_response(f"{filename}.csv", columns, rows)
    return xlsx_response(f"{filename}.xlsx", sheet, columns, rows)
