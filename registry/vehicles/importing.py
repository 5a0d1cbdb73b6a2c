"""Importing vehicles from CSV rows: every row checked, all-or-nothing or clearly partial."""

from dataclasses import dataclass, field

import marshmallow as ma
from sqlalchemy import select

from registry.common.errors import DomainError
from registry.extensions import db
from registry.vehicles.models import Vehicle
from registry.vehicles.schemas import VehicleInputSchema
from registry.vehicles.services import create_vehicle, update_vehicle

COLUMNS = tuple(VehicleInputSchema().fields)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)

    @property
    def stored(self) -> int:
        return self.created + self.updated


def unknown_columns(header: list[str]) -> list[str]:
    return [name for name in header if name not in COLUMNS]


def _clean(row: dict) -> dict:
    """CSV has no null: an empty cell means 'not given'."""
    return {k: v for k, v in row.items() if k is not None and v not in (None, "")}


def _describe(messages) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{key}: {_describe(value)}" for key, value in messages.items())
    if isinstance(messages, list):
        return " ".join(str(m) for m in messages)
    return str(messages)


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
            report.errors.append((line, _describe(exc.messages)))
        except DomainError as exc:
            savepoint.rollback()
            report.errors.append((line, exc.message))
        if progress:
            progress(1)
        if report.errors and not partial and len(report.errors) >= 100:
            break  # enough to show; nothing will be stored anyway
    return report
