"""Probes, the OpenAPI document, the offline docs page and HTML versus JSON errors."""


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_reports_database_and_migrations_at_head(client):
    from registry.health.views import schema_heads

    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    _current, heads = schema_heads()
    assert body["database"] == "ok" and body["migrations"]["current"] == sorted(heads)


def test_openapi_document_lists_the_public_api(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/v1/firms",
        "/api/v1/firms/{firm_id}",
        "/api/v1/firms/{firm_id}/gates",
        "/api/v1/gates/{code}",
        "/api/v1/vehicles",
        "/api/v1/vehicles/{vehicle_id}",
    ):
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    firm_fields = spec["components"]["schemas"]["FirmInput"]["properties"]
    assert set(firm_fields) == {
        "name",
        "credit_code",
        "industry",
        "annual_freight_tonnes",
        "in_planning_area",
        "performance_grade",
        "region",
    }


def test_docs_page_loads_its_assets_from_this_server(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/docs/static/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    asset = client.get("/api/docs/static/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    asset.close()


def test_home_page_is_chinese_first_with_english_available(client):
    assert "登记平台" in client.get("/").get_data(as_text=True)
    assert "Registry" in client.get("/?lang=en").get_data(as_text=True)
    assert "Registry" in client.get("/", headers={"Accept-Language": "en-US,en"}).get_data(as_text=True)


def test_api_errors_are_json_and_page_errors_are_html(client):
    api = client.get("/api/v1/nowhere")
    assert api.status_code == 404 and api.get_json()["code"] == 404 and api.get_json()["message"]
    page = client.get("/nowhere")
    assert page.status_code == 404 and page.mimetype == "text/html" and "页面不存在" in page.get_data(as_text=True)
    assert client.delete("/api/v1/firms").get_json()["code"] == 405


def test_ids_and_pages_beyond_range_are_clean_4xx(client, bureau):
    assert client.get("/api/v1/firms/99999999999999999999", headers=bureau).status_code == 404
    assert client.get("/api/v1/firms/0", headers=bureau).status_code == 404
    huge_page = client.get("/api/v1/firms?page=99999999999999999999", headers=bureau)
    assert huge_page.status_code == 422 and "page" in huge_page.get_json()["errors"]["query"]


def test_a_constraint_violation_is_a_409_and_rolls_back(app, client, bureau, monkeypatch):
    from registry.vehicles import services

    monkeypatch.setattr(services, "_ensure_identifiers_free", lambda *a, **k: None)  # as if two raced
    truck = {"plate": "晋H10001", "plate_color": "yellow", "fuel_type": "diesel", "vehicle_class": "heavy_truck"}
    assert client.post("/api/v1/vehicles", json=truck, headers=bureau).status_code == 201
    second = client.post("/api/v1/vehicles", json=truck, headers=bureau)
    assert second.status_code == 409 and second.get_json()["message"]
    assert client.get("/api/v1/vehicles", headers=bureau).get_json()["total"] == 1


def test_a_chosen_language_is_remembered(client):
    client.get("/?lang=en")
    assert "Registry" in client.get("/").get_data(as_text=True)
    client.get("/?lang=zh")
    assert "登记平台" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_home_page_leads_each_visitor(client, browser_for):
    """Issue 30: the home page offered only developer links."""
    from registry.accounts.models import Role

    page = client.get("/").get_data(as_text=True)
    for words, link in (("查验机械", 'href="/verify"'), ("货车自助登记", 'href="/register-truck"'),
                        ("工作人员登录", 'href="/login"')):  # fmt: skip
        assert words in page and link in page
    officer, _ = browser_for(Role.POLICE)
    assert 'href="/dashboard"' in officer.get("/").get_data(as_text=True)  # signed in: to the work
