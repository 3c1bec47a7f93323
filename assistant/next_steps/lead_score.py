"""Lead scores, as HubSpot keeps them: a fit score from who the contact is (segment, company
size, industry, country, job title) and an engagement score from what they did (points per
event type, halved every `half_life_days`), both as of a date. A contact whose score reaches
the MQL threshold is a marketing-qualified lead: `qualify` records its `lead_qualified` event
once, which the `sales_handover` step then offers.

A learned score (a logistic regression on the same facts, trained on the leads of earlier
cut-offs whose outcome is known: did their account sign within 90 days?) takes over from the
points once the history holds enough leads of both kinds. `evaluate` (`journey eval leads`)
measures both beside a recency-only baseline.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.insights.periods import moment
from assistant.next_steps.catalogue import FitRule, LeadScoring
from journey.models import Account, Contact, JourneyEvent
from journey.schemas import EventIn
from journey.service import JourneyService
from journey.vocabulary import Vocabulary
from journey.webhooks import emit

LOOKBACK_DAYS = 365  # older events count for nothing after so many half-lives anyway
OUTCOME_DAYS = 90  # a lead converts when its account signs within this many days
# The learned score trains on the leads of these cut-offs before the day it scores (each
# outcome known by then): a month apart, so one lead counts at several points of its way.
TRAINING_BACK_DAYS = (90, 120, 150, 180)


@dataclass
class ScoredLead:
    """A contact's lead score as of a date: fit, decayed engagement and what made them."""

    contact_id: int
    fit: float
    engagement: float
    reasons: list[str] = field(default_factory=list)
    adjusted: float = 0.0  # points the automated journeys' rules added or took
    likelihood: float | None = None  # to sign within 90 days, when a learned score is in use

    @property
    def total(self) -> float:
        return round(self.fit + self.engagement + self.adjusted, 1)


def _fits(rule: FitRule, contact: Contact, account: Account | None) -> bool:
    if rule.field == "job_title":
        title = (contact.job_title or "").lower()
        return any(word.lower() in title for word in rule.contains)
    value = getattr(account, rule.field, None) if account else None
    if rule.field == "employees":
        return value is not None and rule.at_least is not None and value >= rule.at_least
    return value in rule.values


def scores(
    session: Session, scoring: LeadScoring, contacts: Iterable[Contact], as_of: date
) -> dict[int, ScoredLead]:
    """Fit and decayed engagement of each contact, from its events up to the as-of date."""
    people = list(contacts)
    found: dict[int, ScoredLead] = {}
    parts: dict[int, list[tuple[float, str]]] = {}
    for contact in people:
        fitting = [r for r in scoring.fit if _fits(r, contact, contact.account)]
        found[contact.id] = ScoredLead(contact.id, sum(r.points for r in fitting), 0.0)
        parts[contact.id] = [
            (r.points, f"{r.field.replace('_', ' ')} {_said(r, contact)} +{r.points:g}")
            for r in fitting
        ]
    points = _engagement(session, scoring, people, as_of)
    for contact_id, by_type in points.items():
        found[contact_id].engagement = round(sum(by_type.values()), 1)
        parts[contact_id] += [
            (value, f"{kind.replace('_', ' ')} +{value:.0f}")
            for kind, value in by_type.items() if value >= 0.5
        ]  # fmt: skip
    for contact_id, made in parts.items():  # what weighed most first: a reason shows three
        found[contact_id].reasons = [text for _, text in sorted(made, key=lambda p: -p[0])]
    for contact_id, points_ in _adjustments(session, people, as_of).items():
        found[contact_id].adjusted = points_
        found[contact_id].reasons.append(f"adjusted by rules {points_:+g}")
    return found


def _adjustments(session: Session, people: list[Contact], as_of: date) -> dict[int, float]:
    """Points rules added to (or took from) each contact's score up to the as-of date."""
    end = moment(as_of + timedelta(days=1))
    found: dict[int, float] = defaultdict(float)
    for ids in _chunks([c.id for c in people]):
        rows = session.execute(
            select(JourneyEvent.contact_id, JourneyEvent.properties).where(
                JourneyEvent.contact_id.in_(ids), JourneyEvent.type == "lead_score_adjusted",
                JourneyEvent.occurred_at < end,
                JourneyEvent.occurred_at >= end - timedelta(days=LOOKBACK_DAYS),
            )
        )  # fmt: skip
        for contact_id, properties in rows:
            points_ = (properties or {}).get("points")
            if contact_id is not None and isinstance(points_, int | float):
                found[contact_id] += points_
    return found


