"""`journey analyze`: sentiment, emotion, aspects and theme of every text item, incrementally.

Text items are tickets (subject, description and the customer's comments), reviews, survey
comments and visitors' chat messages. Each analysis stores a hash of the text and the model
name, so a run scores only what is new or changed (or everything after a retrained model),
in batches. The item's journey event gets the sentiment score too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from feedback.aspects import aspect_sentiments
from feedback.moments import Signal, assess, raise_moments
from feedback.sentiment import HeadSentiment
from feedback.themes import TopicItem, assign_new, discover, pack, unpack
from journey.db import begin_reading, utcnow
from journey.models import (
    Contact,
    Conversation,
    JourneyEvent,
    Message,
    Review,
    SurveyResponse,
    TextAnalysis,
    Ticket,
)
from journey.repository import EventRepository, chunked

BATCH = 256
MIN_TOPIC_WORDS = 4  # "hi", "thanks!" carry a sentiment but no topic
# The journey event that carries an item's sentiment, found by its subject.
EVENT_OF = {
    "ticket": "ticket_opened",
    "review": "review_posted",
    "survey_response": "survey_answered",
}


@dataclass
class TextItem:
    item_type: str
    item_id: str
    text: str
    occurred_at: datetime
    stage: str | None
    touchpoint: str | None
    contact_id: int | None
    account_id: int | None
    conversation_id: str | None = None

    def content_hash(self, model: str) -> str:
        return hashlib.sha256(f"{model}\x1f{self.text}".encode()).hexdigest()


@dataclass
class AnalysisReport:
    items: int = 0
    analysed: int = 0
    unchanged: int = 0
    themed: int = 0
    themes: int = 0
    rediscovered: bool = False
    flags: int = 0


def ticket_opening(ticket: Ticket) -> str:
    return f"{ticket.subject}. {ticket.body}"


def review_text(review: Review) -> str:
    return f"{review.title}. {review.body}" if review.title else review.body


def text_items(session: Session) -> Iterator[TextItem]:
    """Every item with text, duplicates left out (they are linked to the item they copy)."""
    tickets = (
        select(Ticket)
        .where(Ticket.duplicate_of_id.is_(None))
        .options(selectinload(Ticket.comments))
        .order_by(Ticket.id)
        .execution_options(yield_per=1000)
    )
    for t in session.scalars(tickets):
        said = [c.body for c in t.comments if c.author_role == "customer"]
        yield TextItem("ticket", str(t.id), "\n\n".join([ticket_opening(t), *said]),
                       t.created_at, t.stage, t.touchpoint, t.contact_id, t.account_id)  # fmt: skip
    review_events = select(JourneyEvent.subject_id, JourneyEvent.stage).where(
        JourneyEvent.subject_type == "review", JourneyEvent.type == "review_posted"
    )
    review_stages = {subject: stage for subject, stage in session.execute(review_events)}
    reviews = select(Review).where(Review.duplicate_of_id.is_(None)).order_by(Review.id)
    for r in session.scalars(reviews.execution_options(yield_per=1000)):
        yield TextItem("review", str(r.id), review_text(r), r.posted_at,
                       review_stages.get(str(r.id)), "review_portal", r.contact_id,
                       r.account_id)  # fmt: skip
    surveys = (
        select(SurveyResponse)
        .where(SurveyResponse.comment.is_not(None), SurveyResponse.comment != "")
        .order_by(SurveyResponse.id)
    )
    for s in session.scalars(surveys.execution_options(yield_per=1000)):
        yield TextItem("survey_response", str(s.id), s.comment or "", s.answered_at, s.stage,
                       s.touchpoint, s.contact_id, s.account_id)  # fmt: skip
    messages = (
        select(Message, Conversation, Contact.account_id)
        .join(Conversation, Message.conversation_id == Conversation.id)
        .outerjoin(Contact, Contact.id == Conversation.contact_id)
        .where(Message.role == "visitor")
        .order_by(Message.id)
    )
    for m, conv, account_id in session.execute(messages.execution_options(yield_per=1000)):
        yield TextItem("message", str(m.id), m.text, m.created_at, conv.stage, conv.touchpoint,
                       conv.contact_id, account_id, conv.id)  # fmt: skip


def analyze(
    session: Session,
    model: HeadSentiment,
    rediscover: bool = False,
    flag_window: timedelta = timedelta(days=120),
    progress: Callable[[int, int], None] | None = None,
    commit_batches: bool = False,
) -> AnalysisReport:
    """Score new or changed items; re-cluster themes when asked or when none exist yet; raise
    moments of truth for the fresh items no older than `flag_window` before the newest one
    (older ones are history, not moments to act on). `commit_batches` commits after each
    batch, so a server's other writers never wait for a whole run (SQLite has one writer)."""
    report = AnalysisReport()
    if commit_batches:
        begin_reading(session)
    stored = select(TextAnalysis.item_type, TextAnalysis.item_id, TextAnalysis.content_hash)
    known = {(kind, item_id): digest for kind, item_id, digest in session.execute(stored)}
    todo: list[tuple[TextItem, str]] = []
    for item in text_items(session):
        report.items += 1
        digest = item.content_hash(model.name)
        if known.get((item.item_type, item.item_id)) == digest:
            report.unchanged += 1
        else:
            todo.append((item, digest))
    if commit_batches:
        session.commit()  # the scan ends here; each batch writes in a transaction of its own
    fresh: list[TopicItem] = []
    signals: list[Signal] = []
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        topics, batch_signals = _analyse_batch(session, model, batch)
        fresh += topics
        signals += batch_signals
        report.analysed += len(batch)
        if commit_batches:
            session.commit()
        if progress:
            progress(report.analysed, len(todo))
    has_themes = session.scalar(select(TextAnalysis.id).where(TextAnalysis.theme_id.is_not(None)))
    if rediscover or (has_themes is None and report.items):
        report.themes = discover(session, topic_items(session))
        report.rediscovered = True
        report.themed = report.items
    else:
        report.themed = assign_new(session, fresh)
    _reload_themes([s.analysis for s in signals], session)
    newest = session.scalar(select(func.max(TextAnalysis.occurred_at)))
    if newest is not None:
        recent = [s for s in signals if s.analysis.occurred_at and
                  s.analysis.occurred_at >= newest - flag_window]  # fmt: skip
        if commit_batches:  # the rules only read: no write lock while they run
            session.commit()
            begin_reading(session)
        moments = assess(session, recent, model)
        if commit_batches:
            session.commit()
        report.flags = raise_moments(session, moments)
    return report


