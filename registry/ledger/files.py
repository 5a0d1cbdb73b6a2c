"""Checking an exported ledger workbook (XLSX) against its own seals sheet and the platform's chain.

Every row of tables 3, 4 and 5 in the file is read back into the chain's form (registry.ledger.chain:
codes for words in either language, dates as yyyymmdd) and compared with what the links named in the
file sealed: each cell that differs is named with its day, its row and its column. With the database at
hand, every seal in the file must be one the platform made, and a cell that differs from the seal but
agrees with the database now is a change that arrived after sealing (`unsealed`: the next run seals it as
an amendment), not a forgery. Without the database, only the digests can be compared: a day or a table
is then said to differ, not which cell."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from registry.common.time import LOCAL_TZ, utcnow
from registry.common.workbooks import open_workbook
from registry.extensions import db
from registry.labels.table import LABELS
from registry.ledger import rows as ledger_rows
from registry.ledger.chain import (
    KIND_TABLE,
    TABLE3,
    TABLES,
    Change,
    Link,
    Row,
    differences,
    legacy_digest,
    rows_digest,
    tonnes_text,
)
from registry.ledger.exports import (
    IN_USE,
    LEDGER_COLUMNS,
    PLANT_MACHINERY_COLUMNS,
    PLANT_VEHICLE_COLUMNS,
    SEAL_COLUMNS,
    SEAL_KINDS,
    TIME_SOURCES_ZH,
)
from registry.ledger.models import LedgerSeal
from registry.ledger.sealing import Problem, Report, days_now, problem_of, sealed_state
from registry.violations.exports import NO_PLATE_ZH


def _codes(kind: str, extra: dict | None = None) -> dict[str, str]:
    words = {word: code for code, pair in LABELS[kind].items() for word in (*pair, code)}
    for code, pair in (extra or {}).items():
        words.update({word: code for word in (*pair, code)})
    return words


DIRECTIONS = _codes("direction")
DECISIONS = _codes("decision")
TIME_SOURCES = _codes("time_source", {code: (zh,) for code, zh in TIME_SOURCES_ZH.items()})
FUELS = _codes("fuel")
MACHINE_TYPES = _codes("machine_type")
MACHINE_STATUSES = _codes("machinery_status")
STAGES = _codes("stage")  # a stage is written as its word (国五); files exported before said the code (5)
MACHINE_STAGES = _codes("machine_stage")
# Seal sheets exported before the times were written in Beijing time called their columns (UTC); the
# instant is the same either way, read with its offset.
SEAL_TIME_TITLES = {"接收时间起（UTC）": "接收时间起（北京时间）", "接收时间止（UTC）": "接收时间止（北京时间）"}
IN_USE_CODES = {word: code for code, pair in IN_USE.items() for word in pair}
KINDS = {word: code for code, words in SEAL_KINDS.items() for word in (*words, code)}
NO_PLATE = {NO_PLATE_ZH, "no plate"}


def _columns(header, columns) -> dict[str, int]:
    """Where each column is, by its title in either language (keyed by its Chinese title)."""
    where = {}
    for index, title in enumerate(header):
        title = SEAL_TIME_TITLES.get(title, title)
        for column in columns:
            if title in (column.zh, column.en):
                where[column.zh] = index
    return where


def _header(lines, columns) -> dict[str, int]:
    """The table's header row, past the lines above it that say what the sheet is (its title, the firm,
    the period): the first row that names at least two of the columns."""
    for cells in lines:
        at = _columns(cells, columns)
        if len(at) >= 2:
            return at
    raise ValueError("no header row")


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()


def _day(cell) -> str:
    return cell.strftime("%Y%m%d") if isinstance(cell, (date, datetime)) else _text(cell)


def _moment(cell) -> datetime:
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=LOCAL_TZ) if cell.tzinfo is None else cell
    return datetime.strptime(_text(cell), "%Y%m%d %H%M%S").replace(tzinfo=LOCAL_TZ)


def _tonnes(cell) -> str:
    try:
        return tonnes_text(cell) if cell not in (None, "") else ""
    except ValueError:
        return _text(cell)


def _word(cell, codes: dict[str, str]) -> str:
    return codes.get(_text(cell), _text(cell))


def file_rows(sheet) -> dict[date, dict[int, Row]]:
    """Table 3 of the file, by local day and pass."""
    lines = sheet.iter_rows(values_only=True)
    at = _header(lines, LEDGER_COLUMNS)
    by_day: dict[date, dict[int, Row]] = {}
    for cells in lines:
        if not any(cells):
            continue

        def cell(title, cells=cells):
            return cells[at[title]] if title in at else None

        moment = _moment(cell("进出厂时间"))
        number = int(_text(cell("车辆照片")).rsplit("/", 1)[-1])
        plate = _text(cell("车牌号码"))
        values = {
            "进出厂方向": _word(cell("进出厂方向"), DIRECTIONS),
            "车牌号码": "" if plate in NO_PLATE else plate,
            "注册登记日期": _day(cell("注册登记日期")),
            "随车清单/行驶证": "1" if _text(cell("随车清单/行驶证")) else "",
            "运输量（吨）": _tonnes(cell("运输量（吨）")),
            "判定结果": _word(cell("判定结果"), DECISIONS),
            "时间来源": _word(cell("时间来源"), TIME_SOURCES),
            "排放阶段": _word(cell("排放阶段"), STAGES),
        }
        for title in ("车辆识别代号（VIN）", "发动机号码", "货物名称", "车队名称", "门禁"):
            values[title] = _text(cell(title))
        stamp = moment.astimezone(LOCAL_TZ).strftime("%Y%m%d%H%M%S")
        row = Row(stamp, number, (stamp, *(values[title] for title in TABLE3[1:])))
        by_day.setdefault(moment.astimezone(LOCAL_TZ).date(), {})[number] = row
    return by_day


def register_rows(sheet, table: str) -> dict[int, Row]:
    """Table 4 or 5 of the file, by row number (序号)."""
    lines = sheet.iter_rows(values_only=True)
    columns = PLANT_VEHICLE_COLUMNS if table == "4" else PLANT_MACHINERY_COLUMNS
    at = _header(lines, columns)
    rows = {}
    for cells in lines:
        if not any(cells):
            continue
        c = [cells[at[column.zh]] if column.zh in at else None for column in columns]
        if table == "4":
            values = (_text(c[1]), _day(c[2]), _text(c[3]), _text(c[4]), _word(c[5], STAGES), _word(c[6], FUELS),
                      _word(c[7], IN_USE_CODES))  # fmt: skip
        else:
            values = (_text(c[1]), _day(c[2]), _word(c[3], MACHINE_STAGES), _text(c[4]), "1" if _text(c[5]) else "",
                      _word(c[6], MACHINE_TYPES), _word(c[7], MACHINE_STATUSES))  # fmt: skip
        rows[int(c[0])] = Row("", int(c[0]), values)
    return rows


def _when(text) -> datetime | None:
    return datetime.fromisoformat(str(text)).astimezone(UTC) if text else None


def _file_links(sheet, firm_id: int, report: Report, against_database: bool) -> dict[tuple, tuple[Link, int | None]]:
    """The file's seals: the last one of each day and table, with the platform's own link's id."""
    lines = sheet.iter_rows(values_only=True)
    at = _header(lines, SEAL_COLUMNS)
    last: dict[tuple, tuple[Link, int | None]] = {}
    for cells in lines:
        if not any(cells):
            continue
        report.links += 1
        day = date.fromisoformat(str(cells[at["日期"]]))
        kind = KINDS[cells[at["类型"]]]
        fmt = int(cells[at["格式"]]) if "格式" in at and cells[at["格式"]] else 1
        after, until = _when(cells[at["接收时间起（北京时间）"]]), _when(cells[at["接收时间止（北京时间）"]])
        link = Link(firm_id, day, kind, after, until, int(cells[at["本段行数"]]), cells[at["本段摘要"]],
                    int(cells[at["当日行数"]]), cells[at["当日摘要"]], cells[at["前一摘要"]], fmt)  # fmt: skip
        digest = cells[at["摘要"]]
        if link.digest() != digest:
            report.problems.append(Problem(day, "broken chain", "a seal in the file does not match its own digest"))
        seal_id = None
        if against_database:
            seal_id = db.session.scalar(
                select(LedgerSeal.id).where(LedgerSeal.firm_id == firm_id, LedgerSeal.digest == digest)
            )
            if seal_id is None:
                report.problems.append(Problem(day, "broken chain", "a seal in the file the platform never made"))
        table = KIND_TABLE[kind]
        last[(table, day if table == "3" else None)] = (link, seal_id)
    return last


