"""A truck's day (issue 32): summed from the frames kept, a resend counted once; the day's distance,
engine hours, SCR conversion while warm, NOx percentiles, lowest urea, MIL minutes, gaps and bytes."""

from datetime import timedelta

from sqlalchemy import select

from registry.extensions import db
from registry.obd.models import ObdDay
from registry.obd.protocol.frames import Command
from registry.obd.store import Received, store
from registry.obd.summary import NOX_EDGES, DayPart, Figures, gaps, percentile
from tests.obd.test_protocol import AT
from tests.obd.test_store import NOW, data_frame


def test_gaps_and_percentiles():
    bits = [False] * 1440
    for minute in (*range(480, 490), *range(500, 510), *range(512, 520)):
        bits[minute] = True
    assert gaps(bits) == 1  # 490-499 is a gap; 510-511 too short; before the first and after the last: not
    histogram = [0] * (len(NOX_EDGES) - 1)
    histogram[1] = 10  # ten samples in [25, 50)
    assert percentile(histogram, 0.5) == 37.5 and percentile(histogram, 0.9) == 47.5
    assert percentile([0] * (len(NOX_EDGES) - 1), 0.5) is None


def test_the_day_is_summed_from_the_frames_kept_once():
    first = data_frame(AT, 1, mil=1)  # ten samples, the MIL on
    later = data_frame(AT + timedelta(minutes=20), 12, urea=20)  # 8 %
    batch = [Received(f, "peer", NOW) for f in (first, later, data_frame(AT, 1, Command.RESEND, mil=1))]
    store(batch, NOW)
    day = db.session.scalar(select(ObdDay))
    assert (day.day, day.samples, day.frames) == (AT.date(), 20, 2)
    assert day.frame_bytes == len(first.raw) + len(later.raw)
    figures = Figures.of(DayPart(**{name: getattr(day, name) for name in DayPart().as_row()}))
    assert figures.scr_efficiency == 0.9  # 400 ppm before the SCR, 40 after, at 300 °C
    assert figures.urea_lowest == 8.0 and figures.mil_minutes == round(10 / 60, 1)
    assert figures.minutes_with_data == 2 and figures.gaps == 1 and figures.engine_hours == round(20 / 3600, 2)
    assert 25 <= figures.nox_p50 <= 50
