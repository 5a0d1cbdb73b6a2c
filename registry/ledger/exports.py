"""A firm's electronic gate ledger (门禁电子台账) in the MEE 2020 guide's layout: table 3 (every pass),
table 4 (in-plant transport vehicles), table 5 (in-plant non-road machinery), and the chain's seals
(台账校验) that let anyone check the rows were not changed (registry.ledger.chain). Rows are read with
a server-side cursor in chunks and written as they are read (flat memory). docs/ledger.md maps every
column to its source."""

from datetime import datetime

from sqlalchemy import Float, String, case, cast, func, literal, select

from registry.common.copying import in_database, inert, labelled, local_text
from registry.common.exports import Column, Sheet, copied_csv_response, csv_response, workbook_response
from registry.common.i18n import current_language, t
from registry.common.time import LOCAL_TZ, local_day_bounds, local_minute, utcnow
from registry.documents.models import VehicleDocument
from registry.events.models import PlateEvent, Verdict
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.labels import label, labeller, words
from registry.ledger.models import LedgerSeal
from registry.ledger.rows import table3 as ledger_rows_now
from registry.ledger.rows import table4, table5
from registry.vehicles.models import Vehicle
from registry.violations.exports import NO_PLATE_ZH, local_cell
from registry.weighbridge.models import WeighTicket

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


def _day_cell(text: str) -> datetime | None:
    return datetime.strptime(text, "%Y%m%d") if text else None


def ledger_rows(firm_id: int, start, end, base_url: str):
    """Table 3's rows as the reader sees them, from the chain's form of each (registry.ledger.rows): what
    is sealed is exactly what is shown."""
    label = labeller()
    for seq, (row, vehicle_id, _) in enumerate(ledger_rows_now(firm_id, start, end), 1):
        (stamp, direction, plate, registered, vin, engine, stage, documented, cargo, tonnes, fleet, gate,
         decision, time_source) = row.cells  # fmt: skip
        yield [
            seq,
            datetime.strptime(stamp, "%Y%m%d%H%M%S"),
            label("direction", direction),
            f"{base_url}/passes/{row.key}",  # the pass's page: its pictures open for a logged-in reader
            plate or t(NO_PLATE_ZH, "no plate"),
            _day_cell(registered),
            vin,
            engine,
            label("stage", stage) if stage else "",
            f"{base_url}/vehicles/{vehicle_id}/documents" if documented else "",
            cargo,
            float(tonnes) if tonnes else None,  # num 4,1
            fleet,
            gate,
            label("decision", decision),
            t(TIME_SOURCES_ZH.get(time_source, time_source), label("time_source", time_source)),
        ]


def _copied_table3(firm_id: int, start, end, base_url: str):
    """`ledger_rows` as one SELECT whose cells are what the CSV shows, for the database to write
    (registry.common.copying): the rows of registry.ledger.rows.table3 and their cells as the chain
    keeps them (tonnes to one decimal, times to the second), worded as `ledger_rows` words them."""
    documented = select(VehicleDocument.id).where(VehicleDocument.vehicle_id == PlateEvent.vehicle_id).exists()
    zh = current_language() != "en"
    source = {code: (word if zh else words("time_source", code, "en")) for code, word in TIME_SOURCES_ZH.items()}
    ticket = (WeighTicket.firm_id == firm_id) & (WeighTicket.pass_id == PlateEvent.id)
    query = (
        select(
            func.row_number().over(order_by=(PlateEvent.captured_at, PlateEvent.id)),
            local_text(PlateEvent.captured_at, "YYYYMMDD HH24MISS"),
            labelled("direction", PlateEvent.direction),
            literal(f"{base_url}/passes/") + cast(PlateEvent.id, String),
            case((PlateEvent.plate == "", literal(t(NO_PLATE_ZH, "no plate"))), else_=inert(PlateEvent.plate)),
            func.to_char(Vehicle.registration_date, "YYYYMMDD"),
            inert(Vehicle.vin),
            inert(Vehicle.engine_no),
            labelled("stage", Verdict.emission_stage),
            case((documented, literal(f"{base_url}/vehicles/") + cast(PlateEvent.vehicle_id, String) + "/documents")),
            inert(WeighTicket.cargo),
            func.to_char(cast(WeighTicket.net_t, Float), "FM999999990.0"),  # the chain's "%.1f" of the float
            inert(Vehicle.owner),
            inert(Gate.name + "（" + Gate.code + "）"),
            labelled("decision", Verdict.decision),
            case(source, value=PlateEvent.time_source, else_=labelled("time_source", PlateEvent.time_source)),
        )
        .join(Gate, PlateEvent.gate_id == Gate.id)
        .outerjoin(WeighTicket, ticket)
        .join(Verdict, Verdict.plate_event_id == PlateEvent.id)  # on the id alone, as table3
        .outerjoin(Vehicle, PlateEvent.vehicle_id == Vehicle.id)
        .where(PlateEvent.gate_id.in_(select(Gate.id).where(Gate.firm_id == firm_id)))
        .where(PlateEvent.captured_at >= start, PlateEvent.captured_at < end)
        .where(Verdict.pass_at >= start, Verdict.pass_at < end)
        .order_by(PlateEvent.captured_at, PlateEvent.id)
    )
    return query


