"""Checking an exported ledger workbook (XLSX) against its own seals sheet: every day's rows in the file
hashed as the chain hashes them, every link's digest recomputed and following the previous one; with
the database at hand, every seal in the file is also one the platform made."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from registry.common.time import LOCAL_TZ
from registry.common.workbooks import open_workbook
from registry.extensions import db
from registry.labels.table import LABELS
from registry.ledger.chain import Link, Row, rows_digest
from registry.ledger.exports import LEDGER_COLUMNS, SEAL_COLUMNS, SEAL_KINDS
from registry.ledger.models import LedgerSeal
from registry.ledger.sealing import Problem, Report
from registry.violations.exports import NO_PLATE_ZH

DIRECTIONS = {word: code for code, words in LABELS["direction"].items() for word in (*words, code)}
KINDS = {word: code for code, words in SEAL_KINDS.items() for word in (*words, code)}
NO_PLATE = {NO_PLATE_ZH, "no plate"}


def _columns(header, columns) -> dict[str, int]:
    """Where each column is, by its title in either language (keyed by its Chinese title)."""
    where = {}
    for index, title in enumerate(header):
        for column in columns:
            if title in (column.zh, column.en):
                where[column.zh] = index
    return where


def _moment(cell) -> datetime:
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=LOCAL_TZ) if cell.tzinfo is None else cell
    return datetime.strptime(str(cell).strip(), "%Y%m%d %H%M%S").replace(tzinfo=LOCAL_TZ)


def file_rows(sheet) -> dict[date, list[Row]]:
    rows = sheet.iter_rows(values_only=True)
    at = _columns(next(rows), LEDGER_COLUMNS)
    by_day: dict[date, list[Row]] = {}
    for cells in rows:
        if not any(cells):
            continue
        moment = _moment(cells[at["进出厂时间"]])
        number = int(str(cells[at["车辆照片"]]).rsplit("/", 1)[-1])
        plate = str(cells[at["车牌号码"]] or "")
        gate = re.search(r"（([^（）]+)）$", str(cells[at["门禁"]])).group(1)
        row = Row(moment.strftime("%Y%m%d%H%M%S"), number, DIRECTIONS[cells[at["进出厂方向"]]],
                  "" if plate in NO_PLATE else plate, gate)  # fmt: skip
        by_day.setdefault(moment.date(), []).append(row)
    return by_day


def _when(text) -> datetime | None:
    return datetime.fromisoformat(str(text)).astimezone(UTC) if text else None


def verify_workbook(data: bytes, firm_id: int, against_database: bool = True) -> Report:
    book = open_workbook(data)  # bounded before it is parsed (registry.common.workbooks)
    table, seals = book.worksheets[0], book.worksheets[-1]
    by_day = file_rows(table)
    report = Report(firm_id)
    lines = seals.iter_rows(values_only=True)
    at = _columns(next(lines), SEAL_COLUMNS)
    previous, last_of_day = None, {}
    for cells in lines:
        if not any(cells):
            continue
        report.links += 1
        day = date.fromisoformat(str(cells[at["日期"]]))
        link = Link(firm_id, day, KINDS[cells[at["类型"]]], _when(cells[at["接收时间起（UTC）"]]),
                    _when(cells[at["接收时间止（UTC）"]]), int(cells[at["本段行数"]]), cells[at["本段摘要"]],
                    int(cells[at["当日行数"]]), cells[at["当日摘要"]], cells[at["前一摘要"]])  # fmt: skip
        digest = cells[at["摘要"]]
        if link.digest() != digest or (previous is not None and link.previous_digest != previous):
            report.problems.append(Problem(day, "broken chain", "a seal in the file does not follow its previous"))
        if against_database and not db.session.scalar(
            select(LedgerSeal.id).where(LedgerSeal.firm_id == firm_id, LedgerSeal.digest == digest)
        ):
            report.problems.append(Problem(day, "broken chain", "a seal in the file the platform never made"))
        previous, last_of_day[day] = digest, link
    for day, link in sorted(last_of_day.items()):
        found = rows_digest(by_day.get(day, []))
        if found != (link.day_count, link.day_digest):
            sealed, now = link.day_count, found[0]
            kind = "changed" if sealed == now else "deleted" if now < sealed else "inserted"
            report.problems.append(Problem(day, kind, f"sealed {sealed} rows, the file has {now}"))
    for day in sorted(set(by_day) - set(last_of_day)):
        report.problems.append(Problem(day, "unsealed", f"{len(by_day[day])} rows of a day not sealed yet"))
    return report
