"""Violations as CSV or XLSX (the gate ledger's tables are registry.ledger.exports).

Rows are read with a server-side cursor in chunks (`yield_per`) as plain column tuples, and written as
they are read, so a 100,000-row export runs in flat memory (scripts/bench_exports.py measures it).
"""

from datetime import datetime
from itertools import groupby

from sqlalchemy import case, cast, func, literal, select
from sqlalchemy.dialects.postgresql import JSONPATH

from registry.accounts.models import User
from registry.alerts.models import Alert
from registry.common.copying import in_database, inert, labelled, local_text
from registry.common.exports import (
    Column,
    Sheet,
    as_driver_gives,
    copied_csv_response,
    csv_response,
    streamed,
    workbook_response,
)
from registry.common.i18n import current_language, t
from registry.common.time import LOCAL_TZ, local_day_bounds, local_minute, today_local, utcnow
from registry.events.models import PlateEvent, Verdict, Violation, finding_for
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.labels import label, labeller
from registry.violations.services import apply_filters, ordering

CHUNK = 1000
NO_PLATE_ZH = "无牌车"


def local_cell(moment) -> datetime | None:
    """An aware moment as the district's wall-clock time, for a date cell (XLSX) or text (CSV)."""
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None) if moment else None


VIOLATION_COLUMNS = [
    Column("编号", "id", 10),
    Column("状态", "status", 9),
    Column("规则", "rule", 22),
    Column("严重程度", "severity", 9),
    Column("号牌号码", "plate", 12),
    Column("号牌颜色", "plate colour", 9),
    Column("过车时间", "time of the pass", 20),
    Column("方向", "direction", 7),
    Column("门禁", "gate", 18),
    Column("企业", "firm", 28),
    Column("排放阶段", "emission stage", 10),
    Column("预警级别", "alert level", 11),
    Column("说明", "why", 48),
    Column("复核人", "reviewed by", 12),
    Column("复核时间", "reviewed at", 20),
    Column("复核备注", "review note", 30),
]


def _flat(actor, args: dict, by_pass: bool = False):
    """The violations the search finds as plain column tuples, streamed; `by_pass`: ordered so that each
    pass's findings come together. Only the three tables that grow are joined, each read in the search's
    days only (the pass's time is copied on each row); gates, firms,
    alerts and reviewers are named from small look-ups (`Names`), not joined: the planner would re-scan
    them for every row."""
    flat = (
        select(
            Violation.id,
            as_driver_gives(Violation.status),
            Violation.rule,
            as_driver_gives(Violation.severity),
            PlateEvent.plate,
            as_driver_gives(PlateEvent.plate_color),
            as_driver_gives(PlateEvent.captured_at),
            as_driver_gives(PlateEvent.direction),
            Violation.gate_id,
            Violation.firm_id,
            Verdict.emission_stage,
            Violation.alert_id,
            Verdict.stored_findings,
            Violation.reviewed_by_id,
            as_driver_gives(Violation.reviewed_at),
            Violation.note,
            Violation.plate_event_id,
            as_driver_gives(Verdict.decision),
        )
        # joined on the pass id alone, each table bounded by the search's days below: joined on the time
        # as well, the planner took the two equalities for independent, expected one row, and merged
        # every pass of the month into the violations (2.9 s a month against 0.6 s by hash)
        .join(PlateEvent, Violation.plate_event_id == PlateEvent.id)
        .join(Verdict, Verdict.plate_event_id == Violation.plate_event_id)
    )
    flat = _in_days(apply_filters(flat, actor, args), args)
    if by_pass:  # in the sort's direction when it is by time, newest first otherwise
        by_time = [Violation.captured_at, Violation.plate_event_id, Violation.id]
        ascending = (args.get("sort") or "-captured_at") == "captured_at"
        flat = flat.order_by(*(c.asc() if ascending else c.desc() for c in by_time))
    else:
        flat = flat.order_by(*ordering(args))
    names = Names()
    for row in streamed(flat):
        yield names.named(row)


class Names:
    """Gates, firms, alerts' levels and reviewers by id, read once per export (a few hundred rows each)."""

    def __init__(self):
        self.gates = {i: (name, code) for i, name, code in db.session.execute(select(Gate.id, Gate.name, Gate.code))}
        self.firms = dict(db.session.execute(select(Firm.id, Firm.name)).all())
        self.alerts = dict(db.session.execute(select(Alert.id, Alert.level)).all())
        self.users = dict(db.session.execute(select(User.id, func.coalesce(User.display_name, User.username))).all())

    def named(self, row) -> tuple:
        """The row as the exports read it: (id, status, rule, severity, plate, colour, time, direction,
        gate name, gate code, firm, stage, alert level, findings, alert id, reviewer, reviewed at, note,
        pass id, decision)."""
        (vid, status, rule, severity, plate, colour, at, direction, gate_id, firm_id, stage, alert_id, findings,
         reviewer_id, reviewed, note, pass_id, decision) = row  # fmt: skip
        gate_name, gate_code = self.gates.get(gate_id, ("", ""))
        return (vid, status, rule, severity, plate, colour, at, direction, gate_name, gate_code,
                self.firms.get(firm_id, ""), stage, self.alerts.get(alert_id), findings, alert_id,
                self.users.get(reviewer_id), reviewed, note, pass_id, decision)  # fmt: skip


