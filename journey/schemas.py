"""Pydantic shapes of the journey core: events in and out, timelines, identify."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, field_validator

# Input bounds, checked at the edge so a wild value is a 422 and never reaches the database.
MAX_ROW_ID = 2**63 - 1  # ids are 64-bit integers in every supported database
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
MAX_JSON_DEPTH = 32
MAX_PROPERTIES_CHARS = 16_384

RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


def as_utc(value: datetime) -> datetime:
    """A timestamp without a zone is read as UTC, the convention of most exports. Far-off
    years are refused: converting year 1 or 9999 to UTC overflows, and no journey is there."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"the year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def no_nul(value: str) -> str:
    # PostgreSQL refuses NUL characters in text and JSON: refuse them for every database.
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


def bounded_json(value: dict[str, Any]) -> dict[str, Any]:
    """JSON that can be stored and sent back: finite numbers, no NUL, limited depth and size.
    Walked with a stack, not recursion, so any depth the parser let through is measured."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
        for child in [*node, *node.values()] if isinstance(node, dict) else node:
            if isinstance(child, float) and not math.isfinite(child):
                raise ValueError("numbers must be finite")
            if isinstance(child, str):
                no_nul(child)
            elif isinstance(child, dict | list):
                stack.append((child, depth + 1))
    if len(json.dumps(value, ensure_ascii=False)) > MAX_PROPERTIES_CHARS:
        raise ValueError(f"larger than {MAX_PROPERTIES_CHARS} characters as JSON")
    return value


def within_years(value: date) -> date:
    """A day a journey can hold: far-off years overflow any period counted from them."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"the year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


Instant = Annotated[datetime, AfterValidator(as_utc)]
Day = Annotated[date, AfterValidator(within_years)]
Text = Annotated[str, AfterValidator(no_nul)]
JsonObject = Annotated[dict[str, Any], AfterValidator(bounded_json)]


class EventIn(BaseModel):
    """A journey event as a caller sends it; the service fills stage, channel and key."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    type: Text = Field(min_length=1, max_length=64)
    occurred_at: Instant
    stage: Text | None = Field(default=None, max_length=32)
    touchpoint: Text | None = Field(default=None, max_length=32)
    channel: Text | None = Field(default=None, max_length=32)
    source: Text = Field(default="api", max_length=64)
    contact_id: RowId | None = None
    contact_email: EmailStr | None = Field(default=None, max_length=254)
    account_id: RowId | None = None
    visitor_id: Text | None = Field(default=None, max_length=100)
    subject_type: Text | None = Field(default=None, max_length=32)
    subject_id: Text | None = Field(default=None, max_length=64)
    properties: JsonObject = Field(default_factory=dict)
    idempotency_key: Text | None = Field(default=None, max_length=200)

    @field_validator("contact_email")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return value.lower() if value else value


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    type: str
    occurred_at: datetime
    stage: str | None
    touchpoint: str | None
    channel: str | None
    source: str
    contact_id: int | None
    account_id: int | None
    visitor_id: str | None
    subject_type: str | None
    subject_id: str | None
    sentiment: float | None
    properties: dict[str, Any]
    idempotency_key: str


class RecordResult(BaseModel):
    accepted: int = 0
    duplicates: int = 0
    ids: list[int] = Field(default_factory=list, description="ids of the newly stored events")


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str | None
    name: str | None
    job_title: str | None
    account_id: int | None
    stage: str | None
    consent_marketing: bool
    consent_analytics: bool


class Timeline(BaseModel):
    contact: ContactOut
    stage: str | None
    events: list[EventOut]
    next_before: datetime | None = Field(
        default=None, description="pass as `before` to read the next, older page"
    )


class IdentifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visitor_id: Text = Field(min_length=1, max_length=100)
    email: EmailStr = Field(max_length=254)
    name: Text | None = Field(default=None, max_length=200)
    job_title: Text | None = Field(default=None, max_length=200)
    consent_analytics: bool | None = Field(
        default=None, description="what the person agreed to on the site's form; none: not asked"
    )
    consent_marketing: bool | None = None
