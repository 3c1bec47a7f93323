"""What is known of one contact as of a date, read condition by condition from its own rows
(events, tickets, answers, analysed texts, moments of truth, conversations) through their
contact and account indexes. Nothing after the as-of date counts. Aggregate figures over many
accounts belong to the insights metrics layer; these are one person's facts.

Each condition met gives the evidence a person reads ("3 page views of pricing pages in 14
days"); a condition not met gives None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from assistant.insights.periods import moment
from assistant.next_steps.catalogue import (
    AccountField,
    Condition,
    Consent,
    Events,
    Handoff,
    LeadScore,
    LeadScoring,
    Nps,
    OpenFlags,
    Renewal,
    Sentiment,
    Stalled,
    Tickets,
    Usage,
    UsageTrend,
)
from assistant.next_steps.lead_score import scores
from journey.models import (
    Account,
    Contact,
    Conversation,
    Flag,
    JourneyEvent,
    SurveyResponse,
    TextAnalysis,
    Ticket,
)
from journey.vocabulary import Vocabulary


@dataclass
class ContactFacts:
    """A contact as of a date, and the conditions read about it."""

    session: Session
    vocabulary: Vocabulary
    contact: Contact
    as_of: date
    scoring: LeadScoring = field(default_factory=LeadScoring)
    # each condition read once, kept with its answer (so its id is not reused meanwhile)
    _seen: dict[int, tuple[Condition, str | None]] = field(default_factory=dict)

    @cached_property
    def end(self) -> datetime:
        """The first moment after the as-of day: rows from it on are not known yet."""
        return moment(self.as_of + timedelta(days=1))

    @cached_property
    def account(self) -> Account | None:
        return self.contact.account

    @cached_property
    def stage(self) -> str | None:
        """Where the contact stood on the as-of date: as the stage-moving events up to then put
        its account (a B2B journey is the account's: a colleague's signature moves everyone
        to onboarding), or the contact without one, as the journey derives stages; with none,
        the stage of the latest event, else the stored one."""
        moving = [e.key for e in self.vocabulary.event_types if e.stage_rule != "none"]
        whose = self._whose(JourneyEvent, "account")
        folded: str | None = None
        for event_type in self.session.scalars(
            select(JourneyEvent.type)
            .where(whose, JourneyEvent.occurred_at < self.end, JourneyEvent.type.in_(moving))
            .order_by(JourneyEvent.occurred_at)
        ):  # fmt: skip
            folded = self.vocabulary.fold_stage(folded, event_type)
        if folded:
            return folded
        latest = self.session.scalar(
            select(JourneyEvent.stage)
            .where(whose, JourneyEvent.occurred_at < self.end, JourneyEvent.stage.is_not(None))
            .order_by(JourneyEvent.occurred_at.desc())
            .limit(1)
        )  # fmt: skip
        stored = self.account.stage if self.account else self.contact.stage
        return latest or stored

    def evidence(self, condition: Condition) -> str | None:
        """Why the condition holds for this contact, or None when it does not."""
        key = id(condition)
        if key not in self._seen:
            self._seen[key] = (condition, _READERS[type(condition)](self, condition))
        return self._seen[key][1]

    # the rows each condition reads: the contact's own, or its whole account's

    def _whose(self, table: Any, scope: str) -> ColumnElement[bool]:
        if scope == "account" and self.account is not None:
            return table.account_id == self.account.id
        return table.contact_id == self.contact.id

    def _since(self, column: Any, days: int | None) -> list[ColumnElement[bool]]:
        window = [column < self.end]
        if days is not None:
            window.append(column >= self.end - timedelta(days=days))
        return window

    def _label(self, event_type: str) -> str:
        label = next((e.label for e in self.vocabulary.event_types if e.key == event_type),
                     event_type)  # fmt: skip
        return label[:1].lower() + label[1:]  # said inside a sentence


def _events(facts: ContactFacts, c: Events) -> str | None:
    conditions = [facts._whose(JourneyEvent, c.scope), JourneyEvent.type.in_(c.types),
                  *facts._since(JourneyEvent.occurred_at, c.within_days)]  # fmt: skip
    if c.url_contains:
        url = JourneyEvent.properties["url"].as_string()
        conditions.append(or_(*(url.contains(part) for part in c.url_contains)))
    count = facts.session.scalar(select(func.count()).where(*conditions)) or 0
    if count < c.at_least or (c.at_most is not None and count > c.at_most):
        return None
    what = " or ".join(facts._label(t) for t in c.types)
    if c.url_contains:
        what += f" of {' or '.join(c.url_contains)} pages"
    when = f" in {c.within_days} days" if c.within_days else ""
    return f"{count} × {what}{when}" if count else f"no {what}{when or ' yet'}"


def _stalled(facts: ContactFacts, c: Stalled) -> str | None:
    whose = facts._whose(JourneyEvent, c.scope)
    started: datetime | None = facts.session.scalar(
        select(func.min(JourneyEvent.occurred_at))
        .where(whose, JourneyEvent.type == c.after, JourneyEvent.occurred_at < facts.end)
    )  # fmt: skip
    if started is None or started > facts.end - timedelta(days=c.days):
        return None
    reached = facts.session.scalar(
        select(func.count()).where(whose, JourneyEvent.type == c.type,
                                   JourneyEvent.occurred_at >= started,
                                   JourneyEvent.occurred_at < facts.end)
    )  # fmt: skip
    if reached:
        return None
    days = (facts.end - started).days
    return f"no {facts._label(c.type)} {days} days after {facts._label(c.after)}"


def _tickets(facts: ContactFacts, c: Tickets) -> str | None:
    rows = facts.session.scalars(
        select(Ticket.tags).where(facts._whose(Ticket, c.scope),
                                  *facts._since(Ticket.created_at, c.within_days))
    )  # fmt: skip
    tagged = sum(1 for tags in rows if set(tags or []) & set(c.tags))
    if tagged < c.at_least:
        return None
    tickets = "ticket" if tagged == 1 else "tickets"
    return f"{tagged} {tickets} about {' or '.join(c.tags)} in {c.within_days} days"


def _sentiment(facts: ContactFacts, c: Sentiment) -> str | None:
    mean, texts = facts.session.execute(
        select(func.avg(TextAnalysis.score), func.count())
        .where(facts._whose(TextAnalysis, c.scope),
               *facts._since(TextAnalysis.occurred_at, c.within_days))
    ).one()  # fmt: skip
    if not texts or texts < c.at_least_texts:
        return None
    if (c.below is not None and mean >= c.below) or (c.above is not None and mean <= c.above):
        return None
    return f"sentiment {mean:+.2f} over {texts} texts in {c.within_days} days"


def _nps(facts: ContactFacts, c: Nps) -> str | None:
    latest = facts.session.execute(
        select(SurveyResponse.score, SurveyResponse.answered_at)
        .where(facts._whose(SurveyResponse, c.scope), SurveyResponse.kind == "nps",
               *facts._since(SurveyResponse.answered_at, c.within_days))
        .order_by(SurveyResponse.answered_at.desc())
        .limit(1)
    ).first()  # fmt: skip
    if latest is None:
        return None
    score, when = latest
    if (c.at_most is not None and score > c.at_most) or (
        c.at_least is not None and score < c.at_least
    ):
        return None
    kind = "promoter" if score >= 9 else "detractor" if score <= 6 else "passive"
    return f"NPS {score} ({kind}) on {when:%d %b %Y}"


def _open_flags(facts: ContactFacts, c: OpenFlags) -> str | None:
    # Open as of the date: raised before it and not resolved by then.
    rows = facts.session.scalars(
        select(Flag.reasons).where(
            facts._whose(Flag, c.scope), Flag.created_at < facts.end,
            or_(Flag.resolved_at.is_(None), Flag.resolved_at >= facts.end),
        )
    )  # fmt: skip
    reasons = sorted({r for found in rows for r in found or [] if not c.reasons or r in c.reasons})
    if not reasons:
        return None
    return "open moment of truth: " + ", ".join(r.replace("_", " ") for r in reasons)


def _handoff(facts: ContactFacts, c: Handoff) -> str | None:
    when = facts.session.scalar(
        select(func.max(Conversation.started_at)).where(
            facts._whose(Conversation, c.scope), Conversation.handoff_reason.in_(c.reasons),
            *facts._since(Conversation.started_at, c.within_days),
        )
    )  # fmt: skip
    if when is None:
        return None
    reasons = " or ".join(r.replace("_", " ") for r in c.reasons)
    return f"chat handed over ({reasons}) on {when:%d %b %Y}"


def _renewal(facts: ContactFacts, c: Renewal) -> str | None:
    """The account's renewal date falls within the days ahead; or, as the journey tells it on
    any date, looking back too, a renewal came due within them and is not signed or cancelled
    yet."""
    if facts.account is None:
        return None
    renews = facts.account.renewal_date
    if renews is not None and 0 <= (renews - facts.as_of).days <= c.within_days:
        return f"renews on {renews:%d %b %Y} (in {(renews - facts.as_of).days} days)"
    whose = JourneyEvent.account_id == facts.account.id
    due = facts.session.scalar(
        select(func.max(JourneyEvent.occurred_at)).where(
            whose, JourneyEvent.type == "renewal_due",
            *facts._since(JourneyEvent.occurred_at, c.within_days))
    )  # fmt: skip
    if due is None:
        return None
    settled = facts.session.scalar(
        select(func.count()).where(
            whose, JourneyEvent.type.in_(["renewal_signed", "contract_cancelled"]),
            JourneyEvent.occurred_at >= due, JourneyEvent.occurred_at < facts.end)
    )  # fmt: skip
    return None if settled else f"renewal due since {due:%d %b %Y}, not signed yet"


def _usage_trend(facts: ContactFacts, c: UsageTrend) -> str | None:
    if facts.account is None:
        return None
    counts = []
    for back in (0, 1):
        end = facts.end - timedelta(days=c.days * back)
        counts.append(facts.session.scalar(
            select(func.count()).where(
                JourneyEvent.account_id == facts.account.id, JourneyEvent.type.in_(c.types),
                JourneyEvent.occurred_at < end,
                JourneyEvent.occurred_at >= end - timedelta(days=c.days),
            )
        ) or 0)  # fmt: skip
    now, before = counts
    if before == 0:
        return None
    change = (now - before) / before
    if (c.below is not None and change >= c.below) or (c.above is not None and change <= c.above):
        return None
    way = "down" if change < 0 else "up"
    last = f"{now} in the last {c.days} days, {before} in the {c.days} before"
    return f"use {way} {abs(change):.0%}: {last}"


def _usage(facts: ContactFacts, c: Usage) -> str | None:
    if facts.account is None:
        return None
    uses, people = facts.session.execute(
        select(func.count(), func.count(JourneyEvent.contact_id.distinct())).where(
            JourneyEvent.account_id == facts.account.id, JourneyEvent.type.in_(c.types),
            *facts._since(JourneyEvent.occurred_at, c.days),
        )
    ).one()  # fmt: skip
    if not people:
        return None
    each = uses / people
    if (c.below is not None and each >= c.below) or (c.above is not None and each <= c.above):
        return None
    said = " or ".join(facts._label(t) for t in c.types)
    who = "1 active person" if people == 1 else f"{people} active people"
    return f"{each:.3g} {said} events per person in {c.days} days ({who})"


def _account_field(facts: ContactFacts, c: AccountField) -> str | None:
    value = getattr(facts.account, c.field, None) if facts.account else None
    return f"{c.field} {value}" if value in c.values else None


def _consent(facts: ContactFacts, c: Consent) -> str | None:
    agreed = bool(facts.contact.consent_marketing)
    return (
        ("agreed to marketing" if agreed else "no marketing consent")
        if agreed == c.marketing
        else None
    )


def _lead_score(facts: ContactFacts, c: LeadScore) -> str | None:
    score = scores(facts.session, facts.scoring, [facts.contact], facts.as_of)[facts.contact.id]
    bar = facts.scoring.mql_threshold if c.mql else c.at_least or 0
    if score.total < bar:
        return None
    return f"lead score {score.total:g} ({', '.join(score.reasons[:3])})"


_READERS: dict[type, Any] = {
    LeadScore: _lead_score,
    Events: _events,
    Stalled: _stalled,
    Tickets: _tickets,
    Sentiment: _sentiment,
    Nps: _nps,
    OpenFlags: _open_flags,
    Handoff: _handoff,
    Renewal: _renewal,
    UsageTrend: _usage_trend,
    Usage: _usage,
    AccountField: _account_field,
    Consent: _consent,
}
