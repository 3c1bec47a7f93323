"""Lead scores, as HubSpot keeps them: a fit score from who the contact is (segment, company
size, industry, country, job title) and an engagement score from what they did (points per
event type, halved every `half_life_days`), both as of a date. A contact whose score reaches
the MQL threshold is a marketing-qualified lead: `qualify` records its `lead_qualified` event
once, which the `sales_handover` step then offers.

A learned score (logistic regression on the same facts, trained on an earlier cut-off) is
measured beside the points model and a recency-only baseline by `evaluate` (`journey eval
leads`): label = the contact's account signs a contract within 90 days after the cut-off.
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


@dataclass
class ScoredLead:
    """A contact's lead score as of a date: fit, decayed engagement and what made them."""

    contact_id: int
    fit: float
    engagement: float
    reasons: list[str] = field(default_factory=list)
    adjusted: float = 0.0  # points the automated journeys' rules added or took

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
    for contact in people:
        fitting = [r for r in scoring.fit if _fits(r, contact, contact.account)]
        found[contact.id] = ScoredLead(
            contact.id, sum(r.points for r in fitting), 0.0,
            [f"{r.field.replace('_', ' ')} {_said(r, contact)} +{r.points:g}" for r in fitting],
        )  # fmt: skip
    points = _engagement(session, scoring, people, as_of)
    for contact_id, by_type in points.items():
        score = found[contact_id]
        score.engagement = round(sum(by_type.values()), 1)
        top = sorted(by_type.items(), key=lambda kv: -kv[1])[:3]
        score.reasons += [
            f"{kind.replace('_', ' ')} +{value:.0f}" for kind, value in top if value >= 0.5
        ]
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
    """Record `lead_qualified` for each prospect whose score reached the threshold as of the
    date; once per contact, however often it is run (the event's key is the contact's)."""
    people = list(contacts) if contacts is not None else _prospects(session, as_of)
    crossed = [s for s in scores(session, scoring, people, as_of).values()
               if s.total >= scoring.mql_threshold]  # fmt: skip
    journey = JourneyService(session, vocabulary)
    at = moment(as_of) + timedelta(hours=12)
    for score in crossed:
        event, new = journey.record(EventIn(
            type="lead_qualified", occurred_at=at, contact_id=score.contact_id,
            source="lead_scoring", idempotency_key=f"mql:{score.contact_id}",
            properties={"score": score.total, "why": "; ".join(score.reasons)},
        ))  # fmt: skip
        if new:  # told once, in the same transaction as the event
            emit(session, "lead.qualified", {"contact_id": score.contact_id,
                 "event_id": event.id, "score": score.total, "reasons": score.reasons})  # fmt: skip
    return crossed


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
    return str(getattr(contact.account, rule.field, ""))


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
    90 days after it, and report AUC and precision in the top decile. The learned model is
    trained on the prospects of a cut-off 90 days earlier, whose outcome is known by then."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    train_cutoff = cutoff - timedelta(days=OUTCOME_DAYS)
    test_people, test_labels = _labelled(session, cutoff)
    train_people, train_labels = _labelled(session, train_cutoff)
    if len(set(test_labels)) < 2 or len(set(train_labels)) < 2:
        raise ValueError("both periods need leads that converted and leads that did not")
    points = scores(session, scoring, test_people, cutoff)
    recency = _recency(session, test_people, cutoff)
    model = LogisticRegression(max_iter=1000, class_weight="balanced")
    model.fit(_features(session, scoring, train_people, train_cutoff), train_labels)
    learned = model.predict_proba(_features(session, scoring, test_people, cutoff))[:, 1]
    ranked = {
        "points": [points[c.id].total for c in test_people],
        "learned": list(learned),
        "recency (baseline)": [recency[c.id] for c in test_people],
    }
    measured = [
        Measured(name, float(roc_auc_score(test_labels, values)), _top_decile(test_labels, values))
        for name, values in ranked.items()
    ]
    return {
        "cutoff": cutoff.isoformat(), "train_cutoff": train_cutoff.isoformat(),
        "leads": len(test_people), "converted": int(sum(test_labels)),
        "train_leads": len(train_people), "train_converted": int(sum(train_labels)),
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


def _features(
    session: Session, scoring: LeadScoring, people: list[Contact], cutoff: date
) -> list[list[float]]:
    """Per contact: each fit rule met (0/1), each engagement type's decayed points, the log of
    the company's size, the log of the days since its last event, and how far along the
    journey its latest event was."""
    points = scores(session, scoring, people, cutoff)
    recency = _recency(session, people, cutoff)
    engaged = _engagement(session, scoring, people, cutoff)
    stages = _stages(session, people, cutoff)
    rows = []
    for c in people:
        fit = [float(_fits(r, c, c.account)) for r in scoring.fit]
        size = math.log1p(c.account.employees or 0) if c.account else 0.0
        by_type = [math.log1p(engaged[c.id].get(kind, 0.0)) for kind in scoring.engagement]
        since = math.log1p(-recency[c.id])
        rows.append([*fit, *by_type, size, since, stages[c.id], points[c.id].total / 100])
    return rows


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
