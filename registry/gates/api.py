"""REST: /api/v1/firms/{id}/gates and /api/v1/gates."""

from datetime import timedelta

from flask import current_app
from flask.views import MethodView

from registry.accounts.auth import EDITORS, FIRM_READERS, READERS, current_actor, own_firm_id, require_role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.replica import reads_from_replica
from registry.common.rest import Blueprint
from registry.common.time import local_date, utcnow
from registry.extensions import db
from registry.firms.services import get_firm, visible_firm
from registry.gates import services
from registry.gates.delivery import delivery
from registry.gates.schemas import (
    DeliveryArgsSchema,
    DeliverySchema,
    GateInputSchema,
    GateQueryArgsSchema,
    GateSchema,
    GateUpdateSchema,
    GateWithSecretSchema,
)

blp = Blueprint("gates", __name__, url_prefix="/api/v1", description="门禁 Gates")


class GateListArgs(GateQueryArgsSchema, PageArgsSchema):
    pass


class _GateWithSecret:
    """A gate together with the secret just issued for it, for one answer only."""

    def __init__(self, gate, secret: str):
        self.gate, self.secret = gate, secret

    def __getattr__(self, name):
        return getattr(self.gate, name)


@blp.route("/firms/<int:firm_id>/gates")
class FirmGates(MethodView):
    @require_role(*FIRM_READERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_envelope(GateSchema, "GatePage"))
    def get(self, args, firm_id):
        """The gates of one firm (a firm user: its own)."""
        visible_firm(current_actor(), firm_id)
        return page_of(services.gates_query({"firm_id": firm_id}), args)

    @require_role(*EDITORS)
    @blp.arguments(GateInputSchema)
    @blp.response(201, GateWithSecretSchema)
    def post(self, data, firm_id):
        """Add a gate; the answer carries its secret, shown only this once."""
        gate, secret = services.create_gate(current_actor(), get_firm(firm_id), **data)
        db.session.commit()
        return _GateWithSecret(gate, secret)


@blp.route("/gates/delivery")
class GateDelivery(MethodView):
    @require_role(*READERS)
    @blp.arguments(DeliveryArgsSchema, location="query")
    @blp.response(200, DeliverySchema(many=True))
    @reads_from_replica
    def get(self, args):
        """Delivery per gate and local day (HJ 1321-2023: at least 95 %): reads, the gaps in the cameras'
        record numbers, the rate, and whether the gate was silent."""
        last = args.get("to") or local_date(utcnow())
        first = args.get("from_") or last - timedelta(days=6)
        target = current_app.config["DELIVERY_TARGET_PERMILLE"] / 1000
        return delivery(first, last, target, [args["gate"]] if args.get("gate") else None)


@blp.route("/gates")
class Gates(MethodView):
    @require_role(*FIRM_READERS)
    @blp.arguments(GateListArgs, location="query")
    @blp.response(200, page_envelope(GateSchema, "GatePageAll"))
    def get(self, args):
        """All gates, filtered and paginated (a firm user: its own)."""
        own = own_firm_id(current_actor())
        if own is not None:
            args = args | {"firm_id": own}
        return page_of(services.gates_query(args), args)


@blp.route("/gates/<code>")
class GateByCode(MethodView):
    @require_role(*FIRM_READERS)
    @blp.response(200, GateSchema)
    def get(self, code):
        """One gate."""
        return services.get_gate_for(current_actor(), code)

    @require_role(*EDITORS)
    @blp.arguments(GateUpdateSchema)
    @blp.response(200, GateSchema)
    def patch(self, data, code):
        """Rename, disable or enable a gate."""
        gate = services.update_gate(current_actor(), services.get_gate(code), data)
        db.session.commit()
        return gate


@blp.route("/gates/<code>/secret")
class GateSecret(MethodView):
    @require_role(*EDITORS)
    @blp.response(200, GateWithSecretSchema)
    def post(self, code):
        """Issue a new secret for a gate (the old one stops working)."""
        gate = services.get_gate(code)
        secret = services.rotate_secret(current_actor(), gate)
        db.session.commit()
        return _GateWithSecret(gate, secret)
