"""A person's data, for their right of access (GDPR art. 15) and to erasure (art. 17).

Access: everything stored about a contact,
as plain JSON: who they are, their visitor ids, journey events, conversations with every
message, tickets with their comments, reviews, survey answers, the analysis of each of their
texts, the moments of truth about them, the next steps suggested, and the audit entries that
name them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, inspect, or_, select
from sqlalchemy.orm import Session

from journey.db import utcnow
from journey.errors import NotFound
from journey.models import (
    AuditLog,
    Contact,
    Conversation,
    Flag,
    FlagNote,
    JourneyEvent,
    Message,
    NextStepSuggestion,
    Review,
    ReviewedAnswer,
    SurveyResponse,
    TextAnalysis,
    Ticket,
    TicketComment,
    VisitorId,
    WebhookDelivery,
)


def find_contact(session: Session, who: str) -> Contact:
    """A contact by id or by email."""
    contact = (
        session.get(Contact, int(who))
        if who.isdigit()
        else session.scalar(select(Contact).where(Contact.email == who.strip().lower()))
    )
    if contact is None:
        raise NotFound(f"no contact {who}")
    return contact


def export_contact(session: Session, contact: Contact) -> dict[str, Any]:
    cid = contact.id

    def rows(model: Any, *where: Any) -> list[dict[str, Any]]:
        return [_plain(row) for row in session.scalars(select(model).where(*where))]

    conversations = list(
        session.scalars(select(Conversation).where(Conversation.contact_id == cid))
    )
    tickets = list(session.scalars(select(Ticket).where(Ticket.contact_id == cid)))
    reviews = rows(Review, Review.contact_id == cid)
    answers = rows(SurveyResponse, SurveyResponse.contact_id == cid)
    messages = [m for c in conversations for m in session.scalars(
        select(Message).where(Message.conversation_id == c.id).order_by(Message.id))]  # fmt: skip
    texts = {
        "message": [str(m.id) for m in messages if m.role == "visitor"],
        "ticket": [str(t.id) for t in tickets],
        "review": [str(r["id"]) for r in reviews],
        "survey_response": [str(a["id"]) for a in answers],
    }
    theirs = [and_(TextAnalysis.item_type == kind, TextAnalysis.item_id.in_(ids))
              for kind, ids in texts.items() if ids]  # fmt: skip
    analysed = rows(TextAnalysis, or_(*theirs)) if theirs else []
    return {
        "contact": _plain(contact),
        "account": {"id": contact.account.id, "name": contact.account.name}
        if contact.account else None,
        "visitor_ids": [v.visitor_id for v in session.scalars(
            select(VisitorId).where(VisitorId.contact_id == cid))],
        "journey_events": rows(JourneyEvent, JourneyEvent.contact_id == cid),
        "conversations": [
            {**_plain(c), "messages": [_plain(m) for m in messages if m.conversation_id == c.id]}
            for c in conversations
        ],
        "tickets": [
            {**_plain(t), "comments": rows(TicketComment, TicketComment.ticket_id == t.id)}
            for t in tickets
        ],
        "reviews": reviews,
        "survey_answers": answers,
        "text_analyses": analysed,
        "moments_of_truth": rows(Flag, Flag.contact_id == cid),
        "next_steps": rows(NextStepSuggestion, NextStepSuggestion.contact_id == cid),
        "audit_log": rows(AuditLog, AuditLog.target_type == "contact",
                          AuditLog.target_id == str(cid)),
    }  # fmt: skip


def _plain(row: Any) -> dict[str, Any]:
    """A row's columns as JSON-ready values."""
    found = {}
    for column in inspect(row).mapper.column_attrs:
        value = getattr(row, column.key)
        found[column.key] = value.isoformat() if isinstance(value, datetime | date) else value
    return found