def qualify(
    session: Session, vocabulary: Vocabulary, scoring: LeadScoring, as_of: date,
    contacts: Iterable[Contact] | None = None,
) -> list[ScoredLead]:  # fmt: skip
    """Record `lead_qualified` for each prospect not qualified before whose score reached the
    bar as of the date: the learned likelihood when there is history enough to learn from,
    else the points' MQL threshold. Once per contact, however often it is run."""
    people = list(contacts) if contacts is not None else _prospects(session, as_of)
    people = [c for c in people if c.id not in _qualified_before(session, people, as_of)]
    scored = scores(session, scoring, people, as_of)
    learned = LearnedScore.train(session, scoring, as_of)
    if learned is not None:
        for contact_id, likely in learned.likelihood(session, people, as_of).items():
            scored[contact_id].likelihood = likely
            scored[contact_id].reasons.insert(0, learned.said(likely))
        crossed = [s for s in scored.values()
                   if (s.likelihood or 0) >= scoring.learned.qualify_at]  # fmt: skip
    else:
        crossed = [s for s in scored.values() if s.total >= scoring.mql_threshold]
    journey = JourneyService(session, vocabulary)
    at = moment(as_of) + timedelta(hours=12)
    for score in crossed:
        event, new = journey.record(EventIn(
            type="lead_qualified", occurred_at=at, contact_id=score.contact_id,
            source="lead_scoring", idempotency_key=f"mql:{score.contact_id}",
            properties={"score": score.total, "likelihood": score.likelihood,
                        "why": "; ".join(score.reasons)},
        ))  # fmt: skip
        if new:  # told once, in the same transaction as the event
            emit(session, "lead.qualified", {"contact_id": score.contact_id,
                 "event_id": event.id, "score": score.total, "reasons": score.reasons})  # fmt: skip
    return crossed


def _qualified_before(session: Session, people: list[Contact], as_of: date) -> set[int]:
    """Contacts with a `lead_qualified` event up to the date, from us or from a CRM."""
    end = moment(as_of + timedelta(days=1))
    found: set[int] = set()
    for ids in _chunks([c.id for c in people]):
        found.update(session.scalars(select(JourneyEvent.contact_id).where(
            JourneyEvent.contact_id.in_(ids), JourneyEvent.type == "lead_qualified",
            JourneyEvent.occurred_at < end)))  # fmt: skip
    return found


class LearnedScore:
    """A logistic regression on the leads of earlier cut-offs (`TRAINING_BACK_DAYS`), labelled
    by whether their account signed within 90 days; `train` gives none while the history has
    fewer than `min_each` leads that signed or that did not."""

    def __init__(self, scoring: LeadScoring, model: Any, leads: int) -> None:
        self.scoring, self.model, self.leads = scoring, model, leads

    @classmethod
    def train(cls, session: Session, scoring: LeadScoring, as_of: date) -> LearnedScore | None:
        cohorts = []
        for back in TRAINING_BACK_DAYS:
            cutoff = as_of - timedelta(days=back)
            people, outcome = _labelled(session, cutoff)
            cohorts.append((_facts(session, scoring, people, cutoff), outcome))
        labels = [label for _, outcome in cohorts for label in outcome]
        if min(sum(labels), len(labels) - sum(labels)) < scoring.learned.min_each:
            return None
        rows = [row for cohort, _ in cohorts for row in cohort]
        return cls(scoring, _fitted(rows, labels), len(labels))

    def likelihood(self, session: Session, people: list[Contact], as_of: date) -> dict[int, float]:
        if not people:
            return {}
        chances = self.model.predict_proba(_facts(session, self.scoring, people, as_of))[:, 1]
        return {c.id: round(float(p), 3) for c, p in zip(people, chances, strict=True)}

    def said(self, likely: float) -> str:
        return f"{likely:.0%} likely to sign within 90 days (learned from {self.leads} leads)"


def _fitted(rows: list[list[float]], labels: list[int]) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # Scaled first, so the regularisation weighs every fact alike whatever its unit.
    model = make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=1000, class_weight="balanced")
    )
    return model.fit(rows, labels)


