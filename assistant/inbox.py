"""The agents' inbox: conversations by view (all, waiting for a person, mine, taken over,
closed), filtered by hand-off reason, stage and touchpoint; and everything an agent needs on
one conversation: the transcript with each message's sentiment, each answer's citations and
groundedness, why it was flagged, the contact's journey and account, the next steps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from assistant.next_steps.catalogue import Catalogue
from assistant.next_steps.service import NextStepsService
from journey.db import utcnow
from journey.errors import NotFound
from journey.models import (
    Account,
    Contact,
    Conversation,
    Flag,
    JourneyEvent,
    Message,
    StaffUser,
    TextAnalysis,
)
from journey.vocabulary import Vocabulary

View = Literal["all", "waiting", "mine", "taken_over", "closed"]
VIEWS: tuple[View, ...] = get_args(View)
VIEW_LABELS = {"all": "All", "waiting": "Waiting for a person", "mine": "Mine",
               "taken_over": "Taken over", "closed": "Closed"}  # fmt: skip
TIMELINE_EVENTS = 30
CONTACT_FACTS = ("name", "email", "job_title", "stage", "language")
CONTACT_CONVERSATIONS = 20  # the newest of a contact's chats on their page
ACCOUNT_FACTS = ("name", "segment", "plan", "arr", "status", "country", "renewal_date", "stage")


class InboxItem(BaseModel):
    id: str
    status: str
    contact_id: int | None
    contact: str | None = Field(description="the contact's name or e-mail; none if anonymous")
    account: str | None
    arr: float | None
    stage: str | None
    touchpoint: str
    handoff_reason: str | None
    agent: str | None = Field(description="the person who took it over")
    started_at: datetime
    last_at: datetime
    last_role: str | None
    last_text: str | None
    waiting_since: datetime | None = Field(description="when it was handed to a person")
    reasons: list[str] = Field(description="the reasons of its unresolved flags")


class InboxPage(BaseModel):
    view: View
    counts: dict[str, int]
    items: list[InboxItem]
    next_before: datetime | None = Field(description="pass as `before` for the next page")


class TranscriptLine(BaseModel):
    id: int
    role: str
    text: str
    created_at: datetime
    author: str | None
    sentiment: float | None = Field(description="-1..1, once the message has been analysed")
    sentiment_label: str | None
    groundedness: float | None
    citations: list[dict[str, Any]]
    flagged: bool = Field(description="the message is evidence of a flag")
    reviewed: bool = Field(description="the assistant gave an agent's reviewed answer")


class FlagLine(BaseModel):
    id: int
    reasons: list[str]
    severity: int
    status: str
    suggested_step: str | None
    owner: str | None
    created_at: datetime


class TimelineLine(BaseModel):
    type: str
    label: str
    occurred_at: datetime
    stage: str | None
    touchpoint: str | None


class StepLine(BaseModel):
    action: str
    title: str
    reason: str
    channel: str


class ConversationView(BaseModel):
    item: InboxItem
    language: str | None
    page_url: str | None
    messages: list[TranscriptLine]
    flags: list[FlagLine]
    contact: dict[str, Any] | None
    account: dict[str, Any] | None
    timeline: list[TimelineLine]
    next_steps: list[StepLine]


class ContactView(BaseModel):
    """A person as an agent sees them outside a chat: who they are, their account, what is
    open about them, their conversations, their journey and the next steps they fit."""

    contact: dict[str, Any]
    account: dict[str, Any] | None
    flags: list[FlagLine] = Field(description="open moments of truth of the contact's account")
    conversations: list[InboxItem]
    timeline: list[TimelineLine]
    next_steps: list[StepLine]


class Inbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self,
        viewer: StaffUser,
        view: View = "all",
        reason: str | None = None,
        stage: str | None = None,
        touchpoint: str | None = None,
        before: datetime | None = None,
        limit: int = 50,
    ) -> InboxPage:
        """A page of the view, newest activity first; waiting ones longest waiting first."""
        rows = self._query(viewer, view, reason, stage, touchpoint)
        last = self._last_at()
        if before is not None:
            rows = rows.where(last < before)
        if view == "waiting":
            rows = rows.order_by(self._waiting_since().asc().nulls_last(), Conversation.id)
        else:
            rows = rows.order_by(last.desc(), Conversation.id)
        found: list[Conversation] = list(self.session.scalars(rows.limit(limit + 1)))
        items = self._items(found[:limit])
        more = len(found) > limit and view != "waiting"
        return InboxPage(
            view=view, counts=self.counts(viewer), items=items,
            next_before=items[-1].last_at if more else None,
        )  # fmt: skip

    def counts(self, viewer: StaffUser) -> dict[str, int]:
        return {
            view: self.session.scalar(
                select(func.count()).select_from(
                    self._query(viewer, view, None, None, None).subquery()
                )
            )
            or 0
            for view in VIEWS
        }

    def conversation(
        self, conversation_id: str, vocabulary: Vocabulary, catalogue: Catalogue
    ) -> ConversationView:
        conversation = self.session.get(Conversation, conversation_id)
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} not found")
        messages = list(self.session.scalars(
            select(Message).where(Message.conversation_id == conversation_id)
            .order_by(Message.created_at, Message.id)
        ))  # fmt: skip
        flags = list(self.session.scalars(
            select(Flag).where(Flag.conversation_id == conversation_id)
            .order_by(Flag.created_at.desc())
        ))  # fmt: skip
        evidence = {_message_id(e) for f in flags for e in f.evidence}
        feeling = self._sentiments([m.id for m in messages])
        authors = self._names({m.author_id for m in messages if m.author_id})
        contact, account = self._who(conversation)
        lines = [
            TranscriptLine(
                id=m.id, role=m.role, text=m.text, created_at=m.created_at,
                author=authors.get(m.author_id or 0),
                sentiment=feeling[m.id][0] if m.id in feeling else None,
                sentiment_label=feeling[m.id][1] if m.id in feeling else None,
                groundedness=m.groundedness,
                citations=[_citation(c) for c in (m.meta or {}).get("citations") or []],
                flagged=m.id in evidence,
                reviewed=any(n.startswith("reviewed answer") for n in _notes(m)),
            )
            for m in messages
        ]  # fmt: skip
        return ConversationView(
            item=self._items([conversation])[0],
            language=conversation.language,
            page_url=conversation.page_url,
            messages=lines,
            flags=self._flag_lines(flags),
            contact=_facts(contact, CONTACT_FACTS) if contact else None,
            account=_facts(account, ACCOUNT_FACTS) if account else None,
            timeline=self._timeline(contact, vocabulary) if contact else [],
            next_steps=self._next_steps(contact, vocabulary, catalogue) if contact else [],
        )

    def contact(self, contact_id: int, vocabulary: Vocabulary, catalogue: Catalogue) -> ContactView:
        contact = self.session.get(Contact, contact_id)
        if contact is None:
            raise NotFound(f"contact {contact_id} not found")
        whose = Flag.contact_id == contact.id
        if contact.account_id:
            whose = whose | (Flag.account_id == contact.account_id)
        flags = self.session.scalars(
            select(Flag).where(whose, Flag.status != "resolved")
            .order_by(Flag.severity.desc(), Flag.created_at)
        )  # fmt: skip
        conversations = self.session.scalars(
            select(Conversation).where(Conversation.contact_id == contact.id)
            .order_by(Conversation.started_at.desc()).limit(CONTACT_CONVERSATIONS)
        )  # fmt: skip
        return ContactView(
            contact=_facts(contact, CONTACT_FACTS),
            account=_facts(contact.account, ACCOUNT_FACTS) if contact.account else None,
            flags=self._flag_lines(list(flags)),
            conversations=self._items(list(conversations)),
            timeline=self._timeline(contact, vocabulary),
            next_steps=self._next_steps(contact, vocabulary, catalogue),
        )

    def pulse(self) -> dict[str, int]:
        """What the console's live updates watch: the newest message and flag, and how many
        conversations are in each state. Any change means something to show."""
        by_status = dict(
            self.session.execute(
                select(Conversation.status, func.count()).group_by(Conversation.status)
            ).all()
        )
        return {
            "message": self.session.scalar(select(func.max(Message.id))) or 0,
            "flag": self.session.scalar(select(func.max(Flag.id))) or 0,
            "flags_open": self.session.scalar(
                select(func.count()).where(Flag.status != "resolved")
            ) or 0,
            **{status: int(n) for status, n in by_status.items()},
        }  # fmt: skip

    # -- helpers ------------------------------------------------------------------------------

    def _query(
        self,
        viewer: StaffUser,
        view: View,
        reason: str | None,
        stage: str | None,
        touchpoint: str | None,
    ) -> Select[Any]:
        where: list[ColumnElement[bool]] = []
        if view == "waiting":
            where.append(Conversation.status == "waiting_for_human")
        elif view == "mine":
            where += [Conversation.assigned_agent_id == viewer.id, Conversation.status != "closed"]
        elif view == "taken_over":
            where.append(Conversation.status == "human")
        elif view == "closed":
            where.append(Conversation.status == "closed")
        if reason:
            where.append(Conversation.handoff_reason == reason)
        if stage:
            where.append(Conversation.stage == stage)
        if touchpoint:
            where.append(Conversation.touchpoint == touchpoint)
        return select(Conversation).where(*where)

    def _last_at(self) -> Any:
        return (
            select(func.max(Message.created_at))
            .where(Message.conversation_id == Conversation.id)
            .correlate(Conversation)
            .scalar_subquery()
        )

    def _waiting_since(self) -> Any:
        return (
            select(func.min(Flag.created_at))
            .where(Flag.conversation_id == Conversation.id, Flag.status != "resolved")
            .correlate(Conversation)
            .scalar_subquery()
        )

    def _items(self, conversations: list[Conversation]) -> list[InboxItem]:
        ids = [c.id for c in conversations]
        if not ids:
            return []
        last_ids = select(func.max(Message.id)).where(Message.conversation_id.in_(ids)).group_by(
            Message.conversation_id
        )  # fmt: skip
        last = {m.conversation_id: m for m in self.session.scalars(
            select(Message).where(Message.id.in_(last_ids)))}  # fmt: skip
        open_flags: dict[str, list[Flag]] = {}
        for flag in self.session.scalars(
            select(Flag).where(Flag.conversation_id.in_(ids), Flag.status != "resolved")
            .order_by(Flag.created_at)
        ):  # fmt: skip
            open_flags.setdefault(flag.conversation_id or "", []).append(flag)
        agents = self._names({c.assigned_agent_id for c in conversations if c.assigned_agent_id})
        items = []
        for c in conversations:
            message, flags = last.get(c.id), open_flags.get(c.id, [])
            contact, account = self._who(c)
            items.append(InboxItem(
                id=c.id, status=c.status, contact_id=c.contact_id,
                contact=(contact.name or contact.email) if contact else None,
                account=account.name if account else None,
                arr=account.arr if account else None,
                stage=c.stage, touchpoint=c.touchpoint, handoff_reason=c.handoff_reason,
                agent=agents.get(c.assigned_agent_id or 0), started_at=c.started_at,
                last_at=message.created_at if message else c.started_at,
                last_role=message.role if message else None,
                last_text=message.text[:200] if message else None,
                waiting_since=flags[0].created_at
                if flags and c.status == "waiting_for_human" else None,
                reasons=list(dict.fromkeys(r for f in flags for r in f.reasons)),
            ))  # fmt: skip
        return items

    def _flag_lines(self, flags: list[Flag]) -> list[FlagLine]:
        owners = self._names({f.owner_id for f in flags if f.owner_id})
        return [
            FlagLine(id=f.id, reasons=f.reasons, severity=f.severity, status=f.status,
                     suggested_step=f.suggested_step, owner=owners.get(f.owner_id or 0),
                     created_at=f.created_at)
            for f in flags
        ]  # fmt: skip

    def _who(self, conversation: Conversation) -> tuple[Contact | None, Account | None]:
        contact = (
            self.session.get(Contact, conversation.contact_id) if conversation.contact_id else None
        )
        account = (
            self.session.get(Account, conversation.account_id) if conversation.account_id else None
        )
        return contact, account

    def _sentiments(self, message_ids: list[int]) -> dict[int, tuple[float, str]]:
        if not message_ids:
            return {}
        rows = self.session.execute(
            select(TextAnalysis.item_id, TextAnalysis.score, TextAnalysis.label).where(
                TextAnalysis.item_type == "message",
                TextAnalysis.item_id.in_([str(i) for i in message_ids]),
            )
        )
        return {int(item): (round(score, 2), label) for item, score, label in rows}

    def _names(self, ids: set[int | None]) -> dict[int, str]:
        wanted = [i for i in ids if i]
        if not wanted:
            return {}
        rows = self.session.execute(
            select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(wanted))
        )
        return {user_id: name for user_id, name in rows}

    def _timeline(self, contact: Contact, vocabulary: Vocabulary) -> list[TimelineLine]:
        labels = {e.key: e.label for e in vocabulary.event_types}
        whose = JourneyEvent.contact_id == contact.id
        if contact.account_id:
            whose = whose | (
                (JourneyEvent.account_id == contact.account_id) & JourneyEvent.contact_id.is_(None)
            )
        events = self.session.scalars(
            select(JourneyEvent).where(whose, JourneyEvent.occurred_at <= utcnow())
            .order_by(JourneyEvent.occurred_at.desc()).limit(TIMELINE_EVENTS)
        )  # fmt: skip
        return [
            TimelineLine(type=e.type, label=labels.get(e.type, e.type), occurred_at=e.occurred_at,
                         stage=e.stage, touchpoint=e.touchpoint)
            for e in events
        ]  # fmt: skip

    def _next_steps(
        self, contact: Contact, vocabulary: Vocabulary, catalogue: Catalogue
    ) -> list[StepLine]:
        steps = NextStepsService(self.session, vocabulary, catalogue).for_contact(contact).steps
        return [StepLine(action=s.action, title=s.title, reason=s.reason, channel=s.channel)
                for s in steps[:3]]  # fmt: skip


def _notes(message: Message) -> list[str]:
    return list((message.meta or {}).get("notes") or [])


def _message_id(evidence: dict[str, Any]) -> int | None:
    """The message a flag's evidence item quotes: a hand-off's {type, id} or the analysis's
    {item_type, item_id}."""
    if evidence.get("type") == "message":
        return int(evidence["id"])
    if evidence.get("item_type") == "message":
        return int(evidence["item_id"])
    return None


def _citation(cited: Any) -> dict[str, Any]:
    """A stored citation: the engine's {number, title, url, section...}, or a bare URL (an
    imported transcript's)."""
    return cited if isinstance(cited, dict) else {"title": str(cited), "url": str(cited)}


def _facts(row: Contact | Account, fields: tuple[str, ...]) -> dict[str, Any]:
    return {"id": row.id, **{f: getattr(row, f) for f in fields if getattr(row, f) is not None}}
