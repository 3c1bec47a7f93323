"""Staff user management for admins: list, change a role, deactivate (which signs the user out
everywhere), revoke a user's tokens. Every change is audited."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api.deps import CurrentUser, SessionDep, SettingsDep, require_role
from api.openapi import errors
from api.routing import UnitOfWorkRoute
from journey.auth import AuthService
from journey.errors import NotFound
from journey.models import StaffUser
from journey.schemas import RowId

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/admin/users",
    tags=["staff users"],
    dependencies=[Depends(require_role("admin"))],
)


class StaffUserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: str
    active: bool
    created_at: datetime


class StaffUserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str | None = Field(default=None, description="agent, manager or admin")
    active: bool | None = Field(default=None, description="false signs the user out everywhere")


@router.get("")
def users(session: SessionDep) -> list[StaffUserOut]:
    return [StaffUserOut.model_validate(u)
            for u in session.scalars(select(StaffUser).order_by(StaffUser.email))]  # fmt: skip


@router.patch("/{user_id}", responses=errors(409))
def change(
    user_id: RowId, body: StaffUserChange, session: SessionDep, settings: SettingsDep,
    user: CurrentUser,
) -> StaffUserOut:  # fmt: skip
    auth = AuthService(session, settings.auth.token_ttl_days)
    changed = auth.change_user(user_id, user.email, role=body.role, active=body.active)
    return StaffUserOut.model_validate(changed)


@router.post("/{user_id}/revoke-tokens")
def revoke_tokens(
    user_id: RowId, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> dict[str, int]:
    """Sign the user out of every session and API client; they sign in again."""
    target = session.get(StaffUser, user_id)
    if target is None:
        raise NotFound(f"no staff user {user_id}")
    revoked = AuthService(session, settings.auth.token_ttl_days).revoke_all(target, user.email)
    return {"revoked": revoked}
