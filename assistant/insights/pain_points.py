"""Pain points and points of delight: per stage, the touchpoints and themes whose texts read
far more negatively (or positively) than the stage as a whole, with counts and quotes.

"Far" is two things at once: at least `MIN_GAP` on the sentiment scale (-1 to 1) from the
stage's mean, and at least `MIN_STANDARD_ERRORS` standard errors from it, so a handful of
angry tickets does not make a pain point, nor does a large but slight dip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.insights.periods import Period, moment
from assistant.insights.query import sql_text
from feedback.analysis import review_text, ticket_opening
from journey.models import Message, Review, SurveyResponse, TextAnalysis, Theme, Ticket
from journey.vocabulary import Vocabulary

MIN_ITEMS = 10  # fewer texts than this say nothing about a touchpoint or theme
MIN_GAP = 0.1
MIN_STANDARD_ERRORS = 2.0
QUOTES = 2
QUOTE_CHARS = 200

Side = Literal["pain", "delight"]


@dataclass
class Spot:
    stage: str
    side: Side
    kind: Literal["touchpoint", "theme"]
    name: str
    items: int
    sentiment: float
    stage_sentiment: float
    quotes: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float:
        return round(self.sentiment - self.stage_sentiment, 3)


def pain_points(
    session: Session,
    vocabulary: Vocabulary,
    as_of: date,
    period: Period | None = None,
    stages: list[str] | None = None,
    statements: list[str] | None = None,
) -> list[Spot]:
    """Pain points first (the furthest below their stage first), then points of delight.
    The grouping queries' SQL is added to `statements` when given."""
    analysis = TextAnalysis
    conditions = [analysis.stage.is_not(None), analysis.occurred_at < moment(as_of + timedelta(1))]
    if period and period.start:
        conditions.append(analysis.occurred_at >= moment(period.start))
    if period and period.end:
        conditions.append(analysis.occurred_at < moment(period.end))
    if stages:
        conditions.append(analysis.stage.in_(stages))
    overall = {
        stage: (n, mean)
        for stage, n, mean in session.execute(
            select(analysis.stage, func.count(), func.avg(analysis.score))
            .where(*conditions)
            .group_by(analysis.stage)
        )
    }
    touchpoints = {t.key: t.label for t in vocabulary.touchpoints}
    groups: list[tuple[Literal["touchpoint", "theme"], Any, Any]] = [
        ("touchpoint", analysis.touchpoint, None),
        ("theme", Theme.label, Theme),
    ]
    spots = []
    for kind, column, joined in groups:
        query = select(
            analysis.stage,
            column,
            func.count(),
            func.avg(analysis.score),
            func.avg(analysis.score * analysis.score),
        ).where(*conditions, column.is_not(None))
        if joined is not None:
            query = query.join(joined, joined.id == analysis.theme_id)
        query = query.group_by(analysis.stage, column)
        if statements is not None:
            statements.append(sql_text(query, session.get_bind().dialect.name))
        for stage, name, n, mean, square in session.execute(query):
            stage_mean = overall[stage][1]
            if n < MIN_ITEMS:
                continue
            spread = math.sqrt(max(square - mean * mean, 1e-6))
            gap = mean - stage_mean
            if abs(gap) >= MIN_GAP and abs(gap) >= MIN_STANDARD_ERRORS * spread / math.sqrt(n):
                label = touchpoints.get(name, name) if kind == "touchpoint" else name
                side: Side = "pain" if gap < 0 else "delight"
                spot = Spot(stage, side, kind, label, n, round(mean, 3), round(stage_mean, 3))
                spot.quotes = _quotes(session, conditions, stage, name, column, joined, side)
                spots.append(spot)
    order = {s.key: i for i, s in enumerate(vocabulary.stages)}
    spots.sort(key=lambda s: (s.side != "pain", order.get(s.stage, 99), -abs(s.gap)))
    return spots


def _quotes(
    session: Session,
    conditions: list[Any],
    stage: str,
    name: str,
    column: Any,
    joined: Any,
    side: Side,
) -> list[str]:
    """The texts that say it most clearly: the most negative for a pain, positive for a
    delight."""
    analysis = TextAnalysis
    query = select(analysis.item_type, analysis.item_id).where(
        *conditions, analysis.stage == stage, column == name
    )
    if joined is not None:
        query = query.join(joined, joined.id == analysis.theme_id)
    ordering = analysis.score.asc() if side == "pain" else analysis.score.desc()
    found = session.execute(query.order_by(ordering, analysis.id).limit(QUOTES)).all()
    return [shortened(item_text(session, kind_, item)) for kind_, item in found]


def item_text(session: Session, item_type: str, item_id: str) -> str:
    if not item_id.isdigit():
        return ""
    key = int(item_id)
    if item_type == "ticket":
        ticket = session.get(Ticket, key)
        return ticket_opening(ticket) if ticket else ""
    if item_type == "review":
        review = session.get(Review, key)
        return review_text(review) if review else ""
    if item_type == "survey_response":
        answer = session.get(SurveyResponse, key)
        return (answer.comment or "") if answer else ""
    message = session.get(Message, key)
    return message.text if message else ""


def shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"
