"""Tables for download as CSV or XLSX, written row by row so that a long export runs in flat memory.

Rows hold Python values: a date-time (local, naive) or a date becomes a real date cell in XLSX and text
in the column's layout in CSV; text is written as it is. Headers and labels follow the reader's language.

Cells carry data, never formulas (OWASP, CSV injection): text a spreadsheet would take for a formula or a
DDE call (opening with =, +, -, @, a tab or a carriage return) is written in CSV with an apostrophe before
it, which Excel and WPS show as text, and in XLSX as a string cell, which no spreadsheet evaluates. A
cargo of `=HYPERLINK(...)` typed by a firm, or a fleet name typed by an anonymous driver, stays text in
the bureau's spreadsheet.

CSV is streamed as it is produced (UTF-8 with a byte-order mark, so that Excel opens Chinese text
correctly), and its last line says it is complete and how many rows it holds: a stream cut short (a
worker stopped by its timeout ends the response as if it were whole, and the HTTP status went out
first) lacks it. XLSX is a zip archive and cannot be streamed before it is complete: openpyxl's write-only
mode writes rows to a temporary file as they come, and that file is then streamed. Its header row is
bold and frozen, and each column has its width.
"""

import csv
import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from registry.common.i18n import t

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


FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet opening a CSV will show as it is: an apostrophe before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def _as_text(value, column: Column):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(column.layout[0])
    if isinstance(value, date):
        return value.strftime(DAY[0])
    if isinstance(value, str):
        return inert(value)
    return value


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


def _cell(worksheet, value, column: Column):
    if isinstance(value, datetime | date):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = column.layout[1] if isinstance(value, datetime) else DAY[1]
        return cell
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"  # openpyxl takes a string opening with = for a formula: this one is text
        return cell
    return value


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name, its columns and its rows (any iterable, read once); `preamble`:
    lines above the table that say what it is (its title first, then what it covers and when it was
    exported), so that a filed copy explains itself."""

    name: str
    columns: list[Column]
    rows: Iterable[list]
    preamble: tuple[str, ...] = ()


def _write_sheet(workbook: Workbook, sheet: Sheet) -> None:
    worksheet = workbook.create_sheet(sheet.name)
    above = len(sheet.preamble) + 1 if sheet.preamble else 0  # the lines and a blank row
    worksheet.freeze_panes = f"A{above + 2}"
    for number, column in enumerate(sheet.columns, 1):
        worksheet.column_dimensions[get_column_letter(number)].width = column.width
    bold = Font(bold=True)
    for number, line in enumerate(sheet.preamble):
        cell = WriteOnlyCell(worksheet, value=inert(line))
        cell.data_type = "s"
        if number == 0:
            cell.font = Font(bold=True, size=14)
        worksheet.append([cell])
    if sheet.preamble:
        worksheet.append([])
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(worksheet, value=inert(column.title))
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    for row in sheet.rows:
        worksheet.append([_cell(worksheet, value, column) for value, column in zip(row, sheet.columns, strict=True)])


def xlsx_response(filename: str, sheet: str, columns: list[Column], rows: Iterable[list]) -> Response:
    return workbook_response(filename, [Sheet(sheet, columns, rows)])


def workbook_response(filename: str, sheets: list[Sheet]) -> Response:
    """An XLSX of several sheets, each with its bold frozen header row and column widths."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet)
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the generator once streamed)
    workbook.save(spool)
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
