"""Weighbridge ticket JSON: field names are public API."""

import marshmallow as ma
from flask_smorest.fields import Upload

from registry.common.schemas import Day, Moment, StrictSchema, Text, db_id, required_text
from registry.labels import labelled
from registry.vehicles.schemas import PlateField
from registry.weighbridge.models import MatchStatus

TONNES = {"places": 2, "validate": ma.validate.Range(0, 999_999), "as_string": False}


class TicketInputSchema(StrictSchema):
    ticket_no = required_text(64)
    plate = PlateField(required=True)
    weighed_at = Moment(required=True, metadata={"description": "when the scale printed the ticket"})
    gross_t = ma.fields.Decimal(allow_none=True, **TONNES)
    tare_t = ma.fields.Decimal(allow_none=True, **TONNES)
    net_t = ma.fields.Decimal(allow_none=True, **TONNES)
    cargo = required_text(32)

    @ma.validates_schema
    def _weights(self, data, **_kwargs):
        gross, tare, net = data.get("gross_t"), data.get("tare_t"), data.get("net_t")
        if net is None and (gross is None or tare is None):
            raise ma.ValidationError("净重，或毛重和皮重 / net, or gross and tare", "net_t")
        if gross is not None and tare is not None:
            if tare > gross:
                raise ma.ValidationError("皮重大于毛重 / tare exceeds gross", "tare_t")
            if net is not None and abs((gross - tare) - net) > 0.05:
                raise ma.ValidationError("净重应等于毛重减皮重 / net is gross minus tare", "net_t")

    @ma.post_load
    def _net(self, data, **_kwargs):
        if data.get("net_t") is None:
            data["net_t"] = data["gross_t"] - data["tare_t"]
        return data


class TicketBatchSchema(StrictSchema):
    """Tickets as the scale gave them; each is checked on its own (TicketInputSchema's fields)."""

    tickets = ma.fields.List(
        ma.fields.Dict(metadata={"description": "ticket_no, plate, weighed_at, gross_t, tare_t, net_t, cargo"}),
        required=True,
        validate=ma.validate.Length(1, 1000),
    )


class TicketSchema(ma.Schema):
    id = ma.fields.Integer()
    firm_id = ma.fields.Integer()
    ticket_no = ma.fields.String()
    plate = ma.fields.String()
    weighed_at = ma.fields.AwareDateTime()
    gross_t = ma.fields.Decimal(as_string=True, allow_none=True)
    tare_t = ma.fields.Decimal(as_string=True, allow_none=True)
    net_t = ma.fields.Decimal(as_string=True)
    cargo = ma.fields.String()
    status = ma.fields.Enum(MatchStatus, by_value=True)
    status_label = labelled("match_status", lambda t: t.status)
    pass_id = ma.fields.Integer(allow_none=True)
    pass_at = ma.fields.AwareDateTime(allow_none=True)
    candidates = ma.fields.Integer()


class TicketResultSchema(ma.Schema):
    ticket_no = ma.fields.String()
    outcome = ma.fields.String(
        metadata={"description": "created, unchanged (the same ticket again), conflict, invalid"}
    )
    ticket = ma.fields.Nested(TicketSchema, allow_none=True)
    errors = ma.fields.Raw(allow_none=True)


class ImportSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "CSV (UTF-8) or XLSX with a header row"})


class TicketQueryArgsSchema(ma.Schema):
    status = ma.fields.Enum(MatchStatus, by_value=True)
    from_ = Day(data_key="from")
    to = Day()


class ChooseSchema(StrictSchema):
    pass_id = db_id(required=True, strict=True)
    reason = Text(
        load_default=None,
        allow_none=True,
        multiline=True,
        validate=ma.validate.Length(max=500),
        metadata={"description": "why a ticket already matched moves to another pass (required then; audited)"},
    )


class RangeArgsSchema(ma.Schema):
    from_ = Day(data_key="from", required=True)
    to = Day(required=True)
