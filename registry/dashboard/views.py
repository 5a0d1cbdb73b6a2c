"""The bureau dashboard page."""

from datetime import datetime

from flask import Blueprint, render_template, request

from registry.accounts.auth import READERS
from registry.accounts.views import page_roles
from registry.common.replica import reads_from_replica
from registry.common.time import today_local
from registry.dashboard.clean_share import by_month, clean_shares, months_back
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
    months = months_back(today, 12)
    shares = clean_shares(month)
    # the six months up to the one shown, oldest first: is each firm getting there?
    earlier = months_back(month, 6)[:0:-1]
    history = [(m, clean_shares(m)) for m in earlier] + [(month, shares)]
    return render_template(
        "dashboard/clean_transport.html",
        month=month,
        months=months,
        shares=shares,
        trend_months=[m for m, _ in history],
        trend=by_month(shares, history),
    )
