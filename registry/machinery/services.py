"""Registering non-road machinery, the bureau's review, transfer and retirement.

Services take the actor explicitly, flush and never commit. A construction unit sees and changes only its
own machines; only the bureau approves, rejects, transfers and inspects.
"""

from flask import current_app
from sqlalchemy import func, or_, select

from registry.accounts.auth import own_firm_id
from registry.accounts.models import Role, User
from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError, Forbidden
from registry.common.i18n import t
from registry.common.services import ensure_unique, get_or_404, not_found, one_named
from registry.common.time import local_date, utcnow
from registry.extensions import db
from registry.firms.models import Firm
from registry.identifiers.registration_codes import compact_code
from registry.machinery import rules
from registry.machinery.deadlines import overdue_cutoff
from registry.machinery.models import (
    HistoryAction,
    Machinery,
    MachineryHistory,
    MachineryPhoto,
    MachineryStatus,
    PhotoKind,
    RegistrationCounter,
)
from registry.machinery.schemas import MachinerySchema
from registry.sites.models import ConstructionUnit

BUREAU = (Role.ADMIN, Role.BUREAU)
READERS = (Role.ADMIN, Role.BUREAU, Role.POLICE)
OWN_UNIT = (Role.CONSTRUCTION,)
LABEL_ZH, LABEL_EN = "机械", "machinery"


def _snapshot(machinery: Machinery) -> dict:
    return MachinerySchema(only=_SNAPSHOT_FIELDS).dump(machinery)


_SNAPSHOT_FIELDS = (
    "status",
    "registration_code",
    "machine_type",
    "model",
    "manufacturer",
    "pin",
    "engine_model",
    "engine_no",
    "rated_power_kw",
    "fuel_type",
    "emission_stage",
    "production_date",
    "acquisition_date",
    "aftertreatment",
    "reject_reason",
)


def is_bureau(actor: User | None) -> bool:
    return actor is not None and actor.role in BUREAU


def own_unit_id(actor: User) -> int | None:
    """The unit a construction user acts for; None for roles that see every unit."""
    return actor.construction_unit_id if actor.role == Role.CONSTRUCTION else None


def get_unit(unit_id: int) -> ConstructionUnit:
    unit = db.session.get(ConstructionUnit, unit_id)
    if unit is None:
        raise not_found("施工单位", "construction unit", "unit_id")
    return unit


def unit_named(text: str) -> int:
    """The one unit a form's picker names, or a DomainError on the `unit` field saying what to type."""
    return one_named(ConstructionUnit, text, "unit", UNIT_PICKER)


UNIT_PICKER = {
    "empty": ("请选择施工单位", "Choose the construction unit"),
    "none": ("找不到该施工单位，请从列表中选择", "No such construction unit: pick one"),
    "several": ("有多个同名施工单位，请输入统一社会信用代码", "Several units have this name: type its code"),
}


def get_machinery_for(actor: User, machinery_id: int) -> Machinery:
    """A machine the actor may see; another unit's machine is simply not found."""
    machinery = db.session.get(Machinery, machinery_id)
    unit_id, firm_id = own_unit_id(actor), own_firm_id(actor)
    if (
        machinery is None
        or (unit_id is not None and machinery.unit_id != unit_id)
        or (firm_id is not None and machinery.firm_id != firm_id)
    ):
        raise not_found("机械", "machinery")
    return machinery


def machinery_by_code(code: str) -> Machinery | None:
    """The machine with this registration code, however it was typed (spaces, hyphens, full-width
    characters and letter case aside); None when there is none."""
    exact = db.session.scalar(select(Machinery).where(Machinery.registration_code == code.strip()))
    wanted = compact_code(code)
    if exact is not None or not wanted:
        return exact
    # a format may itself hold separators (MACHINERY_CODE_FORMAT): compare both sides without them
    stored = func.upper(func.replace(func.replace(Machinery.registration_code, "-", ""), " ", ""))
    return db.session.scalars(select(Machinery).where(stored == wanted).limit(1)).first()


def get_by_code(code: str) -> Machinery:
    machinery = machinery_by_code(code)
    if machinery is None:
        raise not_found("登记编码", "registration code", "registration_code")
    return machinery


def _history(actor, machinery: Machinery, action: HistoryAction, note=None, from_unit=None, to_unit=None) -> None:
    db.session.add(
        MachineryHistory(
            machinery_id=machinery.id,
            action=action,
            note=note,
            from_unit_id=from_unit,
            to_unit_id=to_unit,
            actor_id=getattr(actor, "id", None),
            at=utcnow(),
        )
    )


def _ensure_identifiers_free(data: dict, exclude_id=None) -> None:
    ensure_unique(Machinery, Machinery.pin, data.get("pin"), "pin", "机械环保代码", "PIN", exclude_id)
    ensure_unique(
        Machinery, Machinery.engine_no, data.get("engine_no"), "engine_no", "发动机编号", "engine number", exclude_id
    )


