"""Violations as CSV or XLSX, and a firm's electronic gate ledger in the MEE 2020 table 3 layout.

Rows are read with a server-side cursor in chunks (`yield_per`) as plain column tuples, and written as
they are read, so a 100,000-row export runs in flat memory (scripts/bench_exports.py measures it).
"""

from sqlalchemy import select

from registry.alerts.models import Alert
from registry.common.exports import table_response
from registry.common.time import LOCAL_TZ, local_day_bounds, today_local
from registry.events.models import PlateEvent, Verdict, Violation, finding_for
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.vehicles.models import Vehicle
from registry.violations.services import apply_filters, ordering

CHUNK = 1000


def _local(moment, layout: str = "%Y-%m-%d %H:%M:%S") -> str:
    return moment.astimezone(LOCAL_TZ).strftime(layout) if moment else ""


VIOLATION_COLUMNS = [
    ("编号", "id"),
    ("状态", "status"),
    ("规则", "rule"),
    ("严重程度", "severity"),
    ("号牌号码", "plate"),
    ("号牌颜色", "plate_color"),
    ("过车时间", "captured_at"),
    ("方向", "direction"),
    ("门禁编码", "gate"),
    ("企业", "firm"),
    ("排放阶段", "emission_stage"),
    ("预警级别", "alert_level"),
    ("说明", "message"),
    ("复核时间", "reviewed_at"),
    ("复核备注", "note"),
]


def violation_rows(actor, args: dict):
    """The violations the search finds, as flat rows, streamed."""
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
            Gate.code,
            Firm.name,
            Verdict.emission_stage,
            Alert.level,
            Verdict.stored_findings,
            Violation.alert_id,
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
    )
    flat = apply_filters(flat, actor, args).order_by(*ordering(args))
    for column in (PlateEvent.captured_at, Verdict.pass_at):  # the same days, for each table's months
        if args.get("from_"):
            flat = flat.where(column >= local_day_bounds(args["from_"])[0])
        if args.get("to"):
            flat = flat.where(column < local_day_bounds(args["to"])[1])
    result = db.session.execute(flat.execution_options(yield_per=CHUNK, stream_results=True))
    for row in result:
        (
            vid,
            status,
            rule,
            severity,
            plate,
            colour,
            at,
            direction,
            gate,
            firm,
            stage,
            level,
            findings,
            alert_id,
            reviewed,
            note,
        ) = row
        message = finding_for(findings, rule, alert_id).get("message_zh", "")
        yield [
            vid,
            status.value,
            rule,
            severity.value,
            plate or NO_PLATE_ZH,
            colour.value if colour else "",
            _local(at),
            direction.value,
            gate,
            firm,
            stage or "",
            level.value if level else "",
            message,
            _local(reviewed),
            note or "",
        ]


def violations_export(actor, args: dict, fmt: str):
    header = [f"{zh} ({key})" for zh, key in VIOLATION_COLUMNS]
    filename = f"violations-{today_local().isoformat()}"
    return table_response(fmt, filename, "violations", header, violation_rows(actor, args))


# MEE 2020 mobile-source guide, table 3 (DOMAIN.md 4): one row per vehicle pass. Cargo, quantity and
# fleet are not reported by gate cameras; the columns are kept (empty) so the layout is the ministry's.
LEDGER_COLUMNS = [
    ("序号", "seq"),
    ("进出厂时间", "time"),  # yyyymmdd HHmmss
    ("进出厂方向", "direction"),
    ("车辆照片", "photo"),
    ("车牌号码", "plate"),  # char 10
    ("注册登记日期", "registration_date"),
    ("车辆识别代号（VIN）", "vin"),  # char 17
    ("发动机号码", "engine_no"),  # char 32
    ("排放阶段", "emission_stage"),  # char 1: 0-6, D
    ("随车清单/行驶证", "documents"),
    ("货物名称", "cargo"),  # char 32
    ("运输量（吨）", "tonnes"),  # num 4,1
    ("车队名称", "fleet"),  # char 100
    ("门禁编码", "gate"),
    ("判定结果", "decision"),
    ("时间来源", "time_source"),  # 相机 / 消息时间 / 接收时间: a time that is not the camera's is marked
]
TIME_SOURCES_ZH = {"camera": "相机", "envelope": "消息时间（相机未给抓拍时间）", "receiver": "平台接收时间"}
NO_PLATE_ZH = "无牌车"


def ledger_rows(firm_id: int, start, end, base_url: str):
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
            Gate.code,
            Verdict.decision,
            PlateEvent.time_source,
        )
        .join(Gate, PlateEvent.gate_id == Gate.id)
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
        pass_id, at, direction, plate, registered, vin, engine_no, stage, gate, decision, time_source = row
        yield [
            seq,
            _local(at, "%Y%m%d %H%M%S"),
            "进厂" if direction.value == "in" else "出厂",
            f"{base_url}/api/v1/events/{pass_id}",
            plate or NO_PLATE_ZH,
            registered.strftime("%Y%m%d") if registered else "",
            vin or "",
            engine_no or "",
            stage or "",
            "",
            "",
            "",
            "",
            gate,
            decision.value,
            TIME_SOURCES_ZH.get(time_source, time_source),
        ]


def ledger_export(firm: Firm, start_day, end_day, bounds, fmt: str, base_url: str):
    header = [f"{zh} ({key})" for zh, key in LEDGER_COLUMNS]
    filename = f"gate-ledger-{firm.id}-{start_day.isoformat()}-{end_day.isoformat()}"
    return table_response(fmt, filename, "ledger", header, ledger_rows(firm.id, bounds[0], bounds[1], base_url))