def _copied_table(actor, args: dict):
    """`violation_rows` as one SELECT whose cells are what the CSV shows, for the database to write
    (registry.common.copying): the same search, order, days and cells."""
    message = "message_en" if current_language() == "en" else "message_zh"
    # registry.events.models.finding_for: the finding of the rule about the alert, else the first of the rule
    about_alert = "$[*] ? (@.rule == $r && (@.alert_id == $a || (!exists(@.alert_id) && $a == null)))"
    finding = func.coalesce(
        func.jsonb_path_query_first(
            Verdict.stored_findings,
            cast(literal(about_alert), JSONPATH),
            func.jsonb_build_object("r", Violation.rule, "a", Violation.alert_id),
        ),
        func.jsonb_path_query_first(
            Verdict.stored_findings,
            cast(literal("$[*] ? (@.rule == $r)"), JSONPATH),
            func.jsonb_build_object("r", Violation.rule),
        ),
    )
    no_plate = t(NO_PLATE_ZH, "no plate")
    table = (
        select(
            Violation.id,
            labelled("violation_status", Violation.status),
            labelled("rule", Violation.rule),
            labelled("severity", Violation.severity),
            case((PlateEvent.plate == "", literal(no_plate)), else_=inert(PlateEvent.plate)),
            labelled("plate_colour", PlateEvent.plate_color),
            local_text(PlateEvent.captured_at),
            labelled("direction", PlateEvent.direction),
            inert(Gate.name + "（" + Gate.code + "）"),
            inert(func.coalesce(Firm.name, "")),  # a road checkpoint's violation has no firm
            labelled("stage", Verdict.emission_stage),
            labelled("alert_level", Alert.level),
            inert(func.coalesce(finding.op("->>")(message), "")),
            inert(func.coalesce(User.display_name, User.username)),
            local_text(Violation.reviewed_at),
            inert(Violation.note),
        )
        .join(PlateEvent, Violation.plate_event_id == PlateEvent.id)  # on the id alone, as `_flat`
        .join(Verdict, Verdict.plate_event_id == Violation.plate_event_id)
        .join(Gate, Gate.id == Violation.gate_id)
        .outerjoin(Firm, Firm.id == Violation.firm_id)
        .outerjoin(Alert, Alert.id == Violation.alert_id)
        .outerjoin(User, User.id == Violation.reviewed_by_id)
    )
    return _in_days(apply_filters(table, actor, args), args).order_by(*ordering(args))


def _in_days(query, args: dict):
    """The search's days on the passes and the verdicts too, so that each is read in those months only."""
    for column in (PlateEvent.captured_at, Verdict.pass_at):
        if args.get("from_"):
            query = query.where(column >= local_day_bounds(args["from_"])[0])
        if args.get("to"):
            query = query.where(column < local_day_bounds(args["to"])[1])
    return query


def _finding_row(row, label, message: str) -> list:
    """A row of `_flat` as the export's row of one finding."""
    (vid, status, rule, severity, plate, colour, at, direction, gate_name, gate_code, firm, stage, level,
     findings, alert_id, reviewer, reviewed, note, _, _) = row  # fmt: skip
    return [
        vid,
        label("violation_status", status),
        label("rule", rule),
        label("severity", severity),
        plate or t(NO_PLATE_ZH, "no plate"),
        label("plate_colour", colour),
        local_cell(at),
        label("direction", direction),
        f"{gate_name}（{gate_code}）",
        firm,
        label("stage", stage),
        label("alert_level", level),
        finding_for(findings, rule, alert_id).get(message, ""),
        reviewer or "",
        local_cell(reviewed),
        note or "",
    ]


def violation_rows(actor, args: dict):
    """The violations the search finds, one row each (one finding), in the reader's language, streamed."""
    message = "message_en" if current_language() == "en" else "message_zh"
    label = labeller()
    for row in _flat(actor, args):
        yield _finding_row(row, label, message)


PASS_COLUMNS = [
    Column("过车编号", "pass", 12),
    Column("过车时间", "time of the pass", 20),
    Column("号牌号码", "plate", 12),
    Column("号牌颜色", "plate colour", 9),
    Column("方向", "direction", 7),
    Column("门禁", "gate", 18),
    Column("企业", "firm", 28),
    Column("排放阶段", "emission stage", 10),
    Column("判定结果", "decision", 11),
    Column("违规判定及处理", "findings and their review", 60),
    Column("预警级别", "alert level", 11),
    Column("复核人", "reviewed by", 14),
    Column("复核时间", "reviewed at", 20),
]


