"""Downloading a picture a camera sent by reference, from allow-listed hosts at public addresses only (or
private ones OUTBOUND_PRIVATE_HOSTS lists). Pure of Flask.

Every address is checked before it is called, redirects included (each hop is checked again, at most
MAX_REDIRECTS of them): http or https, no user name or password in it, a host on the list (exact, or
`*.example.com` for its subdomains). The body is read up to the size limit and no further, within one
time limit for the whole download.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import urllib3

from registry.common.outbound import OutboundRefused, destination, request

MAX_REDIRECTS = 3


class FetchRefused(ValueError):
    """The address is not one this platform may call (and was not called)."""


class FetchFailed(RuntimeError):
    """The address was called and gave no picture (status, size, time, network); worth a retry."""


def address_of(reference: str, base: str | None) -> str:
    """The address to fetch a picture sent by reference from: itself when it is a URL; an object key in the
    cameras' storage (picture/0/<serial>/20220228/23/x.jpg) under `base` (PICTURE_FETCH_BASE_URL) when
    that is set; otherwise itself, which `allowed` refuses (a path on the camera cannot be fetched)."""
    if "://" in reference or not base or reference.startswith(("/", "\\")):
        return reference
    return urljoin(base.rstrip("/") + "/", reference)


def allowed(url: str, hosts: list[str]) -> str:
    """The URL if it may be called, else FetchRefused saying why."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"只能下载 http/https 地址 / only http and https addresses: {url[:100]}")
    if parts.username or parts.password:
        raise FetchRefused("地址不得含用户名或密码 / no credentials in the address")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or not any(host == h or (h.startswith("*.") and host.endswith(h[1:])) for h in hosts):
        raise FetchRefused(f"主机 {host or '?'} 不在允许列表 / host {host or '?'} is not on PICTURE_FETCH_HOSTS")
    return url


def fetch(url: str, hosts: list[str], max_bytes: int, timeout: float, private_ok: list[str] = ()) -> bytes:
    """The picture's bytes; FetchRefused for an address not on the list (or a host on it that resolves to
    a private address OUTBOUND_PRIVATE_HOSTS does not list), FetchFailed otherwise."""
    for _ in range(MAX_REDIRECTS + 1):
        allowed(url, hosts)
        try:
            where = destination(url, private_ok)
        except OutboundRefused as exc:
            if exc.unresolved:
                raise FetchFailed(f"{exc.zh} / {exc.en}") from None  # may resolve later: tried again
            raise FetchRefused(f"{exc.zh} / {exc.en}") from None
        try:
            response = request(
                where, "GET", urllib3.Timeout(total=timeout), headers={"Accept": "image/jpeg, image/png"}
            )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise FetchFailed(f"下载失败 / download failed: {exc.__class__.__name__}") from None
        try:
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status != 200:
                raise FetchFailed(f"HTTP {response.status}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchFailed(f"图片过大 / {declared} bytes is over the limit of {max_bytes}")
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchFailed(f"图片过大 / over the limit of {max_bytes} bytes")
            return body
        except urllib3.exceptions.HTTPError as exc:
            raise FetchFailed(f"下载失败 / download failed: {exc.__class__.__name__}") from None
        finally:
            response.release_conn()
    raise FetchFailed(f"重定向过多 / more than {MAX_REDIRECTS} redirects")
