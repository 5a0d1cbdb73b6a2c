"""Construction units, their sites, and site declarations (进场登记) of registered machines."""

from sqlalchemy import select

from registry.accounts.models import Role, User
from registry.common.errors import Conflict, DomainError, Forbidden
from registry.common.i18n import t
from registry.common.services import add_audited, change_audited, ensure_unique, not_found
from registry.extensions import db
from registry.machinery import rules
from registry.machinery.inspections import latest_result, zone_for
from registry.machinery.services import acting_unit_id, get_by_code, own_unit_id
from registry.sites.models import ConstructionUnit, Site, SiteDeclaration


def create_unit(actor: User, data: dict) -> ConstructionUnit:
    """The bureau records a construction unit (its users are then created for it)."""
    code = data.get("credit_code")
    ensure_unique(
        ConstructionUnit, ConstructionUnit.credit_code, code, "credit_code", "统一社会信用代码", "credit_code"
    )
    return add_audited(actor, ConstructionUnit(**data), "construction_unit", _unit_snapshot)


def _unit_snapshot(unit: ConstructionUnit) -> dict:
    return {k: getattr(unit, k) for k in ("name", "credit_code", "contact_name", "contact_phone")}


def update_unit(actor: User, unit: ConstructionUnit, data: dict) -> ConstructionUnit:
    """The bureau corrects a unit's name, credit code or contact."""
    code = data.get("credit_code")
    ensure_unique(
        ConstructionUnit, ConstructionUnit.credit_code, code, "credit_code", "统一社会信用代码", "credit_code", unit.id
    )
    return change_audited(actor, unit, data, "construction_unit", _unit_snapshot)


def units_query():
    return select(ConstructionUnit).order_by(ConstructionUnit.name, ConstructionUnit.id)


def create_site(actor: User, data: dict) -> Site:
    """A construction unit records one of its sites (the bureau may for a named unit)."""
    data = dict(data)
    unit_id = acting_unit_id(actor, data.pop("unit_id", None))
    snapshot = lambda s: {"name": s.name, "unit_id": s.unit_id, "low_emission_zone": s.low_emission_zone}  # noqa: E731
    return add_audited(actor, Site(unit_id=unit_id, **data), "site", snapshot)


def get_site_for(actor: User, site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    unit_id = own_unit_id(actor)
    if site is None or (unit_id is not None and site.unit_id != unit_id):
        raise not_found("工地", "site")
    return site


def sites_query(actor: User):
    query = select(Site).order_by(Site.id.desc())
    unit_id = own_unit_id(actor)
    return query if unit_id is None else query.where(Site.unit_id == unit_id)


def declare(actor: User, site: Site, data: dict) -> SiteDeclaration:
    """Declare before entry that a registered machine will work at the site from `from` to `to`;
    refused, with every reason, for a machine the site's zone does not admit."""
    if actor.role == Role.CONSTRUCTION and site.unit_id != actor.construction_unit_id:
        raise Forbidden(t("只能为本单位工地申报", "you may declare at your own unit's sites only"))
    valid_from, valid_to = data["valid_from"], data["valid_to"]
    if valid_to < valid_from:
        raise DomainError(t("结束日期不能早于开始日期", "`to` cannot precede `from`"), "to")
    machinery = get_by_code(data["registration_code"])
    zone = zone_for(site.low_emission_zone)
    refusals = rules.site_refusals(
        status=machinery.status.value,
        owner_unit_id=machinery.unit_id,
        declaring_unit_id=site.unit_id,
        emission_stage=machinery.emission_stage.value,
        latest_inspection=latest_result(machinery),
        zone=zone,
    )
    if refusals:
        raise DomainError(
            t("不予进场登记：", "declaration refused: ") + t("；", "; ").join(t(r.zh, r.en) for r in refusals),
            "registration_code",
            reasons=[r.code for r in refusals],
        )
    clash = db.session.scalar(
        select(SiteDeclaration).where(
            SiteDeclaration.machinery_id == machinery.id,
            SiteDeclaration.valid_from <= valid_to,
            SiteDeclaration.valid_to >= valid_from,
        )
    )
    if clash is not None:
        raise Conflict(
            t(
                f"该机械在 {clash.valid_from} 至 {clash.valid_to} 已申报在工地「{clash.site.name}」",
                f"the machine is already declared at site '{clash.site.name}'"
                f" from {clash.valid_from} to {clash.valid_to}",
            ),
            "from",
        )
    declaration = SiteDeclaration(
        site=site, machinery=machinery, valid_from=valid_from, valid_to=valid_to, declared_by_id=actor.id
    )
    return add_audited(
        actor,
        declaration,
        "site_declaration",
        lambda d: {
            "site_id": site.id,
            "registration_code": machinery.registration_code,
            "from": str(valid_from),
            "to": str(valid_to),
        },
    )


def declarations_query(site: Site):
    return (
        select(SiteDeclaration)
        .where(SiteDeclaration.site_id == site.id)
        .order_by(SiteDeclaration.valid_from.desc(), SiteDeclaration.id.desc())
    )
