"""A weighbridge's export as tickets: CSV (UTF-8, or GB18030 as Chinese Excel saves it) or XLSX, one
ticket per row under a header row; the headers in Chinese as the scale software prints them, or the
API's field names. Times without an offset are local (China Standard Time)."""

from datetime import date, datetime

from registry.common.errors import DomainError
from registry.common.i18n import t
from registry.common.sheets import cell_text, sheet_cells
from registry.common.time import spreadsheet_moment

MAX_ROWS = 5000
HEADERS = {
    "ticket_no": ("磅单号", "磅单编号", "单号", "流水号", "ticket_no"),
    "plate": ("车牌号", "车牌号码", "车号", "plate"),
    "weighed_at": ("过磅时间", "称重时间", "时间", "weighed_at"),
    "gross_t": ("毛重", "毛重（吨）", "毛重(吨)", "gross_t"),
    "tare_t": ("皮重", "皮重（吨）", "皮重(吨)", "tare_t"),
    "net_t": ("净重", "净重（吨）", "净重(吨)", "net_t"),
    "cargo": ("货物名称", "货名", "物料名称", "cargo"),
}
FIELD_OF = {alias.strip().lower(): field for field, aliases in HEADERS.items() for alias in aliases}


def _value(field: str, cell):
    text = cell_text(cell)
    if text is None or isinstance(cell, (datetime, date)):
        return text
    if field == "weighed_at":
        moment = spreadsheet_moment(text)
        return moment.isoformat() if moment else text  # else the schema says what is wrong with it
    if field in ("gross_t", "tare_t", "net_t"):
        return text.replace(",", "")
    return text


def ticket_rows(data: bytes, filename: str = "") -> list[dict]:
    """The file's rows as ticket dicts (unchecked); a DomainError when the file has no usable header."""
    return [item for _, item in ticket_lines(data, filename)]


def ticket_lines(data: bytes, filename: str = "") -> list[tuple[int, dict]]:
    """The file's rows as (line number, ticket dict), blank lines left out: a page names each bad line."""
    rows = sheet_cells(data, MAX_ROWS + 1)
    if not rows:
        raise DomainError(t("文件为空", "the file is empty"), "file")
    header = [FIELD_OF.get(str(cell or "").strip().lower()) for cell in rows[0]]
    missing = [field for field in ("ticket_no", "plate", "weighed_at", "cargo") if field not in header]
    if missing:
        names = "、".join(HEADERS[field][0] for field in missing)
        raise DomainError(t(f"缺少列：{names}", f"missing columns: {', '.join(missing)}"), "file")
    tickets = []
    for line, row in enumerate(rows[1:], start=2):
        item = {field: _value(field, cell) for field, cell in zip(header, row, strict=False) if field}
        if any(value is not None for value in item.values()):
            tickets.append((line, {key: value for key, value in item.items() if value is not None}))
    return tickets
