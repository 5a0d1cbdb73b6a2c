"""远程排放监控 JSON: terminals, alarms, a truck's day."""

import marshmallow as ma

from registry.common.schemas import Day, StrictSchema, Text, db_id, required_text
from registry.labels import labelled
from registry.policies.schemas import ALARM_KINDS


class TerminalSchema(ma.Schema):
    id = ma.fields.Integer()
    vin = ma.fields.String()
    vehicle_id = ma.fields.Integer(allow_none=True)
    registered = ma.fields.Boolean(metadata={"description": "false: data kept from a terminal nobody registered"})
    registered_at = ma.fields.AwareDateTime(allow_none=True)
    activated_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "HJ 1239 activation (0x07)"})
    chip_id = ma.fields.String(allow_none=True)
    last_collected_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "its newest data"})
    longitude = ma.fields.Float(allow_none=True)
    latitude = ma.fields.Float(allow_none=True)
    position_valid = ma.fields.Boolean(allow_none=True)
    speed = ma.fields.Float(allow_none=True, metadata={"description": "km/h"})
    mil = ma.fields.Boolean(allow_none=True)
    fault_codes = ma.fields.List(ma.fields.String(), allow_none=True)
    urea_level = ma.fields.Float(allow_none=True, metadata={"description": "%"})
    nox_upstream = ma.fields.Float(allow_none=True, metadata={"description": "ppm, before the SCR"})
    nox_downstream = ma.fields.Float(allow_none=True, metadata={"description": "ppm, after the SCR"})
    scr_inlet_temperature = ma.fields.Float(allow_none=True, metadata={"description": "°C"})
    scr_outlet_temperature = ma.fields.Float(allow_none=True, metadata={"description": "°C"})
    dpf_pressure_difference = ma.fields.Float(allow_none=True, metadata={"description": "kPa"})
    odometer = ma.fields.Float(allow_none=True, metadata={"description": "km"})
    signature = ma.fields.String(allow_none=True)
    signature_label = labelled("signature", lambda t: t.signature)
    tamper_at = ma.fields.AwareDateTime(allow_none=True)


class TerminalQueryArgsSchema(ma.Schema):
    registered = ma.fields.Boolean()
    vin = Text(validate=ma.validate.Length(max=17))
    plate = Text(validate=ma.validate.Length(max=16))


class TerminalInputSchema(StrictSchema):
    vin = required_text(17, metadata={"description": "the registered truck's VIN (a firm: one of its own trucks)"})


class AlarmSchema(ma.Schema):
    id = ma.fields.Integer()
    vin = ma.fields.String()
    kind = ma.fields.String()
    kind_label = labelled("obd_alarm", lambda a: a.kind)
    opened_at = ma.fields.AwareDateTime()
    last_seen_at = ma.fields.AwareDateTime()
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    value = ma.fields.Float(allow_none=True, metadata={"description": "its worst value"})
    threshold = ma.fields.Float(allow_none=True)
    detail = ma.fields.Dict(allow_none=True)
    evidence = ma.fields.List(ma.fields.Dict(), metadata={"description": "frames it rests on: collection time, serial"})
    policy_id = ma.fields.Integer(allow_none=True)


class AlarmQueryArgsSchema(ma.Schema):
    status = Text(load_default="open", validate=ma.validate.OneOf(["open", "closed", "all"]))
    kind = Text(validate=ma.validate.OneOf(ALARM_KINDS))
    firm_id = db_id()
    fleet = Text(validate=ma.validate.Length(max=100))
    plate = Text(validate=ma.validate.Length(max=16))


class DayArgsSchema(ma.Schema):
    day = Day(metadata={"description": "local date (default: the truck's newest data's day)"})


class FiguresSchema(ma.Schema):
    samples = ma.fields.Integer()
    minutes_with_data = ma.fields.Integer()
    gaps = ma.fields.Integer(metadata={"description": "holes of 5 minutes or more between the day's data"})
    distance_km = ma.fields.Float(allow_none=True)
    engine_hours = ma.fields.Float()
    scr_efficiency = ma.fields.Float(allow_none=True, metadata={"description": "while the SCR is warm"})
    nox_p50 = ma.fields.Float(allow_none=True)
    nox_p90 = ma.fields.Float(allow_none=True)
    urea_lowest = ma.fields.Float(allow_none=True)
    mil_minutes = ma.fields.Float()
    frame_bytes = ma.fields.Integer(metadata={"description": "the day's frames as received"})


class MinuteSchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    speed = ma.fields.Float(allow_none=True)
    nox_upstream = ma.fields.Float(allow_none=True)
    nox_downstream = ma.fields.Float(allow_none=True)
    scr_inlet_temperature = ma.fields.Float(allow_none=True)
    urea_level = ma.fields.Float(allow_none=True)
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)


class TruckDaySchema(ma.Schema):
    vehicle_id = ma.fields.Integer()
    terminal = ma.fields.Nested(TerminalSchema, allow_none=True)
    open_alarms = ma.fields.List(ma.fields.Nested(AlarmSchema))
    day = ma.fields.Date(allow_none=True)
    figures = ma.fields.Nested(FiguresSchema, allow_none=True)
    minutes = ma.fields.List(ma.fields.Nested(MinuteSchema), metadata={"description": "averages by minute"})