def acting_unit_id(actor: User, requested: int | None) -> int:
    """The unit a record is made for: a construction user's own (naming another is refused); the
    bureau must name one."""
    if actor.role == Role.CONSTRUCTION:
        if requested not in (None, actor.construction_unit_id):
            raise Forbidden(t("只能为本单位登记", "you may record for your own unit only"), "unit_id")
        return actor.construction_unit_id
    if requested is None:
        raise DomainError(t("请指定所属施工单位（unit_id）", "name the construction unit (unit_id)"), "unit_id")
    return get_unit(requested).id


def acting_owner(actor: User, unit_id: int | None, firm_id: int | None) -> dict:
    """Who a machine is registered for: a firm user's own firm (in-plant machinery), a construction
    user's own unit, or the unit or firm the bureau names."""
    if actor.role == Role.FIRM:
        if firm_id not in (None, actor.firm_id) or unit_id is not None:
            raise Forbidden(t("只能为本企业登记", "you may record for your own firm only"), "firm_id")
        return {"firm_id": actor.firm_id, "unit_id": None}
    if firm_id is not None and actor.role in BUREAU:
        if unit_id is not None:
            raise DomainError(t("施工单位与企业只能选其一", "name a unit or a firm, not both"), "firm_id")
        return {"firm_id": get_or_404(Firm, firm_id, "企业", "firm", "firm_id").id, "unit_id": None}
    return {"unit_id": acting_unit_id(actor, unit_id), "firm_id": None}


def register_machinery(actor: User, data: dict) -> Machinery:
    """A construction unit registers a machine for itself, a firm its in-plant machinery (the bureau may
    for a named unit or firm): pending."""
    data = dict(data)
    owner = acting_owner(actor, data.pop("unit_id", None), data.pop("firm_id", None))
    unit_id = owner["unit_id"]
    _ensure_identifiers_free(data)
    machinery = Machinery(**owner, status=MachineryStatus.PENDING, **data)
    db.session.add(machinery)
    db.session.flush()
    _history(actor, machinery, HistoryAction.REGISTERED, to_unit=unit_id)
    record_change(actor, "create", "machinery", machinery.id, after=_snapshot(machinery))
    return machinery


def update_machinery(actor: User, machinery: Machinery, data: dict) -> Machinery:
    """Correct a registration. The unit may while it is pending or was rejected (a rejected one goes
    back to the queue); after approval only the bureau may."""
    data = {k: v for k, v in data.items() if k not in ("unit_id", "firm_id")}
    if machinery.status == MachineryStatus.RETIRED:
        raise Conflict(t("已注销的机械不能修改", "a retired machine cannot be changed"))
    if not is_bureau(actor) and machinery.status == MachineryStatus.APPROVED:
        raise Forbidden(t("已登记的机械如需变更，请联系生态环境局", "ask the bureau to change a registered machine"))
    _ensure_identifiers_free(data, exclude_id=machinery.id)
    before = _snapshot(machinery)
    for key, value in data.items():
        setattr(machinery, key, value)
    if machinery.status == MachineryStatus.REJECTED and not is_bureau(actor):
        machinery.status = MachineryStatus.PENDING
        machinery.reject_reason = None
        _history(actor, machinery, HistoryAction.RESUBMITTED)
    db.session.flush()
    record_change(actor, "update", "machinery", machinery.id, before=before, after=_snapshot(machinery))
    return machinery


def missing_photos(machinery: Machinery) -> list[PhotoKind]:
    have = {photo.kind for photo in machinery.photos}
    return [kind for kind in PhotoKind if kind not in have]


def _require_status(machinery: Machinery, *allowed: MachineryStatus) -> None:
    if machinery.status not in allowed:
        raise Conflict(
            t(
                f"当前状态（{machinery.status.value}）不允许此操作",
                f"not allowed while the registration is {machinery.status.value}",
            ),
            "status",
        )


def approve_machinery(actor: User, machinery: Machinery) -> Machinery:
    """Issue a registration code to a pending machine with all three photos."""
    _require_status(machinery, MachineryStatus.PENDING)
    missing = missing_photos(machinery)
    if missing:
        names = ", ".join(kind.value for kind in missing)
        raise DomainError(t(f"缺少照片：{names}", f"photos missing: {names}"), "photos", missing_photos=names)
    before = _snapshot(machinery)
    now = utcnow()
    machinery.registration_code = issue_registration_code(now)
    machinery.status = MachineryStatus.APPROVED
    machinery.reject_reason = None
    machinery.reviewed_by_id, machinery.reviewed_at, machinery.approved_at = actor.id, now, now
    _history(actor, machinery, HistoryAction.APPROVED, note=machinery.registration_code)
    db.session.flush()
    record_change(actor, "approve", "machinery", machinery.id, before=before, after=_snapshot(machinery))
    return machinery


