"""Removing old pass pictures and old ledger rows, in chunks, and saying what was removed.

- Pictures of passes captured before the picture cut-off (default 12 months) are purged: the file goes
  (unless another kept row still uses the same content), the row stays with `purged_at` as the record.
- Passes captured before the ledger cut-off (default 24 months, never less) go with their reads,
  verdicts, pictures and open or dismissed violations.
- Nothing of a pass with a confirmed violation is touched (the database refuses it as well: migration 0005).

On PostgreSQL the passes are kept by month (registry.partitions): every whole month before the ledger
cut-off is retired at once, its partitions dropped and its evidence kept, in seconds whatever the
month holds; only passes no month partition holds (the DEFAULT partitions) go row by row. A dry run
counts by aggregate (the daily counts, one count of the pictures) rather than walking rows.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, exists, func, select, update

from registry.cases.models import Case
from registry.common.time import local_day_bounds, today_local, utcnow
from registry.events.models import PassImage, PlateEvent, PlateRead, Verdict, Violation, ViolationStatus
from registry.extensions import db
from registry.machinery.models import MachineryPhoto
from registry.partitions.months import add_months
from registry.partitions.services import is_partitioned, retire
from registry.partitions.services import months as partition_months
from registry.pictures.store import image_path

CHUNK = 500
MIN_LEDGER_MONTHS = 24  # HJ 1321-2023 practice (DOMAIN.md 4): keep ledger rows at least 24 months


@dataclass
class Report:
    images_cutoff: date
    ledger_cutoff: date
    images_purged: int = 0
    files_deleted: int = 0
    bytes_freed: int = 0
    passes_deleted: int = 0
    kept_as_evidence: int = 0
    dry_run: bool = False
    months_retired: list[date] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier (the month's last day when it is shorter)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def confirmed(pass_id_column):
    return exists().where(Violation.plate_event_id == pass_id_column, Violation.status == ViolationStatus.CONFIRMED)


def run_retention(image_months: int, ledger_months: int, folder: Path, dry_run: bool = False) -> Report:
    """Apply both cut-offs; commits chunk by chunk (a long run leaves finished chunks done)."""
    if ledger_months < MIN_LEDGER_MONTHS:
        raise ValueError(f"ledger rows are kept at least {MIN_LEDGER_MONTHS} months")
    today = today_local()
    report = Report(months_before(today, image_months), months_before(today, ledger_months), dry_run=dry_run)
    images_before = local_day_bounds(report.images_cutoff)[0]
    ledger_before = local_day_bounds(report.ledger_cutoff)[0]
    report.kept_as_evidence = db.session.scalar(  # through the violations' (status, time) index
        select(db.func.count(Violation.plate_event_id.distinct())).where(
            Violation.status == ViolationStatus.CONFIRMED, Violation.captured_at < images_before
        )
    )
    if dry_run:
        _count_images(report, images_before)
    else:
        _purge_images(report, images_before, folder)
    if is_partitioned():
        ledger_before = _retire_months(report, report.ledger_cutoff, folder)
    _delete_passes(report, ledger_before, folder)
    return report


def _images_to_purge(query, before: datetime):
    """Pictures still on disk of passes captured before `before`, none a confirmed violation's
    evidence; bounded by the pictures' own copy of the time too, so that only those months are read."""
    return query.join(PlateEvent, PassImage.plate_event_id == PlateEvent.id).where(
        PlateEvent.captured_at < before,
        PassImage.pass_at < before,
        PassImage.purged_at.is_(None),
        PassImage.sha256.is_not(None),
        ~confirmed(PlateEvent.id),
    )


def _count_images(report: Report, before: datetime) -> None:
    """What a run would purge, by one aggregate: pictures, their distinct contents and their bytes
    (files another kept row shares are counted too: an upper bound)."""
    pictures, contents, size = db.session.execute(
        _images_to_purge(
            select(func.count(), func.count(PassImage.sha256.distinct()), func.coalesce(func.sum(PassImage.size), 0)),
            before,
        )
    ).one()
    report.images_purged, report.files_deleted, report.bytes_freed = pictures, contents, int(size)


def _retire_months(report: Report, cutoff: date, folder: Path) -> datetime:
    """Retire every month that ends before the cut-off; each month is its own transaction. Returns the
    moment before which passes are still to be deleted row by row: those of no month's partition."""
    have = partition_months()
    for month in [m for m in have if add_months(m, 1) <= cutoff]:
        retired = retire(month, dry_run=report.dry_run)
        report.passes_deleted += retired.passes - retired.kept
        report.months_retired.append(month)
        if not report.dry_run:
            db.session.commit()
            _delete_unused_files(report, set(retired.files), folder, exclude_ids=[])
    first = local_day_bounds(have[0])[0] if have else None
    before = local_day_bounds(cutoff)[0]
    return min(before, first) if first else before


def _purge_images(report: Report, before: datetime, folder: Path) -> None:
    query = _images_to_purge(select(PassImage.id, PassImage.sha256, PassImage.size), before)
    query = query.order_by(PassImage.id).limit(CHUNK)
    last_id = 0
    while rows := db.session.execute(query.where(PassImage.id > last_id)).all():
        last_id = rows[-1][0]
        ids = [image_id for image_id, _, _ in rows]
        report.images_purged += len(ids)
        if not report.dry_run:
            db.session.execute(update(PassImage).where(PassImage.id.in_(ids)).values(purged_at=utcnow()))
        _delete_unused_files(report, {sha for _, sha, _ in rows}, folder, exclude_ids=ids)
        if not report.dry_run:
            db.session.commit()


def _delete_passes(report: Report, before: datetime, folder: Path) -> None:
    query = (
        select(PlateEvent.id)
        .where(PlateEvent.captured_at < before, ~confirmed(PlateEvent.id))
        .order_by(PlateEvent.id)
        .limit(CHUNK)
    )
    last_id = 0
    while ids := db.session.scalars(query.where(PlateEvent.id > last_id)).all():
        last_id = ids[-1]
        report.passes_deleted += len(ids)
        images = db.session.execute(
            select(PassImage.id, PassImage.sha256).where(
                PassImage.plate_event_id.in_(ids), PassImage.purged_at.is_(None)
            )
        ).all()
        if not report.dry_run:
            for model in (PassImage, PlateRead, Violation, Case, Verdict):
                db.session.execute(delete(model).where(model.plate_event_id.in_(ids)))
            db.session.execute(delete(PlateEvent).where(PlateEvent.id.in_(ids)))
        shas = {sha for _, sha in images if sha}
        _delete_unused_files(report, shas, folder, exclude_ids=[image_id for image_id, _ in images])
        if not report.dry_run:
            db.session.commit()


def _delete_unused_files(report: Report, shas: set[str], folder: Path, exclude_ids: list[int]) -> None:
    """Delete each file no kept picture or machinery photo still uses (content is shared by hash)."""
    if not shas:
        return
    still_used = set(
        db.session.scalars(
            select(PassImage.sha256).where(
                PassImage.sha256.in_(shas), PassImage.purged_at.is_(None), PassImage.id.not_in(exclude_ids)
            )
        )
    )
    still_used |= set(db.session.scalars(select(MachineryPhoto.sha256).where(MachineryPhoto.sha256.in_(shas))))
    for sha in sorted(shas - still_used):
        path = image_path(folder, sha)
        if not path.exists():
            report.missing_files.append(sha)
            continue
        report.files_deleted += 1
        report.bytes_freed += path.stat().st_size
        if not report.dry_run:
            path.unlink()
