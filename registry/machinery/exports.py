"""The bureau's machinery list as CSV or XLSX, in the reader's language."""

from sqlalchemy.orm import joinedload

from registry.common.exports import Column, table_response
from registry.common.i18n import t
from registry.common.time import today_local
from registry.extensions import db
from registry.machinery.deadlines import is_overdue
from registry.machinery.models import Machinery
from registry.machinery.names import NAMES

COLUMNS = [
    (Column("登记编码", "registration code", 18), lambda m: m.registration_code),
    (Column("状态", "status", 9), lambda m: NAMES(m.status)),
    (Column("所属单位", "construction unit", 24), lambda m: m.owner_name),
    (Column("机械类型", "machine type", 10), lambda m: NAMES(m.machine_type)),
    (Column("型号", "model", 14), lambda m: m.model),
    (Column("生产厂家", "manufacturer", 20), lambda m: m.manufacturer),
    (Column("机械环保代码", "PIN", 20), lambda m: m.pin),
    (Column("发动机型号", "engine model", 14), lambda m: m.engine_model),
    (Column("发动机编号", "engine number", 16), lambda m: m.engine_no),
    (Column("额定功率（kW）", "rated power (kW)", 12), lambda m: float(m.rated_power_kw)),
    (Column("燃料", "fuel", 8), lambda m: NAMES(m.fuel_type)),
    (Column("排放阶段", "emission stage", 10), lambda m: NAMES(m.emission_stage)),
    (Column("生产日期", "production date", 12), lambda m: m.production_date),
    (Column("购置日期", "acquisition date", 12), lambda m: m.acquisition_date),
    (Column("后处理装置", "after-treatment", 16), lambda m: m.aftertreatment),
    (Column("逾期未登记", "registration overdue", 10), lambda m: t("是", "yes") if is_overdue(m) else t("否", "no")),
]


def rows(query):
    result = db.session.scalars(query.options(joinedload(Machinery.unit)).execution_options(yield_per=500))
    for machinery in result:
        yield [value(machinery) for _, value in COLUMNS]


def machinery_export(query, fmt: str):
    columns = [column for column, _ in COLUMNS]
    filename = f"machinery-{today_local().isoformat()}"
    return table_response(fmt, filename, t("非道路移动机械", "machinery"), columns, rows(query))
