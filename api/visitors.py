"""Visitor sessions. Opening a conversation gives the visitor a signed, expiring token bound to
their visitor id (issued by the server, never taken from the client) and to the site they
chat on; every visitor route wants it and reaches only that visitor's conversations. Staff
(with their own credentials) reach any.

The widget sends the token in the `Journey-Visitor` header; a page of the app itself also
gets it as a cookie (`SameSite=Strict`: another site's page cannot use it).
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from api.deps import SESSION_COOKIE, SettingsDep, UnitsOfWorkDep, get_current_user
from journey.db import transaction
from journey.errors import AppError, Forbidden, NotFound, Unauthorized
from journey.models import Conversation
from journey.settings import Settings

HEADER = "Journey-Visitor"
COOKIE = "journey_visitor"


class VisitorTokens:
    def __init__(self, settings: Settings) -> None:
        self.max_age = settings.server.visitor_token_days * 86400
        self.signer = URLSafeTimedSerializer(_secret(settings), salt="journey-visitor")

    def issue(self, visitor_id: str, site: str) -> str:
        return self.signer.dumps({"v": visitor_id, "s": site})

    def read(self, token: str) -> tuple[str, str]:
        """The visitor id and the site of a valid token."""
        try:
            data: Any = self.signer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise Unauthorized("the visitor token has expired; open a new conversation") from None
        except BadSignature:
            raise Unauthorized("not a valid visitor token") from None
        return str(data["v"]), str(data["s"])


def _secret(settings: Settings) -> str:
    """The configured key, else one made once and kept (readable by the owner only) in the
    data directory, so tokens outlive a restart."""
    if settings.server.secret_key is not None:
        return settings.server.secret_key.get_secret_value()
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


def new_visitor_id() -> str:
    return f"v-{uuid.uuid4().hex}"


def site_of(request: Request) -> str:
    """Where the page that calls is: its Origin, or nothing (a server-side caller)."""
    return request.headers.get("origin", "")


def presented(request: Request) -> str | None:
    return request.headers.get(HEADER) or request.cookies.get(COOKIE)


def tokens(request: Request) -> VisitorTokens:
    found: VisitorTokens = request.app.state.visitor_tokens
    return found


def visitor_of(request: Request) -> str | None:
    """The visitor id of the request's valid token, if it carries one."""
    token = presented(request)
    if token is None:
        return None
    visitor_id, site = tokens(request).read(token)
    if site and site_of(request) and site != site_of(request):
        raise Forbidden("this visitor token belongs to another site")
    return visitor_id


def still_valid(request: Request) -> str | None:
    """The visitor id of the request's token when it is still good; an expired or foreign one
    is no obstacle to opening a conversation: the visitor simply starts afresh."""
    try:
        return visitor_of(request)
    except AppError:
        return None


def is_staff(request: Request, settings: Settings, units: Any) -> bool:
    """Whether the caller shows a valid staff credential (a bearer token or the cookie)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    bearer = (HTTPAuthorizationCredentials(scheme=scheme, credentials=token)
              if scheme.lower() == "bearer" and token else None)  # fmt: skip
    if bearer is None and SESSION_COOKIE not in request.cookies:
        return False
    try:
        get_current_user(request, settings, units, bearer)
    except AppError:
        return False
    return True


def visitor_access(
    conversation_id: str, request: Request, settings: SettingsDep, units: UnitsOfWorkDep
) -> None:
    """The conversation is the caller's: the visitor's whose token it is, or staff's."""
    if is_staff(request, settings, units):
        return
    visitor_id = visitor_of(request)
    if visitor_id is None:
        raise Unauthorized(f"send the visitor token of this conversation ({HEADER} header)")
    with transaction(units.read) as session:
        owner = session.scalar(select(Conversation.visitor_id).where(
            Conversation.id == conversation_id))  # fmt: skip
    if owner != visitor_id:  # another's, or none: the same answer, nothing to learn from it
        raise NotFound(f"conversation {conversation_id} not found")


VisitorAccess = Annotated[None, Depends(visitor_access)]
