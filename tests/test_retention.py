"""flask retention run: pictures after 12 months, ledger rows after 24, never a confirmed violation's
evidence; and the database itself refuses to delete or change that evidence."""

import base64
from datetime import date, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from registry.events.models import PassImage, PlateEvent, Violation, ViolationStatus
from registry.extensions import db
from registry.gates.services import create_gate
from registry.pictures.store import image_path
from registry.retention.services import months_before
from registry.violations.services import review_violation


def picture(shade: int) -> str:
    """A yellow plate-sized picture (as the camera claims), distinct per shade."""
    image = np.full((40, 120, 3), (40, shade, 230), np.uint8)
    return base64.b64encode(cv2.imencode(".jpg", image)[1].tobytes()).decode()


@pytest.fixture
def ledger(client, make_firm, make_user):
    firm = make_firm(name="华电热电", industry="power", in_planning_area=True)
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    officer, _ = make_user("police")
    today = date.today()

    def pass_at(event_id, days_ago, shade):
        at = (today - timedelta(days=days_ago)).isoformat() + "T10:00:00+08:00"
        body = {"event_id": event_id, "plate": "晋H77777", "plate_color": "yellow", "direction": "in"}
        answer = client.post(
            f"/api/v1/gates/{gate.code}/events",
            json=body | {"captured_at": at, "images": {"plate": picture(shade)}},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert answer.status_code == 201
        return answer.get_json()["id"]

    passes = {
        "recent": pass_at("recent", 10, 100),  # shares its picture with "old"
        "old": pass_at("old", 400, 100),
        "old_alone": pass_at("old-alone", 420, 151),
        "evidence": pass_at("evidence", 800, 200),  # confirmed violation: kept whatever its age
        "ancient": pass_at("ancient", 810, 251),
    }
    violation = db.session.scalar(select(Violation).where(Violation.plate_event_id == passes["evidence"]))
    review_violation(officer, violation, ViolationStatus.CONFIRMED, "处罚依据")
    db.session.commit()
    return passes


def files(app) -> set[str]:
    return {p.name for p in Path(app.config["IMAGE_DIR"]).glob("*/*")}


def sha_of(pass_id) -> str:
    return db.session.scalar(select(PassImage.sha256).where(PassImage.plate_event_id == pass_id))


def test_retention_removes_old_pictures_and_rows_but_never_evidence(app, runner, ledger):
    shared, alone, evidence, ancient = (sha_of(ledger[k]) for k in ("old", "old_alone", "evidence", "ancient"))
    assert {shared, alone, evidence, ancient} <= files(app)

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0 and "将删除 / would remove" in dry.output
    assert {shared, alone, evidence, ancient} <= files(app)

    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert (
        "过车图片 / pass pictures" in result.output and "kept as evidence of confirmed violations: 1" in result.output
    )
    kept = files(app)
    assert shared in kept  # the recent pass still shows the same picture
    assert alone not in kept and ancient not in kept
    assert evidence in kept
    remaining = set(db.session.scalars(select(PlateEvent.id)))
    assert remaining == {ledger["recent"], ledger["old"], ledger["old_alone"], ledger["evidence"]}
    purged = db.session.scalar(select(PassImage.purged_at).where(PassImage.plate_event_id == ledger["old_alone"]))
    assert purged is not None  # the row stays as the record that a picture was sent
    assert "台账记录 / ledger rows (passes) captured before" in result.output


def test_the_ledger_is_kept_at_least_24_months(runner):
    refused = runner.invoke(args=["retention", "run", "--ledger-months", "12"])
    assert refused.exit_code != 0 and "24" in refused.output


def test_the_database_refuses_to_delete_or_change_confirmed_evidence(ledger):
    evidence = ledger["evidence"]
    attempts = [
        delete(Violation).where(Violation.plate_event_id == evidence),
        update(Violation).where(Violation.plate_event_id == evidence).values(status="dismissed"),
        delete(PassImage).where(PassImage.plate_event_id == evidence),
        update(PassImage).where(PassImage.plate_event_id == evidence).values(purged_at=func.current_timestamp()),
        delete(PlateEvent).where(PlateEvent.id == evidence),
    ]
    for statement in attempts:
        savepoint = db.session.begin_nested()
        with pytest.raises(IntegrityError):
            db.session.execute(statement)
        savepoint.rollback()
    open_ones = delete(Violation).where(Violation.plate_event_id == ledger["ancient"])
    assert db.session.execute(open_ones).rowcount >= 1  # an open violation is not protected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 28), 12, date(2025, 11, 28)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 15), 24, date(2024, 1, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_image_files_are_where_the_store_puts_them(app, ledger):
    assert image_path(Path(app.config["IMAGE_DIR"]), sha_of(ledger["recent"])).exists()