def erase_contact(session: Session, contact: Contact, actor: str) -> dict[str, int]:
    """Erase a person (GDPR art. 17): their contact row and everything that is theirs (journey
    events, conversations and messages, tickets and comments, reviews, survey answers, the
    analysis of each text, moments of truth, next steps, visitor ids, reviewed answers drawn
    from their questions, webhook deliveries naming them). Their account stays; the audit log
    keeps that an erasure happened, and nothing that names them. The vector store holds the
    knowledge only, nothing of a person's."""
    cid = contact.id
    conversations = list(session.scalars(select(Conversation.id).where(
        Conversation.contact_id == cid)))  # fmt: skip
    messages = list(session.scalars(select(Message.id).where(
        Message.conversation_id.in_(conversations)))) if conversations else []  # fmt: skip
    tickets = list(session.scalars(select(Ticket.id).where(Ticket.contact_id == cid)))
    reviews = list(session.scalars(select(Review.id).where(Review.contact_id == cid)))
    answers = list(
        session.scalars(select(SurveyResponse.id).where(SurveyResponse.contact_id == cid))
    )
    texts = {"message": messages, "ticket": tickets, "review": reviews, "survey_response": answers}
    counts: dict[str, int] = {}

    def gone(name: str, statement: Any) -> None:
        counts[name] = counts.get(name, 0) + (session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]

    for kind, ids in texts.items():
        if ids:
            items = [str(i) for i in ids]
            gone("text_analyses", delete(TextAnalysis).where(
                TextAnalysis.item_type == kind, TextAnalysis.item_id.in_(items)))  # fmt: skip
    if conversations:
        gone("reviewed_answers", delete(ReviewedAnswer).where(
            ReviewedAnswer.conversation_id.in_(conversations)))  # fmt: skip
        gone("messages", delete(Message).where(Message.conversation_id.in_(conversations)))
        gone("conversations", delete(Conversation).where(Conversation.id.in_(conversations)))
    if tickets:
        gone("ticket_comments", delete(TicketComment).where(TicketComment.ticket_id.in_(tickets)))
    gone("tickets", delete(Ticket).where(Ticket.contact_id == cid))
    gone("reviews", delete(Review).where(Review.contact_id == cid))
    gone("survey_answers", delete(SurveyResponse).where(SurveyResponse.contact_id == cid))
    gone("journey_events", delete(JourneyEvent).where(JourneyEvent.contact_id == cid))
    flags = list(session.scalars(select(Flag.id).where(Flag.contact_id == cid)))
    if flags:
        gone("flag_notes", delete(FlagNote).where(FlagNote.flag_id.in_(flags)))
        gone("moments_of_truth", delete(Flag).where(Flag.id.in_(flags)))
    gone("next_steps", delete(NextStepSuggestion).where(NextStepSuggestion.contact_id == cid))
    gone("visitor_ids", delete(VisitorId).where(VisitorId.contact_id == cid))
    naming = [d.id for d in session.scalars(select(WebhookDelivery))
              if (d.payload or {}).get("data", {}).get("contact_id") == cid]  # fmt: skip
    if naming:
        gone("webhook_deliveries", delete(WebhookDelivery).where(WebhookDelivery.id.in_(naming)))
    gone("audit_entries", delete(AuditLog).where(AuditLog.target_type == "contact",
                                                 AuditLog.target_id == str(cid)))  # fmt: skip
    session.delete(contact)
    session.flush()
    counts["contacts"] = 1
    session.add(AuditLog(actor=actor, action="contact.erased", target_type="contact",
                         target_id=None, details={"erased": counts}))  # fmt: skip
    return counts


def forget_old_conversations(session: Session, days: int, now: datetime | None = None) -> int:
    """Delete the conversations whose last message (or start) is older than `days`, with
    their messages, the analysis of those messages and the reviewed answers drawn from them.
    Returns how many conversations went."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    last = (select(func.max(Message.created_at)).where(Message.conversation_id == Conversation.id)
            .correlate(Conversation).scalar_subquery())  # fmt: skip
    old = list(session.scalars(select(Conversation.id).where(
        func.coalesce(last, Conversation.started_at) < cutoff)))  # fmt: skip
    for part in range(0, len(old), 500):
        ids = old[part : part + 500]
        messages = [str(m) for m in session.scalars(select(Message.id).where(
            Message.conversation_id.in_(ids)))]  # fmt: skip
        if messages:
            analysed = (TextAnalysis.item_type == "message", TextAnalysis.item_id.in_(messages))
            session.execute(delete(TextAnalysis).where(*analysed))
        session.execute(delete(ReviewedAnswer).where(ReviewedAnswer.conversation_id.in_(ids)))
        session.execute(delete(Message).where(Message.conversation_id.in_(ids)))
        session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    if old:
        gone = {"conversations": len(old), "older_than_days": days}
        session.add(AuditLog(actor="retention", action="conversations.expired",
                             target_type="conversation", target_id=None, details=gone))  # fmt: skip
    return len(old)


def audit_entries(
    session: Session, since: datetime | None = None, action: str | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:  # fmt: skip
    """The audit log, oldest first: who read or changed what, when."""
    query = select(AuditLog).order_by(AuditLog.at, AuditLog.id).limit(limit)
    if since is not None:
        query = query.where(AuditLog.at >= since)
    if action:
        query = query.where(AuditLog.action.startswith(action))
    return [_plain(row) for row in session.scalars(query)]
