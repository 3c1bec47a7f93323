"""Tickets, reviews, survey answers, and what analysis finds in them (sentiment, flags)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journey.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow
from journey.text import content_hash


def _content_hash_of(*columns: str) -> Callable[[Any], str]:
    """A column default: the normalised-text hash of these columns, so every insert (import,
    demo, API) can be matched against later copies by an indexed look-up."""

    def default(context: Any) -> str:
        values = context.get_current_parameters()
        return content_hash(" ".join(values.get(c) or "" for c in columns))

    return default


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(100))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    channel: Mapped[str] = mapped_column(String(32))
    touchpoint: Mapped[str] = mapped_column(String(32), default="support_ticket")
    stage: Mapped[str | None] = mapped_column(String(32))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    content_hash: Mapped[str | None] = mapped_column(
        String(64), index=True, default=_content_hash_of("subject", "body")
    )

    comments: Mapped[list[TicketComment]] = relationship(
        order_by="TicketComment.id", cascade="all, delete-orphan"
    )


class TicketComment(Base):
    __tablename__ = "ticket_comments"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author_role: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(100))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    rating: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    content_hash: Mapped[str | None] = mapped_column(
        String(64), index=True, default=_content_hash_of("body")
    )


class SurveyResponse(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(8))  # nps (0-10) or csat (1-5)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    stage: Mapped[str | None] = mapped_column(String(32))
    touchpoint: Mapped[str | None] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class TextAnalysis(Base):
    """Sentiment, emotion, aspects and theme of one text item (ticket, review, message...)."""

    __tablename__ = "text_analyses"
    __table_args__ = (UniqueConstraint("item_type", "item_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    item_type: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    emotions: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    aspects: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="SET NULL"), index=True
    )
    model: Mapped[str] = mapped_column(String(100))
    analyzed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where the signal sits in the journey, copied from the item so themes and moments can be
    # counted per stage, touchpoint and time without joining four item tables.
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    stage: Mapped[str | None] = mapped_column(String(32))
    touchpoint: Mapped[str | None] = mapped_column(String(32))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    # float16 topic vector of the item, kept so themes can be re-clustered without re-embedding.
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)


class Theme(Base):
    """A cluster of feedback about one topic, labelled by its most distinctive phrases."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    terms: Mapped[list[str]] = mapped_column(JSONType, default=list)
    centroid: Mapped[list[float]] = mapped_column(JSONType)
    size: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Flag(Base):
    """A moment of truth raised for agents to review."""

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    evidence_key: Mapped[str] = mapped_column(String(200), unique=True)
    reasons: Mapped[list[str]] = mapped_column(JSONType)
    severity: Mapped[int] = mapped_column(Integer, index=True)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    suggested_step: Mapped[str | None] = mapped_column(Text)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    stage: Mapped[str | None] = mapped_column(String(32))
    touchpoint: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notes: Mapped[list[FlagNote]] = relationship(
        order_by="FlagNote.id", cascade="all, delete-orphan"
    )


class FlagNote(Base):
    __tablename__ = "flag_notes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Improvement(Base):
    """An improvement on the manager's board: suggested from a theme or a kind of moment of
    truth (impact from volume, sentiment and account value), or added by hand; the manager sets
    the effort, an owner and the status."""

    __tablename__ = "improvements"
    __table_args__ = (UniqueConstraint("source", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(16))  # theme, moment or manual
    source_key: Mapped[str | None] = mapped_column(String(100))
    impact: Mapped[float] = mapped_column(Float, default=0.0)  # 0-100
    effort: Mapped[int | None] = mapped_column(Integer)  # 1 (hours) - 5 (months)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
