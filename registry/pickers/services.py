"""What a picker offers for what was typed: at most LIMIT choices the actor may see, each a value the
form submits and a label a person recognises."""

from sqlalchemy import or_, select

from registry.accounts.auth import own_firm_id
from registry.accounts.models import User
from registry.extensions import db
from registry.firms.models import Firm
from registry.firms.services import firms_query
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
    """Gates whose name, code or firm holds what was typed; the value is the gate's code."""
    query = select(Gate, Firm.name).join(Firm, Gate.firm_id == Firm.id).order_by(Firm.name, Gate.name, Gate.id)
    own = own_firm_id(actor)
    if own is not None:
        query = query.where(Gate.firm_id == own)
    if typed.strip():
        query = query.where(_holding(typed, Gate.name, Gate.code, Firm.name))
    return [{"value": g.code, "label": f"{g.name} · {firm}"} for g, firm in db.session.execute(query.limit(LIMIT))]


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
