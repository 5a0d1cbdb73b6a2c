"""Importing vehicles from CSV rows: every row checked, all-or-nothing or clearly partial."""

from dataclasses import dataclass, field

import marshmallow as ma
from sqlalchemy import select

from registry.common.errors import DomainError
from registry.extensions import db
from registry.labels.table import LABELS
from registry.vehicles.models import Vehicle
from registry.vehicles.schemas import VehicleInputSchema
from registry.vehicles.services import create_vehicle, update_vehicle

COLUMNS = tuple(VehicleInputSchema().fields)
REQUIRED = ("plate", "plate_color", "fuel_type", "vehicle_class")
# A clerk's spreadsheet may head its columns in Chinese, as the page's template does.
CHINESE_HEADERS = {
    "号牌号码": "plate",
    "号牌颜色": "plate_color",
    "车辆识别代号": "vin",
    "发动机号码": "engine_no",
    "排放阶段": "emission_stage",
    "阶段来源": "stage_source",
    "燃料类型": "fuel_type",
    "注册登记日期": "registration_date",
    "车辆类型": "vehicle_class",
    "车主或车队": "owner",
    "所属企业编号": "firm_id",
}
# Coded columns also take the words a person reads for each code (黄牌, 柴油, 国五, 重型货车).
WORDS = {
    "plate_color": "plate_colour",
    "fuel_type": "fuel",
    "emission_stage": "stage",
    "vehicle_class": "vehicle_class",
    "stage_source": "stage_source",
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    # (line number, {column: [message "中文 / English", ...]}); "_" for the row as a whole
    errors: list[tuple[int, dict[str, list[str]]]] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.created + self.updated


def column_of(heading: str) -> str:
    """The field a column's heading names (an API field name or its Chinese title)."""
    heading = (heading or "").strip()
    return CHINESE_HEADERS.get(heading, heading)


def unknown_columns(header: list[str]) -> list[str]:
    return [name for name in header if column_of(name) not in COLUMNS]


def header_problem(header: list[str]) -> str | None:
    """Why a file's header cannot be imported ("中文 / English"), or None."""
    columns = [column_of(h) for h in header]
    unknown = unknown_columns(header)
    missing = [c for c in REQUIRED if c not in columns]
    if not unknown and not missing:
        return None
    return (
        f"表头有误：未知列 {'、'.join(unknown) or '无'}，缺少列 {'、'.join(missing) or '无'}"
        f" / bad header: unknown {unknown}, missing {missing}; columns are {', '.join(COLUMNS)}"
    )


ROMAN = ("0", "I", "II", "III", "IV", "V", "VI")
# 国5, 国V and China V alike name stage 5
STAGE_ALIASES = {f"国{n}": str(n) for n in range(7)} | {f"国{r}": str(n) for n, r in enumerate(ROMAN)}


def _code(kind: str, cell: str) -> str:
    if kind == "stage" and cell.upper() in STAGE_ALIASES:
        return STAGE_ALIASES[cell.upper()]
    for code, (zh, en) in LABELS[kind].items():
        if cell in (zh, en):
            return code
    return cell


def _clean(row: dict) -> dict:
    """The row by field: an empty cell means 'not given' (CSV has no null), words become codes."""
    data = {column_of(k): v.strip() for k, v in row.items() if k is not None and v not in (None, "")}
    return {k: _code(WORDS[k], v) if k in WORDS else v for k, v in data.items() if v}


def by_column(messages) -> dict[str, list[str]]:
    """A row's marshmallow messages as {column: [message, ...]}."""
    if not isinstance(messages, dict):
        return {"_": [str(m) for m in (messages if isinstance(messages, list) else [messages])]}
    return {str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in messages.items()}


def describe(problems: dict[str, list[str]]) -> str:
    """One line of text for a row's problems (the command line's report)."""
    return "; ".join(f"{column}: {' '.join(messages)}" for column, messages in problems.items())


def import_row(actor, row: dict, update_existing: bool, report: ImportReport) -> None:
    """Validate and store one row; raise ValidationError or DomainError when it cannot be stored."""
    data = VehicleInputSchema().load(_clean(row))
    existing = db.session.scalar(select(Vehicle).where(Vehicle.plate == data["plate"]))
    if existing is not None and update_existing:
        update_vehicle(actor, existing, data)
        report.updated += 1
    else:
        create_vehicle(actor, data)
        report.created += 1


def import_vehicles(actor, rows, partial: bool, update_existing: bool, progress=None) -> ImportReport:
    """Import (line number, row) pairs; in partial mode failed rows are skipped, else any failure
    leaves the caller to roll everything back (the report says so)."""
    report = ImportReport()
    for line, row in rows:
        savepoint = db.session.begin_nested()
        try:
            import_row(actor, row, update_existing, report)
            savepoint.commit()
        except ma.ValidationError as exc:
            savepoint.rollback()
            report.errors.append((line, by_column(exc.messages)))
        except DomainError as exc:
            savepoint.rollback()
            report.errors.append((line, {exc.field or "_": [exc.message]}))
        if progress:
            progress(1)
        if report.errors and not partial and len(report.errors) >= 100:
            break  # enough to show; nothing will be stored anyway
    return report
