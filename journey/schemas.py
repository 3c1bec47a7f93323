"""Pydantic shapes of the journey core: events in and out, timelines, identify."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator


def as_utc(value: datetime) -> datetime:
    """A timestamp without a zone is read as UTC, the convention of most exports."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EventIn(BaseModel):
    """A journey event as a caller sends it; the service fills stage, channel and key."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1, max_length=64)
    occurred_at: datetime
    stage: str | None = None
    touchpoint: str | None = None
    channel: str | None = None
    source: str = Field(default="api", max_length=64)
    contact_id: int | None = None
    contact_email: EmailStr | None = None
    account_id: int | None = None
    visitor_id: str | None = Field(default=None, max_length=100)
    subject_type: str | None = Field(default=None, max_length=32)
    subject_id: str | None = Field(default=None, max_length=64)
    properties: dict[str, Any] = Field(default_factory=dict)
    idempotency_key: str | None = Field(default=None, max_length=200)

    @field_validator("occurred_at")
    @classmethod
    def _assume_utc(cls, value: datetime) -> datetime:
        return as_utc(value)

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
    visitor_id: str = Field(min_length=1, max_length=100)
    email: EmailStr
    name: str | None = None
    job_title: str | None = None
