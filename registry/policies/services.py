"""Listing, adding and revising policies; revisions keep the old row for the verdicts that used it."""

import time
from datetime import date

import marshmallow as ma
from sqlalchemy import or_, select

from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError
from registry.common.i18n import t
from registry.common.services import add_audited, get_or_404
from registry.common.time import utcnow
from registry.extensions import db
from registry.policies.models import Policy
from registry.policies.schemas import PolicySchema, load_params
from registry.rules import Policy as PolicyFacts


def _snapshot(policy: Policy) -> dict:
    return PolicySchema().dump(policy)


def get_policy(policy_id: int) -> Policy:
    return get_or_404(Policy, policy_id, "规则", "policy")


def create_policy(actor, data: dict) -> Policy:
    """Add a rule version, e.g. next year's plan, without a code change."""
    policy = Policy(**data, created_by_id=getattr(actor, "id", None))
    return add_audited(actor, policy, "policy", _snapshot)


def revise_policy(actor, policy: Policy, changes: dict) -> Policy:
    """A new version with `changes`; the old row is kept unchanged and marked superseded."""
    if policy.superseded_at is not None:
        raise Conflict(
            t(
                f"规则 {policy.id} 已被新版本取代，请修改最新版本",
                f"policy {policy.id} was superseded: revise the latest",
            ),
        )
    fields = {
        "rule": policy.rule,
        "params": policy.params,
        "effective_from": policy.effective_from,
        "effective_to": policy.effective_to,
        "clause": policy.clause,
        "note": policy.note,
    } | changes
    if all(getattr(policy, key) == value for key, value in changes.items()):
        return policy  # nothing changes: no new version
    if fields["effective_to"] and fields["effective_to"] < fields["effective_from"]:
        raise DomainError(t("结束日期早于开始日期", "effective_to is before effective_from"), "effective_to")
    try:
        fields["params"] = load_params(policy.rule, fields["params"])
    except ma.ValidationError as exc:
        raise DomainError(t("规则参数有误", "Invalid params") + f": {exc.messages}", "params") from None
    revision = Policy(
        **fields, version=policy.version + 1, replaces_id=policy.id, created_by_id=getattr(actor, "id", None)
    )
    policy.superseded_at = utcnow()
    db.session.add(revision)
    db.session.flush()
    record_change(actor, "revise", "policy", revision.id, before=_snapshot(policy), after=_snapshot(revision))
    return revision


def _in_force_on(day: date):
    return (Policy.effective_from <= day) & or_(Policy.effective_to.is_(None), Policy.effective_to >= day)


def policies_query(args: dict):
    query = select(Policy).order_by(Policy.rule, Policy.effective_from, Policy.id)
    if not args.get("include_superseded"):
        query = query.where(Policy.superseded_at.is_(None))
    if args.get("rule"):
        query = query.where(Policy.rule == args["rule"])
    if args.get("on"):
        query = query.where(_in_force_on(args["on"]))
    return query


def policies_in_force(day: date) -> list[PolicyFacts]:
    """The current policy versions in force on a local date, as the engine's facts."""
    columns = (Policy.id, Policy.rule, Policy.params, Policy.effective_from, Policy.effective_to, Policy.clause)
    rows = db.session.execute(
        select(*columns).where(Policy.superseded_at.is_(None), _in_force_on(day)).order_by(Policy.id)
    )
    return [PolicyFacts(*row) for row in rows]


def policy_in_force(rule: str, day: date) -> PolicyFacts | None:
    """The current version of `rule` in force on a local date (the first, where several are), or None."""
    return next((p for p in policies_in_force(day) if p.rule == rule), None)


class PoliciesKept:
    """The policies in force per local day, kept `seconds` across batches by a long-running process (the
    gateway, the terminal receiver): a policy revised takes effect within `seconds` (0: every batch
    looks them up)."""

    def __init__(self, seconds: float = 5.0):
        self.seconds = seconds
        self._days: dict[date, tuple[float, list[PolicyFacts]]] = {}

    def policies(self, day: date) -> list[PolicyFacts]:
        now = time.monotonic()
        cached = self._days.get(day)
        if cached is None or cached[0] < now:
            cached = (now + self.seconds, policies_in_force(day))
            self._days[day] = cached
        return cached[1]
