"""The bureau dashboard page."""

from flask import Blueprint, render_template

from registry.accounts.auth import READERS
from registry.accounts.views import page_roles
from registry.common.replica import reads_from_replica
from registry.dashboard.services import dashboard

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@page_roles(*READERS)
@reads_from_replica
def show():
    return render_template("dashboard/show.html", **dashboard())
