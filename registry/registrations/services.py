"""Drivers' self-registrations: submitted without a login (limited per address and per plate, never
over a registered vehicle), then approved into a registered vehicle with a verified stage, or sent back.
Services flush; the caller commits."""

from dataclasses import dataclass

import marshmallow as ma
from flask import current_app
from sqlalchemy import delete, select

from registry.audit.services import record_change
from registry.common import rates
from registry.common.errors import Conflict, DomainError, NotFound, TooMany
from registry.common.forms import form_value
from registry.common.i18n import t
from registry.common.time import utcnow
from registry.documents.models import DocumentKind, DocumentStatus, VehicleDocument
from registry.documents.services import new_document
from registry.extensions import db
from registry.gates.models import Gate
from registry.pictures.uploads import CheckedPhoto, check_photo
from registry.registrations.models import RegistrationAttempt, RegistrationStatus, VehicleRegistration
from registry.vehicles.models import StageSource, Vehicle
from registry.vehicles.services import create_vehicle

REQUIRED = (DocumentKind.LICENCE_FRONT, DocumentKind.ENVIRONMENTAL_LIST)  # the back page is optional


def too_many(wait: int) -> str:
    return t(f"提交过于频繁，请 {wait // 60 + 1} 分钟后再试", f"Too many registrations: try again in {wait} s")


@dataclass(frozen=True)
class Sender:
    """Who sends a self-registration: the client's address and the phone's device cookie (None without)."""

    address: str
    device: str | None = None


def _registration_checks(sender: Sender, plate: str | None) -> list:
    """Registrations received from this phone (its device cookie), from this address (a backstop sized
    for a gate's shared Wi-Fi), and of this plate from this address (so junk sent from elsewhere under a
    driver's plate never blocks the driver)."""
    config = current_app.config
    by_address = (VehicleRegistration.submitted_from == sender.address,)
    checks = [(config["REGISTRATION_ADDRESS_RATE_LIMIT"], VehicleRegistration.created_at, by_address)]
    if sender.device:
        by_device = (VehicleRegistration.submitted_device == sender.device,)
        checks.append((config["REGISTRATION_DEVICE_RATE_LIMIT"], VehicleRegistration.created_at, by_device))
    if plate:
        by_plate = (VehicleRegistration.plate == plate, *by_address)
        checks.append((config["REGISTRATION_PLATE_RATE_LIMIT"], VehicleRegistration.created_at, by_plate))
    return checks


def _attempt_checks(sender: Sender) -> list:
    config = current_app.config
    checks = [(config["REGISTRATION_ATTEMPT_RATE_LIMIT"], RegistrationAttempt.at,
               (RegistrationAttempt.address == sender.address,))]  # fmt: skip
    if sender.device:
        checks.append((config["REGISTRATION_DEVICE_ATTEMPT_RATE_LIMIT"], RegistrationAttempt.at,
                       (RegistrationAttempt.device == sender.device,)))  # fmt: skip
    return checks


def wait_before_next(sender: Sender, plate: str | None) -> int | None:
    """Seconds until this phone and address (and this plate from it) may submit again, or None: its
    registrations received, and every submission it sent (refused ones too)."""
    return rates.retry_after([*_registration_checks(sender, plate), *_attempt_checks(sender)])


def note_attempt(sender: Sender, plate: str | None) -> None:
    """Before anything costly is done with a submission: TooMany when the limits say wait, else count it.
    Counting and checking hold one lock per address, so that submissions sent together are counted one
    after the other. The caller commits the count whatever becomes of the submission."""
    rates.serialised(f"registration:{sender.address}")
    wait = wait_before_next(sender, plate)
    if wait:
        raise TooMany(too_many(wait), retry_after=wait)
    config = current_app.config
    limits = (config["REGISTRATION_ATTEMPT_RATE_LIMIT"], config["REGISTRATION_DEVICE_ATTEMPT_RATE_LIMIT"])
    longest = max(window for limit in limits for _, window in rates.windows(limit))
    now = utcnow()
    db.session.execute(delete(RegistrationAttempt).where(RegistrationAttempt.at < now - longest))
    db.session.add(RegistrationAttempt(address=sender.address[:45], device=sender.device, at=now))
    db.session.flush()


def _registered(column, value) -> bool:
    return value is not None and db.session.scalar(select(Vehicle.id).where(column == value)) is not None


