"""Moments of truth: the analysed items where a customer decides to stay, buy, leave or
recommend, raised as flags for the agents' review queue.

Each rule gives a reason code and a strength in [0, 1]. Severity (0-100) combines the strongest
signal (up to 60 points), the account's value (up to 20: ARR percentile, enterprise plan) and
the stage (up to 20: onboarding before first value, a renewal within 90 days, a deal in
decision). Flags are keyed by their evidence (the item, or the conversation for chat
messages), so re-running the detection never raises the same moment twice.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from feedback.conversation_risk import RISK_THRESHOLD, score_conversations
from feedback.queue import FlagQueue
from feedback.sentiment import HeadSentiment
from journey.models import Account, Message, Review, SurveyResponse, TextAnalysis, Ticket

NEGATIVE_SCORE = -0.5  # an item at or below this is strongly negative
POSITIVE_SCORE = 0.7  # ...at or above this, strongly positive
DROP = 0.8  # a fall in score this large from the customer's previous signal
REPEAT_DAYS = 14
REPEAT_COUNT = 3  # this many items on one theme within REPEAT_DAYS
RENEWAL_WINDOW = timedelta(days=90)
CRITICAL_STAGES = {"onboarding": 20, "decision": 15, "retention": 10}
FIRST_RESPONSE_SLA = timedelta(hours=24)
CHASING = re.compile(
    r"\b(still waiting|(?:any|an) update|no (?:answer|response|reply)|(?:nobody|no one) "
    r"(?:has )?(?:answered|replied|responded|got back)|haven'?t heard|chasing|following up|"
    r"(?:second|third) (?:time|email|reminder))\b",
    re.IGNORECASE,
)
# A detractor NPS answer or a CSAT of 1-2 is a negative moment however polite the comment.
DETRACTOR_NPS, LOW_CSAT = 6, 2

# Cancelling or terminating counts when it names the subscription (or nothing at all: "we want
# to cancel."), not "cancel a scheduled export" or "the sync terminated with an error".
_ENDED = (
    r"(?:(?:\s+[\w'’]+){0,3}\s+(?:subscriptions?|contracts?|agreement|account|plan|licen[cs]es?|"
    r"seats|service|membership|(?:auto-?)?renewal)\b|\s*(?:[.!?,;:]|$)|\s+(?:if|when|now|today|"
    r"immediately|unless|before|at)\b)"
)
_PRODUCT = r"(?:vendor|provider|supplier|tool|platform|solution|product|system|software|crm)s?"
CHURN = re.compile(
    rf"\b((?:cancel\w*|terminat\w+)(?={_ENDED})|"
    r"(?:not|won['’]?t|don['’]?t) (?:going to |be |want to |plan(?:ning)? to )?renew\w*|churn\w*|"
    r"(?:switch\w*|mov\w+) (?:over )?to "
    rf"(?:an?(?:other)? competitor|(?:a different|another|other) {_PRODUCT})|"
    r"(?:look\w+ (?:at|for)|evaluat\w+) (?:alternatives|other (?:vendors|tools|options))|"
    r"end (?:our|the) (?:contract|subscription)|close (?:our|my) account)\b",
    re.IGNORECASE,
)
ESCALATION = re.compile(
    # "escalate this", not "the chat was escalated to a ticket" (our own handoff note).
    r"\b(escalate (?:this|it|the (?:issue|matter|ticket))|(?:speak|talk) to (?:a|your) "
    r"(?:manager|supervisor)|formal complaint|legal (?:action|steps|proceedings)|lawyers?|"
    r"unacceptable|ridiculous|worst|(?:want|demand|expect)\w* (?:a |my |our )?(?:full )?refund|"
    # Asking to be compensated, not "disability compensation" (a benefit someone asks about).
    r"(?:want|demand|expect|ask\w* for|claim)\w* (?:some |a |an |any |our |my )?compensation|"
    r"compensate (?:us|me)|(?:your|the) ceo)\b",
    re.IGNORECASE,
)

NEXT_STEP = {
    "churn_intent": "Call the account owner today: they talk of leaving. Offer a save plan.",
    "escalation_intent": "Escalate to a team lead and answer personally within the hour.",
    "detractor": "Close the loop: thank them, ask what one thing would change their score.",
    "renewal_at_risk": "Involve the account manager before the renewal date.",
    "onboarding_at_risk": "Book a setup call: they are stuck before first value.",
    "high_value_at_risk": "Alert the account manager: a high-value account is unhappy.",
    "repeated_contact": "Own the problem end to end: they have contacted us about it repeatedly.",
    "slow_response": "Answer now and apologise for the wait; check the queue's response times.",
    "dissatisfied_turn": "Take over the chat: the bot is failing this visitor.",
    "sentiment_drop": "Check what changed: this customer was happy until now.",
    "negative_sentiment": "Reply personally, acknowledge the problem and give a date.",
    "advocacy_opportunity": "Ask for a review, a reference or a case study.",
}
# Order of NEXT_STEP is the order of urgency: the first reason present names the next step.
WEIGHT = {"churn_intent": 1.0, "escalation_intent": 0.9, "detractor": 0.8,
          "repeated_contact": 0.8, "slow_response": 0.7, "dissatisfied_turn": 0.7,
          "sentiment_drop": 0.7, "negative_sentiment": 0.7,
          "advocacy_opportunity": 0.5}  # fmt: skip


@dataclass
class Signal:
    analysis: TextAnalysis
    text: str
    conversation_id: str | None = None
    reasons: dict[str, float] = field(default_factory=dict)  # reason -> strength
    evidence: list[dict[str, object]] = field(default_factory=list)


class AccountValue:
    """Where an account's ARR sits among all accounts (0-1), plus its plan and renewal."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(select(Account.id, Account.arr, Account.plan, Account.renewal_date))
        self.accounts = {r.id: r for r in rows}
        self.arrs = sorted(r.arr for r in self.accounts.values() if r.arr)

    def points(self, account_id: int | None) -> int:
        account = self.accounts.get(account_id) if account_id else None
        if account is None or not self.arrs:
            return 0
        percentile = bisect.bisect_right(self.arrs, account.arr or 0) / len(self.arrs)
        return round(15 * percentile) + (5 if (account.plan or "").lower() == "enterprise" else 0)

    def renews_soon(self, account_id: int | None, at: datetime) -> bool:
        account = self.accounts.get(account_id) if account_id else None
        if account is None or account.renewal_date is None:
            return False
        days = (account.renewal_date - at.date()).days
        return 0 <= days <= RENEWAL_WINDOW.days


