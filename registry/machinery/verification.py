"""Public verification of a registration code: what an inspector at a site gate needs to tell that the
label belongs to the machine in front of them (model, engine number, nameplate photo, the site it is
declared for today, when the code was issued), nothing personal."""

from sqlalchemy import select

from registry.common.i18n import t
from registry.common.text import printable, text_problem
from registry.common.time import local_date, today_local
from registry.extensions import db
from registry.machinery.inspections import latest_inspection
from registry.machinery.models import Machinery, MachineryStatus, PhotoKind
from registry.machinery.services import machinery_by_code
from registry.sites.models import Site, SiteDeclaration

EMPTY = {
    "status": None,
    "machine_type": None,
    "emission_stage": None,
    "model": None,
    "manufacturer": None,
    "engine_no": None,
    "rated_power_kw": None,
    "issued_on": None,
    "owner_unit": None,
    "site_today": None,
    "nameplate_photo": False,
    "latest_inspection": None,
}


def site_today(machinery: Machinery) -> str | None:
    """The site the machine is declared for today (进场登记), if any."""
    today = today_local()
    return db.session.scalar(
        select(Site.name)
        .join(SiteDeclaration, SiteDeclaration.site_id == Site.id)
        .where(
            SiteDeclaration.machinery_id == machinery.id,
            SiteDeclaration.valid_from <= today,
            SiteDeclaration.valid_to >= today,
        )
        .order_by(SiteDeclaration.valid_from.desc())
        .limit(1)
    )


def verify(code: str) -> dict:
    """`valid` only for an approved registration; the owner unit's name but no contact data."""
    code = code.strip()
    if text_problem(code):  # nothing such is stored: not looked up, and echoed as storable text
        code = printable(code)[:64]
        machinery = None
    else:
        machinery = machinery_by_code(code) if code else None
    if machinery is None:
        return EMPTY | {
            "valid": False,
            "registration_code": code,
            "message": t("查无此登记编码", "no registration with this code"),
        }
    code = machinery.registration_code
    valid = machinery.status == MachineryStatus.APPROVED
    inspection = latest_inspection(machinery)
    return {
        "valid": valid,
        "registration_code": code,
        "status": machinery.status.value,
        "machine_type": machinery.machine_type.value,
        "emission_stage": machinery.emission_stage.value,
        "model": machinery.model,
        "manufacturer": machinery.manufacturer,
        "engine_no": machinery.engine_no,
        "rated_power_kw": float(machinery.rated_power_kw),
        "issued_on": local_date(machinery.approved_at).isoformat() if machinery.approved_at else None,
        "owner_unit": machinery.owner_name,
        "site_today": site_today(machinery) if valid else None,
        "nameplate_photo": valid and any(p.kind == PhotoKind.NAMEPLATE for p in machinery.photos),
        "latest_inspection": None
        if inspection is None
        else {
            "result": inspection.result.value,
            "date": local_date(inspection.inspected_at).isoformat(),
            "k": float(inspection.k),
            "limit": float(inspection.limit_k),
        },
        "message": t("登记有效", "registration valid") if valid else t("登记无效", "registration not valid"),
    }
