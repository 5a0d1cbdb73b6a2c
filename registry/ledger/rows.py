"""The ledger's rows as the database holds them now, in the chain's form (registry.ledger.chain): what
the export shows, the seal keeps and the check compares. Table 3 is read with a server-side cursor in
chunks (flat memory); tables 4 and 5 are a firm's registers, small."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from registry.common.exports import streamed
from registry.documents.models import VehicleDocument
from registry.events.models import PlateEvent, Verdict
from registry.extensions import db
from registry.gates.models import Gate
from registry.inplant.models import PlantVehicle
from registry.ledger.chain import Row, day_text, table3_row, tonnes_text
from registry.machinery.models import Machinery, PhotoKind
from registry.vehicles.models import Vehicle
from registry.weighbridge.models import WeighTicket

CHUNK = 2000


def _code(value) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def table3(firm_id: int, start: datetime, end: datetime, received_until: datetime | None = None) -> Iterator[tuple]:
    """(Row, vehicle id, received at) for each pass of the firm's gates captured in [start, end) (and received by
    `received_until`), in (time, id) order: the pass, its vehicle as registered, whether the vehicle's
    documents are on file, the cargo and net tonnes of the weighbridge ticket matched to it, the fleet."""
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
            has_documents,
            WeighTicket.cargo,
            WeighTicket.net_t,
            Vehicle.owner,
            Gate.name,
            Gate.code,
            Verdict.decision,
            PlateEvent.time_source,
            PlateEvent.vehicle_id,
            PlateEvent.received_at,
        )
        .join(Gate, PlateEvent.gate_id == Gate.id)
        .outerjoin(WeighTicket, (WeighTicket.firm_id == firm_id) & (WeighTicket.pass_id == PlateEvent.id))
        # on the pass id alone, the verdicts' copy of the pass's time bounded below: only the range's months
        # are read, and the planner does not take two equalities for independent (one row expected)
        .join(Verdict, Verdict.plate_event_id == PlateEvent.id)
        .outerjoin(Vehicle, PlateEvent.vehicle_id == Vehicle.id)
        .where(PlateEvent.gate_id.in_(select(Gate.id).where(Gate.firm_id == firm_id)))
        .where(PlateEvent.captured_at >= start, PlateEvent.captured_at < end)
        .where(Verdict.pass_at >= start, Verdict.pass_at < end)
        .order_by(PlateEvent.captured_at, PlateEvent.id)
    )
    if received_until is not None:
        query = query.where(PlateEvent.received_at <= received_until)
    result = streamed(query)
    for number, at, direction, plate, registered, vin, engine, stage, documented, cargo, tonnes, fleet, *rest in result:
        gate, code, decision, time_source, vehicle_id, received_at = rest
        cells = {
            "进出厂方向": _code(direction),
            "车牌号码": plate or "",
            "注册登记日期": day_text(registered),
            "车辆识别代号（VIN）": vin or "",
            "发动机号码": engine or "",
            "排放阶段": stage or "",
            "随车清单/行驶证": "1" if documented else "",
            "货物名称": cargo or "",
            "运输量（吨）": tonnes_text(tonnes),
            "车队名称": fleet or "",
            "门禁": f"{gate}（{code}）",
            "判定结果": _code(decision),
            "时间来源": time_source or "",
        }
        yield table3_row(number, at, cells), vehicle_id, received_at


def table4(firm_id: int) -> list[Row]:
    """Table 4, the firm's in-plant transport vehicles, retired ones included, by code."""
    query = select(PlantVehicle).where(PlantVehicle.firm_id == firm_id).order_by(PlantVehicle.code, PlantVehicle.id)
    return [
        Row("", place, (vehicle.code, day_text(vehicle.registration_date), vehicle.vin or "", vehicle.engine_no or "",
                        _code(vehicle.emission_stage), _code(vehicle.fuel_type), "0" if vehicle.retired_at else "1"))
        for place, vehicle in enumerate(db.session.scalars(query), 1)
    ]  # fmt: skip


def table5(firm_id: int) -> list[tuple[Row, int]]:
    """Table 5, the machinery registry's machines the firm owns: (row, machine id)."""
    query = select(Machinery).where(Machinery.firm_id == firm_id).order_by(Machinery.id)
    rows = []
    for place, machine in enumerate(db.session.scalars(query), 1):
        nameplate = any(photo.kind == PhotoKind.ENGINE_NAMEPLATE for photo in machine.photos)
        cells = (machine.registration_code or "", day_text(machine.production_date), _code(machine.emission_stage),
                 machine.pin or machine.engine_no or "", "1" if nameplate else "", _code(machine.machine_type),
                 _code(machine.status))  # fmt: skip
        rows.append((Row("", place, cells), machine.id))
    return rows