@dataclass
class Moment:
    """Signals that share one piece of evidence (a chat, an item), with what they stake."""

    key: str
    signals: list[Signal]
    value_points: int


def detect(session: Session, signals: Sequence[Signal], model: HeadSentiment) -> int:
    """Apply every rule to freshly analysed items; returns how many flags were raised."""
    return raise_moments(session, assess(session, signals, model))


def assess(session: Session, signals: Sequence[Signal], model: HeadSentiment) -> list[Moment]:
    """Every rule, applied: only reads, so a writer can run it before taking the write lock."""
    if not signals:
        return []
    values = AccountValue(session)
    for signal in signals:
        _text_rules(signal)
    _survey_and_rating_rules(session, signals)
    _ticket_rules(session, signals)
    _history_rules(session, signals)
    _conversation_rules(session, signals, model)
    by_key: dict[str, list[Signal]] = defaultdict(list)
    for signal in signals:
        _stakes_rules(signal, values)
        if signal.reasons:
            by_key[evidence_key(signal)].append(signal)
    return [
        Moment(key, group, values.points(group[0].analysis.account_id))
        for key, group in by_key.items()
    ]


def raise_moments(session: Session, moments: Sequence[Moment]) -> int:
    queue = FlagQueue(session)
    for moment in moments:
        reasons: dict[str, float] = {}
        for signal in moment.signals:
            for reason, strength in signal.reasons.items():
                reasons[reason] = max(strength, reasons.get(reason, 0.0))
        first = moment.signals[0].analysis
        ordered = [r for r in NEXT_STEP if r in reasons]
        queue.raise_flag(
            moment.key,
            ordered,
            severity(reasons, moment.value_points, first.stage, ordered),
            [e for signal in moment.signals for e in _evidence(signal)],
            suggested_step=NEXT_STEP[ordered[0]],
            contact_id=first.contact_id,
            account_id=first.account_id,
            conversation_id=moment.signals[0].conversation_id,
            stage=first.stage,
            touchpoint=first.touchpoint,
            happened_at=max(
                (s.analysis.occurred_at for s in moment.signals if s.analysis.occurred_at),
                default=None,
            ),
        )
    return len(moments)


