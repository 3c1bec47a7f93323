"""Themes as a CX manager reads them: per stage and touchpoint, how many items, how they feel,
the monthly trend, and a few quotes."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from feedback.analysis import review_text, ticket_opening
from journey.models import Message, Review, SurveyResponse, TextAnalysis, Theme, Ticket

QUOTES = 3
QUOTE_CHARS = 240


class Quote(BaseModel):
    item_type: str
    item_id: str
    text: str
    sentiment: float
    at: datetime | None


class ThemeSummary(BaseModel):
    id: int
    label: str
    terms: list[str]
    items: int
    negative_share: float
    mean_sentiment: float
    by_stage: dict[str, int]
    by_touchpoint: dict[str, int]
    trend: dict[str, int]  # "2026-08" -> items that month
    quotes: list[Quote]


def theme_summaries(
    session: Session,
    stage: str | None = None,
    touchpoint: str | None = None,
    since: datetime | None = None,
) -> list[ThemeSummary]:
    """Active themes with the items that match the filters, biggest first."""
    query: Select[TextAnalysis] = select(TextAnalysis).where(TextAnalysis.theme_id.is_not(None))
    if stage:
        query = query.where(TextAnalysis.stage == stage)
    if touchpoint:
        query = query.where(TextAnalysis.touchpoint == touchpoint)
    if since:
        query = query.where(TextAnalysis.occurred_at >= since)
    members: dict[int, list[TextAnalysis]] = defaultdict(list)
    for row in session.scalars(query.execution_options(yield_per=2000)):
        members[row.theme_id or 0].append(row)
    themes = list(session.scalars(select(Theme).where(Theme.id.in_(members), Theme.active)))
    # The quotes a manager wants first are the most negative: they show what hurts.
    picked = {t.id: sorted(members[t.id], key=lambda r: r.score)[:QUOTES] for t in themes}
    texts = item_texts(
        session, [(r.item_type, r.item_id) for rows in picked.values() for r in rows]
    )
    out = []
    for theme in themes:
        rows = members[theme.id]
        out.append(
            ThemeSummary(
                id=theme.id,
                label=theme.label,
                terms=theme.terms,
                items=len(rows),
                negative_share=round(sum(r.label == "negative" for r in rows) / len(rows), 3),
                mean_sentiment=round(sum(r.score for r in rows) / len(rows), 3),
                by_stage=dict(Counter(r.stage or "unknown" for r in rows).most_common()),
                by_touchpoint=dict(Counter(r.touchpoint or "unknown" for r in rows).most_common()),
                trend=dict(
                    sorted(
                        Counter(
                            r.occurred_at.strftime("%Y-%m") for r in rows if r.occurred_at
                        ).items()
                    )
                ),
                quotes=[
                    Quote(
                        item_type=r.item_type,
                        item_id=r.item_id,
                        sentiment=r.score,
                        at=r.occurred_at,
                        text=_clip(texts.get((r.item_type, r.item_id), "")),
                    )
                    for r in picked[theme.id]
                ],
            )
        )
    return sorted(out, key=lambda s: -s.items)


def item_texts(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The text of analysed items, fetched per kind in one query each."""
    ids: dict[str, list[int]] = defaultdict(list)
    for kind, item_id in keys:
        ids[kind].append(int(item_id))
    found: dict[tuple[str, str], str] = {}
    if ids["ticket"]:
        for t in session.scalars(select(Ticket).where(Ticket.id.in_(ids["ticket"]))):
            found["ticket", str(t.id)] = ticket_opening(t)
    if ids["review"]:
        for r in session.scalars(select(Review).where(Review.id.in_(ids["review"]))):
            found["review", str(r.id)] = review_text(r)
    if ids["survey_response"]:
        surveys = select(SurveyResponse).where(SurveyResponse.id.in_(ids["survey_response"]))
        for s in session.scalars(surveys):
            found["survey_response", str(s.id)] = s.comment or ""
    if ids["message"]:
        for m in session.scalars(select(Message).where(Message.id.in_(ids["message"]))):
            found["message", str(m.id)] = m.text
    return found


def _clip(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"
