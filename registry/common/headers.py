"""Headers every answer carries (OWASP secure headers): no sniffing of content types, no framing, no
referrer to other sites, a content security policy that runs only this site's own scripts, and caching
kept private wherever an answer may belong to a signed-in user (a photo behind a login is never kept
by a shared proxy). The API's documentation page (Swagger UI) starts itself with an inline script: its
path alone allows one."""

from flask import Flask, request

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


def secure(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    docs = request.path.startswith("/api/docs")
    headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not request.path.startswith("/static/") and not docs and response.cache_control.public:
        response.cache_control.public = False
        response.cache_control.private = True
    return response


def register(app: Flask) -> None:
    app.after_request(secure)
