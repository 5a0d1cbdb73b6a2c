"""Requests the platform makes to addresses people configured (uplink targets) or cameras sent (pictures by
reference): only to public addresses, unless a setting lists the private ones it may reach. Pure of Flask.

The host is resolved once and every address it resolves to must be public (not loopback, private,
link-local, shared, reserved or multicast: `ipaddress`' is_global) unless the host, or a network holding the
address, is in OUTBOUND_PRIVATE_HOSTS; the connection then goes to that very address (the name kept for
TLS and the Host header), so that a second lookup cannot point it elsewhere (DNS rebinding). A decimal
address (http://2130706433/) is just another name that resolves to 127.0.0.1. Redirects are the caller's to
follow or not, each hop checked again."""

from __future__ import annotations

import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3


class OutboundRefused(ValueError):
    """An address this platform may not call (and did not call): (zh, en)."""

    def __init__(self, zh: str, en: str, unresolved: bool = False):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en
        self.unresolved = unresolved  # the name does not resolve now: nothing is known of it yet


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str  # as written: for TLS and the Host header
    port: int
    target: str  # path and query
    address: str  # the checked address it connects to


def _listed(host: str, address: ipaddress._BaseAddress, private_ok: list[str]) -> bool:
    for entry in private_ok:
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == host:
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def destination(url: str, private_ok: list[str] = ()) -> Destination:
    """Where `url` may be called, or OutboundRefused saying why (in the words of a person, no lookup of any
    other kind of address is made)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused("只能访问 http/https 地址", "only http and https addresses")
    if parts.username or parts.password:
        raise OutboundRefused("地址不得含用户名或密码", "no credentials in the address")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise OutboundRefused("地址缺少主机名", "the address has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise OutboundRefused("端口无效", "not a valid port") from None
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise OutboundRefused(f"无法解析主机 {host}", f"the host {host} does not resolve", unresolved=True) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    for address in addresses:
        if not address.is_global and not _listed(host, address, list(private_ok)):
            raise OutboundRefused(
                f"主机 {host} 指向内网或本机地址，未列入 OUTBOUND_PRIVATE_HOSTS，不予访问",
                f"{host} is a loopback, private or link-local address not listed in OUTBOUND_PRIVATE_HOSTS",
            )
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(parts.scheme, host, port, target, str(addresses[0]))


def request(
    destination: Destination,
    method: str,
    timeout: urllib3.Timeout,
    body: bytes | None = None,
    headers: dict | None = None,
    ca_file: str | None = None,
) -> urllib3.BaseHTTPResponse:
    """One request to the checked address, never following a redirect; the response is not preloaded
    (read it, then release_conn)."""
    host_header = destination.host if destination.port in (80, 443) else f"{destination.host}:{destination.port}"
    headers = {"Host": host_header} | (headers or {})
    if destination.scheme == "https":
        context = ssl.create_default_context(cafile=ca_file)
        pool = urllib3.HTTPSConnectionPool(
            destination.address,
            destination.port,
            ssl_context=context,
            server_hostname=destination.host,
            assert_hostname=destination.host,
            retries=False,
            timeout=timeout,
        )
    else:
        pool = urllib3.HTTPConnectionPool(destination.address, destination.port, retries=False, timeout=timeout)
    return pool.urlopen(
        method,
        destination.target,
        body=body,
        headers=headers,
        redirect=False,
        retries=False,
        preload_content=False,
        assert_same_host=False,
    )
