"""Request body size limits, answered as 413 in the API's error shape.

Starlette's own limit (FastAPI's `max_body_size`) answers a declared oversized body in plain
text, whatever the app's error handlers say; this one keeps {"error", "detail"}.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response

MB = 1024 * 1024


class BodyLimit:
    """At most `default` bytes of body, or the limit of the longest matching path prefix."""

    def __init__(self, app: ASGIApp, default: int, by_prefix: Mapping[str, int]) -> None:
        self.app = app
        self.default = default
        self.by_prefix = sorted(by_prefix.items(), key=lambda item: -len(item[0]))

    def limit(self, path: str) -> int:
        matching = (size for prefix, size in self.by_prefix if path.startswith(prefix))
        return next(matching, self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        detail = f"the request body is over {limit / MB:g} MB"
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await error_response(413, "content_too_large", detail)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            # A body sent without a length is counted as it arrives.
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, detail)
            return message

        await self.app(scope, counted, send)
