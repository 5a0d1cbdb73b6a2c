"""A station software's export as result items: the header row mapped to the product's fields by the
vendor's mapping (kept as data, registry.sensing.models.SensingMapping) over the common headers below,
each line numbered as the file numbers it, so that a page names each bad line.

The common headers are the vendor field lists' words (DOMAIN.md 9): 检测时间, 车牌号码, 不透光度, ..."""

from __future__ import annotations

from datetime import datetime

from registry.common.errors import DomainError
from registry.common.i18n import t
from registry.common.sheets import cell_text, sheet_cells
from registry.common.time import LOCAL_TZ, spreadsheet_moment

MAX_ROWS = 20000
HEADERS = {
    "measured_at": ("检测时间", "监测时间", "测量时间", "过车时间", "时间", "measured_at"),
    "station": ("站点编号", "监测点编号", "站点", "station"),
    "lane": ("车道", "车道号", "lane"),
    "plate": ("车牌号码", "车牌号", "号牌号码", "plate"),
    "plate_color": ("车牌颜色", "号牌颜色", "plate_color"),
    "vehicle_type": ("车辆类型", "车型", "vehicle_type"),
    "fuel": ("燃料类型", "燃油类型", "燃料", "fuel"),
    "speed_kmh": ("车速", "速度", "车速(km/h)", "车速（km/h）", "speed_kmh"),
    "acceleration": ("加速度", "加速度(m/s2)", "acceleration"),
    "wind_speed": ("风速", "风速(m/s)", "wind_speed"),
    "temperature": ("温度", "环境温度", "气温", "temperature"),
    "humidity": ("湿度", "相对湿度", "humidity"),
    "pressure": ("气压", "大气压", "大气压力", "pressure"),
    "opacity": ("不透光度", "烟度", "不透光度(%)", "opacity"),
    "no_ppm": ("NO", "NO(ppm)", "一氧化氮", "no_ppm"),
    "co2_percent": ("CO2", "CO2(%)", "二氧化碳", "co2_percent"),
    "hc_ppm": ("HC", "HC(ppm)", "碳氢", "hc_ppm"),
    "co_percent": ("CO", "CO(%)", "一氧化碳", "co_percent"),
    "ringelmann": ("林格曼黑度", "林格曼", "黑度", "ringelmann"),
    "picture_near": ("近景图片", "近景照片", "车辆图片", "picture_near"),
    "picture_far": ("远景图片", "远景照片", "picture_far"),
    "station_valid": ("有效性", "数据有效性", "是否有效", "station_valid"),
    "station_result": ("检测结果", "判定结果", "结果", "station_result"),
    "ignored": ("忽略的字段", "ignored"),  # a vendor's columns or keys the product does not use
}
REQUIRED = ("measured_at", "plate")
IGNORED = "ignored"  # a mapping's headers (or push keys) the product does not use: dropped, not refused


def _key(text) -> str:
    return str(text or "").strip().lower().replace("（", "(").replace("）", ")").replace(" ", "")


def header_fields(columns: dict | None) -> dict[str, str]:
    """header (normalised) -> field: the vendor's own headers first, then the common ones."""
    found = {_key(alias): field for field, aliases in HEADERS.items() for alias in aliases}
    for field, headers in (columns or {}).items():
        for header in [headers] if isinstance(headers, str) else headers or []:
            found[_key(header)] = field
    return found


def pushed_item(body, columns: dict | None, time_format: str | None):
    """A station's pushed object with its keys read by the station's mapping (its vendor's names, or
    the common Chinese headers, become the product's fields; keys the mapping ignores are dropped) and
    a local time without an offset given one, as its files are. Anything else is left for the schema to
    refuse, naming the key."""
    if not isinstance(body, dict):
        return body
    fields = header_fields(columns)
    item = {}
    for key, value in body.items():
        field = key if key in HEADERS else fields.get(_key(key), key)
        if field != IGNORED:
            item[field] = value
    if isinstance(item.get("measured_at"), str):
        item["measured_at"] = _value("measured_at", item["measured_at"], time_format)
    return item


def _value(field: str, cell, time_format: str | None):
    text = cell_text(cell)
    if text is None or field != "measured_at" or isinstance(cell, datetime):
        return text
    if time_format:
        try:
            return datetime.strptime(text, time_format).replace(tzinfo=LOCAL_TZ).isoformat()
        except ValueError:
            return text  # the schema says what is wrong with it
    moment = spreadsheet_moment(text)
    return moment.isoformat() if moment else text


def result_lines(data: bytes, columns: dict | None = None, time_format: str | None = None) -> list[tuple[int, dict]]:
    """The file's rows as (line number, result item), blank lines left out; a DomainError when the file
    has no header row the mapping can read."""
    rows = sheet_cells(data, MAX_ROWS + 1)
    if not rows:
        raise DomainError(t("文件为空", "the file is empty"), "file")
    if len(rows) > MAX_ROWS:
        raise DomainError(t(f"一次最多导入 {MAX_ROWS - 1} 行", f"at most {MAX_ROWS - 1} rows at a time"), "file")
    fields = header_fields(columns)
    header = [fields.get(_key(cell)) for cell in rows[0]]
    header = [None if field == IGNORED else field for field in header]
    missing = [field for field in REQUIRED if field not in header]
    if missing:
        names = "、".join(HEADERS[field][0] for field in missing)
        raise DomainError(
            t(
                f"缺少列：{names}（请检查厂商列映射）",
                f"missing columns: {', '.join(missing)} (check the vendor mapping)",
            ),
            "file",
        )
    items = []
    for line, row in enumerate(rows[1:], start=2):
        item = {f: _value(f, cell, time_format) for f, cell in zip(header, row, strict=False) if f}
        item = {key: value for key, value in item.items() if value is not None}
        if item:
            items.append((line, item))
    return items