def _sealed(firm_id: int, table: str, day: date | None, seal_id: int) -> dict[int, Row] | None:
    """The day (or table) as the platform's links up to `seal_id` sealed it."""
    kinds = ("day", "amendment") if table == "3" else (f"table{table}",)
    query = select(LedgerSeal).where(LedgerSeal.firm_id == firm_id, LedgerSeal.kind.in_(kinds))
    if day is not None:
        query = query.where(LedgerSeal.day == day)
    return sealed_state(list(db.session.scalars(query.where(LedgerSeal.id <= seal_id).order_by(LedgerSeal.id))))


def _judge(report: Report, day: date, changes: list[Change], table: str, now: dict[int, Row] | None) -> None:
    """Each difference from the seal: `unsealed` where the database now says the same (a change after
    sealing), else what it is."""
    for change in changes:
        agrees = now is not None and (
            (change.kind == "changed" and (row := now.get(change.key)) is not None
             and row.cells[TABLES[table].index(change.column)] == change.found)
            or (change.kind == "inserted" and change.key in now)
        )  # fmt: skip
        problem = problem_of(day, change, table, "文件中为")
        if agrees:
            problem.kind = "unsealed"
        report.problems.append(problem)


def verify_workbook(data: bytes, firm_id: int, against_database: bool = True) -> Report:
    book = open_workbook(data)  # bounded before it is parsed (registry.common.workbooks)
    sheets = book.worksheets
    report = Report(firm_id)
    links = _file_links(sheets[-1], firm_id, report, against_database)
    by_day = file_rows(sheets[0])
    registers = {"4": register_rows(sheets[1], "4"), "5": register_rows(sheets[2], "5")} if len(sheets) >= 4 else {}
    for (table, day), (link, seal_id) in sorted(links.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        found = by_day.get(day, {}) if table == "3" else registers.get(table)
        if found is None:
            continue
        if seal_id is None or link.format == 1:
            count, digest = (legacy_digest if link.format == 1 else rows_digest)(found.values())
            if (count, digest) != (link.day_count, link.day_digest):
                kind = "changed" if count == link.day_count else "deleted" if count < link.day_count else "inserted"
                detail = f"sealed {link.day_count} rows, the file has {count}"
                report.problems.append(Problem(link.day, kind, detail, table))
            continue
        sealed = _sealed(firm_id, table, day, seal_id) or {}
        changes = differences(sealed, found, table)
        if changes:
            _judge(report, link.day, changes, table, _now(firm_id, table, day) if against_database else None)
    for day in sorted(set(by_day) - {day for table, day in links if table == "3"}):
        report.problems.append(Problem(day, "unsealed", f"{len(by_day[day])} rows of a day not sealed yet"))
    return report


def _now(firm_id: int, table: str, day: date | None) -> dict[int, Row]:
    if table == "4":
        return {row.key: row for row in ledger_rows.table4(firm_id)}
    if table == "5":
        return {row.key: row for row, _ in ledger_rows.table5(firm_id)}
    [(_, found)] = list(days_now(firm_id, day, day, utcnow()))
    return {key: row for key, (row, _) in found.items()}