def severity(
    reasons: dict[str, float], value_points: int, stage: str | None, ordered: list[str]
) -> int:
    signal = max(WEIGHT.get(r, 0.6) * s for r, s in reasons.items())
    stage_points = CRITICAL_STAGES.get(stage or "", 0)
    if "renewal_at_risk" in reasons:
        stage_points = max(stage_points, 20)
    if ordered == ["advocacy_opportunity"]:  # an opportunity, not a fire: stays below the fires
        return min(60, round(60 * signal + value_points))
    return min(100, round(60 * signal + value_points + stage_points))


def evidence_key(signal: Signal) -> str:
    """A chat is one piece of evidence however many turns it has; any other item is one."""
    if signal.conversation_id:
        return f"conversation:{signal.conversation_id}"
    return f"{signal.analysis.item_type}:{signal.analysis.item_id}"


def _stakes_rules(signal: Signal, values: AccountValue) -> None:
    """A negative moment matters more for a valuable account, in onboarding, near renewal."""
    a = signal.analysis
    if not any(r != "advocacy_opportunity" for r in signal.reasons):
        return
    if values.points(a.account_id) >= 12:
        signal.reasons["high_value_at_risk"] = 0.6
    if a.stage == "onboarding":
        signal.reasons["onboarding_at_risk"] = 0.6
    if a.occurred_at and values.renews_soon(a.account_id, a.occurred_at):
        signal.reasons["renewal_at_risk"] = 0.7


def _text_rules(signal: Signal) -> None:
    a = signal.analysis
    if a.score <= NEGATIVE_SCORE:
        signal.reasons["negative_sentiment"] = min(1.0, -a.score)
    if CHURN.search(signal.text) and a.score < 0.2:  # "we switched to you from..." is praise
        signal.reasons["churn_intent"] = 1.0
    if ESCALATION.search(signal.text) and a.score < 0:
        signal.reasons["escalation_intent"] = 0.9
    if a.score >= POSITIVE_SCORE and a.item_type != "message":
        signal.reasons.setdefault("advocacy_opportunity", a.score)


def _ticket_rules(session: Session, signals: Sequence[Signal]) -> None:
    """A customer left waiting: no first response within the SLA, or chasing one."""
    ids = [int(s.analysis.item_id) for s in signals if s.analysis.item_type == "ticket"]
    if not ids:
        return
    tickets = {
        str(t.id): t
        for t in session.scalars(
            select(Ticket).where(Ticket.id.in_(ids)).options(selectinload(Ticket.comments))
        )
    }
    for signal in signals:
        ticket = (
            tickets.get(signal.analysis.item_id) if signal.analysis.item_type == "ticket" else None
        )
        if ticket is None:
            continue
        answered = ticket.first_response_at
        waited = (answered - ticket.created_at) if answered else None
        chased = any(
            c.author_role == "customer" and CHASING.search(c.body) for c in ticket.comments
        )
        if chased or (waited is not None and waited > FIRST_RESPONSE_SLA):
            hours = waited.total_seconds() / 3600 if waited else None
            signal.reasons["slow_response"] = 0.8 if chased else 0.6
            signal.evidence.append({"first_response_hours": round(hours, 1) if hours else None,
                                    "chased": chased, "channel": ticket.channel})  # fmt: skip


