"""A small district with passes and violations, shared by the violation API, page and permission tests."""

import base64

import cv2
import numpy as np
import pytest

from registry.accounts.models import Role
from registry.extensions import db
from registry.gates.services import create_gate


def jpeg() -> str:
    image = np.full((60, 200, 3), (40, 200, 230), np.uint8)
    return base64.b64encode(cv2.imencode(".jpg", image)[1].tobytes()).decode()


@pytest.fixture
def district(client, bureau, make_firm, make_vehicle, make_user):
    """Two firms, three gates, trucks of several stages, an orange alert on 2022-03-02, and passes."""
    power = make_firm(
        name="华电热电", industry="power", in_planning_area=True, annual_freight_tonnes=2_400_000, region="城区"
    )
    coking = make_firm(
        name="焦化集团", industry="coking", in_planning_area=False, annual_freight_tonnes=1_800_000, region="城区"
    )
    gates = {}
    for firm, name in ((power, "东门"), (power, "西门"), (coking, "北门")):
        gate, secret = create_gate(None, firm, name)
        gates[f"{firm.id}-{name}"] = (gate, {"Authorization": f"Bearer {secret}"})
    db.session.commit()
    make_vehicle(plate="晋H50001", emission_stage="5")
    make_vehicle(plate="晋H40001", emission_stage="4", vin=None)
    make_vehicle(plate="晋H60001", emission_stage="6", vin=None)
    alert = client.post(
        "/api/v1/alerts",
        json={"level": "orange", "starts_at": "2022-03-02T00:00:00+08:00", "ends_at": "2022-03-03T00:00:00+08:00"},
        headers=bureau,
    )
    assert alert.status_code == 201, alert.get_json()
    east, west, north = (gates[f"{power.id}-东门"], gates[f"{power.id}-西门"], gates[f"{coking.id}-北门"])
    passes = [
        (east, "e1", "晋H50001", "2022-03-01T10:00:00+08:00", {"images": {"plate": jpeg()}}),
        (west, "e2", "晋H40001", "2022-03-01T23:30:00+08:00", {}),
        (north, "e3", "晋H50001", "2022-03-02T00:30:00+08:00", {}),
        (east, "e4", "晋H77777", "2022-03-03T09:00:00+08:00", {}),
        (east, "e5", "晋H60001", "2022-03-03T10:00:00+08:00", {}),
        (north, "e6", "京A40001", "2022-03-02T12:00:00+08:00", {"plate_color": "blue"}),
        (north, "e7", "晋H40001", "2022-03-02T15:00:00+08:00", {}),  # a China IV truck during the alert
    ]
    for (gate, headers), event_id, plate, at, extra in passes:
        body = {"event_id": event_id, "plate": plate, "plate_color": "yellow", "direction": "in"}
        answer = client.post(
            f"/api/v1/gates/{gate.code}/events",
            json=body | {"captured_at": at, "confidence": 0.9} | extra,
            headers=headers,
        )
        assert answer.status_code == 201, answer.get_json()
    _, token = make_user(Role.FIRM, firm_id=power.id)
    return {
        "power": power,
        "coking": coking,
        "gates": (east[0], west[0], north[0]),
        "gate_headers": (east[1], west[1], north[1]),
        "firm_headers": {"Authorization": f"Bearer {token}"},
    }
