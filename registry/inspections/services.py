"""Opening an inspection (drawing its sample), recording each row, closing it with a result."""

import secrets

from flask import current_app
from sqlalchemy import select

from registry.accounts.auth import own_firm_id
from registry.audit.services import record_change
from registry.common.errors import DomainError, NotFound
from registry.common.i18n import t
from registry.common.time import local_day_bounds, today_local, utcnow
from registry.events.models import PlateEvent
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.inspections.findings import raise_findings
from registry.inspections.models import (
    FirmInspection,
    InspectionItem,
    InspectionPhoto,
    InspectionResult,
    InspectionStatus,
)
from registry.inspections.sampling import draw, ledger_gaps
from registry.pictures.uploads import checked_photo
from registry.uplink.records import pass_records

MAX_PERIOD_DAYS = 366


def get_inspection(inspection_id: int) -> FirmInspection:
    inspection = db.session.get(FirmInspection, inspection_id)
    if inspection is None:
        raise NotFound(t("没有该抽查核验", "No such inspection"))
    return inspection


def visible_inspection(actor, inspection_id: int) -> FirmInspection:
    """An inspection the actor may see: a firm user only its own (another is simply not found)."""
    inspection = get_inspection(inspection_id)
    own = own_firm_id(actor)
    if own is not None and own != inspection.firm_id:
        raise NotFound(t("没有该抽查核验", "No such inspection"))
    return inspection


def photo_of(inspection: FirmInspection, photo_id: int) -> InspectionPhoto:
    photo = db.session.get(InspectionPhoto, photo_id)
    if photo is None or photo.item_id not in {item.id for item in inspection.items}:
        raise NotFound(t("没有该照片", "No such photo"))
    return photo


def get_item(inspection: FirmInspection, item_id: int) -> InspectionItem:
    item = db.session.get(InspectionItem, item_id)
    if item is None or item.inspection_id != inspection.id:
        raise NotFound(t("没有该抽查记录", "No such sampled record"))
    return item


def population(firm_id: int, first, last, drawn_at) -> list[tuple[int, object, int, int | None]]:
    """(pass id, time, gate id, vehicle id) of every ledger row of the firm's gates in the local days `first` to
    `last`, received by `drawn_at`: what the sample is drawn from, the same whenever it is asked again."""
    start, end = local_day_bounds(first)[0], local_day_bounds(last)[1]
    return db.session.execute(
        select(PlateEvent.id, PlateEvent.captured_at, PlateEvent.gate_id, PlateEvent.vehicle_id).where(
            PlateEvent.gate_id.in_(select(Gate.id).where(Gate.firm_id == firm_id)),
            PlateEvent.captured_at >= start,
            PlateEvent.captured_at < end,
            PlateEvent.received_at <= drawn_at,
        )
    ).all()


def open_inspection(actor, firm: Firm, data: dict) -> FirmInspection:
    """Start an inspection of the firm's ledger for a period and draw its sample. The seed is drawn by the
    system (a secure random number) and recorded, never chosen by the inspector: a seed that could be
    chosen could be searched for a clean sample. Anyone can draw the same sample again from the record."""
    first, last = data["period_start"], data["period_end"]
    if last < first:
        raise DomainError(t("结束日期早于开始日期", "The period ends before it starts"), "period_end")
    if last > today_local():
        raise DomainError(t("核查期间不能晚于今天", "The period cannot end after today"), "period_end")
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise DomainError(t("核查期间不能超过一年", "The period can be a year at most"), "period_end")
    size = data.get("sample_size") or current_app.config["INSPECTION_SAMPLE_SIZE"]
    seed = secrets.randbelow(2**31)
    drawn_at = utcnow()
    rows = population(firm.id, first, last, drawn_at)
    if not rows:
        raise DomainError(t("该期间该企业没有台账记录", "The firm has no ledger rows in the period"), "period_start")
    inspection = FirmInspection(
        firm=firm,
        period_start=first,
        period_end=last,
        sample_size=size,
        seed=seed,
        population=len(rows),
        drawn_at=drawn_at,
        status=InspectionStatus.OPEN,
        opened_by_id=getattr(actor, "id", None),
    )
    db.session.add(inspection)
    found = {pass_id: (at, gate_id, vehicle_id) for pass_id, at, gate_id, vehicle_id in rows}
    chosen = sorted(draw(list(found), size, seed), key=lambda pass_id: (found[pass_id][0], pass_id))
    times = [found[pass_id][0] for pass_id in chosen]
    records = pass_records(set(chosen), min(times), max(times))
    for position, pass_id in enumerate(chosen, 1):
        row = records[pass_id] | {"gate_id": found[pass_id][1], "vehicle_id": found[pass_id][2]}
        inspection.items.append(
            InspectionItem(
                position=position,
                plate_event_id=pass_id,
                pass_at=found[pass_id][0],
                row=row,
                gaps=ledger_gaps(row["ledger"]),
            )
        )
    db.session.flush()
    record_change(
        actor,
        "open",
        "firm_inspection",
        inspection.id,
        after={"firm_id": firm.id, "period": [first.isoformat(), last.isoformat()], "seed": seed, "size": size},
    )
    return inspection