def _prospects(session: Session, as_of: date) -> list[Contact]:
    """Contacts whose account had not signed by the as-of date, or who have no account."""
    end = moment(as_of + timedelta(days=1))
    signed = select(JourneyEvent.account_id).where(
        JourneyEvent.type == "contract_signed", JourneyEvent.occurred_at < end,
        JourneyEvent.account_id.is_not(None),
    )  # fmt: skip
    # (not by the contact's creation: an import brings contacts with their history)
    return list(session.scalars(
        select(Contact).where(Contact.account_id.is_(None) | Contact.account_id.not_in(signed))
    ))  # fmt: skip


def _said(rule: FitRule, contact: Contact) -> str:
    if rule.field == "job_title":
        return repr(contact.job_title)
    return str(getattr(contact.account, rule.field, "")).replace("_", "-")


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# -- measured: points, learned and recency against contracts signed after a cut-off ----------


@dataclass
class Measured:
    name: str
    auc: float
    precision_top_decile: float


def evaluate(session: Session, scoring: LeadScoring, cutoff: date) -> dict[str, Any]:
    """Score the prospects as of `cutoff` three ways, label them by a contract signed within
    90 days after it, and report AUC and precision in the top decile. The learned score is
    trained as the product trains it, on earlier cut-offs whose outcome is known by then."""
    from sklearn.metrics import roc_auc_score

    test_people, test_labels = _labelled(session, cutoff)
    learned = LearnedScore.train(session, scoring, cutoff)
    if len(set(test_labels)) < 2 or learned is None:
        raise ValueError(
            "the cut-off needs leads that converted and leads that did not, and the history "
            f"before it at least {scoring.learned.min_each} of each"
        )
    points = scores(session, scoring, test_people, cutoff)
    recency = _recency(session, test_people, cutoff)
    likely = learned.likelihood(session, test_people, cutoff)
    ranked = {
        "points": [points[c.id].total for c in test_people],
        "learned": [likely[c.id] for c in test_people],
        "recency (baseline)": [recency[c.id] for c in test_people],
    }
    measured = [
        Measured(name, float(roc_auc_score(test_labels, values)), _top_decile(test_labels, values))
        for name, values in ranked.items()
    ]
    return {
        "cutoff": cutoff.isoformat(), "leads": len(test_people),
        "converted": int(sum(test_labels)), "trained_on": learned.leads,
        "scores": [m.__dict__ for m in measured],
    }  # fmt: skip


def _labelled(session: Session, cutoff: date) -> tuple[list[Contact], list[int]]:
    """Prospects at the cut-off that did something in the 90 days before it, and whether their
    account signed in the 90 days after."""
    end = moment(cutoff + timedelta(days=1))
    active = select(JourneyEvent.contact_id).where(
        JourneyEvent.occurred_at < end, JourneyEvent.occurred_at >= end - timedelta(days=90)
    )
    people = [c for c in _prospects(session, cutoff) if c.account_id]
    ids = set(session.scalars(active.where(JourneyEvent.contact_id.in_([c.id for c in people]))))
    people = [c for c in people if c.id in ids]
    signed = set(session.scalars(select(JourneyEvent.account_id).where(
        JourneyEvent.type == "contract_signed", JourneyEvent.occurred_at >= end,
        JourneyEvent.occurred_at < end + timedelta(days=OUTCOME_DAYS))))  # fmt: skip
    return people, [int(c.account_id in signed) for c in people]


def _recency(session: Session, people: list[Contact], cutoff: date) -> dict[int, float]:
    """Minus the days since the contact's last event: the more recent, the higher."""
    end = moment(cutoff + timedelta(days=1))
    last: dict[int, datetime] = {}
    for ids in _chunks([c.id for c in people]):
        latest = (
            select(JourneyEvent.contact_id, func.max(JourneyEvent.occurred_at))
            .where(JourneyEvent.contact_id.in_(ids), JourneyEvent.occurred_at < end)
            .group_by(JourneyEvent.contact_id)
        )
        last.update((who, _aware(when)) for who, when in session.execute(latest) if who)
    return {c.id: -((end - last[c.id]).days if c.id in last else 9999) for c in people}


