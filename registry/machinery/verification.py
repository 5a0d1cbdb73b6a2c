"""Public verification of a registration code: what an inspector at a site gate needs, nothing personal."""

from registry.common.i18n import t
from registry.common.text import printable, text_problem
from registry.common.time import local_date
from registry.machinery.inspections import latest_inspection
from registry.machinery.models import MachineryStatus
from registry.machinery.services import machinery_by_code


def verify(code: str) -> dict:
    """`valid` only for an approved registration; the owner unit's name but no contact data."""
    code = code.strip()
    if text_problem(code):  # nothing such is stored: not looked up, and echoed as storable text
        code = printable(code)[:64]
        machinery = None
    else:
        machinery = machinery_by_code(code) if code else None
    if machinery is None:
        return {
            "valid": False,
            "registration_code": code,
            "status": None,
            "machine_type": None,
            "emission_stage": None,
            "owner_unit": None,
            "latest_inspection": None,
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
        "owner_unit": machinery.unit.name,
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