def _survey_and_rating_rules(session: Session, signals: Sequence[Signal]) -> None:
    """Scores speak louder than words: NPS and CSAT answers, review stars."""
    ids = {kind: [int(s.analysis.item_id) for s in signals if s.analysis.item_type == kind]
           for kind in ("survey_response", "review")}  # fmt: skip
    surveys = {
        str(r.id): r
        for r in session.scalars(
            select(SurveyResponse).where(SurveyResponse.id.in_(ids["survey_response"]))
        )
    }
    stars = select(Review.id, Review.rating).where(Review.id.in_(ids["review"]))
    ratings = {review_id: rating for review_id, rating in session.execute(stars)}
    for signal in signals:
        a = signal.analysis
        if a.item_type == "survey_response" and a.item_id in surveys:
            row = surveys[a.item_id]
            low = DETRACTOR_NPS if row.kind == "nps" else LOW_CSAT
            top = 9 if row.kind == "nps" else 5
            if row.score <= low:
                signal.reasons["detractor"] = 1.0 - row.score / (low + 1) * 0.5
            elif row.score >= top and a.score > 0.3:
                signal.reasons["advocacy_opportunity"] = max(a.score, 0.8)
            else:  # a passive's kind words are no advocacy
                signal.reasons.pop("advocacy_opportunity", None)
            signal.evidence.append({"survey": row.kind, "score": row.score})
        if a.item_type == "review":
            rating = ratings.get(int(a.item_id))
            if rating is not None and rating <= 2:
                signal.reasons["detractor"] = 0.9 if rating == 1 else 0.7
            if rating is not None and rating < 4:
                signal.reasons.pop("advocacy_opportunity", None)
            signal.evidence.append({"rating": rating})


def _history_rules(session: Session, signals: Sequence[Signal]) -> None:
    """Repeated contact on one theme, and a sharp fall from the customer's previous signal."""
    contacts = {s.analysis.contact_id for s in signals if s.analysis.contact_id}
    if not contacts:
        return
    history: dict[int, list[TextAnalysis]] = defaultdict(list)
    rows = session.scalars(
        select(TextAnalysis)
        .where(TextAnalysis.contact_id.in_(contacts), TextAnalysis.occurred_at.is_not(None))
        .order_by(TextAnalysis.occurred_at)
    )
    for row in rows:
        history[row.contact_id or 0].append(row)
    for signal in signals:
        a = signal.analysis
        if not a.contact_id or a.occurred_at is None:
            continue
        earlier = [
            h for h in history[a.contact_id] if h.occurred_at and h.occurred_at < a.occurred_at
        ]
        if a.theme_id is not None:
            window = a.occurred_at - timedelta(days=REPEAT_DAYS)
            same = [h for h in earlier if h.theme_id == a.theme_id and h.occurred_at >= window]  # type: ignore[operator]
            if len(same) + 1 >= REPEAT_COUNT and a.score < 0.3:
                signal.reasons["repeated_contact"] = min(1.0, 0.5 + 0.1 * len(same))
                signal.evidence += [{"item_type": h.item_type, "item_id": h.item_id} for h in same]
        if earlier and earlier[-1].score >= 0.4 and earlier[-1].score - a.score >= DROP:
            signal.reasons["sentiment_drop"] = min(1.0, (earlier[-1].score - a.score) / 1.5)


def _conversation_rules(session: Session, signals: Sequence[Signal], model: HeadSentiment) -> None:
    """A visitor's turn where the bot is failing them (see feedback.conversation_risk)."""
    chats = {s.conversation_id for s in signals if s.conversation_id}
    if not chats:
        return
    turns: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    rows = session.execute(
        select(Message.conversation_id, Message.role, Message.text, Message.id)
        .where(Message.conversation_id.in_(chats))
        .order_by(Message.created_at, Message.id)
    )
    for conversation_id, role, text, message_id in rows:
        turns[conversation_id].append((role, text, message_id))
    ordered = list(turns.values())
    scores = score_conversations(
        [[(role, text) for role, text, _ in chat] for chat in ordered], model, model.embedder
    )
    risk = {
        str(message_id): score
        for chat, chat_scores in zip(ordered, scores, strict=True)
        for (_, _, message_id), score in zip(chat, chat_scores, strict=True)
        if score is not None
    }
    for signal in signals:
        score = risk.get(signal.analysis.item_id) if signal.conversation_id else None
        if score is not None and score >= RISK_THRESHOLD:
            signal.reasons["dissatisfied_turn"] = score


def _evidence(signal: Signal) -> list[dict[str, object]]:
    a = signal.analysis
    quote = signal.text if len(signal.text) <= 280 else signal.text[:277] + "..."
    main = {"item_type": a.item_type, "item_id": a.item_id, "quote": quote,
            "sentiment": a.score, "label": a.label, "emotions": a.emotions,
            "at": a.occurred_at.isoformat() if a.occurred_at else None}  # fmt: skip
    return [main, *signal.evidence]