def _analyse_batch(
    session: Session, model: HeadSentiment, batch: list[tuple[TextItem, str]]
) -> tuple[list[TopicItem], list[Signal]]:
    texts = [item.text for item, _ in batch]
    sentiments, topics = model.analyze_with_topics(texts)
    aspects = aspect_sentiments(texts, model)
    existing = {
        (a.item_type, a.item_id): a
        for a in session.scalars(
            select(TextAnalysis).where(
                TextAnalysis.item_type.in_({item.item_type for item, _ in batch}),
                TextAnalysis.item_id.in_([item.item_id for item, _ in batch]),
            )
        )
    }
    rows = []
    for (item, digest), result, topic, aspect in zip(
        batch, sentiments, topics, aspects, strict=True
    ):
        row = existing.get((item.item_type, item.item_id)) or TextAnalysis(
            item_type=item.item_type, item_id=item.item_id
        )
        has_topic = len(item.text.split()) >= MIN_TOPIC_WORDS
        row.content_hash, row.label, row.score = digest, result.label, result.score
        row.confidence, row.emotions, row.aspects = result.confidence, result.emotions, aspect
        row.model, row.analyzed_at, row.theme_id = model.name, utcnow(), None
        row.occurred_at, row.stage, row.touchpoint = item.occurred_at, item.stage, item.touchpoint
        row.contact_id, row.account_id = item.contact_id, item.account_id
        row.embedding = pack(topic) if has_topic else None
        session.add(row)
        rows.append((row, item, topic, has_topic))
    session.flush()
    _score_events(session, [(item, row.score) for row, item, _, _ in rows])
    themable = [TopicItem(row.id, item.text, topic) for row, item, topic, has in rows if has]
    signals = [Signal(row, item.text, item.conversation_id) for row, item, _, _ in rows]
    return themable, signals


def _score_events(session: Session, scored: list[tuple[TextItem, float]]) -> None:
    """The journey log carries each item's sentiment on its event."""
    EventRepository(session).set_sentiment(
        [
            (EVENT_OF[i.item_type], i.item_type, i.item_id, s)
            for i, s in scored
            if i.item_type in EVENT_OF
        ],
        [(f"chat:{i.item_id}", s) for i, s in scored if i.item_type == "message"],
    )


def _reload_themes(analyses: list[TextAnalysis], session: Session) -> None:
    """Themes were set by bulk updates, which loaded objects do not see: read them back."""
    by_id = {a.id: a for a in analyses}
    for ids in chunked(list(by_id), 5000):
        rows = select(TextAnalysis.id, TextAnalysis.theme_id).where(TextAnalysis.id.in_(ids))
        for analysis_id, theme_id in session.execute(rows):
            set_committed_value(by_id[analysis_id], "theme_id", theme_id)


def topic_items(session: Session) -> list[TopicItem]:
    texts = {(item.item_type, item.item_id): item.text for item in text_items(session)}
    rows = session.execute(
        select(
            TextAnalysis.id, TextAnalysis.item_type, TextAnalysis.item_id, TextAnalysis.embedding
        )
        .where(TextAnalysis.embedding.is_not(None))
        .order_by(TextAnalysis.id)
    )
    return [
        TopicItem(analysis_id, texts[(kind, item_id)], unpack(blob))
        for analysis_id, kind, item_id, blob in rows
        if blob is not None and (kind, item_id) in texts
    ]
