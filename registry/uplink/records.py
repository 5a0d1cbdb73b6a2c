"""The records a batch of the outbox carries upward: each pass as it stands now, with its gate and
firm, its verdict, and its ledger row (the MEE 2020 guide's table 3, in the guide's codes).
docs/uplink.md documents every field."""

from sqlalchemy import select

from registry.cases.models import Case
from registry.common.time import LOCAL_TZ
from registry.documents.models import VehicleDocument
from registry.events.models import PlateEvent, Verdict
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.uplink.models import UplinkRecord
from registry.vehicles.models import Vehicle
from registry.weighbridge.models import WeighTicket

FORMAT_VERSION = 1


def record_key(source: str, record: UplinkRecord) -> str:
    """The record's idempotent key: the same record sent again has the same key."""
    return f"{source}:{record.kind}:{record.plate_event_id}:{record.id}"


def build_records(source: str, batch: list[UplinkRecord]) -> list[dict]:
    """The batch's records in its order. A pass removed since (retention) is sent as gone."""
    passes = pass_records(
        {r.plate_event_id for r in batch}, min(r.pass_at for r in batch), max(r.pass_at for r in batch)
    )
    return [
        {
            "key": record_key(source, record),
            "sequence": record.id,
            "kind": record.kind,
            "occurred_at": record.pass_at.isoformat(),
            "data": passes.get(record.plate_event_id),
        }
        for record in batch
    ]


def pass_records(ids: set[int], first, last) -> dict[int, dict]:
    """Each pass (between the times `first` and `last`) with its gate, firm, verdict, vehicle and ledger row."""
    has_documents = (
        select(VehicleDocument.id).where(VehicleDocument.vehicle_id == PlateEvent.vehicle_id).exists()
    ).label("has_documents")
    query = (
        select(PlateEvent, Verdict, Gate.code, Gate.name, Firm.name, Firm.credit_code, Vehicle, has_documents)
        .join(Gate, PlateEvent.gate_id == Gate.id)
        .join(Firm, Gate.firm_id == Firm.id)
        .join(Verdict, (Verdict.plate_event_id == PlateEvent.id) & (Verdict.pass_at == PlateEvent.captured_at))
        .outerjoin(Vehicle, PlateEvent.vehicle_id == Vehicle.id)
        # the passes' and verdicts' months only (both are partitioned by the pass's time)
        .where(PlateEvent.id.in_(ids), PlateEvent.captured_at.between(first, last))
        .where(Verdict.pass_at.between(first, last))
    )
    tickets = {
        ticket.pass_id: ticket for ticket in db.session.scalars(select(WeighTicket).where(WeighTicket.pass_id.in_(ids)))
    }
    cases = {case.plate_event_id: case for case in db.session.scalars(select(Case).where(Case.plate_event_id.in_(ids)))}
    found = {}
    for pe, verdict, gate_code, gate_name, firm, credit_code, vehicle, documented in db.session.execute(query):
        found[pe.id] = _pass_data(pe, verdict, (gate_code, gate_name), (firm, credit_code), vehicle, documented)
        found[pe.id]["ledger"] = _ledger_row(pe, verdict, vehicle, documented, tickets.get(pe.id))
        found[pe.id]["case"] = _case(cases.get(pe.id))
    return found


def _case(case) -> dict | None:
    """The pass's case (案件) and how it was reviewed, or None when the pass raised nothing."""
    if case is None:
        return None
    return {
        "status": case.status.value,
        "rules": case.rule_codes,
        "reviewed_at": case.reviewed_at.isoformat() if case.reviewed_at else None,
    }


def _pass_data(pe: PlateEvent, verdict: Verdict, gate, firm, vehicle, documented) -> dict:
    return {
        "format": FORMAT_VERSION,
        "pass_id": pe.id,
        "gate": {"code": gate[0], "name": gate[1]},
        "firm": {"name": firm[0], "credit_code": firm[1]},
        "direction": pe.direction.value,
        "captured_at": pe.captured_at.isoformat(),
        "received_at": pe.received_at.isoformat(),
        "time_source": pe.time_source,
        "plate": pe.plate or None,
        "plate_color": pe.plate_color.value if pe.plate_color else None,
        "vehicle_type": pe.vehicle_type,
        "confidence": pe.confidence,
        "read_count": pe.read_count,
        "measured_colour": pe.measured_colour,
        "verdict": {
            "decision": verdict.decision.value,
            "findings": verdict.findings,
            "emission_stage": verdict.emission_stage,
            "stage_inferred": verdict.stage_inferred,
            "alert_id": verdict.alert_id,
            "evaluated_at": verdict.evaluated_at.isoformat(),
        },
        "vehicle": None
        if vehicle is None
        else {
            "vin": vehicle.vin,
            "engine_no": vehicle.engine_no,
            "emission_stage": vehicle.emission_stage.value if vehicle.emission_stage else None,
            "stage_verified": vehicle.stage_verified_at is not None,
            "fuel_type": vehicle.fuel_type.value,
            "registration_date": vehicle.registration_date.isoformat() if vehicle.registration_date else None,
            "owner": vehicle.owner,
        },
    }


def _ledger_row(pe: PlateEvent, verdict: Verdict, vehicle, documented: bool, ticket) -> dict:
    """Table 3 of the MEE 2020 guide, in its field layouts (DOMAIN.md 4)."""
    registered = vehicle.registration_date if vehicle is not None else None
    return {
        "time": pe.captured_at.astimezone(LOCAL_TZ).strftime("%Y%m%d %H%M%S"),  # the guide's layout, local
        "direction": pe.direction.value,
        "plate": (pe.plate or "")[:10],
        "registration_date": registered.strftime("%Y%m%d") if registered else None,
        "vin": vehicle.vin if vehicle is not None else None,
        "engine_no": vehicle.engine_no if vehicle is not None else None,
        "emission_stage": verdict.emission_stage,  # 0-6, D
        "documents": bool(documented),
        "cargo": ticket.cargo if ticket is not None else None,
        "tonnes": round(float(ticket.net_t), 1) if ticket is not None else None,
        "fleet": vehicle.owner if vehicle is not None else None,
    }