def _pass_row(rows: list, label) -> list:
    """The rows of `_flat` of one pass as the export's row of the pass: its findings, each with how it
    was reviewed."""
    first = rows[0]
    findings = "；".join(
        f"{label('rule', row[2])}（{label('violation_status', row[1])}{'：' + row[17] if row[17] else ''}）"
        for row in rows
    )
    reviewers = "、".join(dict.fromkeys(row[15] for row in rows if row[15]))
    reviewed = max((row[16] for row in rows if row[16]), default=None)
    level = next((row[12] for row in rows if row[12]), None)
    return [
        first[18],
        local_cell(first[6]),
        first[4] or t(NO_PLATE_ZH, "no plate"),
        label("plate_colour", first[5]),
        label("direction", first[7]),
        f"{first[8]}（{first[9]}）",
        first[10],
        label("stage", first[11]),
        label("decision", first[19]),
        findings,
        label("alert_level", level),
        reviewers,
        local_cell(reviewed),
    ]


def pass_rows(actor, args: dict):
    """One row a pass: its findings the search finds, each with how it was reviewed, streamed."""
    label = labeller()
    for _, group in groupby(_flat(actor, args, by_pass=True), key=lambda row: row[18]):
        yield _pass_row(list(group), label)


def both_sheets(actor, args: dict):
    """The passes' rows and the findings' rows from one read, each as (sheet, row): 0 a pass's row after
    its findings', 1 a finding's. The findings come in the search's order by time, a pass's together
    (the same rows as the page; findings of different passes at the same instant by pass)."""
    message = "message_en" if current_language() == "en" else "message_zh"
    label = labeller()
    for _, group in groupby(_flat(actor, args, by_pass=True), key=lambda row: row[18]):
        rows = list(group)
        for row in rows:
            yield 1, _finding_row(row, label, message)
        yield 0, _pass_row(rows, label)


FILTER_WORDS = {
    "plate": ("号牌", "plate"),
    "plate_prefix": ("号牌前缀", "plate prefix"),
    "gate": ("门禁", "gate"),
    "firm": ("企业", "firm"),
    "firm_id": ("企业编号", "firm id"),
    "rule": ("规则", "rule"),
    "severity": ("严重程度", "severity"),
    "status": ("处理状态", "status"),
    "alert_level": ("预警级别", "alert level"),
    "no_plate": ("无牌车", "no plate"),
}
FILTER_KINDS = {"rule": "rule", "severity": "severity", "status": "violation_status", "alert_level": "alert_level"}


def preamble(actor, args: dict) -> tuple[str, ...]:
    """What a filed export says of itself: what it is, the search it holds, the period, who exported it
    and when."""
    searched = []
    for key, (zh, en) in FILTER_WORDS.items():
        value = args.get(key)
        if value in (None, ""):
            continue
        shown = label(FILTER_KINDS[key], value) if key in FILTER_KINDS else str(getattr(value, "value", value))
        searched.append(f"{t(zh, en)}：{shown}")
    start, end = args.get("from_"), args.get("to")
    period = f"{start or '…'} – {end or '…'}" if start or end else t("全部", "all")
    who = getattr(actor, "display_name", None) or getattr(actor, "username", "")
    return (
        t("违规记录", "Violations"),
        t(f"过车日期：{period}", f"Days of the passes: {period}"),
        t("筛选条件：", "Search: ") + ("；".join(searched) or t("无", "none")),
        t(f"导出时间：{local_minute(utcnow())} · 导出人：{who}", f"Exported {local_minute(utcnow())} by {who}"),
    )


def violations_export(actor, args: dict, fmt: str):
    """CSV: one row a finding, the table alone (a header, then rows: what CSV readers expect). XLSX: a
    sheet with one row a pass (its findings and their review together) and one with each finding, each
    with a title and what the export holds above it."""
    filename = f"violations-{today_local().isoformat()}"
    if fmt == "csv" and in_database():
        return copied_csv_response(f"{filename}.csv", VIOLATION_COLUMNS, _copied_table(actor, args))
    if fmt == "csv":
        return csv_response(f"{filename}.csv", VIOLATION_COLUMNS, violation_rows(actor, args))
    title = preamble(actor, args)
    by_pass, each = t("违规记录（按过车）", "violations by pass"), t("违规判定明细", "each finding")
    if (args.get("sort") or "-captured_at").lstrip("-") == "captured_at":  # both sheets from one read
        sheets = [Sheet(by_pass, PASS_COLUMNS, preamble=title), Sheet(each, VIOLATION_COLUMNS, preamble=title)]
        return workbook_response(f"{filename}.xlsx", sheets, both_sheets(actor, args))
    sheets = [
        Sheet(by_pass, PASS_COLUMNS, pass_rows(actor, args), title),
        Sheet(each, VIOLATION_COLUMNS, violation_rows(actor, args), title),
    ]
    return workbook_response(f"{filename}.xlsx", sheets)
