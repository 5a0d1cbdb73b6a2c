"""The home page and the offline API docs assets."""

import json
from datetime import datetime

import swagger_ui_bundle
from flask import Blueprint, current_app, render_template, request, send_from_directory, url_for

from registry.audit.services import changed_fields
from registry.common.forms import errors_besides, field_error, in_reader_language
from registry.common.i18n import LANGUAGES, current_language, t
from registry.common.time import LOCAL_TZ
from registry.labels import label, labels_of

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def language():
    return {
        "lang": current_language(),
        "t": t,
        "label": label,
        "labels_of": labels_of,
        "field_error": field_error,
        "errors_besides": errors_besides,
        "changed_fields": changed_fields,
    }


@bp.app_template_filter("record_value")
def record_value(value, kind: str | None = None) -> str:
    """A field's value as an audited change recorded it, as a person reads it: a code's word, 是/否, —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return t("是", "yes") if value else t("否", "no")
    if kind and isinstance(value, list):
        return t("、", ", ").join(label(kind, item) for item in value) or "—"
    if kind:
        return label(kind, value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@bp.app_template_filter("one_language")
def one_language(message) -> str:
    """A stored message that carries both languages ("中文 / English"), in the reader's."""
    return in_reader_language(str(message)) if message else ""


@bp.app_template_filter("localtime")
def localtime(moment) -> str:
    """An aware moment (or its ISO 8601 text, as a JSON record keeps it) as local wall-clock time, e.g.
    2026-11-28 09:30."""
    if isinstance(moment, str) and moment:
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


@bp.app_template_global()
def url_with(**changes) -> str:
    """This page's address with its filters, some of them changed, from the first page."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "cursor")} | changes
    return url_for(request.endpoint, **(request.view_args or {}), **args)


@bp.app_template_global()
def next_page_url(listing: dict) -> str | None:
    """This page's address with its filters and the cursor of the listing's next page."""
    if not listing or not listing.get("next_cursor"):
        return None
    args = {k: v for k, v in request.args.items() if k not in ("page", "cursor")}
    return url_for(request.endpoint, **(request.view_args or {}), **args, cursor=listing["next_cursor"])


@bp.app_template_global()
def gate_owner(gate) -> str:
    """Whose a gate is, as a reader names it: its firm, or for a road checkpoint (卡口) its operator."""
    if gate is None:
        return ""
    if gate.firm is not None:
        return gate.firm.name
    from registry.labels import label

    return label("operator", gate.operator or "police") + t(" · 卡口", " · checkpoint")


@bp.app_template_global()
def found(listing: dict, unit_zh: str = "条", unit_en: str = "found") -> str:
    """共 12 条 / 12 found; past the count's cap: 超过 10000 条 / more than 10000 found."""
    total = listing["total"]
    if listing.get("total_exact", True):
        return t(f"共 {total} {unit_zh}", f"{total} {unit_en}")
    return t(f"超过 {total} {unit_zh}", f"more than {total} {unit_en}")


@bp.after_app_request
def remember_language(response):
    """A reader who picked a language with ?lang= keeps it on the next pages."""
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get("lang") != asked:
        secure = current_app.config["SESSION_COOKIE_SECURE"]
        response.set_cookie("lang", asked, max_age=365 * 86400, samesite="Lax", secure=secure)
    return response


@bp.get("/")
def home():
    """The public home page: what a visitor came to do (verify a machine, register a truck, sign in)."""
    from flask_login import current_user

    from registry.accounts.views import home_for

    home_url = home_for(current_user) if current_user.is_authenticated else None
    return render_template("home.html", home_url=home_url)


@bp.get("/api/docs/static/<path:filename>")
def swagger_assets(filename):
    """Swagger UI from the swagger-ui-bundle package: the docs page works offline."""
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
