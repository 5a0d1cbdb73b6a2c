"""Tables for download as CSV or XLSX, written row by row so that a long export runs in flat memory.

CSV is streamed as it is produced (UTF-8 with a byte-order mark, so that Excel opens Chinese text
correctly). XLSX is a zip archive and cannot be streamed before it is complete: openpyxl's write-only
mode writes rows to a temporary file as they come, and that file is then streamed.
"""

import csv
import io
import tempfile
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response, stream_with_context
from openpyxl import Workbook

CHUNK = 64 * 1024


def _disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> Response:
    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
            if buffer.tell() > CHUNK:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": _disposition(filename)},
    )


def xlsx_response(filename: str, sheet: str, header: list[str], rows: Iterable[list]) -> Response:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
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


def table_response(fmt: str, filename: str, sheet: str, header: list[str], rows: Iterable[list]) -> Response:
    """The table as `fmt` (csv or xlsx), named `filename` without its extension."""
    if fmt == "csv":
        return csv_response(f"{filename}.csv", header, rows)
    return xlsx_response(f"{filename}.xlsx", sheet, header, rows)
