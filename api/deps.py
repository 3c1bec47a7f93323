"""Request-scoped dependencies as Annotated aliases: settings, session, current staff user."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.services import Services
from assistant.next_steps.service import NextStepsService
from journey.auth import ROLES, AuthService
from journey.db import UnitsOfWork, transaction
from journey.errors import AppError, Forbidden, Unauthorized
from journey.models import StaffUser
from journey.service import JourneyService, audit
from journey.settings import Settings


def get_container(request: Request) -> Services:
    return request.app.state.container


def get_settings(container: Annotated[Services, Depends(get_container)]) -> Settings:
    return container.settings


READING_METHODS = ("GET", "HEAD", "OPTIONS")


def get_units_of_work(container: Annotated[Services, Depends(get_container)]) -> UnitsOfWork:
    return container.units_of_work


UnitsOfWorkDep = Annotated[UnitsOfWork, Depends(get_units_of_work)]


def get_session(request: Request, units: UnitsOfWorkDep) -> Iterator[Session]:
    """The endpoint is the unit of work: commit when it succeeds, else roll back — before the
    response leaves, so a client's next request sees what this one wrote. A GET only reads, so
    it never waits for a writer."""
    with transaction(units.read if request.method in READING_METHODS else units.write) as session:
        request.state.session = session  # committed as the endpoint returns (api/routing.py)
        yield session


ServicesDep = Annotated[Services, Depends(get_container)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False)


SESSION_COOKIE = "journey_token"


def get_current_user(
    request: Request,
    settings: SettingsDep,
    units: UnitsOfWorkDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> StaffUser:
    """API clients send a bearer token; the pages carry the same token in an HttpOnly cookie.

    Checked in units of work of its own, not the request's: an endpoint that works in units of
    its own (a knowledge sync) must not find the request holding the write lock."""
    token = credentials.credentials if credentials else request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized("send a staff token as 'Authorization: Bearer <token>'")
    with transaction(units.read) as reader:
        row = AuthService(reader, settings.auth.token_ttl_days).authenticate(token)
        user = row.user
    if AuthService.use_is_stale(row):
        with transaction(units.write) as writer:
            AuthService(writer).record_use(row.id)
    return user


CurrentUser = Annotated[StaffUser, Depends(get_current_user)]


def audit_read(
    units: UnitsOfWork, actor: str, action: str, target_type: str, target_id: object,
    **details: object,
) -> None:  # fmt: skip
    """A staff read of personal data, audited in a short write of its own: the request reads
    in a read-only unit, which never waits for a writer."""
    with transaction(units.write) as writer:
        audit(writer, actor, action, target_type, target_id, **details)


def staff_or_none(request: Request, settings: Settings, units: UnitsOfWork) -> StaffUser | None:
    """The signed-in staff user of a page, or None: the page sends them to sign in."""
    try:
        return get_current_user(request, settings, units, None)
    except AppError:
        return None


def require_role(minimum: str) -> Callable[[StaffUser], StaffUser]:
    """Roles are ordered agent < manager < admin; each includes the ones below it."""

    def check(user: CurrentUser) -> StaffUser:
        if ROLES.index(user.role) < ROLES.index(minimum):
            raise Forbidden(f"needs the {minimum} role")
        return user

    return check


def get_journey(session: SessionDep, settings: SettingsDep) -> JourneyService:
    return JourneyService(session, settings.vocabulary)


JourneyDep = Annotated[JourneyService, Depends(get_journey)]


def get_next_steps(session: SessionDep, services: ServicesDep) -> NextStepsService:
    return NextStepsService(session, services.settings.vocabulary, services.next_steps_catalogue)


NextStepsDep = Annotated[NextStepsService, Depends(get_next_steps)]
