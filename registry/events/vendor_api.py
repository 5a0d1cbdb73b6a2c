"""Vendor pushes over HTTP: Hikvision ISAPI ANPR and AlarmInfoPlate, into the same ingest service."""

import json
from xml.etree.ElementTree import ParseError

import marshmallow as ma
from defusedxml.common import DefusedXmlException
from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import abort

from registry.common.i18n import t
from registry.common.rest import Blueprint
from registry.events.auth import require_gate
from registry.events.ingest import record_plate_event
from registry.events.schemas import GateEventSchema, IngestAnswerSchema
from registry.events.vendors import alarminfoplate, hikvision
from registry.extensions import db

blp = Blueprint("vendors", __name__, url_prefix="/api/v1/gates", description="厂商推送 Camera vendor pushes")


def _validated(read: dict) -> dict:
    try:
        return GateEventSchema().load(read)
    except ma.ValidationError as exc:
        abort(422, errors={"json": exc.messages})


def _hikvision_parts() -> tuple[bytes, dict[str, bytes]]:
    """The alert document and the pictures (by file name) of a multipart push, or a bare body."""
    if not request.mimetype.startswith("multipart/"):
        return request.get_data(), {}
    document, pictures = None, {}
    for name, storage in request.files.items(multi=True):
        data = storage.read()
        if data.lstrip()[:1] in (b"<", b"{") and document is None:
            document = data
        else:
            pictures[storage.filename or name] = data
    for value in request.form.values():
        if document is None and value.lstrip()[:1] in ("<", "{"):
            document = value.encode()
    if document is None:
        abort(422, message=t("缺少 ANPR 报警 XML/JSON 部分", "No ANPR alert XML or JSON part in the push"))
    return document, pictures


@blp.route("/<code>/isapi")
class HikvisionPush(MethodView):
    @require_gate
    @blp.response(200, IngestAnswerSchema)
    @blp.doc(security=[{"gateSecret": []}])
    def post(self, code):
        """Hikvision ISAPI ANPR alarm push (multipart with an XML or JSON part and JPEG parts)."""
        document, pictures = _hikvision_parts()
        try:
            read, retransmitted = hikvision.to_read(hikvision.parse_alert(document), pictures)
        except (hikvision.NotAnAnprEvent, ParseError, DefusedXmlException, json.JSONDecodeError) as exc:
            abort(422, message=t(f"无法解析海康 ANPR 报警：{exc}", f"Not a Hikvision ANPR alert: {exc}"))
        source = "hikvision-resend" if retransmitted else "hikvision"
        ingested = record_plate_event(g.gate, _validated(read), source)
        db.session.commit()
        return ingested.answer()


@blp.route("/<code>/alarm-info-plate")
class AlarmInfoPlatePush(MethodView):
    @require_gate
    @blp.doc(security=[{"gateSecret": []}])
    def post(self, code):
        """AlarmInfoPlate HTTP push; answered with Response_AlarmInfoPlate (ok lifts the barrier)."""
        message = request.get_json(silent=True)
        if not isinstance(message, dict):
            abort(422, message=t("应为 AlarmInfoPlate JSON", "Expected AlarmInfoPlate JSON"))
        config = current_app.config
        try:
            read, _serial = alarminfoplate.to_read(
                message, config["ALARMINFOPLATE_COLOURS"], config["ALARMINFOPLATE_DIRECTIONS"]
            )
        except alarminfoplate.NotAPlateResult as exc:
            abort(422, message=str(exc))
        result = message.get("AlarmInfoPlate", {}).get("result", {}).get("PlateResult", {})
        ingested = record_plate_event(g.gate, _validated(read), "alarminfoplate")
        db.session.commit()
        answer = ingested.answer()
        return alarminfoplate.http_answer(answer["decision"], answer["display"], result.get("plateid"))
