"""The registration deadline (owners register within 30 days of purchase; the number is a setting)."""

from datetime import date, timedelta

from flask import current_app

from registry.common.time import today_local
from registry.machinery import rules


def registration_days() -> int:
    return current_app.config["MACHINERY_REGISTRATION_DAYS"]


def overdue_cutoff() -> date:
    """Machines acquired before this day and still without a code are overdue."""
    return today_local() - timedelta(days=registration_days())


def is_overdue(machinery) -> bool:
    return rules.registration_overdue(
        machinery.status.value, machinery.acquisition_date, today_local(), registration_days()
    )
