"""/api/v1/vehicles: plates normalised and unique, VINs checked, stage and fuel consistent."""

from datetime import timedelta

from sqlalchemy import func, select

from registry.common.time import today_local
from registry.extensions import db
from registry.vehicles.models import Vehicle

TRUCK = {
    "plate": "晋H10001",
    "plate_color": "yellow",
    "vin": "1M8GDM9AXKP042788",
    "engine_no": "WP12345678",
    "emission_stage": "5",
    "fuel_type": "diesel",
    "registration_date": "2018-06-11",
    "vehicle_class": "heavy_truck",
    "owner": "忻州顺达运输车队",
}


def vehicle_count() -> int:
    return db.session.scalar(select(func.count(Vehicle.id)))


def test_create_returns_201_with_public_fields(client, bureau):
    response = client.post("/api/v1/vehicles", json=TRUCK, headers=bureau)
    assert response.status_code == 201
    body = response.get_json()
    assert isinstance(body["id"], int)
    assert {k: body[k] for k in TRUCK} == TRUCK
    assert body["stage_source"] == "declared"


def test_plate_is_normalised_before_storing(client, bureau):
    response = client.post("/api/v1/vehicles", json=TRUCK | {"plate": " 晋ｈ·1OOO1 "}, headers=bureau)
    assert response.status_code == 201
    assert response.get_json()["plate"] == "晋H10001"


def test_duplicate_plate_after_normalisation_is_refused(client, bureau, make_vehicle):
    existing = make_vehicle(plate="晋H10001")
    before = vehicle_count()
    response = client.post("/api/v1/vehicles", json=TRUCK | {"plate": "晋h1000I", "vin": None}, headers=bureau)
    assert response.status_code == 409
    assert str(existing.id) in response.get_json()["message"]
    assert "plate" in response.get_json()["errors"]["json"]
    assert vehicle_count() == before


def test_bad_vin_is_refused_naming_the_check_digit(client, bureau):
    response = client.post("/api/v1/vehicles", json=TRUCK | {"vin": "1M8GDM9A1KP042788"}, headers=bureau)
    assert response.status_code == 422
    assert "position 9" in response.get_json()["errors"]["json"]["vin"][0]
    assert vehicle_count() == 0


def test_duplicate_vin_is_refused(client, bureau, make_vehicle):
    make_vehicle(plate="晋H99999", vin="1M8GDM9AXKP042788")
    response = client.post("/api/v1/vehicles", json=TRUCK, headers=bureau)
    assert response.status_code == 409
    assert "vin" in response.get_json()["errors"]["json"]


def test_missing_fields_and_wrong_types_are_named(client, bureau):
    response = client.post(
        "/api/v1/vehicles",
        json={"plate": "ABC", "emission_stage": 6, "registration_date": "yesterday"},
        headers=bureau,
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {
        "plate",
        "plate_color",
        "fuel_type",
        "vehicle_class",
        "emission_stage",
        "registration_date",
    }


def test_unknown_stage_is_null_and_new_energy_is_D(client, bureau):
    unknown = client.post("/api/v1/vehicles", json=TRUCK | {"emission_stage": None}, headers=bureau)
    assert unknown.status_code == 201
    assert unknown.get_json()["emission_stage"] is None and unknown.get_json()["stage_source"] is None
    nev = TRUCK | {
        "plate": "晋H00018D",
        "plate_color": "yellow_green",
        "vin": None,
        "emission_stage": "D",
        "fuel_type": "electric",
    }
    assert client.post("/api/v1/vehicles", json=nev, headers=bureau).status_code == 201


def test_stage_and_fuel_must_agree(client, bureau):
    diesel_d = client.post("/api/v1/vehicles", json=TRUCK | {"emission_stage": "D"}, headers=bureau)
    assert "emission_stage" in diesel_d.get_json()["errors"]["json"]
    electric_5 = client.post("/api/v1/vehicles", json=TRUCK | {"fuel_type": "electric"}, headers=bureau)
    assert "emission_stage" in electric_5.get_json()["errors"]["json"]


def test_registration_date_in_the_future_is_refused(client, bureau):
    tomorrow = (today_local() + timedelta(days=1)).isoformat()
    response = client.post("/api/v1/vehicles", json=TRUCK | {"registration_date": tomorrow}, headers=bureau)
    assert "registration_date" in response.get_json()["errors"]["json"]


def test_patch_updates_stage_and_refuses_taken_plate(client, bureau, make_vehicle):
    first = make_vehicle(plate="晋H10001")
    make_vehicle(plate="晋H10002")
    ok = client.patch(
        f"/api/v1/vehicles/{first.id}",
        json={"emission_stage": "6", "stage_source": "verified"},
        headers=bureau,
    )
    assert ok.status_code == 200 and ok.get_json()["stage_source"] == "verified"
    taken = client.patch(f"/api/v1/vehicles/{first.id}", json={"plate": "晋H10002"}, headers=bureau)
    assert taken.status_code == 409
    assert client.patch("/api/v1/vehicles/999999", json={"owner": "x"}, headers=bureau).status_code == 404


def test_list_filters(client, bureau, make_vehicle):
    make_vehicle(plate="晋H10001", emission_stage="6")
    make_vehicle(plate="晋H10002", emission_stage="4", fuel_type="gas")
    make_vehicle(plate="晋A10003", emission_stage=None)
    make_vehicle(plate="晋H00018D", plate_color="yellow_green", emission_stage="D", fuel_type="electric")

    def plates(query):
        return [v["plate"] for v in client.get(f"/api/v1/vehicles?{query}", headers=bureau).get_json()["items"]]

    assert plates("plate_prefix=晋H") == ["晋H00018D", "晋H10001", "晋H10002"]
    assert plates("plate=晋h1OOO2") == ["晋H10002"]
    assert plates("emission_stage=D") == ["晋H00018D"]
    assert plates("stage_unknown=true") == ["晋A10003"]
    assert plates("fuel_type=gas") == ["晋H10002"]
    assert plates("plate_color=yellow_green") == ["晋H00018D"]
    assert client.get("/api/v1/vehicles?per_page=1000", headers=bureau).status_code == 422


def test_patch_keeps_the_whole_vehicle_consistent(client, bureau, make_vehicle):
    truck = make_vehicle(plate="晋H10001", emission_stage="5")
    electric = client.patch(f"/api/v1/vehicles/{truck.id}", json={"fuel_type": "electric"}, headers=bureau)
    assert electric.status_code == 422 and "emission_stage" in electric.get_json()["errors"]["json"]
    cleared = client.patch(f"/api/v1/vehicles/{truck.id}", json={"emission_stage": None}, headers=bureau)
    assert cleared.get_json()["emission_stage"] is None and cleared.get_json()["stage_source"] is None
    declared = client.patch(f"/api/v1/vehicles/{truck.id}", json={"emission_stage": "6"}, headers=bureau)
    assert declared.get_json()["stage_source"] == "declared"
