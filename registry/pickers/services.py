"""What a picker offers for what was typed: at most LIMIT choices the actor may see, each a value the
form submits and a label a person recognises."""

from dataclasses import dataclass

from sqlalchemy import or_, select

from registry.accounts.auth import own_firm_id
from registry.accounts.models import User
from registry.common.i18n import t
from registry.extensions import db
from registry.firms.models import Firm
from registry.firms.services import firm_ids_named, firms_query
from registry.gates.models import Gate
from registry.machinery.models import MachineryStatus
from registry.machinery.services import machinery_query, own_unit_id
from registry.sites.models import ConstructionUnit, Site
from registry.sites.services import sites_query

LIMIT = 20


def _holding(typed: str, *columns):
    """Any of the columns holds what was typed (case-insensitive, wildcards taken literally)."""
    return or_(*(column.icontains(typed.strip(), autoescape=True) for column in columns))


def firm_choices(actor: User, typed: str) -> list[dict]:
    """Firms whose name or credit code holds what was typed; the value is the name (a form resolves it)."""
    query = firms_query({}, actor)
    if typed.strip():
        query = query.where(_holding(typed, Firm.name, Firm.credit_code))
    firms = db.session.scalars(query.limit(LIMIT))
    return [{"value": f.name, "label": f"{f.name}（{f.credit_code}）" if f.credit_code else f.name} for f in firms]


def gate_choices(actor: User, typed: str) -> list[dict]:
    """Gates (and road checkpoints) whose name, code or firm holds what was typed; the value is the code."""
    query = select(Gate, Firm.name).outerjoin(Firm, Gate.firm_id == Firm.id).order_by(Firm.name, Gate.name, Gate.id)
    own = own_firm_id(actor)
    if own is not None:
        query = query.where(Gate.firm_id == own)
    if typed.strip():
        query = query.where(_holding(typed, Gate.name, Gate.code, Firm.name))
    return [{"value": g.code, "label": f"{g.name} · {firm or t('道路卡口', 'road checkpoint')}"}
            for g, firm in db.session.execute(query.limit(LIMIT))]  # fmt: skip


def unit_choices(typed: str) -> list[dict]:
    """Construction units whose name or credit code holds what was typed (for the bureau); the value is
    the credit code where the unit has one, else its name (a form resolves either)."""
    query = select(ConstructionUnit).order_by(ConstructionUnit.name, ConstructionUnit.id)
    if typed.strip():
        query = query.where(_holding(typed, ConstructionUnit.name, ConstructionUnit.credit_code))
    return [
        {"value": u.credit_code or u.name, "label": f"{u.name}（{u.credit_code}）" if u.credit_code else u.name}
        for u in db.session.scalars(query.limit(LIMIT))
    ]


def site_choices(actor: User, typed: str) -> list[dict]:
    query = sites_query(actor)
    if typed.strip():
        query = query.where(_holding(typed, Site.name, Site.address))
    return [{"value": str(s.id), "label": s.name} for s in db.session.scalars(query.limit(LIMIT))]


def machinery_choices(actor: User, typed: str) -> list[dict]:
    """Machines by registration code, model, PIN or engine number; a site manager's own approved ones."""
    args = {"q": typed} if typed.strip() else {}
    if own_unit_id(actor) is not None:
        args["status"] = MachineryStatus.APPROVED
    machines = db.session.scalars(machinery_query(actor, args).limit(LIMIT))
    return [{"value": m.registration_code or "", "label": f"{m.model} · {m.registration_code or ''}"} for m in machines]


@dataclass(frozen=True)
class Hint:
    """What a search did with a name a person typed: the words, and the matches to choose from."""

    message: str
    field: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (label, the field's value for this choice)


def resolve_names(actor: User, args: dict) -> tuple[dict, list[Hint]]:
    """A page search's gate and firm fields as people type them (东门, 华电) rather than as the API takes
    them (a gate's code, a firm's full name or credit code): a name that holds exactly one match is
    searched for as that match and said so; several, or none, are said, with the matches to choose from,
    and the results are not narrowed by that field until one is chosen (never a silent 共 0 条)."""
    args, hints = dict(args), []
    for field, word, exact, choices in (
        ("gate", "门禁", lambda typed: db.session.scalar(select(Gate.id).where(Gate.code == typed)), gate_choices),
        ("firm", "企业", firm_ids_named, firm_choices),
    ):
        typed = (args.get(field) or "").strip()
        if not typed or exact(typed):
            continue
        found = choices(actor, typed)
        hints.append(_hint(word, field, typed, found))
        if len(found) == 1:
            args[field] = found[0]["value"]
        else:
            args.pop(field)
    return args, hints


def _hint(word_zh: str, field: str, typed: str, found: list[dict]) -> Hint:
    word_en = {"门禁": "gate", "企业": "firm"}[word_zh]
    if not found:
        none = t(f"没有名称或编码含“{typed}”的{word_zh}，该条件未生效", f"no {word_en} holds '{typed}': not applied")
        return Hint(none, field)
    if len(found) == 1:
        label = found[0]["label"]
        return Hint(t(f"“{typed}”即{word_zh}：{label}", f"'{typed}' is the {word_en} {label}"), field)
    choices = tuple((choice["label"], choice["value"]) for choice in found)
    return Hint(
        t(
            f"“{typed}”对应 {len(found)} 个{word_zh}（下方结果未按{word_zh}筛选），请选择一个：",
            f"'{typed}' holds {len(found)} {word_en}s (the results below are not narrowed by it); choose one:",
        ),
        field,
        choices,
    )
