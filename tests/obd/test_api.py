"""/api/v1/obd (issue 32): terminals registered by VIN and listed, alarms by kind, a truck's day as
figures and minutes; a firm's token sees its own trucks only."""

from registry.accounts.models import Role
from registry.extensions import db
from registry.obd.store import Received, store
from tests.obd.test_protocol import AT
from tests.obd.test_store import NOW, VIN, data_frame


def test_the_api_registers_lists_and_draws_a_day(client, bureau, auth, make_vehicle, make_firm):
    firm = make_firm(name="恒通物流")
    truck = make_vehicle(plate="晋H60006", vin=VIN)
    truck.firm_id = firm.id
    db.session.commit()
    store([Received(data_frame(AT, 1, urea=20), "peer", NOW)], NOW)
    registered = client.post("/api/v1/obd/terminals", json={"vin": VIN.lower()}, headers=bureau)
    assert registered.status_code == 201, registered.get_json()
    assert registered.get_json()["registered"] and registered.get_json()["vehicle_id"] == truck.id
    assert client.post("/api/v1/obd/terminals", json={"vin": "LZZ1ELSE8PW123456"}, headers=bureau).status_code == 422
    listed = client.get("/api/v1/obd/terminals?registered=true", headers=bureau).get_json()
    assert [t["vin"] for t in listed["items"]] == [VIN] and listed["items"][0]["urea_level"] == 8.0
    alarms = client.get("/api/v1/obd/alarms?kind=urea_low", headers=bureau).get_json()["items"]
    assert alarms[0]["kind_label"] == "尿素液位低" and alarms[0]["evidence"][0]["serial"] == 1
    day = client.get(f"/api/v1/vehicles/{truck.id}/obd", headers=bureau).get_json()
    assert day["day"] == AT.date().isoformat() and day["figures"]["samples"] == 10
    assert day["minutes"][0]["speed"] == 60 and day["open_alarms"][0]["kind"] == "urea_low"
    other_firm = auth(Role.FIRM)
    assert client.get(f"/api/v1/vehicles/{truck.id}/obd", headers=other_firm).status_code == 404
    assert client.get("/api/v1/obd/alarms", headers=other_firm).get_json()["items"] == []
    assert client.post("/api/v1/obd/terminals", json={"vin": VIN}, headers=other_firm).status_code == 422
