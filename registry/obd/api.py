"""REST: 远程排放监控 — terminals (/api/v1/obd/terminals), alarms (/api/v1/obd/alarms), and a truck's
state and day (/api/v1/vehicles/{id}/obd). A firm user: its own trucks only."""

from flask import current_app
from flask.views import MethodView

from registry.accounts.auth import EDITORS, FIRM_READERS, current_actor, require_role
from registry.accounts.models import Role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.common.services import not_found
from registry.extensions import db
from registry.obd import services
from registry.obd.samples import per_minute
from registry.obd.schemas import (
    AlarmQueryArgsSchema,
    AlarmSchema,
    DayArgsSchema,
    TerminalInputSchema,
    TerminalQueryArgsSchema,
    TerminalSchema,
    TruckDaySchema,
)
from registry.vehicles.models import Vehicle

blp = Blueprint("obd", __name__, url_prefix="/api/v1", description="远程排放监控 Remote emission monitoring")
MINUTE_SERIES = ("speed", "nox_upstream", "nox_downstream", "scr_inlet_temperature", "urea_level", "latitude",
                 "longitude")  # fmt: skip


class TerminalArgs(TerminalQueryArgsSchema, PageArgsSchema):
    pass


class AlarmArgs(AlarmQueryArgsSchema, PageArgsSchema):
    pass


@blp.route("/obd/terminals")
class Terminals(MethodView):
    @require_role(*FIRM_READERS)
    @blp.arguments(TerminalArgs, location="query")
    @blp.response(200, page_envelope(TerminalSchema, "TerminalPage"))
    def get(self, args):
        """Terminals heard from or registered, the newest first."""
        return page_of(services.terminals_query(current_actor(), args), args)

    @require_role(*EDITORS, Role.FIRM)
    @blp.arguments(TerminalInputSchema)
    @blp.response(201, TerminalSchema)
    def post(self, data):
        """Register a truck's terminal by its VIN (the bureau: any registered truck's; a firm: its own)."""
        terminal = services.register_terminal(current_actor(), data["vin"])
        db.session.commit()
        return terminal


@blp.route("/obd/alarms")
@require_role(*FIRM_READERS)
@blp.arguments(AlarmArgs, location="query")
@blp.response(200, page_envelope(AlarmSchema, "ObdAlarmPage"))
def alarms(args):
    """Alarms, open ones by default, the newest first; by kind, firm, fleet or plate."""
    return page_of(services.alarms_query(current_actor(), args), args)


@blp.route("/vehicles/<int:vehicle_id>/obd")
@require_role(*FIRM_READERS)
@blp.arguments(DayArgsSchema, location="query")
@blp.response(200, TruckDaySchema)
def truck(args, vehicle_id):
    """A truck's terminal, its open alarms and a day: its figures and its data averaged by minute."""
    vehicle = db.session.get(Vehicle, vehicle_id)
    if vehicle is None or not services.may_see(current_actor(), vehicle):
        raise not_found("车辆", "truck")
    terminal = services.terminal_of(vehicle)
    if terminal is None:
        return {"vehicle_id": vehicle.id, "terminal": None, "open_alarms": [], "day": None, "figures": None,
                "minutes": []}  # fmt: skip
    drawn = services.truck_day(terminal, args.get("day"), current_app.config["OBD_DATA_LAYOUT"])
    alarms = services.open_alarms_of(terminal.vin)
    minutes = per_minute(drawn.samples, MINUTE_SERIES)
    return {"vehicle_id": vehicle.id, "terminal": terminal, "open_alarms": alarms, "day": drawn.day,
            "figures": drawn.figures, "minutes": minutes}  # fmt: skip
