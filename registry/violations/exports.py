"""Violations as CSV or XLSX (the gate ledger's tables are registry.ledger.exports).

Rows are read with a server-side cursor in chunks (`yield_per`) as plain column tuples, and written as
they are read, so a 100,000-row export runs in flat memory (scripts/bench_exports.py measures it).
"""

from datetime import datetime

from sqlalchemy import select

from registry.accounts.models import User
from registry.alerts.models import Alert
from registry.common.exports import Column, table_response
from registry.common.i18n import current_language, t
from registry.common.time import LOCAL_TZ, local_day_bounds, today_local
from registry.events.models import PlateEvent, Verdict, Violation, finding_for
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.labels import label
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


def violation_rows(actor, args: dict):
    """The violations the search finds, as flat rows in the reader's language, streamed."""
    flat = (
        select(
            Violation.id,
            Violation.status,
            Violation.rule,
            Violation.severity,
            PlateEvent.plate,
            PlateEvent.plate_color,
            PlateEvent.captured_at,
            PlateEvent.direction,
            Gate.name,
            Gate.code,
            Firm.name,
            Verdict.emission_stage,
            Alert.level,
            Verdict.stored_findings,
            Violation.alert_id,
            User.username,
            Violation.reviewed_at,
            Violation.note,
        )
        # joined on the partition keys as well (the pass's time, copied on each row), so that each month
        # of violations meets the same month of passes and verdicts
        .join(
            PlateEvent,
            (Violation.plate_event_id == PlateEvent.id) & (PlateEvent.captured_at == Violation.captured_at),
        )
        .join(Gate, PlateEvent.gate_id == Gate.id)
        .join(Firm, Gate.firm_id == Firm.id)
        .join(Verdict, (Verdict.plate_event_id == PlateEvent.id) & (Verdict.pass_at == Violation.captured_at))
        .outerjoin(Alert, Violation.alert_id == Alert.id)
        .outerjoin(User, Violation.reviewed_by_id == User.id)
    )
    flat = apply_filters(flat, actor, args).order_by(*ordering(args))
    for column in (PlateEvent.captured_at, Verdict.pass_at):  # the same days, for each table's months
        if args.get("from_"):
            flat = flat.where(column >= local_day_bounds(args["from_"])[0])
        if args.get("to"):
            flat = flat.where(column < local_day_bounds(args["to"])[1])
    message = "message_en" if current_language() == "en" else "message_zh"
    result = db.session.execute(flat.execution_options(yield_per=CHUNK, stream_results=True))
    for row in result:
        (vid, status, rule, severity, plate, colour, at, direction, gate_name, gate_code, firm, stage, level,
         findings, alert_id, reviewer, reviewed, note) = row  # fmt: skip
        yield [
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


def violations_export(actor, args: dict, fmt: str):
    filename = f"violations-{today_local().isoformat()}"
    return table_response(fmt, filename, t("违规记录", "violations"), VIOLATION_COLUMNS, violation_rows(actor, args))
