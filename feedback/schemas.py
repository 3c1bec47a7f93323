"""Pydantic shapes of the review queue: flags as agents see them, the queue's filters and stats."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from journey.schemas import Instant, RowId, Text

FlagStatus = Literal["open", "claimed", "resolved"]
# How an agent closes a moment of truth; reports group resolved flags by these.
Outcome = Literal[
    "contacted",
    "solved",
    "escalated",
    "handed_to_sales",
    "no_action_needed",
    "false_positive",
]
STATUSES: tuple[str, ...] = get_args(FlagStatus)
OUTCOMES: tuple[str, ...] = get_args(Outcome)
MAX_NOTE = 4000
MAX_PAGE = 200


def _unresolved() -> list[FlagStatus]:
    return ["open", "claimed"]


class FlagQuery(BaseModel):
    """Filters and paging of the queue; the API reads them from the query string."""

    status: list[FlagStatus] = Field(default_factory=_unresolved)
    reason: Text | None = Field(default=None, max_length=64, description="a reason code")
    stage: Text | None = Field(default=None, max_length=32)
    touchpoint: Text | None = Field(default=None, max_length=32)
    min_severity: int | None = Field(default=None, ge=0, le=100)
    # At most 18 digits: any such number fits the 64-bit ids.
    owner: str | None = Field(
        default=None,
        pattern=r"^(me|unassigned|[0-9]{1,18})$",
        description="me, unassigned or a user id",
    )
    account_id: RowId | None = None
    contact_id: RowId | None = None
    since: Instant | None = Field(default=None, description="raised at or after this time")
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: Text | None = Field(
        default=None, max_length=200, description="next_cursor of the previous page"
    )


class StaffRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class ContactRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str | None
    email: str | None


class AccountRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    plan: str | None
    arr: float | None


class FlagOut(BaseModel):
    id: int
    reasons: list[str]
    severity: int
    suggested_step: str | None
    evidence: list[dict[str, Any]]
    stage: str | None
    touchpoint: str | None
    status: str
    owner: StaffRef | None
    contact: ContactRef | None
    account: AccountRef | None
    conversation_id: str | None
    created_at: datetime
    waiting_seconds: int | None = Field(description="since it was raised; null once resolved")
    claimed_at: datetime | None
    resolved_at: datetime | None
    outcome: str | None
    note_count: int


class NoteOut(BaseModel):
    id: int
    author: StaffRef | None
    text: str
    created_at: datetime


class FlagDetail(FlagOut):
    notes: list[NoteOut]


class FlagPage(BaseModel):
    items: list[FlagOut]
    total: int = Field(description="flags matching the filters, on every page")
    next_cursor: str | None


class OldestOpen(BaseModel):
    id: int
    severity: int
    created_at: datetime
    waiting_seconds: int


class QueueStats(BaseModel):
    by_status: dict[str, int]
    by_reason: dict[str, int] = Field(description="unresolved flags per reason code")
    mine: int = Field(description="flags the viewer has claimed")
    oldest_open: OldestOpen | None
    outcomes: list[str] = Field(description="the outcomes a flag can be resolved with")


class NoteIn(BaseModel):
    text: Text = Field(min_length=1, max_length=MAX_NOTE)


class ResolveIn(BaseModel):
    outcome: Outcome
    note: Text | None = Field(default=None, max_length=MAX_NOTE)


class ReopenIn(BaseModel):
    reason: Text | None = Field(default=None, max_length=MAX_NOTE)
