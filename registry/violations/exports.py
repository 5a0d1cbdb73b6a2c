"""Violations as CSV or XLSX, and a firm's electronic gate ledger in the MEE 2020 table 3 layout.

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
from registry.documents.models import VehicleDocument
from registry.events.models import PlateEvent, Verdict, Violation, finding_for
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.labels import label
from registry.vehicles.models import Vehicle
from registry.violations.services import apply_filters, ordering
from registry.weighbridge.models import WeighTicket

CHUNK = 1000


def _local(moment) -> datetime | None:
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
            _local(at),
            label("direction", direction),
            f"{gate_name}（{gate_code}）",
            firm,
            label("stage", stage),
            label("alert_level", level),
            finding_for(findings, rule, alert_id).get(message, ""),
            reviewer or "",
            _local(reviewed),
            note or "",
        ]


def violations_export(actor, args: dict, fmt: str):
    filename = f"violations-{today_local().isoformat()}"
    return table_response(fmt, filename, t("违规记录", "violations"), VIOLATION_COLUMNS, violation_rows(actor, args))


# MEE 2020 mobile-source guide, table 3 (DOMAIN.md 4): one row per vehicle pass. Cargo and quantity come
# from the weighbridge ticket matched to the pass (registry.weighbridge), the fleet from the vehicle's
# owner, the documents from its photos (registry.documents); docs/ledger.md maps every column.
LEDGER_TIME = ("%Y%m%d %H%M%S", "yyyymmdd hhmmss")  # the guide's layout, as text (CSV) or a date cell (XLSX)
LEDGER_COLUMNS = [
    Column("序号", "no.", 8),
    Column("进出厂时间", "time in or out", 17, LEDGER_TIME),
    Column("进出厂方向", "direction", 8),
    Column("车辆照片", "vehicle photo", 40),
    Column("车牌号码", "plate", 12),  # char 10
    Column("注册登记日期", "registration date", 12, ("%Y%m%d", "yyyymmdd")),
    Column("车辆识别代号（VIN）", "VIN", 20),  # char 17
    Column("发动机号码", "engine number", 16),  # char 32
    Column("排放阶段", "emission stage", 9),  # char 1: 0-6, D (the guide's codes)
    Column("随车清单/行驶证", "documents", 14),
    Column("货物名称", "cargo", 14),  # char 32
    Column("运输量（吨）", "tonnes", 10),  # num 4,1
    Column("车队名称", "fleet", 20),  # char 100
    Column("门禁", "gate", 18),
    Column("判定结果", "decision", 11),
    Column("时间来源", "time source", 16),  # a time that is not the camera's is marked
]
TIME_SOURCES_ZH = {"camera": "相机", "envelope": "消息时间（相机未给抓拍时间）", "receiver": "平台接收时间"}
NO_PLATE_ZH = "无牌车"


def ledger_rows(firm_id: int, start, end, base_url: str):
    """Table 3's rows: the pass, its vehicle as registered, the link to the vehicle's documents (行驶证,
    随车清单) where it has any, the cargo and net tonnes of the weighbridge ticket matched to it, and
    the fleet (the vehicle's owner)."""
    has_documents = (
        select(VehicleDocument.id).where(VehicleDocument.vehicle_id == PlateEvent.vehicle_id).exists()
    ).label("has_documents")
    query = (
        select(
            PlateEvent.id,
            PlateEvent.captured_at,
            PlateEvent.direction,
            PlateEvent.plate,
            Vehicle.registration_date,
            Vehicle.vin,
            Vehicle.engine_no,
            Verdict.emission_stage,
            Gate.name,
            Gate.code,
            Verdict.decision,
            PlateEvent.time_source,
            PlateEvent.vehicle_id,
            has_documents,
            WeighTicket.cargo,
            WeighTicket.net_t,
            Vehicle.owner,
        )
        .join(Gate, PlateEvent.gate_id == Gate.id)
        .outerjoin(WeighTicket, (WeighTicket.firm_id == firm_id) & (WeighTicket.pass_id == PlateEvent.id))
        # the verdict's copy of its pass's time, bounded too: only the range's months of verdicts are read
        .join(Verdict, (Verdict.plate_event_id == PlateEvent.id) & (Verdict.pass_at == PlateEvent.captured_at))
        .outerjoin(Vehicle, PlateEvent.vehicle_id == Vehicle.id)
        .where(PlateEvent.gate_id.in_(select(Gate.id).where(Gate.firm_id == firm_id)))
        .where(PlateEvent.captured_at >= start, PlateEvent.captured_at < end)
        .where(Verdict.pass_at >= start, Verdict.pass_at < end)
        .order_by(PlateEvent.captured_at, PlateEvent.id)
    )
    result = db.session.execute(query.execution_options(yield_per=CHUNK, stream_results=True))
    for seq, row in enumerate(result, 1):
        pass_id, at, direction, plate, registered, vin, engine_no, stage, gate, code, decision, time_source = row[:12]
        vehicle_id, documented, cargo, tonnes, fleet = row[12:]
        documents = f"{base_url}/api/v1/vehicles/{vehicle_id}/documents" if documented else ""
        yield [
            seq,
            _local(at),
            label("direction", direction),
            f"{base_url}/api/v1/events/{pass_id}",
            plate or t(NO_PLATE_ZH, "no plate"),
            datetime.combine(registered, datetime.min.time()) if registered else None,
            vin or "",
            engine_no or "",
            stage or "",
            documents,
            cargo or "",
            round(float(tonnes), 1) if tonnes is not None else None,  # num 4,1
            fleet or "",
            f"{gate}（{code}）",
            label("decision", decision),
            t(TIME_SOURCES_ZH.get(time_source, time_source), label("time_source", time_source)),
        ]


def ledger_export(firm: Firm, start_day, end_day, bounds, fmt: str, base_url: str):
    filename = f"gate-ledger-{firm.id}-{start_day.isoformat()}-{end_day.isoformat()}"
    rows = ledger_rows(firm.id, bounds[0], bounds[1], base_url)
    return table_response(fmt, filename, t("门禁电子台账", "gate ledger"), LEDGER_COLUMNS, rows)
