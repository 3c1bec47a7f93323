"""Headline figures of the journey store, for the overview page and `journey demo`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from journey.models import (
    Account,
    Contact,
    Conversation,
    JourneyEvent,
    Review,
    SurveyResponse,
    Ticket,
)
from journey.vocabulary import Vocabulary


@dataclass
class Overview:
    totals: dict[str, int]
    contacts_by_stage: list[tuple[str, int]]
    events_by_stage: list[tuple[str, int]]
    events_by_touchpoint: list[tuple[str, int]]
    accounts_by_segment: list[tuple[str, int]]
    nps: float | None = None
    notes: list[str] = field(default_factory=list)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _grouped(session: Session, column: object) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column))  # type: ignore[call-overload]
    return {str(key): n for key, n in rows if key is not None}


def _in_order(
    counts: dict[str, int], keys: list[str], labels: dict[str, str]
) -> list[tuple[str, int]]:
    ordered = [(labels.get(k, k), counts.get(k, 0)) for k in keys]
    ordered += [(k, n) for k, n in counts.items() if k not in keys]
    return ordered


def nps(session: Session) -> float | None:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6)."""
    scores = select(SurveyResponse.score).where(SurveyResponse.kind == "nps").subquery()
    total, promoters, detractors = session.execute(
        select(
            func.count(),
            func.count().filter(scores.c.score >= 9),
            func.count().filter(scores.c.score <= 6),
        ).select_from(scores)
    ).one()
    return round(100 * (promoters - detractors) / total, 1) if total else None


def overview(session: Session, vocabulary: Vocabulary) -> Overview:
    stage_keys = [s.key for s in vocabulary.stages]
    stage_labels = {s.key: s.label for s in vocabulary.stages}
    touch_keys = [t.key for t in vocabulary.touchpoints]
    touch_labels = {t.key: t.label for t in vocabulary.touchpoints}
    return Overview(
        totals={
            "accounts": _count(session, Account),
            "contacts": _count(session, Contact),
            "events": _count(session, JourneyEvent),
            "tickets": _count(session, Ticket),
            "reviews": _count(session, Review),
            "survey answers": _count(session, SurveyResponse),
            "conversations": _count(session, Conversation),
        },
        contacts_by_stage=_in_order(_grouped(session, Contact.stage), stage_keys, stage_labels),
        events_by_stage=_in_order(_grouped(session, JourneyEvent.stage), stage_keys, stage_labels),
        events_by_touchpoint=_in_order(
            _grouped(session, JourneyEvent.touchpoint), touch_keys, touch_labels
        ),
        accounts_by_segment=sorted(_grouped(session, Account.segment).items()),
        nps=nps(session),
    )
