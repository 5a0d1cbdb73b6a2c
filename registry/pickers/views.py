"""The pickers' searches, for pages: GET /pick/<what>?q=typed gives [{value, label}, ...] as JSON."""

from flask import Blueprint, jsonify, request
from flask_login import current_user

from registry.accounts.auth import FIRM_READERS
from registry.accounts.views import page_roles
from registry.machinery.services import BUREAU, OWN_UNIT, READERS
from registry.pickers import services

bp = Blueprint("pickers", __name__, url_prefix="/pick")
MAX_TYPED = 100


def _typed() -> str:
    return request.args.get("q", "")[:MAX_TYPED]


@bp.get("/firms")
@page_roles(*FIRM_READERS)
def firms():
    return jsonify(services.firm_choices(current_user, _typed()))


@bp.get("/gates")
@page_roles(*FIRM_READERS)
def gates():
    return jsonify(services.gate_choices(current_user, _typed()))


@bp.get("/units")
@page_roles(*BUREAU)
def units():
    return jsonify(services.unit_choices(_typed()))


@bp.get("/sites")
@page_roles(*BUREAU, *OWN_UNIT)
def sites():
    return jsonify(services.site_choices(current_user, _typed()))


@bp.get("/machinery")
@page_roles(*READERS, *OWN_UNIT)
def machinery():
    return jsonify(services.machinery_choices(current_user, _typed()))
