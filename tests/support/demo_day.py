"""The demo district served by gunicorn with a few hours of passes posted over the gate endpoint: what
the browser walks and flows look at (tests/test_browser_pages.py, tests/test_browser_cases.py)."""

import base64
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import requests

from tests.support.databases import empty_database
from tests.support.gateway import LiveDistrict
from tests.support.pictures import real_photo
from tests.support.web import served_registry

# Trucks of the demo district (registry.demo.data): China III and II at a power plant, stage unknown,
# new energy, a through truck, one the registry has never seen, and a read without a plate.
PLATES = ["晋H40001", "晋H40002", "晋H50002", "晋H00018D", "晋A88888", "晋H77777", "", "晋H20001"]


def photo() -> str:
    return base64.b64encode(real_photo("yellow", "whole_vehicle")).decode()


def post_read(base: str, code: str, secret: str, body: dict) -> dict:
    answer = requests.post(
        f"{base}/api/v1/gates/{code}/events", json=body, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    )
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def post_passes(base: str, gate_secrets: dict[str, str]) -> int:
    """A few hours of passes at every gate, some with a real photo."""
    picture, start, posted = photo(), datetime.now(UTC) - timedelta(hours=6), 0
    for g, (code, secret) in enumerate(sorted(gate_secrets.items())):
        for i, plate in enumerate(PLATES):
            body = {
                "event_id": f"walk-{g}-{i}",
                "plate": plate,
                "plate_color": "yellow" if plate else None,
                "direction": "in" if i % 2 else "out",
                "captured_at": (start + timedelta(minutes=17 * i + g)).isoformat(),
                "confidence": 0.93,
            }
            if i % 3 == 0:
                body["images"] = {"vehicle": picture}
            post_read(base, code, secret, body)
            posted += 1
    return posted


@contextmanager
def demo_day(folder):
    """The served demo district with its passes; `.base` is the registry's address."""
    with empty_database(folder) as url:
        district = LiveDistrict(url, folder)
        with served_registry(url, folder) as base:
            district.base = base
            assert post_passes(base, district.gate_secrets) == len(PLATES) * len(district.gate_secrets)
            yield district
        district.engine.dispose()
