"""How a batch reaches a target. One transport is built: JSON over HTTPS with a bearer token
(https_json). Another (a provincial TCP+JSON protocol with a heartbeat) is a function of the same
signature added to TRANSPORTS; docs/uplink.md says what it must keep."""

import json

import requests

from registry.common.time import utcnow
from registry.uplink.models import UplinkTarget
from registry.uplink.records import FORMAT_VERSION


class DeliveryError(Exception):
    """The target did not take the batch; it is sent again after a pause."""


def batch_body(source: str, records: list[dict]) -> dict:
    return {"source": source, "format": FORMAT_VERSION, "sent_at": utcnow().isoformat(), "records": records}


def send_https_json(target: UplinkTarget, source: str, records: list[dict], timeout: float) -> dict:
    """POST the batch; any 2xx answer means the target stored it. The Idempotency-Key names the batch
    (a resent batch has the same key); every record has its own key too, which is what a target
    must keep once."""
    first, last = records[0]["sequence"], records[-1]["sequence"]
    headers = {
        "Authorization": f"Bearer {target.token}",
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": f"{source}:{first}-{last}",
        "User-Agent": "registry-uplink/1",
    }
    body = json.dumps(batch_body(source, records), ensure_ascii=False, separators=(",", ":")).encode()
    try:
        response = requests.post(
            target.url, data=body, headers=headers, timeout=(min(timeout, 10), timeout), verify=target.ca_file or True
        )
    except requests.RequestException as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}"[:1000]) from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:500]}")
    try:
        return response.json()
    except ValueError:
        return {}


TRANSPORTS = {"https_json": send_https_json}
