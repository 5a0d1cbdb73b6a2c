"""The bureau dashboard page."""

from datetime import datetime, timedelta

from flask import Blueprint, render_template, request

from registry.accounts.auth import READERS
from registry.accounts.views import page_roles
from registry.common.replica import reads_from_replica
from registry.common.time import today_local
from registry.dashboard.clean_share import clean_shares
from registry.dashboard.services import dashboard

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@page_roles(*READERS)
@reads_from_replica
def show():
    return render_template("dashboard/show.html", **dashboard())


@bp.get("/clean-transport")
@page_roles(*READERS)
@reads_from_replica
def clean_transport():
    """清洁运输比例: per firm, for a month (this month unless ?month=YYYY-MM)."""
    today = today_local()
    try:
        month = datetime.strptime(request.args.get("month", ""), "%Y-%m").date()
    except ValueError:
        month = today.replace(day=1)
    months = [(today.replace(day=1) - timedelta(days=31 * n)).replace(day=1) for n in range(12)]
    return render_template("dashboard/clean_transport.html", month=month, months=months, shares=clean_shares(month))