def submit(data: dict, photos: dict[DocumentKind, bytes], sender: Sender, gate: Gate | None) -> VehicleRegistration:
    """A truck declared by its driver: awaiting review, never touching a registered vehicle. The caller
    counted the attempt first (note_attempt); the registration's own limits hold under the same lock."""
    address = sender.address
    rates.serialised(f"registration:{address}")
    wait = rates.retry_after(_registration_checks(sender, data["plate"]))
    if wait:  # submissions counted together (note_attempt) are stored one after the other
        raise TooMany(too_many(wait), retry_after=wait)
    if _registered(Vehicle.plate, data["plate"]):
        raise Conflict(
            t(
                "该号牌已登记。如信息有误，请联系所在企业或生态环境局",
                "this plate is registered already: ask the firm or the bureau",
            ),
            "plate",
        )
    if _registered(Vehicle.vin, data["vin"]):
        raise Conflict(t("该车辆识别代号已属于另一辆已登记车辆", "this VIN belongs to a registered vehicle"), "vin")
    checked = _checked(photos)
    registration = VehicleRegistration(
        **data,
        gate_id=gate.id if gate else None,
        firm_id=gate.firm_id if gate else None,
        submitted_from=address[:45],
        submitted_device=sender.device,
        status=RegistrationStatus.PENDING,
    )
    db.session.add(registration)
    db.session.flush()
    for kind, photo in checked.items():
        new_document(None, kind, photo, registration_id=registration.id)
    db.session.flush()
    record_change(
        None,
        "self_register",
        "vehicle_registration",
        registration.id,
        after={"plate": registration.plate, "address": address[:45]},
    )
    return registration


def _checked(photos: dict[DocumentKind, bytes]) -> dict[DocumentKind, CheckedPhoto]:
    """Every photo checked before anything is stored; each problem said beside its own field."""
    checked, problems = {}, {}
    for kind in DocumentKind:
        if not photos.get(kind):
            if kind in REQUIRED:
                problems[kind.value] = [t("请拍摄此证件", "take a photo of this document")]
            continue
        try:
            checked[kind] = check_photo(photos[kind], kind.value)
        except DomainError as exc:
            problems[kind.value] = [exc.message]
    if problems:
        raise ma.ValidationError(problems)
    return checked


def get_registration(registration_id: int) -> VehicleRegistration:
    registration = db.session.get(VehicleRegistration, registration_id)
    if registration is None:
        raise NotFound(t("登记不存在", "registration not found"), "registration_id")
    return registration


def registrations_query(status: RegistrationStatus | None = RegistrationStatus.PENDING):
    query = select(VehicleRegistration).order_by(VehicleRegistration.created_at, VehicleRegistration.id)
    return query if status is None else query.where(VehicleRegistration.status == status)


def document_of(registration: VehicleRegistration, document_id: int) -> VehicleDocument:
    document = db.session.get(VehicleDocument, document_id)
    if document is None or document.registration_id != registration.id:
        raise NotFound(t("证件不存在", "document not found"), "document_id")
    return document


def _pending(registration: VehicleRegistration) -> None:
    if registration.status != RegistrationStatus.PENDING:
        raise Conflict(t("该登记已处理", "this registration was reviewed already"), "status")


FIELDS = (
    "plate",
    "plate_color",
    "vin",
    "engine_no",
    "registration_date",
    "fuel_type",
    "emission_stage",
    "vehicle_class",
    "owner",
)


def approve(actor, registration: VehicleRegistration, corrections: dict) -> Vehicle:
    """The reviewer read the documents: the truck is registered as they show it (the declared values,
    corrected where they differ), its stage verified, its documents accepted and now the vehicle's."""
    _pending(registration)
    for key, value in corrections.items():
        setattr(registration, key, value)
    fields = {key: getattr(registration, key) for key in FIELDS}
    vehicle = create_vehicle(actor, fields | {"stage_source": StageSource.VERIFIED, "firm_id": registration.firm_id})
    now = utcnow()
    vehicle.stage_verified_at, vehicle.stage_verified_by_id = now, actor.id
    for document in registration.documents:
        document.vehicle_id = vehicle.id
        document.status = DocumentStatus.ACCEPTED
        document.reviewed_by_id, document.reviewed_at = actor.id, now
    registration.status, registration.vehicle_id = RegistrationStatus.APPROVED, vehicle.id
    registration.reviewed_by_id, registration.reviewed_at = actor.id, now
    db.session.flush()
    record_change(
        actor,
        "approve",
        "vehicle_registration",
        registration.id,
        after={"vehicle_id": vehicle.id} | {key: form_value(value) for key, value in corrections.items()},
    )
    return vehicle


def reject(actor, registration: VehicleRegistration, note: str) -> VehicleRegistration:
    """Send it back with the reason (shown to whoever submits this plate again)."""
    _pending(registration)
    now = utcnow()
    registration.status, registration.review_note = RegistrationStatus.REJECTED, note
    registration.reviewed_by_id, registration.reviewed_at = actor.id, now
    for document in registration.documents:
        document.status, document.reviewed_by_id, document.reviewed_at = DocumentStatus.REJECTED, actor.id, now
    db.session.flush()
    record_change(actor, "reject", "vehicle_registration", registration.id, after={"note": note})
    return registration
