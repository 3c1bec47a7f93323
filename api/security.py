"""The staff pages' web security: a state change riding on the session cookie must come from
the app's own pages (an Origin check: the cookie is SameSite=Strict besides), and every answer
carries the security headers; an HTML page without a policy of its own gets one that loads
nothing from elsewhere, runs no inline script and cannot be framed.

Written here rather than taken from a headers package: the API documentation pages need a
policy of their own (Swagger UI runs an inline script), which a one-policy-for-all middleware
would overwrite.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import SESSION_COOKIE
from api.errors import error_response

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)


class SameOrigin:
    """Refuse a cookie-authenticated state change (and a sign-in) sent from another site."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE:
            headers = Headers(scope=scope)
            cookies = cookie_parser(headers.get("cookie", ""))
            by_cookie = SESSION_COOKIE in cookies and "authorization" not in headers
            signing_in = scope["path"] == "/login"
            if by_cookie or signing_in:
                sent_from = _origin(headers)
                # A browser always says where a form or fetch comes from; a sign-in from a
                # script without an Origin (curl) is no cross-site forgery.
                if (sent_from or by_cookie) and sent_from != headers.get("host"):
                    detail = "this request comes from another site; use the app's own pages"
                    await error_response(403, "cross_site_request", detail)(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def _origin(headers: Headers) -> str | None:
    """The host:port the request says it comes from (Origin, else Referer)."""
    said = headers.get("origin") or headers.get("referer")
    if not said or said == "null":
        return None
    return urlsplit(said).netloc or None


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", PAGE_POLICY)
                    headers.setdefault("X-Frame-Options", "DENY")
                if secure:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, with_headers)
