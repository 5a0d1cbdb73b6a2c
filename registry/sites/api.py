"""REST: construction units, their sites, and site declarations (进场登记)."""

from flask.views import MethodView
from sqlalchemy import select

from registry.accounts.auth import current_actor, require_role
from registry.accounts.models import Role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.common.services import get_or_404
from registry.extensions import db
from registry.machinery.services import BUREAU, READERS, own_unit_id
from registry.sites import services as sites
from registry.sites.models import ConstructionUnit
from registry.sites.schemas import (
    DeclarationInputSchema,
    DeclarationSchema,
    SiteInputSchema,
    SiteSchema,
    UnitInputSchema,
    UnitSchema,
)

blp = Blueprint("sites", __name__, url_prefix="/api/v1", description="施工单位与工地 Construction units and sites")

OWNERS = (*BUREAU, Role.CONSTRUCTION)
VIEWERS = (*READERS, Role.CONSTRUCTION)


@blp.route("/construction-units")
class Units(MethodView):
    @require_role(*VIEWERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_envelope(UnitSchema, "UnitPage"))
    def get(self, args):
        """Construction units (a unit's own user sees only its unit)."""
        query = select(ConstructionUnit).order_by(ConstructionUnit.name, ConstructionUnit.id)
        unit_id = own_unit_id(current_actor())
        if unit_id is not None:
            query = query.where(ConstructionUnit.id == unit_id)
        return page_of(query, args)

    @require_role(*BUREAU)
    @blp.arguments(UnitInputSchema)
    @blp.response(201, UnitSchema)
    def post(self, data):
        """Record a construction unit."""
        unit = sites.create_unit(current_actor(), data)
        db.session.commit()
        return unit


@blp.route("/construction-units/<int:unit_id>")
@require_role(*BUREAU)
@blp.response(200, UnitSchema)
def unit_by_id(unit_id):
    """One construction unit."""
    return get_or_404(ConstructionUnit, unit_id, "施工单位", "construction unit")


@blp.route("/sites")
class Sites(MethodView):
    @require_role(*VIEWERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_envelope(SiteSchema, "SitePage"))
    def get(self, args):
        """Sites: a construction unit sees its own."""
        return page_of(sites.sites_query(current_actor()), args)

    @require_role(*OWNERS)
    @blp.arguments(SiteInputSchema)
    @blp.response(201, SiteSchema)
    def post(self, data):
        """Record a site, saying whether it lies in a low-emission zone (禁用区)."""
        site = sites.create_site(current_actor(), data)
        db.session.commit()
        return site


@blp.route("/sites/<int:site_id>")
@require_role(*VIEWERS)
@blp.response(200, SiteSchema)
def site_by_id(site_id):
    """One site."""
    return sites.get_site_for(current_actor(), site_id)


@blp.route("/sites/<int:site_id>/declarations")
class Declarations(MethodView):
    @require_role(*VIEWERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_envelope(DeclarationSchema, "DeclarationPage"))
    def get(self, args, site_id):
        """The machines declared at a site."""
        site = sites.get_site_for(current_actor(), site_id)
        return page_of(sites.declarations_query(site), args)

    @require_role(*OWNERS)
    @blp.arguments(DeclarationInputSchema)
    @blp.response(201, DeclarationSchema)
    def post(self, data, site_id):
        """Declare a registered machine at the site before it enters; refused with the reasons otherwise."""
        actor = current_actor()
        declaration = sites.declare(actor, sites.get_site_for(actor, site_id), data)
        db.session.commit()
        return declaration
