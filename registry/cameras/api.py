"""Vendor pushes over HTTP: Hikvision ISAPI ANPR, AlarmInfoPlate and Dahua ITC, into the same ingest service."""

import json
from xml.etree.ElementTree import ParseError

import marshmallow as ma
from defusedxml.common import DefusedXmlException
from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import abort

from registry.cameras import alarminfoplate, dahua, hikvision
from registry.common import jsonio
from registry.common.i18n import t
from registry.common.rest import Blueprint
from registry.events.auth import require_gate
from registry.events.schemas import GateEventSchema, IngestAnswerSchema
from registry.extensions import db
from registry.gates.services import note_heartbeats
from registry.ingest import record_plate_event

blp = Blueprint("vendors", __name__, url_prefix="/api/v1/gates", description="厂商推送 Camera vendor pushes")


def _validated(read: dict) -> dict:
    try:
        return GateEventSchema().load(read)
    except ma.ValidationError as exc:
        abort(422, errors={"json": exc.messages})


def _parts(what: str) -> tuple[bytes, dict[str, bytes]]:
    """The document (XML, JSON or Dahua's key=value text) and the pictures (by file name) of a
    multipart push, or a bare body."""
    if not request.mimetype.startswith("multipart/"):
        return request.get_data(), {}
    document, pictures = None, {}
    for name, storage in request.files.items(multi=True):
        data = storage.read()
        if document is None and not data.startswith((b"\xff\xd8", b"\x89PNG")) and _is_document(data):
            document = data
        else:
            pictures[storage.filename or name] = data
    for value in request.form.values():
        if document is None and _is_document(value.encode()):
            document = value.encode()
    if document is None:
        abort(422, message=t(f"缺少{what}报文部分", f"No {what} document part in the push"))
    return document, pictures


def _is_document(data: bytes) -> bool:
    head = data.lstrip()[:1]
    return head in (b"<", b"{") or b"=" in data[:200]


def _heartbeat() -> dict:
    note_heartbeats([g.gate.id])
    db.session.commit()
    return {"Result": True, "Message": "ok"}


@blp.route("/<code>/isapi")
class HikvisionPush(MethodView):
    @require_gate
    @blp.response(200, IngestAnswerSchema)
    @blp.doc(security=[{"gateSecret": []}])
    def post(self, code):
        """Hikvision ISAPI ANPR alarm push (multipart with an XML or JSON part and JPEG parts); a
        `heartBeat` alert is the camera's keep-alive."""
        document, pictures = _parts("ANPR 报警")
        try:
            alert = hikvision.parse_alert(document)
            if str(alert.get("eventType", "")).lower() == "heartbeat":
                return _heartbeat()
            read, retransmitted = hikvision.to_read(alert, pictures)
        except (hikvision.NotAnAnprEvent, ParseError, DefusedXmlException, json.JSONDecodeError) as exc:
            abort(422, message=t(f"无法解析海康 ANPR 报警：{exc}", f"Not a Hikvision ANPR alert: {exc}"))
        source = "hikvision-resend" if retransmitted else "hikvision"
        ingested = record_plate_event(g.gate, _validated(read | {"backlog": retransmitted}), source)
        db.session.commit()
        return ingested.answer()


@blp.route("/<code>/alarm-info-plate")
class AlarmInfoPlatePush(MethodView):
    @require_gate
    @blp.doc(security=[{"gateSecret": []}])
    def post(self, code):
        """AlarmInfoPlate HTTP push; answered with Response_AlarmInfoPlate (ok lifts the barrier), and a
        record from the camera's offline store with ContinuePushOffline (the next one, please)."""
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
        ingested = record_plate_event(g.gate, _validated(read), "alarminfoplate")
        db.session.commit()
        answer = ingested.answer()
        return alarminfoplate.http_answer(answer["decision"], answer["display"], read["sequence"], read["backlog"])


@blp.route("/<code>/dahua")
@blp.route("/<code>/dahua/NotificationInfo/TollgateInfo", endpoint="DahuaTollgateInfo")
class DahuaPush(MethodView):
    @require_gate
    @blp.doc(security=[{"gateSecret": []}])
    def post(self, code):
        """Dahua ITC: the ITSAPI picture upload (`Picture{Plate, SnapInfo, NormalPic, CutoutPic}`) or a
        TrafficJunction event (JSON or `Events[0]...=` text, pictures as JPEG parts); answered
        `{"Result": true}` with the verdict."""
        document, pictures = _parts("大华事件")
        try:
            parsed = _dahua_document(document)
            read, _kind = dahua.to_read(parsed, pictures, current_app.config)
        except (dahua.NotADahuaEvent, json.JSONDecodeError, UnicodeDecodeError) as exc:
            abort(422, message=t(f"无法解析大华报文：{exc}", f"Not a Dahua ITSAPI upload or traffic event: {exc}"))
        ingested = record_plate_event(g.gate, _validated(read), "dahua")
        db.session.commit()
        answer = ingested.answer()
        return dahua.answer(answer["decision"], answer["display"])


def _dahua_document(document: bytes) -> dict:
    text = document.strip()
    if text.startswith(b"{"):
        return jsonio.loads(text)
    return dahua.parse_lines(text.decode("utf-8-sig"))


@blp.route("/<code>/dahua/NotificationInfo/KeepAlive")
class DahuaKeepAlive(MethodView):
    @require_gate
    @blp.doc(security=[{"gateSecret": []}])
    def post(self, code):
        """Dahua ITSAPI keep-alive: the gate's camera is alive."""
        return _heartbeat()
