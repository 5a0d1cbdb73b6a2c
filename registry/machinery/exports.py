"""The bureau's machinery list as CSV or XLSX."""

from sqlalchemy.orm import joinedload

from registry.common.exports import table_response
from registry.common.time import today_local
from registry.extensions import db
from registry.machinery.deadlines import is_overdue
from registry.machinery.models import Machinery

COLUMNS = [
    ("登记编码", "registration_code", lambda m: m.registration_code),
    ("状态", "status", lambda m: m.status.value),
    ("所属单位", "unit", lambda m: m.unit.name),
    ("机械类型", "machine_type", lambda m: m.machine_type.value),
    ("型号", "model", lambda m: m.model),
    ("生产厂家", "manufacturer", lambda m: m.manufacturer),
    ("机械环保代码", "pin", lambda m: m.pin),
    ("发动机型号", "engine_model", lambda m: m.engine_model),
    ("发动机编号", "engine_no", lambda m: m.engine_no),
    ("额定功率(kW)", "rated_power_kw", lambda m: float(m.rated_power_kw)),
    ("燃料", "fuel_type", lambda m: m.fuel_type.value),
    ("排放阶段", "emission_stage", lambda m: m.emission_stage.value),
    ("生产日期", "production_date", lambda m: m.production_date.isoformat() if m.production_date else None),
    ("购置日期", "acquisition_date", lambda m: m.acquisition_date.isoformat() if m.acquisition_date else None),
    ("后处理装置", "aftertreatment", lambda m: m.aftertreatment),
    ("逾期未登记", "registration_overdue", lambda m: "是 yes" if is_overdue(m) else "否 no"),
]


def header() -> list[str]:
    return [f"{zh} ({key})" for zh, key, _ in COLUMNS]


def rows(query):
    result = db.session.scalars(query.options(joinedload(Machinery.unit)).execution_options(yield_per=500))
    for machinery in result:
        yield [value(machinery) for _, _, value in COLUMNS]


def machinery_export(query, fmt: str):
    return table_response(fmt, f"machinery-{today_local().isoformat()}", "machinery", header(), rows(query))
