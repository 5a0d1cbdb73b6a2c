"""Page: the roadside map (路侧监管地图)."""

from flask import Blueprint, render_template

from registry.accounts.auth import READERS
from registry.accounts.views import page_roles
from registry.roadmap.services import roadside_map
from registry.zones.services import zones

bp = Blueprint("roadmap_pages", __name__, url_prefix="/roadside")


@bp.get("/map")
@page_roles(*READERS)
def show():
    """Zones, checkpoints, stations and gates on one map, each listed beneath it."""
    return render_template("roadside/map.html", drawn=roadside_map(), zones=zones())
