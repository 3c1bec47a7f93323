"""The simulated world the demo generator plays out: companies and their people, the clock of
the twelve-month window, and the recorder that turns planned events into journey events.

Stages are tracked per company (a B2B journey is an account's journey): every event, ticket,
review, survey answer and chat carries the stage its account was in at that moment, folded
from the account's stage-moving events with the vocabulary's own rules.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.demo.writing import Fields, Writer
from journey.models import Account, Contact, Ticket
from journey.schemas import EventIn
from journey.service import JourneyService
from journey.vocabulary import Vocabulary

PRICE_ANNOUNCED = datetime(2026, 3, 15, 9, tzinfo=UTC)
PRICE_CHANGE = datetime(2026, 5, 1, tzinfo=UTC)
RELEASE_AT = datetime(2026, 8, 4, 9, tzinfo=UTC)  # release 26.16, behind the integration spike
NPS_WAVES = [
    datetime(*d, 9, tzinfo=UTC) for d in ((2025, 12, 1), (2026, 3, 2), (2026, 6, 1), (2026, 9, 1))
]
EVENT_BATCH = 4000
SSO_PLANS = ("Growth", "Enterprise")


@dataclass(eq=False)
class Person:
    row: Contact
    role: str  # buyer (signs, renews), admin (SSO, integrations) or user
    lang: str
    first_name: str
    active_from: datetime | None = None  # first day in the product


@dataclass(eq=False)
class Company:
    row: Account
    segment: str
    kind: str  # prospect, new (signed in the window) or legacy (a customer before it)
    plan: str
    seats: int
    first_touch: datetime
    sales_until: datetime  # signature, or where a prospect's buying cycle stops
    reach: str = "onboarding"  # the furthest stage the buying cycle gets to
    people: list[Person] = field(default_factory=list)
    signed_at: datetime | None = None
    first_value_at: datetime | None = None
    churned_at: datetime | None = None
    renewal_at: datetime | None = None
    renewed: bool | None = None
    trial_at: datetime | None = None
    sso_blocked: bool = False  # planted: SMB stuck on SAML errors in onboarding
    advocate: bool = False  # planted: high adoption, promoter, then referral / case study
    promoter_wave: datetime | None = None
    adoption: float = 1.0  # multiplies how often its people log in
    slow_email_tickets: int = 0
    hit_by_release: bool = False  # planted: its CRM integration broke after release 26.16
    _times: list[datetime] = field(default_factory=list)
    _stages: list[str] = field(default_factory=list)

    @property
    def buyer(self) -> Person:
        return self.people[0]

    @property
    def admin(self) -> Person:
        return next((p for p in self.people if p.role == "admin"), self.people[0])

    @property
    def is_customer(self) -> bool:
        return self.kind != "prospect"

    @property
    def renews_late(self) -> bool:
        """Its renewal falls on or after the price change."""
        return self.renewal_at is not None and self.renewal_at >= PRICE_CHANGE

    @property
    def lost_on_price(self) -> bool:
        """Did not renew a term that ended after the price change."""
        return self.feels_price_increase(self.renewal_at or PRICE_CHANGE) and not self.renewed

    def feels_price_increase(self, at: datetime) -> bool:
        """Its renewal falls after the price change, and by `at` the new prices are known and
        renewal talks have begun."""
        return bool(
            self.renewal_at
            and self.renewal_at >= PRICE_CHANGE
            and at >= max(self.renewal_at - timedelta(days=100), PRICE_ANNOUNCED)
            and self.plan in SSO_PLANS  # Growth's list price rose; Enterprise got an uplift
        )

    def customer_from(self, window_start: datetime) -> datetime | None:
        if self.kind == "legacy":
            return window_start
        return self.signed_at

    def customer_until(self, window_end: datetime) -> datetime:
        return min(self.churned_at or window_end, window_end)

    def set_milestones(self, moves: list[tuple[datetime, str]], vocabulary: Vocabulary) -> None:
        stage: str | None = None
        self._times, self._stages = [], []
        for at, kind in sorted(moves, key=lambda m: m[0]):
            stage = vocabulary.fold_stage(stage, kind)
            if stage is not None:
                self._times.append(at)
                self._stages.append(stage)

    def stage_at(self, at: datetime) -> str:
        i = bisect_right(self._times, at)
        return self._stages[i - 1] if i else "awareness"


class Clock:
    """The window [start, end) and the habits of people in it (office hours, weekdays)."""

    def __init__(self, rng: random.Random, end: date) -> None:
        self.rng = rng
        self.end = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
        self.start = self.end - timedelta(days=365)

    def days(self, at: datetime, lo: float, hi: float) -> datetime:
        return self.office(at + timedelta(days=self.rng.uniform(lo, hi)))

    def office(self, at: datetime) -> datetime:
        """The same day at a working hour; weekends mostly slide to Monday."""
        day = datetime(at.year, at.month, at.day, tzinfo=UTC)
        if day.weekday() >= 5 and self.rng.random() < 0.85:
            day += timedelta(days=7 - day.weekday())
        return day + timedelta(minutes=self.rng.randint(7 * 60, 18 * 60))

    def between(self, lo: datetime, hi: datetime) -> datetime:
        return lo + (hi - lo) * self.rng.random()

    def hours(self, median: float, spread: float) -> timedelta:
        return timedelta(hours=median * self.rng.lognormvariate(0, spread))


class Recorder:
    """Collects journey events and records them through JourneyService in batches."""

    def __init__(self, session: Session, vocabulary: Vocabulary, seed: int, end: datetime) -> None:
        self.service = JourneyService(session, vocabulary)
        self.seed = seed
        self.end = end
        self.pending: list[EventIn] = []
        self.recorded = 0
        self._seq = 0

    def add(
        self,
        kind: str,
        at: datetime,
        /,
        *,
        person: Person | None = None,
        company: Company | None = None,
        visitor: str | None = None,
        touchpoint: str | None = None,
        channel: str | None = None,
        subject: tuple[str, object] | None = None,
        stage: str | None = None,
        **properties: Any,
    ) -> None:
        """Queue one event; anything planned after the window's end simply has not happened."""
        if at >= self.end:
            return
        self._seq += 1
        self.pending.append(
            EventIn(
                type=kind,
                occurred_at=at,
                stage=stage or (company.stage_at(at) if company else "awareness"),
                touchpoint=touchpoint,
                channel=channel,
                source="demo",
                contact_id=person.row.id if person else None,
                account_id=company.row.id if company else None,
                visitor_id=visitor,
                subject_type=subject[0] if subject else None,
                subject_id=str(subject[1]) if subject else None,
                properties=properties,
                idempotency_key=f"demo:{self.seed}:{self._seq:07d}:{kind}",
            )
        )
        if len(self.pending) >= EVENT_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.recorded += self.service.record_many(self.pending).accepted
            self.pending = []


