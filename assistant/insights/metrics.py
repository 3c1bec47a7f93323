"""The metrics layer: every figure a CX manager asks for, defined once over the journey's tables.

A metric is an aggregate over the rows of a source (tickets, NPS answers, journey events...),
with the time field its periods cut on and the dimensions it can be grouped and filtered by.
Dimensions of the account a row belongs to (segment, plan, industry, country, account status)
apply to every source whose rows belong to an account. The dashboard, the questions in plain
language and the next best steps all read figures from here, so a definition changes in one
place. Funnel metrics (stage conversion, drop-off, time between event types) are computed per
account and have their own queries in `assistant.insights.query`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import String, and_, case, cast, exists, func
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from journey.models import (
    Account,
    Contact,
    Conversation,
    Flag,
    JourneyEvent,
    Message,
    Review,
    SurveyResponse,
    TextAnalysis,
    Theme,
    Ticket,
)

Unit = Literal[
    "count", "percent", "hours", "days", "score", "sentiment", "rating", "money", "severity"
]
Kind = Literal["aggregate", "median", "conversion", "dropoff", "between"]


@dataclass(frozen=True)
class Join:
    """A table a dimension needs joined in, outer, so rows without it still count."""

    key: str
    target: Any
    on: Callable[[], ColumnElement[bool]]
    after: tuple[str, ...] = ()  # joins this one's condition refers to


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    column: Any
    joins: tuple[Join, ...] = ()
    listed: bool = False  # a JSON list (a ticket's tags, a flag's reasons): one row per element


@dataclass(frozen=True)
class Source:
    key: str
    table: Any
    time: Any | None  # the field periods cut on; None: a current state, no history
    account: Any | None  # the account a row belongs to
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    where: tuple[ColumnElement[bool], ...] = ()
    identity: Any | None = None  # the row's id, counted once when a listed dimension filters


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    source: Source
    unit: Unit
    kind: Kind = "aggregate"
    value: Callable[[str], ColumnElement[Any]] | None = None  # the aggregate, per dialect
    where: tuple[ColumnElement[bool], ...] = ()
    description: str = ""
    # A condition on the metric's own parameter: the hours a ticket waited for "more than N h".
    threshold: Callable[[str, float], ColumnElement[bool]] | None = None


def hours_between(later: Any, earlier: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 3600.0
    return (func.julianday(later) - func.julianday(earlier)) * 24.0


def percent(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """100 x the share of the rows meeting `condition` (None over no rows)."""
    return 100.0 * func.sum(case((condition, 1), else_=0)) / func.nullif(func.count(), 0)


def _account_join(account_column: Any) -> Join:
    return Join("account", Account, lambda: account_column == Account.id)


def _account_dimensions(join: tuple[Join, ...]) -> dict[str, Dimension]:
    return {
        d.key: d
        for d in [
            Dimension("segment", "segment", Account.segment, join),
            Dimension("plan", "plan", Account.plan, join),
            Dimension("industry", "industry", Account.industry, join),
            Dimension("country", "country", Account.country, join),
            Dimension("account_status", "account status", Account.status, join),
            Dimension("account", "account", Account.name, join),
        ]
    }


def _source(
    key: str,
    table: Any,
    time: Any | None,
    account: Any | None,
    own: list[Dimension],
    where: tuple[ColumnElement[bool], ...] = (),
    identity: Any | None = None,
) -> Source:
    joins = () if account is None or table is Account else (_account_join(account),)
    dimensions = _account_dimensions(joins) if account is not None else {}
    dimensions.update({d.key: d for d in own})
    return Source(key, table, time, account, dimensions, where, identity)


# What the analysis said about a ticket (its opening and the customer's comments), and theme.
_TicketText = aliased(TextAnalysis, name="ticket_text")
_TicketTheme = aliased(Theme, name="ticket_theme")
_TICKET_TEXT = Join(
    "ticket_text",
    _TicketText,
    lambda: and_(_TicketText.item_type == "ticket", _TicketText.item_id == cast(Ticket.id, String)),
)
_TICKET_THEME = Join(
    "ticket_theme", _TicketTheme, lambda: _TicketText.theme_id == _TicketTheme.id, ("ticket_text",)
)
_TextTheme = aliased(Theme, name="text_theme")
_TEXT_THEME = Join("text_theme", _TextTheme, lambda: TextAnalysis.theme_id == _TextTheme.id)
# The ticket a CSAT answer rates.
_RatedTicket = aliased(Ticket, name="rated_ticket")
_RATED_TICKET = Join(
    "rated_ticket", _RatedTicket, lambda: SurveyResponse.ticket_id == _RatedTicket.id
)

EVENTS = _source(
    "events",
    JourneyEvent,
    JourneyEvent.occurred_at,
    JourneyEvent.account_id,
    [
        Dimension("type", "event type", JourneyEvent.type),
        Dimension("stage", "stage", JourneyEvent.stage),
        Dimension("touchpoint", "touchpoint", JourneyEvent.touchpoint),
        Dimension("channel", "channel", JourneyEvent.channel),
    ],
)
CONTACTS = _source(
    "contacts", Contact, None, Contact.account_id, [Dimension("stage", "stage", Contact.stage)]
)
ACCOUNTS = _source(
    "accounts",
    Account,
    None,
    Account.id,
    [
        Dimension("status", "status", Account.status),
        Dimension("stage", "stage", Account.stage),
    ],
)
TICKETS = _source(
    "tickets",
    Ticket,
    Ticket.created_at,
    Ticket.account_id,
    [
        Dimension("channel", "channel", Ticket.channel),
        Dimension("priority", "priority", Ticket.priority),
        Dimension("status", "status", Ticket.status),
        Dimension("stage", "stage", Ticket.stage),
        Dimension("tag", "tag", Ticket.tags, listed=True),
        Dimension("theme", "theme", _TicketTheme.label, (_TICKET_TEXT, _TICKET_THEME)),
        Dimension("sentiment", "sentiment", _TicketText.label, (_TICKET_TEXT,)),
    ],
    identity=Ticket.id,
)
REVIEWS = _source(
    "reviews",
    Review,
    Review.posted_at,
    Review.account_id,
    [
        Dimension("platform", "platform", Review.source),
        # as text, so "4-star reviews" filters like any other value
        Dimension("rating", "rating", cast(Review.rating, String)),
    ],
)
NPS_ANSWERS = _source(
    "nps_answers",
    SurveyResponse,
    SurveyResponse.answered_at,
    SurveyResponse.account_id,
    [
        Dimension("stage", "stage", SurveyResponse.stage),
        Dimension("touchpoint", "touchpoint", SurveyResponse.touchpoint),
    ],
    where=(SurveyResponse.kind == "nps",),
)
CSAT_ANSWERS = _source(
    "csat_answers",
    SurveyResponse,
    SurveyResponse.answered_at,
    SurveyResponse.account_id,
    [
        Dimension("stage", "stage", SurveyResponse.stage),
        Dimension("channel", "ticket channel", _RatedTicket.channel, (_RATED_TICKET,)),
        Dimension("priority", "ticket priority", _RatedTicket.priority, (_RATED_TICKET,)),
    ],
    where=(SurveyResponse.kind == "csat",),
)
CONVERSATIONS = _source(
    "conversations",
    Conversation,
    Conversation.started_at,
    Conversation.account_id,
    [
        Dimension("handoff_reason", "hand-off reason", Conversation.handoff_reason),
        Dimension("stage", "stage", Conversation.stage),
        Dimension("touchpoint", "touchpoint", Conversation.touchpoint),
    ],
)
FLAGS = _source(
    "flags",
    Flag,
    Flag.created_at,
    Flag.account_id,
    [
        Dimension("reason", "reason", Flag.reasons, listed=True),
        Dimension("status", "status", Flag.status),
        Dimension("stage", "stage", Flag.stage),
        Dimension("touchpoint", "touchpoint", Flag.touchpoint),
    ],
    identity=Flag.id,
)
TEXTS = _source(
    "texts",
    TextAnalysis,
    TextAnalysis.occurred_at,
    TextAnalysis.account_id,
    [
        Dimension("item_type", "item type", TextAnalysis.item_type),
        Dimension("stage", "stage", TextAnalysis.stage),
        Dimension("touchpoint", "touchpoint", TextAnalysis.touchpoint),
        Dimension("theme", "theme", _TextTheme.label, (_TEXT_THEME,)),
    ],
)
SOURCES = {
    s.key: s
    for s in [
        EVENTS,
        CONTACTS,
        ACCOUNTS,
        TICKETS,
        REVIEWS,
        NPS_ANSWERS,
        CSAT_ANSWERS,
        CONVERSATIONS,
        FLAGS,
        TEXTS,
    ]
}


def _count(_: str) -> ColumnElement[Any]:
    return func.count()


def _nps(_: str) -> ColumnElement[Any]:
    return percent(SurveyResponse.score >= 9) - percent(SurveyResponse.score <= 6)


def _ticket_hours(end: Any) -> Callable[[str], ColumnElement[Any]]:
    return lambda dialect: hours_between(end, Ticket.created_at, dialect)


_RESPONDED = (Ticket.first_response_at.is_not(None),)


def _mean(column: Any) -> Callable[[str], ColumnElement[Any]]:
    return lambda _: func.avg(column)


def _share(condition: ColumnElement[bool]) -> Callable[[str], ColumnElement[Any]]:
    return lambda _: percent(condition)


def _waited(dialect: str, hours: float) -> ColumnElement[bool]:
    return _ticket_hours(Ticket.first_response_at)(dialect) > hours


_score = SurveyResponse.score
# A chat the assistant resolved: it answered, nobody was brought in, and no answer of it was
# rated unhelpful (the widget's thumbs) nor the chat rated 1 or 2 (its CSAT question).
_RESOLVED_BY_BOT = and_(
    Conversation.handoff_reason.is_(None),
    exists().where(Message.conversation_id == Conversation.id, Message.role == "bot"),
    ~exists().where(Message.conversation_id == Conversation.id,
                    Message.meta["helpful"].as_boolean().is_(False)),
    ~exists().where(SurveyResponse.source == "chat", SurveyResponse.external_id == Conversation.id,
                    SurveyResponse.score <= 2),
)  # fmt: skip
METRICS: dict[str, Metric] = {
    m.key: m
    for m in [
        Metric("events", "events", EVENTS, "count", value=_count),
        Metric(
            "accounts_reaching",
            "accounts",
            EVENTS,
            "count",
            value=lambda _: func.count(func.distinct(JourneyEvent.account_id)),
            where=(JourneyEvent.account_id.is_not(None),),
            description="distinct accounts with at least one such event",
        ),
        Metric("contacts", "contacts", CONTACTS, "count", value=_count),
        Metric("accounts", "accounts", ACCOUNTS, "count", value=_count),
        Metric(
            "arr", "ARR", ACCOUNTS, "money", value=lambda _: func.coalesce(func.sum(Account.arr), 0)
        ),
        Metric("tickets", "tickets", TICKETS, "count", value=_count),
        Metric(
            "first_response_time",
            "median first response (hours)",
            TICKETS,
            "hours",
            "median",
            _ticket_hours(Ticket.first_response_at),
            _RESPONDED,
        ),
        Metric(
            "resolution_time",
            "median resolution time (hours)",
            TICKETS,
            "hours",
            "median",
            _ticket_hours(Ticket.resolved_at),
            (Ticket.resolved_at.is_not(None),),
        ),
        Metric(
            "tickets_waiting",
            "tickets waiting longer",
            TICKETS,
            "count",
            value=_count,
            where=_RESPONDED,
            description="tickets whose first response took more than the hours asked for",
            threshold=_waited,
        ),
        Metric("reviews", "reviews", REVIEWS, "count", value=_count),
        Metric("average_rating", "average rating", REVIEWS, "rating", value=_mean(Review.rating)),
        Metric("nps", "NPS", NPS_ANSWERS, "score", value=_nps),
        Metric("promoters", "promoters %", NPS_ANSWERS, "percent", value=_share(_score >= 9)),
        Metric("detractors", "detractors %", NPS_ANSWERS, "percent", value=_share(_score <= 6)),
        Metric("nps_answers", "NPS answers", NPS_ANSWERS, "count", value=_count),
        Metric("csat", "CSAT %", CSAT_ANSWERS, "percent", value=_share(_score >= 4)),
        Metric("csat_answers", "CSAT answers", CSAT_ANSWERS, "count", value=_count),
        Metric("conversations", "conversations", CONVERSATIONS, "count", value=_count),
        Metric(
            "handoff_rate",
            "hand-off rate %",
            CONVERSATIONS,
            "percent",
            value=_share(Conversation.handoff_reason.is_not(None)),
        ),
        Metric(
            "bot_resolution",
            "resolved by the assistant %",
            CONVERSATIONS,
            "percent",
            value=_share(_RESOLVED_BY_BOT),
        ),
        Metric("moments_of_truth", "moments of truth", FLAGS, "count", value=_count),
        Metric(
            "average_severity", "average severity", FLAGS, "severity", value=_mean(Flag.severity)
        ),
        Metric(
            "sentiment", "average sentiment", TEXTS, "sentiment", value=_mean(TextAnalysis.score)
        ),
        Metric("texts", "texts analysed", TEXTS, "count", value=_count),
        Metric(
            "negative_share",
            "negative %",
            TEXTS,
            "percent",
            value=_share(TextAnalysis.label == "negative"),
        ),
        Metric(
            "positive_share",
            "positive %",
            TEXTS,
            "percent",
            value=_share(TextAnalysis.label == "positive"),
        ),
        Metric(
            "renewal_rate",
            "renewal rate %",
            EVENTS,
            "percent",
            value=_share(JourneyEvent.type == "renewal_signed"),
            where=(JourneyEvent.type.in_(["renewal_signed", "contract_cancelled"]),),
            description="renewals signed / (signed + contracts cancelled)",
        ),
        Metric(
            "conversion",
            "conversion %",
            EVENTS,
            "percent",
            "conversion",
            description="accounts in stage A that reach stage B at or after their first A event",
        ),
        Metric(
            "dropoff",
            "drop-off %",
            EVENTS,
            "percent",
            "dropoff",
            description="100 - the conversion to the next stage",
        ),
        Metric(
            "time_between",
            "median days between",
            EVENTS,
            "days",
            "between",
            description="median days from an account's first X event to its first Y after it",
        ),
    ]
}

# Dimensions a period can be cut into, whatever the metric, when it has a time field.
TIME_DIMENSIONS = ("day", "week", "month", "quarter", "year")