def _facts(
    session: Session, scoring: LeadScoring, people: list[Contact], cutoff: date
) -> list[list[float]]:
    """Per contact: each fit rule met (0/1), each engagement type's decayed points, the log of
    the company's size, of the days since the contact's last event and of its account's
    activity (below), how far along the journey it had gone, the points score."""
    points = scores(session, scoring, people, cutoff)
    recency = _recency(session, people, cutoff)
    engaged = _engagement(session, scoring, people, cutoff)
    stages = _stages(session, people, cutoff)
    committees = _committees(session, people, cutoff)
    rows = []
    for c in people:
        fit = [float(_fits(r, c, c.account)) for r in scoring.fit]
        size = math.log1p(c.account.employees or 0) if c.account else 0.0
        by_type = [math.log1p(engaged[c.id].get(kind, 0.0)) for kind in scoring.engagement]
        since = math.log1p(-recency[c.id])
        account = committees.get(c.account_id or 0, (0.0, since))
        rows.append([*fit, *by_type, size, since, *account, stages[c.id],
                     points[c.id].total / 100])  # fmt: skip
    return rows


def _committees(
    session: Session, people: list[Contact], cutoff: date
) -> dict[int, tuple[float, float]]:
    """Per account: the log of how many of its people were active in the 30 days before the
    cut-off, and of the days since any of them was: a B2B purchase is a committee's, and a
    quiet contact's colleague may be the one negotiating."""
    end = moment(cutoff + timedelta(days=1))
    accounts = sorted({c.account_id for c in people if c.account_id})
    found: dict[int, tuple[float, float]] = {}
    recent = end - timedelta(days=30)
    for ids in _chunks(accounts):
        rows = session.execute(
            select(JourneyEvent.account_id,
                   func.count(JourneyEvent.contact_id.distinct()).filter(
                       JourneyEvent.occurred_at >= recent),
                   func.max(JourneyEvent.occurred_at))
            .where(JourneyEvent.account_id.in_(ids), JourneyEvent.occurred_at < end,
                   JourneyEvent.occurred_at >= end - timedelta(days=LOOKBACK_DAYS))
            .group_by(JourneyEvent.account_id)
        )  # fmt: skip
        for account, active, last in rows:
            if account:
                found[account] = (math.log1p(active), math.log1p((end - _aware(last)).days))
    return found


STAGE_ORDER = ("awareness", "consideration", "decision")


def _stages(session: Session, people: list[Contact], cutoff: date) -> dict[int, float]:
    """How far the contact's events had gone by the cut-off: the latest of the first stages
    (0 for none), as a number."""
    end = moment(cutoff + timedelta(days=1))
    reached: dict[int, float] = dict.fromkeys((c.id for c in people), 0.0)
    for ids in _chunks([c.id for c in people]):
        rows = session.execute(
            select(JourneyEvent.contact_id, JourneyEvent.stage).distinct().where(
                JourneyEvent.contact_id.in_(ids), JourneyEvent.occurred_at < end,
                JourneyEvent.stage.in_(STAGE_ORDER))
        )  # fmt: skip
        for who, stage in rows:
            if who is not None:
                reached[who] = max(reached[who], STAGE_ORDER.index(stage) + 1.0)
    return reached


def _engagement(
    session: Session, scoring: LeadScoring, people: list[Contact], as_of: date
) -> dict[int, dict[str, float]]:
    """Each contact's points per event type, each event's halved every half-life."""
    end = moment(as_of + timedelta(days=1))
    found: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for ids in _chunks([c.id for c in people]):
        rows = session.execute(
            select(JourneyEvent.contact_id, JourneyEvent.type, JourneyEvent.occurred_at).where(
                JourneyEvent.contact_id.in_(ids),
                JourneyEvent.type.in_(list(scoring.engagement)),
                JourneyEvent.occurred_at < end,
                JourneyEvent.occurred_at >= end - timedelta(days=LOOKBACK_DAYS),
            )
        )
        for contact_id, kind, when in rows:
            if contact_id is None:
                continue
            age = (end - _aware(when)).total_seconds() / 86400
            found[contact_id][kind] += scoring.engagement[kind] * 0.5 ** (
                age / scoring.half_life_days
            )
    return found


def _top_decile(labels: list[int], values: list[float]) -> float:
    ranked = sorted(zip(values, labels, strict=True), key=lambda vl: -vl[0])
    top = ranked[: max(1, len(ranked) // 10)]
    return sum(label for _, label in top) / len(top)
