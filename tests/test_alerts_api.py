"""/api/v1/alerts: issue, list active, end early; exemptions approved by the signed-in user."""

from datetime import timedelta

from registry.common.time import utcnow


def iso(delta_hours: float) -> str:
    return (utcnow() + timedelta(hours=delta_hours)).isoformat()


def issue(client, headers, **overrides):
    data = {
        "level": "orange",
        "region": None,
        "starts_at": iso(-1),
        "ends_at": iso(48),
        "document_no": "忻重污染办〔2026〕3号",
    } | overrides
    return client.post("/api/v1/alerts", json=data, headers=headers)


def test_issue_list_active_and_end_early(client, bureau):
    response = issue(client, bureau)
    assert response.status_code == 201
    alert = response.get_json()
    assert isinstance(alert["id"], int) and alert["level"] == "orange" and alert["ended_early_at"] is None
    issue(client, bureau, starts_at=iso(-72), ends_at=iso(-24), level="yellow")
    active = client.get("/api/v1/alerts?active=true", headers=bureau).get_json()
    assert [a["id"] for a in active["items"]] == [alert["id"]]
    assert client.get("/api/v1/alerts", headers=bureau).get_json()["total"] == 2

    ended = client.post(f"/api/v1/alerts/{alert['id']}/end", json={}, headers=bureau)
    assert ended.status_code == 200 and ended.get_json()["ended_early_at"]
    assert client.get("/api/v1/alerts?active=true", headers=bureau).get_json()["total"] == 0
    assert client.post(f"/api/v1/alerts/{alert['id']}/end", json={}, headers=bureau).status_code == 409


def test_times_need_an_offset_and_must_be_in_order(client, bureau):
    naive = issue(client, bureau, starts_at="2026-01-01T08:00:00")
    assert naive.status_code == 422 and "starts_at" in naive.get_json()["errors"]["json"]
    backwards = issue(client, bureau, ends_at=iso(-2))
    assert "ends_at" in backwards.get_json()["errors"]["json"]
    assert "level" in issue(client, bureau, level="purple").get_json()["errors"]["json"]


def test_exemptions_record_the_approver_and_refuse_duplicates(client, make_user):
    officer, token = make_user("bureau", "officer-zhang")
    headers = {"Authorization": f"Bearer {token}"}
    alert = issue(client, headers).get_json()
    url = f"/api/v1/alerts/{alert['id']}/exemptions"
    created = client.post(url, json={"plate": "晋h·10001", "reason": "民生保障物资运输"}, headers=headers)
    assert created.status_code == 201
    assert created.get_json()["plate"] == "晋H10001" and created.get_json()["approved_by_id"] == officer.id
    assert client.post(url, json={"plate": "晋H10001", "reason": "again"}, headers=headers).status_code == 409
    assert client.post(url, json={"plate": "not a plate", "reason": "x"}, headers=headers).status_code == 422
    assert [e["plate"] for e in client.get(url, headers=headers).get_json()] == ["晋H10001"]
    assert (
        client.post(
            "/api/v1/alerts/999999/exemptions", json={"plate": "晋H10001", "reason": "x"}, headers=headers
        ).status_code
        == 404
    )


def test_police_read_but_do_not_issue(client, auth):
    police = auth("police")
    assert issue(client, police).status_code == 403
    assert client.get("/api/v1/alerts?active=true", headers=police).status_code == 200
