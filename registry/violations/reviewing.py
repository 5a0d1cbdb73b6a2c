"""A review (确认 / 驳回) posted by a page, for a violation or a case."""

from registry.common.forms import submit
from registry.common.i18n import t
from registry.violations.schemas import ReviewSchema

CHOICES = ("confirmed", "dismissed")


def review_from_form(form, review) -> tuple[str, dict | None, int]:
    """The decision, the errors and the status to answer them with. `review(status, note)` is the
    service; it runs in `submit`'s unit of work (committed, or rolled back with the errors)."""
    decision = form.get("status", "")
    if decision not in CHOICES:
        return decision, {"status": [t("请选择确认或驳回", "Choose confirm or dismiss")]}, 422
    note = form.get("note", "").strip() or None
    _, errors = submit(lambda: review(**ReviewSchema().load({"status": decision, "note": note})))
    return decision, errors, 409 if errors and "status" in errors else 422
