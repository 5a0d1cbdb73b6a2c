"""An imported table as rows of cells: CSV (UTF-8, or GB18030 as Chinese Excel saves it) or XLSX, bounded
before it is parsed (registry.common.workbooks). Used by every import of a vendor's export (weighbridge
tickets, remote-sensing results): each maps its own headers."""

import csv
import io
from datetime import date, datetime
from itertools import islice

from registry.common.errors import DomainError
from registry.common.i18n import t
from registry.common.text import decode_spreadsheet_text
from registry.common.time import LOCAL_TZ
from registry.common.workbooks import WorkbookRefused, is_workbook, workbook_rows


def sheet_text(data: bytes) -> str:
    text = decode_spreadsheet_text(data)
    if text is not None:
        return text
    raise DomainError(t("无法识别文件编码，请另存为 UTF-8 CSV", "unknown text encoding: save as UTF-8 CSV"), "file")


def sheet_cells(data: bytes, most: int) -> list[list]:
    """The first `most` rows, read one at a time (an XLSX bounded before it is parsed)."""
    if is_workbook(data):  # an XLSX is a zip file
        try:
            return [list(row) for row in workbook_rows(data, limit=most)]
        except WorkbookRefused as exc:
            raise DomainError(t(exc.zh, exc.en), "file") from None
    return list(islice(csv.reader(io.StringIO(sheet_text(data))), most))


def cell_text(cell) -> str | None:
    """A cell as text: a workbook's date-time as ISO 8601 (local when it has no offset), blank as None."""
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return (cell if cell.tzinfo else cell.replace(tzinfo=LOCAL_TZ)).isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    text = str(cell).strip()
    return text or None
