"""The frames' days (issue 32): on PostgreSQL a partition a local day, made around today and dropped
after OBD_RAW_DAYS; on SQLite old rows are deleted. A frame lands in its collection day."""

from datetime import date, timedelta

from sqlalchemy import func, select, text

from registry.extensions import db
from registry.obd.days import around, days, retire
from registry.obd.models import ObdFrame
from registry.obd.store import Received, store
from tests.obd.test_protocol import AT
from tests.obd.test_store import NOW, data_frame


def test_frames_land_in_their_day_and_old_days_go(app):
    today = AT.date()
    postgres = db.session.get_bind().dialect.name == "postgresql"
    made = around(today, behind=2, ahead=1)
    if postgres:
        assert set(days()) >= {today - timedelta(days=2), today, today + timedelta(days=1)}
        assert not made.skipped
    store([Received(data_frame(AT - timedelta(days=n), 1 + n), "peer", NOW) for n in range(3)], NOW)
    if postgres:
        where = db.session.scalar(
            text("SELECT tableoid::regclass::text FROM obd_frames WHERE collected_at = :at"), {"at": AT}
        )
        assert where == f"obd_frames_d{today:%Y%m%d}"
    gone = retire(today, keep_days=2)  # today and yesterday are kept
    assert db.session.scalar(select(func.count()).select_from(ObdFrame)) == 2
    if postgres:
        assert today - timedelta(days=2) in gone.dropped and today - timedelta(days=1) not in gone.dropped
    else:
        assert gone.deleted == 1
    assert isinstance(today, date)


def test_the_daily_job_says_what_it_did(app, runner):
    result = runner.invoke(args=["obd", "days", "--ahead", "2"])
    assert result.exit_code == 0, result.output
    assert "frame days" in result.output
