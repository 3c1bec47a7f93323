from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.openapi import errors
from api.routing import UnitOfWorkRoute
from api.throttle import client_address, throttle_of
from journey.auth import AuthService
from journey.schemas import Text

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/auth", tags=["auth"])


class LoginIn(BaseModel):
    email: Text = Field(max_length=320)
    password: Text = Field(max_length=1000)


class StaffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: str


class TokenOut(BaseModel):
    token: str
    user: StaffOut


@router.post("/token", responses=errors(401, 429))
def login(body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep) -> TokenOut:
    """Exchange a staff email and password for a bearer token. Failures are throttled per
    account and per address (429 with Retry-After)."""
    auth = AuthService(session, settings.auth.token_ttl_days)
    user, token = throttle_of(request).sign_in(
        client_address(request), body.email, lambda: auth.login(body.email, body.password)
    )
    return TokenOut(token=token, user=StaffOut.model_validate(user))


@router.get("/me")
def me(user: CurrentUser) -> StaffOut:
    return StaffOut.model_validate(user)