@dataclass(eq=False)
class ResolvedTicket:
    """A resolved ticket, handed from the ticket step to the CSAT survey that follows it."""

    ticket: Ticket
    company: Company
    person: Person
    lang: str
    first_response_hours: float
    variant: str


@dataclass(eq=False)
class World:
    """Everything the generation steps share."""

    session: Session
    vocabulary: Vocabulary
    rng: random.Random
    clock: Clock
    recorder: Recorder
    writer: Writer
    seed: int
    scale: float
    companies: list[Company] = field(default_factory=list)
    visitors: list[tuple[str, datetime]] = field(default_factory=list)  # anonymous, first visit
    resolved: list[ResolvedTicket] = field(default_factory=list)  # awaiting a CSAT survey
    messages: int = 0

    def count(self, n: float) -> int:
        return max(1, round(n * self.scale))

    def flags(self, n: int, share: float) -> list[bool]:
        """Exactly round(n * share) True values in random order: planted rates hold at any
        scale instead of drifting with the dice."""
        k = round(n * share)
        flags = [True] * k + [False] * (n - k)
        self.rng.shuffle(flags)
        return flags

    def weighted(self, options: Mapping[str, float]) -> str:
        return self.rng.choices(list(options), weights=list(options.values()))[0]

    def speaker(self, company: Company, at: datetime) -> Person:
        """Who writes in: admins most, then the buyer, then any user already on board."""
        people = [p for p in company.people if p.active_from is None or p.active_from <= at]
        weights = [{"admin": 3.0, "buyer": 2.0}.get(p.role, 1.0) for p in people]
        return self.rng.choices(people, weights=weights)[0] if people else company.buyer

    def language(self, person: Person | None) -> str:
        """Most people who speak another language write in it; the rest write in English."""
        if person is None:
            return self.rng.choice(["de", "fr", "es", "nl"]) if self.rng.random() < 0.08 else "en"
        return person.lang if person.lang != "en" and self.rng.random() < 0.75 else "en"

    def fields(self, company: Company, person: Person | None, lang: str, **extra: object) -> Fields:
        row = company.row
        given: dict[str, object] = {
            "company": row.name,
            "domain": row.domain,
            "slug": (row.domain or "app").split(".")[0],
            "plan": company.plan,
            "seats": company.seats,
            "employees": row.employees,
            "industry": (row.industry or "").lower(),
            "rpm": {"Starter": "120", "Growth": "600"}.get(company.plan, "3,000"),
            "renewal": f"{company.renewal_at:%d %B %Y}" if company.renewal_at else "next month",
        }
        if person is not None:
            given |= {
                "first_name": person.first_name,
                "first_name_lower": person.first_name.lower(),
                "name": person.row.name,
                "title": person.row.job_title,
            }
        return self.writer.fields(lang, **(given | extra))
