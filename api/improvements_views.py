"""The improvement board for CX managers: suggested improvements from themes and moments of
truth on an impact × effort grid, with an owner and a status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUser, SessionDep, require_role
from api.routing import UnitOfWorkRoute
from feedback.improvements import ImprovementBoard, quadrant
from journey.models import Improvement
from journey.schemas import RowId, Text

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/improvements",
    tags=["improvements"],
    dependencies=[Depends(require_role("manager"))],
)


class ImprovementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    source: str = Field(description="theme, moment (a kind of moment of truth) or manual")
    source_key: str | None
    impact: float = Field(description="0-100, from volume, sentiment and account value")
    effort: int | None = Field(description="1 (hours) to 5 (months); none until estimated")
    owner_id: int | None
    status: str
    evidence: dict[str, Any]
    quadrant: str = Field(description="quick_wins, big_bets, fill_ins, reconsider, to_estimate")
    updated_at: datetime

    @classmethod
    def of(cls, item: Improvement) -> ImprovementOut:
        return cls.model_validate({**{c: getattr(item, c) for c in _COLUMNS},
                                   "quadrant": quadrant(item)})  # fmt: skip


_COLUMNS = ("id", "title", "source", "source_key", "impact", "effort", "owner_id", "status",
            "evidence", "updated_at")  # fmt: skip


class ImprovementIn(BaseModel):
    title: Text = Field(min_length=1, max_length=300)


class ImprovementChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effort: int | None = Field(default=None, ge=1, le=5)
    owner_id: RowId | None = None
    status: str | None = Field(default=None, max_length=16)
    impact: float | None = Field(default=None, ge=0, le=100, description="hand-added only")


@router.get("")
def board(session: SessionDep) -> list[ImprovementOut]:
    """The board, the most impact first (dismissed ones left out)."""
    return [ImprovementOut.of(i) for i in ImprovementBoard(session).board()]


@router.post("/refresh")
def refresh(session: SessionDep) -> list[ImprovementOut]:
    """Suggest from the last 90 days' themes and moments of truth; what managers set stays."""
    return [ImprovementOut.of(i) for i in ImprovementBoard(session).refresh()]


@router.post("", status_code=status.HTTP_201_CREATED)
def add(body: ImprovementIn, session: SessionDep, user: CurrentUser) -> ImprovementOut:
    return ImprovementOut.of(ImprovementBoard(session).add(body.title, user))


@router.patch("/{item_id}")
def change(
    item_id: RowId, body: ImprovementChange, session: SessionDep, user: CurrentUser
) -> ImprovementOut:
    """Set the effort, the owner, the status (proposed, planned, in_progress, done,
    dismissed), or a hand-added improvement's impact."""
    item = ImprovementBoard(session).update(
        item_id, user, body.effort, body.owner_id, body.status, body.impact
    )
    return ImprovementOut.of(item)
