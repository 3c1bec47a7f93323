"""The CX manager's dashboard, from the insights metrics layer: KPIs with their trend, the journey
map (stages × touchpoints: volume, sentiment, moments of truth) and what lies behind one of its
cells. Every figure is a `QuerySpec` run like an asked question, so the dashboard and the
question box never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.insights.pain_points import item_text, shortened
from assistant.insights.periods import Period, moment
from assistant.insights.query import run
from assistant.insights.spec import Filter, QuerySpec
from journey.models import Account, Conversation, Message, TextAnalysis
from journey.vocabulary import Vocabulary

PERIODS = (30, 90, 180, 365)  # the days a dashboard may look back
TREND_POINTS = 6  # the KPI's line: this many periods of the same length, ending with this one
BEHIND = 50  # texts listed behind a journey map cell


@dataclass
class Kpi:
    key: str
    label: str
    unit: str
    value: float | None
    previous: float | None
    trend: list[float | None] = field(default_factory=list)  # oldest first
    better: str = "up"  # which way is good
    digits: int = 1

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, self.digits)

    @property
    def shown(self) -> str:
        return "–" if self.value is None else f"{self.value:,.{self.digits}f}{self.unit}"

    @property
    def change_shown(self) -> str:
        return "" if self.change is None else f"{self.change:+,.{self.digits}f}"

    @property
    def improved(self) -> bool | None:
        if not self.change:
            return None
        return (self.change > 0) == (self.better == "up")


@dataclass
class Cell:
    events: int = 0
    sentiment: float | None = None
    texts: int = 0
    moments: int = 0


@dataclass
class JourneyMap:
    stages: list[tuple[str, str]]  # key, label
    touchpoints: list[tuple[str, str]]
    cells: dict[tuple[str, str], Cell]

    def cell(self, stage: str, touchpoint: str) -> Cell:
        return self.cells.get((stage, touchpoint), Cell())


@dataclass
class Dashboard:
    as_of: date
    days: int
    segment: str | None
    channel: str | None
    start: date
    kpis: list[Kpi]
    journey: JourneyMap
    queries: list[str]  # the SQL that was run, for whoever wants to check a figure


# (metric, label, unit shown, which way is good, decimals, the metric's own parameters)
KPIS: list[tuple[str, str, str, str, int, dict[str, Any]]] = [
    ("nps", "NPS", "", "up", 1, {}),
    ("csat", "CSAT", "%", "up", 1, {}),
    ("handoff_rate", "Chats handed to a person", "%", "down", 1, {}),
    ("bot_resolution", "Chats the assistant resolved", "%", "up", 1, {}),
    ("first_response_time", "First response time", " h", "down", 1, {}),
    ("sentiment", "Average sentiment", "", "up", 2, {}),
    ("moments_of_truth", "Moments of truth", "", "down", 0, {}),
    ("conversion", "Consideration → decision", "%", "up", 1,
     {"from_stage": "consideration", "to_stage": "decision"}),
    ("time_between", "Days from contract to first value", " d", "down", 1,
     {"from_event": "contract_signed", "to_event": "first_value_reached"}),
]  # fmt: skip


def dashboard(
    session: Session,
    vocabulary: Vocabulary,
    as_of: date,
    days: int = 90,
    segment: str | None = None,
    channel: str | None = None,
) -> Dashboard:
    start = as_of - timedelta(days=days - 1)
    queries: list[str] = []
    filters = by_segment(segment)

    def value(metric: str, since: date, until: date, extra: dict[str, Any]) -> float | None:
        period = Period(start=since, end=until + timedelta(days=1))
        spec = QuerySpec(metrics=[metric], filters=filters, as_of=as_of, period=period, **extra)
        result = run(session, spec, vocabulary)
        queries.extend(result.sql)
        found = result.rows[0][-1] if result.rows else None
        return float(found) if isinstance(found, int | float) else None

    kpis = []
    for metric, label, unit, better, digits, extra in KPIS:
        trend = []
        for back in reversed(range(TREND_POINTS)):
            until = as_of - timedelta(days=days * back)
            trend.append(value(metric, until - timedelta(days=days - 1), until, extra))
        kpis.append(Kpi(metric, label, unit, trend[-1], trend[-2], trend, better, digits))
    return Dashboard(
        as_of=as_of, days=days, segment=segment, channel=channel, start=start, kpis=kpis,
        journey=journey_map(session, vocabulary, as_of, start, filters, channel, queries),
        queries=queries,
    )  # fmt: skip


def by_segment(segment: str | None) -> list[Filter]:
    """The figures' filter for one segment's accounts (none: all)."""
    return [Filter(dimension="segment", values=[segment])] if segment else []


def journey_map(
    session: Session,
    vocabulary: Vocabulary,
    as_of: date,
    start: date,
    filters: list[Filter],
    channel: str | None,
    queries: list[str],
) -> JourneyMap:
    """Stages × touchpoints: how many events, how the texts there read, how many moments of
    truth. Touchpoints without any event in the period are left out."""
    period = Period(start=start, end=as_of + timedelta(days=1))
    cells: dict[tuple[str, str], Cell] = {}

    def grouped(metrics: list[str], more: list[Filter]) -> list[list[Any]]:
        spec = QuerySpec(metrics=metrics, dimensions=["stage", "touchpoint"],
                         filters=[*filters, *more], period=period, as_of=as_of)  # fmt: skip
        result = run(session, spec, vocabulary)
        queries.extend(result.sql)
        return [row for row in result.rows if row[0] and row[1]]

    by_channel = [Filter(dimension="channel", values=[channel])] if channel else []
    for stage, touchpoint, n in grouped(["events"], by_channel):
        cells.setdefault((stage, touchpoint), Cell()).events = int(n)
    for stage, touchpoint, mean, n in grouped(["sentiment", "texts"], []):
        cell = cells.setdefault((stage, touchpoint), Cell())
        cell.sentiment, cell.texts = mean, int(n)
    for stage, touchpoint, n in grouped(["moments_of_truth"], []):
        cells.setdefault((stage, touchpoint), Cell()).moments = int(n)
    used = {t for (_, t), c in cells.items() if c.events or c.texts or c.moments}
    return JourneyMap(
        stages=[(s.key, s.label) for s in vocabulary.stages],
        touchpoints=[(t.key, t.label) for t in vocabulary.touchpoints if t.key in used],
        cells=cells,
    )


@dataclass
class Behind:
    """One text behind a journey map cell: a chat message, ticket, review or survey answer."""

    item_type: str
    item_id: str
    at: datetime | None
    sentiment: float
    label: str
    text: str
    conversation_id: str | None = None


def behind_cell(
    session: Session,
    stage: str,
    touchpoint: str,
    start: date,
    as_of: date,
    segment: str | None = None,
) -> list[Behind]:
    """The cell's texts in the period (of the segment's accounts), the most negative first:
    what to read first."""
    query = select(TextAnalysis).where(
        TextAnalysis.stage == stage, TextAnalysis.touchpoint == touchpoint,
        TextAnalysis.occurred_at >= moment(start),
        TextAnalysis.occurred_at < moment(as_of + timedelta(days=1)),
    )  # fmt: skip
    if segment:
        query = query.join(Account, Account.id == TextAnalysis.account_id).where(
            Account.segment == segment
        )
    rows = session.scalars(query.order_by(TextAnalysis.score, TextAnalysis.id).limit(BEHIND))
    found = []
    for row in rows:
        conversation = None
        if row.item_type == "message" and row.item_id.isdigit():
            conversation = session.scalar(
                select(Conversation.id).join(Message, Message.conversation_id == Conversation.id)
                .where(Message.id == int(row.item_id))
            )  # fmt: skip
        found.append(Behind(row.item_type, row.item_id, row.occurred_at, round(row.score, 2),
                            row.label, shortened(item_text(session, row.item_type, row.item_id)),
                            conversation))  # fmt: skip
    return found
