"""号牌复核: the plate text read back from the picture, compared with the camera's read allowing for
look-alike characters, and a disagreement raised for review (the PLATE_TEXT policy's data), never a deny.
Accuracy per source: scripts/eval_pictures.py --text (docs/BENCHMARKS.md)."""

import base64
import csv

import pytest
from sqlalchemy import select

from registry.accounts.models import Role
from registry.cases.models import Case
from registry.events.models import PassImage, Violation
from registry.events.pictures import analyse_pending
from registry.extensions import db
from registry.gates.services import create_gate
from registry.identifiers.plates import ReadComparison, compare_reads
from registry.pictures.decoding import decode
from registry.pictures.text import read_plate_text
from tests.support.pictures import PLATES, labelled

LPRNET_CROP = "lprnet_pytorch/data/test/皖A226K3.jpg"  # labelled 皖A226K3


@pytest.mark.parametrize(
    ("camera", "picture", "province", "expected"),
    [
        ("晋H12345", "晋H12345", False, ReadComparison(True, False, 0)),
        ("晋H·12345", "晋 H12345", False, ReadComparison(True, False, 0)),  # separators are not characters
        ("晋H8B345", "晋HB8345", False, ReadComparison(True, True, 0)),  # 8/B: cameras confuse them (DOMAIN.md 6)
        ("晋H12O45", "晋H12045", False, ReadComparison(True, False, 0)),  # no O in a serial: it is a 0
        ("晋H12345", "H12345", False, ReadComparison(False, False, 1)),  # the province character unread
        ("晋H12345", "H12345", True, ReadComparison(True, False, 0)),  # … and left out of the comparison
        ("晋H12345", "晋H12346", True, ReadComparison(False, False, 1)),
        ("晋H12345", "冀A77777", True, ReadComparison(False, False, 6)),
    ],
)
def test_comparing_two_reads(camera, picture, province, expected):
    assert compare_reads(camera, picture, ignore_province=province) == expected


def crops_with_text(source_prefix: str, count: int) -> list[tuple[str, bytes]]:
    index = PLATES / "INDEX.tsv"
    if not index.exists():
        pytest.skip(f"the shared plate photographs are not at {PLATES}")
    with index.open(encoding="utf-8") as rows:
        chosen = [
            (row["plate_text"], (PLATES / row["local_path"]).read_bytes())
            for row in csv.DictReader(rows, delimiter="\t")
            if row["kind"] == "plate_crop" and row["plate_text"] and row["local_path"].startswith(source_prefix)
        ]
    return chosen[:count]


@pytest.mark.parametrize("source", ["easypr/", "lprnet_pytorch/"])
def test_real_crops_are_read_back(source):
    """Most real crops of each source are read right but for the province character, which the
    recogniser reads least well (and the policy leaves out by default)."""
    crops = crops_with_text(source, 20)
    right = 0
    for text, data in crops:
        read = read_plate_text(decode(data)[0])
        right += read is not None and compare_reads(text, read.text, ignore_province=True).differences == 0
    assert right >= 0.75 * len(crops), f"{right}/{len(crops)}"


@pytest.fixture
def gate(make_firm):
    gate, secret = create_gate(None, make_firm(name="华电热电", industry="power"), "东门")
    db.session.commit()
    return gate, {"Authorization": f"Bearer {secret}"}


def post_with_picture(client, gate, event_id: str, plate: str) -> dict:
    body = {
        "event_id": event_id,
        "plate": plate,
        "plate_color": "blue",
        "direction": "in",
        "captured_at": "2026-11-20T10:00:00+08:00",
        "confidence": 0.9,
        "images": {"plate": base64.b64encode(labelled(LPRNET_CROP)).decode()},
    }
    answer = client.post(f"/api/v1/gates/{gate[0].code}/events", json=body, headers=gate[1])
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_a_picture_that_contradicts_the_camera_is_raised_for_review(client, gate, browser_for):
    agreeing = post_with_picture(client, gate, "e-1", "皖A226K3")
    wrong = post_with_picture(client, gate, "e-2", "皖A228K5")  # the camera misread two characters
    assert "PLATE_TEXT" not in {f["rule"] for f in wrong["findings"]}  # never part of the gate's answer
    while analyse_pending():
        pass
    pictures = db.session.scalars(select(PassImage).where(PassImage.plate_event_id == agreeing["id"])).all()
    assert pictures[0].text_read_at is not None and pictures[0].plate_text.endswith("A226K3")
    raised = db.session.scalars(select(Violation).where(Violation.rule == "PLATE_TEXT")).all()
    assert [v.plate_event_id for v in raised] == [wrong["id"]]
    finding = raised[0].finding
    assert "A226K3" in finding["message_zh"] and "皖A228K5" in finding["message_zh"] and finding["policy_id"] == 17
    case = db.session.get(Case, wrong["id"])
    assert case is not None and "PLATE_TEXT" in case.rule_codes
    assert analyse_pending() == 0  # read once
    officer, _ = browser_for(Role.BUREAU)
    page = officer.get(f"/cases/{wrong['id']}").get_data(as_text=True)
    assert "号牌复核不一致" in page and "与相机识别的 皖A228K5 不一致" in page and "PLATE_TEXT" not in page


def test_the_policy_decides_how_sure_the_reading_must_be(client, gate, bureau):
    changed = client.patch("/api/v1/policies/17", json={"params": {"min_confidence": 1.0}}, headers=bureau)
    assert changed.status_code == 200, changed.get_json()
    post_with_picture(client, gate, "e-3", "皖A228K5")
    while analyse_pending():
        pass
    assert db.session.scalar(select(Violation).where(Violation.rule == "PLATE_TEXT")) is None
