"""Machinery fixtures shared by the API, page and browser tests (loaded as a pytest plugin)."""

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from registry.accounts.models import Role
from tests.support.photos import picture

MACHINE = {
    "machine_type": "excavator",
    "model": "SY215C",
    "manufacturer": "三一重机有限公司",
    "pin": "LSY215C0000000017",
    "engine_model": "4HK1",
    "engine_no": "4HK1-778812",
    "rated_power_kw": 128.5,
    "fuel_type": "diesel",
    "emission_stage": "4",
    "production_date": "2023-03-01",
    "acquisition_date": "2023-05-01",
    "aftertreatment": "DOC+DPF",
}


@pytest.fixture
def unit_user(make_user):
    """A construction unit's site manager: (user, headers)."""

    def make(**links):
        user, token = make_user(Role.CONSTRUCTION, **links)
        return user, {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def register(client):
    def post(headers, **overrides):
        body = MACHINE | overrides
        return client.post("/api/v1/machinery", json={k: v for k, v in body.items() if v is not None}, headers=headers)

    return post


def post_file(client, url: str, headers: dict, data: bytes, filename: str, **fields):
    """POST a file (and form fields) as multipart/form-data, encoded in memory: werkzeug's test builder
    spools a large body to a temporary file it never closes."""
    boundary, body = encode_multipart(fields | {"file": FileStorage(io.BytesIO(data), filename)})
    return client.post(url, data=body, headers=headers, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, headers, machinery_id, kind, data, filename="photo.jpg"):
    return post_file(client, f"/api/v1/machinery/{machinery_id}/photos", headers, data, filename, kind=kind)


@pytest.fixture
def approved(client, bureau, unit_user, register):
    """Register, photograph and approve a machine; returns (machine json, unit headers)."""

    def make(headers=None, **overrides):
        headers = headers or unit_user()[1]
        created = register(headers, **overrides)
        assert created.status_code == 201, created.get_json()
        machine_id = created.get_json()["id"]
        for seed, kind in enumerate(("nameplate", "engine_nameplate", "label")):
            assert upload(client, headers, machine_id, kind, picture(seed=seed)).status_code == 201
        answer = client.post(f"/api/v1/machinery/{machine_id}/approve", headers=bureau)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json(), headers

    return make