# Table 4: in-plant transport vehicles (厂内运输车辆), registry.inplant.
PLANT_VEHICLE_COLUMNS = [
    Column("序号", "no.", 8),
    Column("环保登记编码/内部号牌", "registration code or internal plate", 20),
    Column("注册登记日期", "registration date", 12, ("%Y%m%d", "yyyymmdd")),
    Column("车辆识别代号（VIN）", "VIN", 20),
    Column("发动机号码", "engine number", 16),
    Column("排放阶段", "emission stage", 9),
    Column("燃料类型", "fuel", 9),
    Column("使用状态", "in use", 9),
]
# Table 5: in-plant non-road machinery (厂内非道路移动机械): the machinery registry's machines the firm owns.
PLANT_MACHINERY_COLUMNS = [
    Column("序号", "no.", 8),
    Column("环保登记编码", "registration code", 20),  # char 32
    Column("生产日期", "production date", 12, ("%Y%m%d", "yyyymmdd")),
    Column("排放阶段", "emission stage", 9),  # 1-4, D, X (no stage)
    Column("机械环保代码/出厂编号", "machine code (PIN)", 22),  # char 64
    Column("发动机铭牌", "engine nameplate photo", 40),
    Column("机械类型", "machine type", 12),
    Column("登记状态", "status", 10),
]


IN_USE = {"1": ("在用", "in use"), "0": ("停用", "retired")}


def plant_vehicle_rows(firm_id: int):
    for row in table4(firm_id):
        code, registered, vin, engine, stage, fuel, in_use = row.cells
        yield [row.key, code, _day_cell(registered), vin, engine, label("stage", stage), label("fuel", fuel),
               t(*IN_USE[in_use])]  # fmt: skip


def plant_machinery_rows(firm_id: int, base_url: str):
    for row, machine_id in table5(firm_id):
        code, produced, stage, pin, nameplate, machine_type, status = row.cells
        photo = f"{base_url}/machinery/{machine_id}/photos/engine_nameplate" if nameplate else ""
        yield [row.key, code, _day_cell(produced), label("machine_stage", stage), pin, photo,
               label("machine_type", machine_type), label("machinery_status", status)]  # fmt: skip


SEAL_COLUMNS = [
    Column("日期", "day", 11),
    Column("类型", "kind", 8),
    Column("接收时间起（北京时间）", "received after (Beijing time)", 34),
    Column("接收时间止（北京时间）", "received until (Beijing time)", 34),
    Column("本段行数", "rows", 9),
    Column("本段摘要", "rows digest", 66),
    Column("当日行数", "day rows", 9),
    Column("当日摘要", "day digest", 66),
    Column("前一摘要", "previous digest", 66),
    Column("摘要", "digest", 66),
    Column("封存时间", "sealed at", 20),
    Column("格式", "format", 6),
]
SEAL_KINDS = {
    "day": ("当日", "day"),
    "amendment": ("补录", "amendment"),
    "table4": ("表4", "table 4"),
    "table5": ("表5", "table 5"),
}


