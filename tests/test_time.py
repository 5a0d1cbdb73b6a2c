"""Times are stored as aware UTC on every engine; business dates are local (Asia/Shanghai)."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from registry.alerts.models import Alert, AlertLevel
from registry.common.time import local_date, local_day_bounds
from registry.extensions import db


def test_aware_times_round_trip_as_utc():
    beijing = timezone(timedelta(hours=8))
    alert = Alert(
        level=AlertLevel.ORANGE,
        starts_at=datetime(2022, 1, 1, 0, 30, tzinfo=beijing),
        ends_at=datetime(2022, 1, 3, tzinfo=beijing),
    )
    db.session.add(alert)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Alert, alert.id)
    assert stored.starts_at == datetime(2021, 12, 31, 16, 30, tzinfo=UTC)
    assert stored.starts_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused():
    db.session.add(Alert(level=AlertLevel.RED, starts_at=datetime(2022, 1, 1), ends_at=datetime(2022, 1, 2)))
    with pytest.raises(Exception, match="naive"):
        db.session.flush()
    db.session.rollback()


def test_local_date_crosses_midnight_before_utc():
    assert local_date(datetime(2021, 12, 31, 16, 30, tzinfo=UTC)) == date(2022, 1, 1)
    assert local_date(datetime(2021, 12, 31, 15, 59, tzinfo=UTC)) == date(2021, 12, 31)
    start, end = local_day_bounds(date(2022, 1, 1))
    assert start == datetime(2021, 12, 31, 16, tzinfo=UTC)
    assert end - start == timedelta(days=1)


def test_times_as_chinese_excel_writes_them_are_read_as_china_standard_time():
    from registry.common.time import spreadsheet_moment

    cst = timezone(timedelta(hours=8))
    expected = datetime(2026, 12, 3, 16, 24, tzinfo=cst)
    for text in ("2026/12/3 16:24", "2026/12/03 16:24:00", "2026-12-3 16:24", "2026年12月3日 16:24", "2026.12.3 16:24"):
        assert spreadsheet_moment(text) == expected, text
    assert spreadsheet_moment("2026-12-03T08:24:00Z") == expected  # an offset given is kept
    assert spreadsheet_moment("2026/13/3 16:24") is None and spreadsheet_moment("明天") is None
