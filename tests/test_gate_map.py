"""The gates on a map drawn from their coordinates (issue 30, item 8), without a tile service: north up,
distances true to scale, the scale bar a round number of kilometres; the dashboard and the gates page
draw it, a silent gate in its own colour, and say how many gates have no place."""

import math
import re

from registry.accounts.models import Role
from registry.dashboard.gate_map import MapGate, draw
from registry.extensions import db
from registry.gates.services import create_gate


def test_points_keep_north_up_and_distances_to_scale():
    west = MapGate("G1", "西门", "甲", 38.40, 112.70, "working")
    east = MapGate("G2", "东门", "乙", 38.40, 112.80, "silent")  # about 8.7 km east
    north = MapGate("G3", "北门", "丙", 38.45, 112.70, "disabled")  # about 5.6 km north
    drawn = draw([west, east, north], without_place=2)
    at = {p.gate.code: p for p in drawn.points}
    assert at["G2"].x > at["G1"].x and at["G3"].y < at["G1"].y and abs(at["G3"].x - at["G1"].x) < 1e-6
    east_km = 0.10 * 111.32 * math.cos(math.radians(38.425))
    north_km = 0.05 * 111.32
    px_per_km = drawn.scale_px / drawn.scale_km
    assert abs((at["G2"].x - at["G1"].x) / px_per_km - east_km) < 0.01
    assert abs((at["G1"].y - at["G3"].y) / px_per_km - north_km) < 0.01
    assert all(0 <= p.x <= drawn.width and 0 <= p.y <= drawn.height for p in drawn.points)
    assert drawn.scale_km in (1, 2, 5) and drawn.missing == 2
    assert draw([]) is None
    alone = draw([west])  # one gate: in the middle, with a scale
    assert (alone.points[0].x, alone.points[0].y) == (alone.width / 2, alone.height / 2) and alone.scale_px > 0


def test_the_dashboard_and_the_gates_page_draw_the_map(browser_for, make_firm):
    firm = make_firm(name="华电忻州热电")
    create_gate(None, firm, "东门", latitude=38.41, longitude=112.73)
    create_gate(None, firm, "北门")  # no coordinates yet
    db.session.commit()
    officer, _ = browser_for(Role.BUREAU)
    for path in ("/dashboard", "/gates"):
        page = officer.get(path).get_data(as_text=True)
        assert 'id="gate-map"' in page and "华电忻州热电 · 东门" in page, path
        assert "另有 1 个门禁未填坐标" in page
        assert len(re.findall(r'<g class="map-gate (working|silent|disabled)">', page)) == 1
