"""How a batch reaches a target. One transport is built: JSON over HTTPS with a bearer token
(https_json). Another (a provincial TCP+JSON protocol with a heartbeat) is a function of the same
signature added to TRANSPORTS; docs/uplink.md says what it must keep.

A target is called only at a public address unless OUTBOUND_PRIVATE_HOSTS lists it (registry.common.
outbound), at the address checked, and a redirect is never followed: a batch of passes goes to the address
the bureau configured or nowhere. What went wrong is said in a person's words (Chinese, then English) for
the status page; the raw text is kept apart, for administrators."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from pathlib import Path

import urllib3

from registry.common.outbound import OutboundRefused, destination, request
from registry.common.time import utcnow
from registry.uplink.models import UplinkTarget
from registry.uplink.records import FORMAT_VERSION


@dataclass(frozen=True)
class Outbound:
    """What the transports need of the settings."""

    private_ok: list[str]  # OUTBOUND_PRIVATE_HOSTS
    ca_dir: Path  # UPLINK_CA_DIR: a target's ca_file is a certificate's name in it


class DeliveryError(Exception):
    """The target did not take the batch; it is sent again after a pause. `zh`/`en` say what happened in a
    person's words; `detail` is the raw text (an answer's first lines, an exception), for administrators."""

    def __init__(self, zh: str, en: str, detail: str = ""):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en, self.detail = zh, en, detail[:2000]


def batch_body(source: str, records: list[dict]) -> dict:
    return {"source": source, "format": FORMAT_VERSION, "sent_at": utcnow().isoformat(), "records": records}


def ca_path(name: str | None, ca_dir: Path) -> str | None:
    """A target's CA certificate: a file name in UPLINK_CA_DIR, nothing else (no path of any other file
    is ever opened for it)."""
    if not name:
        return None
    path = ca_dir / name
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        raise DeliveryError("CA 证书不可用", "the CA certificate is not usable", f"ca_file {name!r} in {ca_dir}")
    return str(path)


def send_https_json(target: UplinkTarget, source: str, records: list[dict], timeout: float, outbound: Outbound):
    """POST the batch; any 2xx answer means the target stored it. The Idempotency-Key names the batch
    (a resent batch has the same key); every record has its own key too, which is what a target
    must keep once."""
    if not target.token:
        raise DeliveryError("缺少令牌：地址更改后请重新填写令牌", "no token: give the token again for the new address")
    first, last = records[0]["sequence"], records[-1]["sequence"]
    headers = {
        "Authorization": f"Bearer {target.token}",
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": f"{source}:{first}-{last}",
        "User-Agent": "registry-uplink/1",
    }
    body = json.dumps(batch_body(source, records), ensure_ascii=False, separators=(",", ":")).encode()
    try:
        where = destination(target.url, outbound.private_ok)
    except OutboundRefused as exc:
        raise DeliveryError(exc.zh, exc.en, target.url) from None
    limits = urllib3.Timeout(connect=min(timeout, 10), read=timeout)
    try:
        response = request(where, "POST", limits, body, headers, ca_path(target.ca_file, outbound.ca_dir))
    except ssl.SSLError as exc:  # raised by the context itself: the file is no certificate
        raise DeliveryError("CA 证书不可用", "the CA certificate is not usable", repr(exc)) from None
    except urllib3.exceptions.SSLError as exc:
        raise DeliveryError("证书校验失败", "the certificate did not verify", repr(exc)) from None
    except (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.ReadTimeoutError) as exc:
        raise DeliveryError("连接超时", "timed out", repr(exc)) from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise DeliveryError("无法连接上级平台", "could not connect", repr(exc)) from None
    try:
        text = response.read(64 * 1024 + 1)
    finally:
        response.release_conn()
    status = response.status
    if 300 <= status < 400:
        raise DeliveryError(
            f"上级平台要求转向（HTTP {status}），未跟随：请核对地址",
            f"the target redirects (HTTP {status}); not followed: check the address",
            f"Location: {response.headers.get('Location', '')}",
        )
    if not 200 <= status < 300:
        zh = "上级平台拒绝了令牌" if status in (401, 403) else f"上级平台返回错误（HTTP {status}）"
        raise DeliveryError(zh, f"the target answered HTTP {status}", text[:500].decode("utf-8", "replace"))
    try:
        return json.loads(text)
    except ValueError:
        return {}


TRANSPORTS = {"https_json": send_https_json}
