"""Uploading a vehicle's document photos, and verifying its stage against them (audited).

Who may: the bureau always; a firm user for the trucks its firm registered may upload their documents,
and verify them only where the DOCUMENT_REVIEW policy in force lets firms (policy data, not code)."""

from sqlalchemy import select

from registry.accounts.auth import EDITORS, own_firm_id
from registry.accounts.models import Role
from registry.audit.services import record_change
from registry.common.errors import DomainError, Forbidden, NotFound
from registry.common.i18n import t
from registry.common.time import today_local, utcnow
from registry.documents.models import DocumentKind, DocumentStatus, VehicleDocument
from registry.extensions import db
from registry.pictures.uploads import CheckedPhoto, check_photo, store_photo
from registry.policies.services import policy_in_force
from registry.vehicles.models import StageSource, Vehicle
from registry.vehicles.schemas import VehicleSchema
from registry.vehicles.services import update_vehicle  # the vehicle's own rules (identifiers, fuel)

# The documents a stage can be read from: the environmental list states it; the licence's front page
# gives the registration date, VIN and engine number it is checked against.
STAGE_SOURCES = (DocumentKind.ENVIRONMENTAL_LIST, DocumentKind.LICENCE_FRONT)


def _own_truck(actor, vehicle: Vehicle) -> bool:
    firm = own_firm_id(actor)
    return firm is not None and vehicle.firm_id == firm


def may_see(actor, vehicle: Vehicle) -> bool:
    return actor.role in (*EDITORS, Role.POLICE) or _own_truck(actor, vehicle)


def may_upload(actor, vehicle: Vehicle) -> bool:
    return actor.role in EDITORS or _own_truck(actor, vehicle)


def firms_review_own() -> bool:
    policy = policy_in_force("DOCUMENT_REVIEW", today_local())
    return bool(policy and policy.params.get("firms_review_own"))


def may_review(actor, vehicle: Vehicle) -> bool:
    return actor.role in EDITORS or (_own_truck(actor, vehicle) and firms_review_own())


def vehicle_for(actor, vehicle_id: int) -> Vehicle:
    """A vehicle whose documents the actor may see; another firm's truck is simply not found."""
    vehicle = db.session.get(Vehicle, vehicle_id)
    if vehicle is None or not may_see(actor, vehicle):
        raise NotFound(t(f"车辆 {vehicle_id} 不存在", f"vehicle {vehicle_id} not found"), "vehicle_id")
    return vehicle


def documents_of(vehicle: Vehicle) -> list[VehicleDocument]:
    query = select(VehicleDocument).where(VehicleDocument.vehicle_id == vehicle.id).order_by(VehicleDocument.id)
    return list(db.session.scalars(query))


def current(documents: list[VehicleDocument]) -> dict[DocumentKind, VehicleDocument]:
    """The latest photo of each kind: the one in force (earlier ones stay as evidence)."""
    latest: dict[DocumentKind, VehicleDocument] = {}
    for document in sorted(documents, key=lambda d: d.id):
        latest[document.kind] = document
    return latest


def document_of(vehicle: Vehicle, document_id: int) -> VehicleDocument:
    document = db.session.get(VehicleDocument, document_id)
    if document is None or document.vehicle_id != vehicle.id:
        raise NotFound(t(f"证件 {document_id} 不存在", f"document {document_id} not found"), "document_id")
    return document


def new_document(actor, kind: DocumentKind, photo: CheckedPhoto, **owner) -> VehicleDocument:
    """A stored document photo of a vehicle or a registration (`owner`: vehicle_id= or registration_id=)."""
    document = VehicleDocument(kind=kind, status=DocumentStatus.PENDING, **owner, **store_photo(actor, photo))
    db.session.add(document)
    return document


def add_document(actor, vehicle: Vehicle, kind: DocumentKind, data: bytes) -> VehicleDocument:
    """Store one document photo; a new photo of a kind is the one in force, awaiting review."""
    if not may_upload(actor, vehicle):
        raise Forbidden(t("只能上传本企业登记车辆的证件", "only the documents of your firm's trucks"))
    document = new_document(actor, kind, check_photo(data), vehicle_id=vehicle.id)
    db.session.flush()
    record_change(
        actor,
        "document",
        "vehicle",
        vehicle.id,
        after={"kind": kind.value, "sha256": document.sha256, "id": document.id},
    )
    return document


REVIEWED = ("vin", "engine_no", "registration_date", "emission_stage", "fuel_type")


def _snapshot(vehicle: Vehicle) -> dict:
    return VehicleSchema(only=(*REVIEWED, "stage_source")).dump(vehicle)


def review_stage(actor, vehicle: Vehicle, data: dict) -> Vehicle:
    """The reviewer compared the documents with the vehicle: `verified` sets the vehicle's VIN, engine
    number, registration date and stage as the documents show them and marks the stage verified;
    `rejected` marks the documents as not matching, with the reason. Both are audited."""
    if not may_review(actor, vehicle):
        raise Forbidden(t("无权审核该车辆的证件", "you may not review this vehicle's documents"))
    in_force = current(documents_of(vehicle))
    if not any(kind in in_force for kind in STAGE_SOURCES):
        raise DomainError(
            t("缺少随车清单或行驶证正页照片，无法核实", "no environmental list or licence photo to verify against"),
            "documents",
        )
    before, now = _snapshot(vehicle), utcnow()
    verified = data["decision"] == "verified"
    if verified:
        fields = {key: data[key] for key in REVIEWED if key in data}
        update_vehicle(actor, vehicle, fields | {"stage_source": StageSource.VERIFIED})
        vehicle.stage_verified_at, vehicle.stage_verified_by_id = now, actor.id
    for document in in_force.values():
        if document.status == DocumentStatus.PENDING or verified:
            document.status = DocumentStatus.ACCEPTED if verified else DocumentStatus.REJECTED
            document.reviewed_by_id, document.reviewed_at, document.review_note = actor.id, now, data.get("note")
    db.session.flush()
    action = "verify_stage" if verified else "reject_documents"
    record_change(
        actor, action, "vehicle", vehicle.id, before=before, after=_snapshot(vehicle) | {"note": data.get("note")}
    )
    return vehicle