def reject_machinery(actor: User, machinery: Machinery, reason: str) -> Machinery:
    """Send a pending registration back to its unit with the reason shown to it."""
    _require_status(machinery, MachineryStatus.PENDING)
    before = _snapshot(machinery)
    machinery.status, machinery.reject_reason = MachineryStatus.REJECTED, reason
    machinery.reviewed_by_id, machinery.reviewed_at = actor.id, utcnow()
    _history(actor, machinery, HistoryAction.REJECTED, note=reason)
    db.session.flush()
    record_change(actor, "reject", "machinery", machinery.id, before=before, after=_snapshot(machinery))
    return machinery


def transfer_machinery(actor: User, machinery: Machinery, unit_id: int, note: str | None = None) -> Machinery:
    """Hand a machine to another unit; it keeps its code (one machine, one code) and its history."""
    _require_status(machinery, MachineryStatus.PENDING, MachineryStatus.APPROVED, MachineryStatus.REJECTED)
    unit = get_unit(unit_id)
    if unit.id == machinery.unit_id:
        raise DomainError(t("机械已属于该单位", "the machine already belongs to this unit"), "unit_id")
    previous = machinery.unit_id
    machinery.unit_id, machinery.firm_id = unit.id, None  # a firm's machine sold to a construction unit
    _history(actor, machinery, HistoryAction.TRANSFERRED, note=note, from_unit=previous, to_unit=unit.id)
    db.session.flush()
    record_change(
        actor, "transfer", "machinery", machinery.id, before={"unit_id": previous}, after={"unit_id": unit.id}
    )
    return machinery


def retire_machinery(actor: User, machinery: Machinery, reason: str) -> Machinery:
    """Retire a machine (scrapped, sold out of the district); its code is never issued again."""
    if machinery.status == MachineryStatus.RETIRED:
        raise Conflict(t("该机械已注销", "the machine is already retired"), "status")
    before = _snapshot(machinery)
    machinery.status, machinery.retired_at = MachineryStatus.RETIRED, utcnow()
    _history(actor, machinery, HistoryAction.RETIRED, note=reason)
    db.session.flush()
    record_change(actor, "retire", "machinery", machinery.id, before=before, after=_snapshot(machinery))
    return machinery


def issue_registration_code(now) -> str:
    """The next code of the configured format; the counter row is locked, and a code is never reused."""
    config = current_app.config
    template, district, year = config["MACHINERY_CODE_FORMAT"], config["DISTRICT_CODE"], local_date(now).year
    scope = rules.code_scope(template, district, year)
    counter = db.session.get(RegistrationCounter, scope, with_for_update=True)
    if counter is None:
        counter = RegistrationCounter(scope=scope, last_serial=0)
        db.session.add(counter)
    while True:  # a code taken by hand-entered data or an older format is skipped, never reissued
        counter.last_serial += 1
        code = rules.registration_code(template, district, year, counter.last_serial)
        if db.session.scalar(select(Machinery.id).where(Machinery.registration_code == code)) is None:
            return code


def machinery_query(actor: User, args: dict):
    """The machines the actor may see, filtered, newest first."""
    query = select(Machinery).order_by(Machinery.id.desc())
    unit_id, firm_id = own_unit_id(actor), own_firm_id(actor)
    if unit_id is not None:
        query = query.where(Machinery.unit_id == unit_id)
    elif firm_id is not None:
        query = query.where(Machinery.firm_id == firm_id)
    else:
        for key in ("unit_id", "firm_id"):
            if args.get(key):
                query = query.where(getattr(Machinery, key) == args[key])
    for key in ("status", "machine_type", "emission_stage"):
        if args.get(key):
            query = query.where(getattr(Machinery, key) == args[key])
    if args.get("overdue") is not None:
        late = Machinery.status.in_([MachineryStatus.PENDING, MachineryStatus.REJECTED]) & (
            Machinery.acquisition_date < overdue_cutoff()
        )
        query = query.where(late if args["overdue"] else ~late)
    if args.get("missing_photos") is not None:
        photo_count = (
            select(db.func.count(MachineryPhoto.id))
            .where(MachineryPhoto.machinery_id == Machinery.id)
            .scalar_subquery()
        )
        query = query.where(photo_count < len(PhotoKind) if args["missing_photos"] else photo_count >= len(PhotoKind))
    if args.get("q"):
        like = f"%{args['q'].strip()}%"
        columns = (
            Machinery.model,
            Machinery.manufacturer,
            Machinery.pin,
            Machinery.engine_no,
            Machinery.registration_code,
        )
        query = query.where(or_(*(column.ilike(like) for column in columns)))
    return query
