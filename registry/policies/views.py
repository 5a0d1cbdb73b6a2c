"""Pages: the rules in force (管控规则) — each rule's current version with its clause, dates and parameters,
every earlier version kept for the verdicts that used it, and a form to add a version (next year's plan,
a corrected threshold) or a rule's first version."""

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import EDITORS, READERS
from registry.accounts.views import page_roles
from registry.common.errors import DomainError
from registry.common.forms import submit
from registry.common.i18n import current_language, t
from registry.common.time import today_local
from registry.extensions import db
from registry.policies import services
from registry.policies.describe import describe
from registry.policies.models import Policy
from registry.policies.schemas import RULES, PolicyChangeSchema, PolicyInputSchema

bp = Blueprint("policy_pages", __name__, url_prefix="/policies")

FIELDS = ("effective_from", "effective_to", "clause", "note")


@bp.context_processor
def params_in_words():
    return {"params_in_words": lambda params: describe(params or {}, current_language())}


def _params(text: str) -> dict:
    """The parameters as typed (JSON), or a DomainError on `params` saying where it does not read."""
    try:
        params = json.loads(text or "{}")
    except json.JSONDecodeError as exc:
        raise DomainError(
            t(
                f"参数不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）",
                f"Not valid JSON (line {exc.lineno}, column {exc.colno})",
            ),
            "params",
        ) from None
    if not isinstance(params, dict):
        raise DomainError(t("参数应为 JSON 对象 {…}", "Parameters are a JSON object {…}"), "params")
    return params


def _policy_form() -> dict:
    form = {k: request.form.get(k, "").strip() for k in FIELDS}
    form = {k: v for k, v in form.items() if v} | {"params": _params(request.form.get("params", ""))}
    return {"effective_to": None, "note": None} | form  # emptied: open-ended, no note


@bp.get("")
@page_roles(*READERS)
def index():
    """The current version of each rule, in force today or not yet; the rules with no version."""
    current = db.session.scalars(services.policies_query({})).all()
    today = today_local()
    return render_template(
        "policies/index.html",
        policies=current,
        today=today,
        missing=[rule for rule in RULES if rule not in {p.rule for p in current}],
    )


@bp.route("/<int:policy_id>", methods=["GET", "POST"])
@page_roles(*READERS)
def show(policy_id):
    policy = services.get_policy(policy_id)
    errors, form = None, {}
    if request.method == "POST":
        if current_user.role not in EDITORS:
            return redirect(url_for(".show", policy_id=policy_id))
        form = dict(request.form)
        revision, errors = submit(
            lambda: services.revise_policy(current_user, policy, PolicyChangeSchema().load(_policy_form()))
        )
        if not errors:
            if revision is policy:
                flash(t("内容未变，未新增版本", "Nothing changed: no new version"))
            else:
                flash(
                    t(
                        f"已新增第 {revision.version} 版，旧版本保留",
                        f"Version {revision.version} added; the old one is kept",
                    )
                )
            return redirect(url_for(".show", policy_id=revision.id))
    return render_template(
        "policies/show.html",
        policy=policy,
        versions=_versions(policy),
        form=form or _shown(policy),
        errors=errors,
        may_edit=current_user.role in EDITORS and policy.superseded_at is None,
    ), 422 if errors else 200


def _shown(policy: Policy) -> dict:
    return {
        "effective_from": policy.effective_from.isoformat(),
        "effective_to": policy.effective_to.isoformat() if policy.effective_to else "",
        "clause": policy.clause,
        "note": policy.note or "",
        "params": json.dumps(policy.params, ensure_ascii=False, indent=2),
    }


def _versions(policy: Policy) -> list[Policy]:
    """Every version of this rule's line, newest first: the ones it replaced and the ones that replaced it."""
    line = [policy]
    while line[-1].replaces_id:
        line.append(db.session.get(Policy, line[-1].replaces_id))
    newer = policy
    while (after := db.session.scalar(select(Policy).where(Policy.replaces_id == newer.id))) is not None:
        line.insert(0, after)
        newer = after
    return line


@bp.route("/new", methods=["GET", "POST"])
@page_roles(*EDITORS)
def new():
    """A rule's first version, or a second line of it (e.g. a policy for another period)."""
    errors, form = None, {"rule": request.args.get("rule", ""), "params": "{}"}
    if request.method == "POST":
        form = dict(request.form)
        policy, errors = submit(
            lambda: services.create_policy(
                current_user, PolicyInputSchema().load(_policy_form() | {"rule": request.form.get("rule", "")})
            )
        )
        if not errors:
            flash(t("规则已添加", "Rule added"))
            return redirect(url_for(".show", policy_id=policy.id))
    return render_template("policies/new.html", form=form, errors=errors, rules=RULES), 422 if errors else 200
