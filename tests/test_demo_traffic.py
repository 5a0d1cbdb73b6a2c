"""The demo shows the product (issue 30, item 9): trucks work for their home firms with plausible timings,
drive between firms in the time the distance takes, stay home while an alert stops them, and the few
anomalies are put in once each; seeding a day records it through the gate's pipeline with a picture of
every truck and its plate, and leaves a short review queue in which each feature shows once."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from sqlalchemy import func, select

from registry.cases.models import Case
from registry.demo import data
from registry.demo.pictures import plate_image
from registry.demo.traffic import UNREGISTERED_PLATE, Place, Truck, distance_km, schedule
from registry.events.models import PassImage, PlateEvent, Violation
from registry.extensions import db
from registry.pictures.analysis import PLATE, analyse

PLACES = [
    Place("A-1", "甲厂", 38.4172, 112.7463),
    Place("A-2", "甲厂", 38.4215, 112.7431),
    Place("B-1", "乙厂", 38.3291, 112.6012),  # about 16 km from 甲厂
]
TRUCKS = [Truck("晋H10001", "yellow", "甲厂", ("乙厂",)), Truck("晋H10002", "yellow", "乙厂")]
START = datetime(2026, 11, 20, tzinfo=UTC)


def by_plate(reads):
    plates = {}
    for read in reads:
        plates.setdefault(read.plate, []).append(read)
    return plates


def test_each_truck_goes_in_and_out_and_drives_between_firms_in_real_time():
    reads = schedule(TRUCKS, PLACES, START, START + timedelta(days=1), seed=7, speed=10)
    assert reads == sorted(reads) and all(START <= r.at < START + timedelta(days=1) for r in reads)
    where = {p.code: p for p in PLACES}
    for plate, own in by_plate([r for r in reads if not r.anomaly]).items():
        assert [r.direction for r in own] == ["in", "out"] * (len(own) // 2) + ["in"] * (len(own) % 2), plate
        for before, after in pairwise(own):
            km = distance_km(where[before.gate], where[after.gate])
            if km > 2:  # another firm: at least the drive at 40 km/h, whatever the speed-up
                assert after.at - before.at >= timedelta(hours=km / 40), (plate, before, after)
    visits = [r for r in reads if r.plate == "晋H10001" and r.gate == "B-1"]
    assert visits  # the truck of 甲厂 calls at its customer
    assert reads == schedule(TRUCKS, PLACES, START, START + timedelta(days=1), seed=7, speed=10)  # repeatable


def test_one_cloned_plate_and_one_unregistered_truck_are_put_in_on_purpose():
    reads = schedule(TRUCKS, PLACES, START, START + timedelta(days=1), seed=7)
    anomalies = [r for r in reads if r.anomaly]
    assert Counter(r.anomaly for r in anomalies) == {"cloned": 1, "unregistered": 1}
    clone = next(r for r in anomalies if r.anomaly == "cloned")
    seen = max((r for r in reads if r.plate == clone.plate and r.at < clone.at and not r.anomaly), key=lambda r: r.at)
    where = {p.code: p for p in PLACES}
    assert clone.at - seen.at == timedelta(minutes=3) and distance_km(where[seen.gate], where[clone.gate]) > 10
    assert next(r for r in anomalies if r.anomaly == "unregistered").plate == UNREGISTERED_PLATE
    assert not [
        r for r in schedule(TRUCKS, PLACES, START, START + timedelta(days=1), seed=7, anomalies=False) if r.anomaly
    ]


def test_a_truck_an_alert_stops_stays_home_while_it_lasts():
    alert = (START + timedelta(hours=6), START + timedelta(hours=18))
    reads = schedule(TRUCKS, PLACES, START, START + timedelta(days=1), seed=3, quiet={"晋H10002": [alert]})
    arrivals = [r.at for r in reads if r.plate == "晋H10002" and r.direction == "in"]
    assert arrivals and not [at for at in arrivals if alert[0] <= at < alert[1]]


def test_the_drawn_plate_reads_back_as_the_truck_registered_it():
    for plate, colour, *_ in data.VEHICLES[:3] + [v for v in data.VEHICLES if v[1] != "yellow"]:
        measured = analyse(plate_image(plate, colour), PLATE)
        assert measured.colour == colour, plate


def test_a_seeded_day_has_pictures_for_every_pass_and_a_short_queue(runner):
    result = runner.invoke(args=["demo", "seed", "--history-hours", "24", "--credentials", "/dev/null"])
    assert result.exit_code == 0, result.output
    passes = db.session.scalar(select(func.count()).select_from(PlateEvent))
    assert 150 <= passes <= 400, passes
    assert db.session.scalar(select(func.count(func.distinct(PassImage.plate_event_id)))) == passes
    rules = Counter(db.session.scalars(select(Violation.rule)))
    assert rules["CLONED_PLATE"] == 1 and rules["UNREGISTERED_VEHICLE"] == 1 and rules["PHASE_OUT"] >= 1
    assert db.session.scalar(select(func.count()).select_from(Case)) <= 15  # a short queue, each case a feature
