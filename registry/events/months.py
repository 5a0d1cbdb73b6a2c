"""What a page of passes shows, read from only the months the page spans.

The passes and the tables that grow with them (verdicts, pictures, violations) are partitioned by the
pass's month. A look-up by pass id alone is planned over every month kept (32 partitions: ~10 ms of
planning a statement) and, made lazily per row, once for every row of a page. Here each table is read
once for the whole page, by the passes' ids and the span of their times, so that the planner keeps the
one or two months the page covers.

Joining two of these tables, a few rows (a page, a truck's last passes) are joined on the pass id and
its time, which keeps each row's look-up in its own month. A bulk join (a report, a count over days) is
made on the pass id alone, with each table bounded by the same days: on both equalities the planner
takes them for independent, expects one row where there are a hundred thousand, and nests loops that
read every pass of the month for each firm (an alert's evaluation: 1.3 s for a day, against a hash join
of the day's rows)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from registry.events.models import PassImage, PlateEvent, Verdict, Violation
from registry.extensions import db


def of_passes(model, passes: Iterable[tuple[int, datetime]], *options) -> dict[int, list]:
    """The rows of `model` for these (pass id, pass time) pairs, by pass id, each pass's in id order; its
    copy of the pass's time is the model's `__partition_time__`."""
    passes = list(passes)
    if not passes:
        return {}
    key = model.id if model is PlateEvent else model.plate_event_id
    moment = getattr(model, model.__partition_time__)
    times = [at for _, at in passes]
    query = select(model).where(key.in_({i for i, _ in passes}), moment.between(min(times), max(times)))
    found = defaultdict(list)
    for row in db.session.scalars(query.options(*options).order_by(model.id)).unique():
        found[getattr(row, key.key)].append(row)
    return found


def passes_shown(passes: Iterable[tuple[int, datetime]], *, findings: bool = False) -> dict[int, PlateEvent]:
    """The passes, each with its gate, verdict and pictures (and, with `findings`, its violations and
    their alerts), in one statement: every table joined is bounded by the span of the passes' times in
    its ON clause, so each reads only the page's months."""
    passes = list(passes)
    if not passes:
        return {}
    low, high = min(at for _, at in passes), max(at for _, at in passes)
    options = [
        joinedload(PlateEvent.gate),
        joinedload(PlateEvent.verdict.and_(Verdict.pass_at.between(low, high))),
        joinedload(PlateEvent.images.and_(PassImage.pass_at.between(low, high))),
    ]
    if findings:
        shown = PlateEvent.violations.and_(Violation.captured_at.between(low, high))
        options.append(joinedload(shown).joinedload(Violation.alert))
    query = select(PlateEvent).where(
        PlateEvent.id.in_({i for i, _ in passes}), PlateEvent.captured_at.between(low, high)
    )
    events = {event.id: event for event in db.session.scalars(query.options(*options)).unique()}
    for event in events.values():
        for violation in event.violations if findings else ():
            set_committed_value(violation, "plate_event", event)  # its finding is read from the verdict
    return events


def fill_passes(events: list[PlateEvent]) -> None:
    """Each pass's verdict and pictures, set on it (two statements for the page)."""
    passes = [(event.id, event.captured_at) for event in events]
    verdicts = of_passes(Verdict, passes)
    images = of_passes(PassImage, passes)
    for event in events:
        set_committed_value(event, "verdict", (verdicts.get(event.id) or [None])[0])
        set_committed_value(event, "images", images.get(event.id, []))