def redraw(inspection: FirmInspection) -> list[int]:
    """The sample drawn again from the seed and the ledger as it was when drawn."""
    rows = population(inspection.firm_id, inspection.period_start, inspection.period_end, inspection.drawn_at)
    return draw([row[0] for row in rows], inspection.sample_size, inspection.seed)


def _open(inspection: FirmInspection) -> None:
    if inspection.status != InspectionStatus.OPEN:
        raise DomainError(t("该抽查核验已办结，不能再修改", "The inspection is closed"), "status")


def record_item(actor, item: InspectionItem, data: dict) -> InspectionItem:
    """What the inspector found for one sampled row; a finding needs a note."""
    _open(item.inspection)
    if (data["record_complete"] is False or data.get("stage_correct") is False) and not data.get("note"):
        raise DomainError(t("发现问题时请填写说明", "Say what is wrong in the note"), "note")
    if data.get("stage_correct") is not None and not data.get("stage_seen") and data["stage_correct"] is False:
        raise DomainError(t("请选择证件所示排放阶段", "Choose the stage the documents show"), "stage_seen")
    before = {key: getattr(item, key) for key in ("record_complete", "stage_correct", "stage_seen", "note")}
    item.record_complete = data["record_complete"]
    item.stage_correct = data.get("stage_correct")
    item.stage_seen = data.get("stage_seen")
    item.note = data.get("note")
    item.checked_by_id = getattr(actor, "id", None)
    item.checked_at = utcnow()
    after = {key: getattr(item, key) for key in before}
    record_change(actor, "check", "firm_inspection_item", item.id, before=before, after=after)
    return item


def add_photo(actor, item: InspectionItem, data: bytes) -> InspectionPhoto:
    """A photo of a document the inspector saw for the row."""
    _open(item.inspection)
    photo = InspectionPhoto(item_id=item.id, **checked_photo(actor, data))
    db.session.add(photo)
    db.session.flush()
    record_change(actor, "photo", "firm_inspection_item", item.id, after={"photo_id": photo.id})
    return photo


def close_inspection(actor, inspection: FirmInspection, result: InspectionResult, conclusion: str | None):
    """Close with a result once every row is checked; its findings become cases for the firm."""
    _open(inspection)
    unchecked = [item.position for item in inspection.items if not item.checked]
    if unchecked:
        numbers = "、".join(str(n) for n in unchecked)
        raise DomainError(t(f"还有未核查的记录：第 {numbers} 条", f"Records not checked yet: {numbers}"), "result")
    found = sum(len(item.findings) for item in inspection.items)
    if found and result == InspectionResult.COMPLIANT:
        raise DomainError(t("抽查发现问题，结论不能为合格", "Findings were recorded: it cannot be compliant"), "result")
    if result != InspectionResult.COMPLIANT and not conclusion:
        raise DomainError(t("请填写核查结论", "Write the conclusion"), "conclusion")
    inspection.status, inspection.result, inspection.conclusion = InspectionStatus.CLOSED, result, conclusion
    inspection.closed_by_id, inspection.closed_at = getattr(actor, "id", None), utcnow()
    raised = raise_findings(inspection)
    record_change(
        actor, "close", "firm_inspection", inspection.id, after={"result": result.value, "violations": raised}
    )
    return inspection