def seal_rows(firm_id: int, start_day, end_day):
    """The chain's links for the days of the export and the last links of tables 4 and 5, in chain order
    (text exactly as hashed)."""
    days = select(LedgerSeal.id).where(
        LedgerSeal.firm_id == firm_id,
        LedgerSeal.kind.in_(("day", "amendment")),
        LedgerSeal.day >= start_day,
        LedgerSeal.day <= end_day,
    )
    tables = (
        select(func.max(LedgerSeal.id))
        .where(LedgerSeal.firm_id == firm_id, LedgerSeal.kind.in_(("table4", "table5")))
        .group_by(LedgerSeal.kind)
    )
    query = select(LedgerSeal).where(LedgerSeal.id.in_(days.union(tables))).order_by(LedgerSeal.id)
    for seal in db.session.scalars(query):
        zh, en = SEAL_KINDS[seal.kind]
        yield [
            seal.day.isoformat(),
            t(zh, en),
            local_moment(seal.received_after) if seal.received_after else "",
            local_moment(seal.received_until),
            seal.row_count,
            seal.rows_digest,
            seal.day_count,
            seal.day_digest,
            seal.previous_digest,
            seal.digest,
            local_cell(seal.sealed_at),
            seal.format,
        ]


def local_moment(moment: datetime) -> str:
    """A seal's moment in Beijing time, to the microsecond, with its offset: the same instant the chain
    hashed (registry.ledger.chain.moment_text writes it in UTC), as a clerk reads a clock."""
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="microseconds")


def preamble(firm: Firm, title: tuple[str, str], start_day, end_day, exporter=None) -> tuple[str, ...]:
    """What a filed ledger says of itself: the table, the firm, the period, who exported it and when."""
    who = getattr(exporter, "display_name", None) or getattr(exporter, "username", None) or t("系统", "system")
    now = local_minute(utcnow())
    code = f"（{firm.credit_code}）" if firm.credit_code else ""
    return (
        f"{t(*title)} · {firm.name}{code}",
        t(f"时段：{start_day} 至 {end_day}（北京时间）", f"Period: {start_day} to {end_day} (Beijing time)"),
        t(f"导出时间：{now} · 导出人：{who}", f"Exported {now} by {who}"),
    )


def ledger_export(firm: Firm, start_day, end_day, fmt: str, base_url: str, part: str = "3", exporter=None):
    """XLSX: every table of the ledger, one sheet each, and the seals, each titled with the firm and the
    period; CSV: the one `part` asks for, the table alone."""
    bounds = (local_day_bounds(start_day)[0], local_day_bounds(end_day)[1])
    filename = f"gate-ledger-{firm.id}-{start_day.isoformat()}-{end_day.isoformat()}"

    def sheet(name: tuple[str, str], title: tuple[str, str], columns, rows) -> Sheet:
        return Sheet(t(*name), columns, rows, preamble(firm, title, start_day, end_day, exporter))

    table3 = ("门禁电子台账（表3 进出厂记录）", "Gate ledger (table 3, passes)")
    table4 = ("表4 厂内运输车辆", "Table 4, in-plant vehicles")
    table5 = ("表5 厂内非道路移动机械", "Table 5, in-plant machinery")
    sheets = {
        "3": sheet(("表3 门禁电子台账", "table 3 gate ledger"), table3, LEDGER_COLUMNS,
                   ledger_rows(firm.id, *bounds, base_url)),
        "4": sheet(("表4 厂内运输车辆", "table 4 in-plant vehicles"), table4, PLANT_VEHICLE_COLUMNS,
                   plant_vehicle_rows(firm.id)),
        "5": sheet(("表5 厂内非道路移动机械", "table 5 in-plant machinery"), table5, PLANT_MACHINERY_COLUMNS,
                   plant_machinery_rows(firm.id, base_url)),
        "seals": sheet(("台账校验", "seals"), ("台账校验（封存摘要链）", "Seals (the digest chain)"), SEAL_COLUMNS,
                       seal_rows(firm.id, start_day, end_day)),
    }  # fmt: skip
    if fmt == "csv" and part == "3" and in_database():
        copied = _copied_table3(firm.id, *bounds, base_url)
        return copied_csv_response(f"{filename}.csv", LEDGER_COLUMNS, copied)
    if fmt == "csv":
        sheet = sheets[part]
        return csv_response(f"{filename}-{part}.csv" if part != "3" else f"{filename}.csv", sheet.columns, sheet.rows)
    return workbook_response(f"{filename}.xlsx", list(sheets.values()))
