"""Pydantic shapes of the chat API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.next_steps.service import Suggestion
from journey.schemas import Text


class ConversationIn(BaseModel):
    visitor_id: Text | None = Field(default=None, max_length=100)
    page_url: Text | None = Field(default=None, max_length=2000)
    touchpoint: Text = Field(default="chat_widget", max_length=32)


class ConversationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    visitor_id: str | None
    contact_id: int | None
    status: str
    language: str | None
    touchpoint: str
    page_url: str | None
    handoff_reason: str | None
    started_at: datetime
    visitor_token: str | None = Field(
        default=None, description="when opened: send it as the Journey-Visitor header"
    )


class MessageIn(BaseModel):
    text: Text = Field(min_length=1, max_length=4000)


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    role: str
    text: str
    created_at: datetime
    language: str | None
    groundedness: float | None
    meta: dict[str, Any]


class CitationOut(BaseModel):
    number: int
    passage_id: str
    title: str
    url: str | None
    section: str | None


class ReplyOut(BaseModel):
    conversation_id: str
    message_id: int | None = Field(
        default=None, description="the stored reply's id (to rate it); none when not stored"
    )
    status: str
    kind: str
    text: str
    language: str
    citations: list[CitationOut]
    groundedness: float | None
    handoff_reason: str | None
    suggestions: list[Suggestion] = Field(
        default_factory=list,
        description="next steps for a known contact, to show as buttons (book a demo...)",
    )


class TranscriptOut(BaseModel):
    conversation: ConversationOut
    messages: list[MessageOut] = Field(description="oldest first")
    has_more: bool = Field(
        description="more messages lie beyond this page: older ones, or with `after` newer ones"
    )


class RatingIn(BaseModel):
    helpful: bool


class CsatIn(BaseModel):
    score: int = Field(ge=1, le=5, description="1 (very unhappy) to 5 (very happy)")
    comment: Text | None = Field(default=None, max_length=4000)
