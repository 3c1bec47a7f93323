"""Next best steps for a contact, as of a date: the catalogue's actions the contact is eligible
for, ranked, each with the signals that made it eligible; and what became of a suggestion
(shown, accepted, dismissed, converted), recorded as a journey event that the ranking learns
from.

Ranking, as Pega's decisioning does it: score = propensity × value × context weight.
- Propensity: the share of the action's suggestions accepted, in the contact's stage and
  segment, from recorded outcomes up to the as-of date, with a prior (`PRIOR_RATE` over
  `PRIOR_WEIGHT` suggestions) so a new action is still tried and one outcome does not decide.
- Value: the action's business value from the catalogue.
- Context weight: the account's ARR against the median of the active accounts' ARR (square
  root, 0.5 to 2): a bigger account's step comes first among equals.
"""

from __future__ import annotations

import math
import statistics
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.insights.periods import moment
from assistant.next_steps.catalogue import Action, Catalogue
from assistant.next_steps.signals import ContactFacts
from journey.db import UnitsOfWork, transaction, utcnow
from journey.errors import InvalidInput, NotFound
from journey.models import Account, Contact, Conversation, JourneyEvent
from journey.schemas import EventIn
from journey.service import JourneyService
from journey.vocabulary import Vocabulary
from journey.webhooks import emit

Outcome = Literal["shown", "accepted", "dismissed", "converted"]
OUTCOMES: tuple[Outcome, ...] = ("shown", "accepted", "dismissed", "converted")
PRIOR_RATE = 0.3  # a new action is expected to be taken up this often
PRIOR_WEIGHT = 5.0  # as many suggestions as the prior counts for
SEGMENT_LABELS = {"smb": "SMB", "mid_market": "mid-market", "enterprise": "enterprise"}


class Step(BaseModel):
    action: str
    title: str
    reason: str
    score: float
    channel: str


class NextSteps(BaseModel):
    contact_id: int
    as_of: date
    steps: list[Step]


class NextStepsService:
    def __init__(self, session: Session, vocabulary: Vocabulary, catalogue: Catalogue) -> None:
        self.session = session
        self.vocabulary = vocabulary
        self.catalogue = catalogue

    def contact(self, ref: str | int) -> Contact:
        """A contact by id or e-mail address."""
        text = str(ref).strip()
        if text.isdigit():
            found = self.session.get(Contact, int(text))
        else:
            found = self.session.scalar(select(Contact).where(Contact.email == text.lower()))
        if found is None:
            raise NotFound(f"no contact {text!r}")
        return found

    def for_contact(self, contact: Contact, as_of: date | None = None) -> NextSteps:
        """The steps the contact is eligible for as of the date, best first."""
        day = as_of or utcnow().date()
        scoring = self.catalogue.lead_scoring
        facts = ContactFacts(self.session, self.vocabulary, contact, day, scoring)
        segment = facts.account.segment if facts.account else None
        steps = []
        for action in self.catalogue.actions:
            evidence = self._eligible(action, facts, segment)
            if evidence is None or self._cooling(contact, action, day):
                continue
            if segment:
                evidence.append(SEGMENT_LABELS.get(segment, segment))
            score = self.propensity(action, facts.stage, segment, day) * action.value
            score *= self._weight(facts.account)
            steps.append(Step(action=action.key, title=action.title, reason="; ".join(evidence),
                              score=round(score, 3), channel=action.channel))  # fmt: skip
        steps.sort(key=lambda s: -s.score)
        return NextSteps(contact_id=contact.id, as_of=day, steps=steps)

    def record(
        self, contact: Contact, action: str, outcome: str, at: datetime | None = None,
        key: str | None = None, by: str | None = None,
    ) -> int:  # fmt: skip
        """What became of a suggestion, as a journey event of the contact's (with the staff
        member who acted on it, `by`); its id."""
        if self.catalogue.get(action) is None:
            raise InvalidInput(f"action: unknown action {action!r}")
        if outcome not in OUTCOMES:
            raise InvalidInput(f"outcome: one of {', '.join(OUTCOMES)}, not {outcome!r}")
        when = at or utcnow()
        facts = ContactFacts(self.session, self.vocabulary, contact, when.date())
        segment = facts.account.segment if facts.account else None
        event, new = JourneyService(self.session, self.vocabulary).record(
            EventIn(type=f"next_step_{outcome}", occurred_at=when, contact_id=contact.id,
                    stage=facts.stage, source="next_steps", idempotency_key=key,
                    properties={"action": action, "stage": facts.stage, "segment": segment,
                                **({"by": by} if by else {})})
        )  # fmt: skip
        if new and outcome != "shown":  # a retried outcome is not told twice
            emit(self.session, f"next_step.{outcome}",
                 {"contact_id": contact.id, "action": action, "event_id": event.id})  # fmt: skip
        return event.id

    def propensity(
        self, action: Action, stage: str | None, segment: str | None, as_of: date
    ) -> float:
        """Accepted over shown for the action in this stage and segment, with the prior."""
        counts = dict.fromkeys(OUTCOMES, 0)
        props = JourneyEvent.properties
        rows = self.session.execute(
            select(JourneyEvent.type, func.count())
            .where(JourneyEvent.type.in_([f"next_step_{o}" for o in OUTCOMES]),
                   JourneyEvent.occurred_at < moment(as_of + timedelta(days=1)),
                   props["action"].as_string() == action.key,
                   *([props["stage"].as_string() == stage] if stage else []),
                   *([props["segment"].as_string() == segment] if segment else []))
            .group_by(JourneyEvent.type)
        )  # fmt: skip
        for kind, n in rows:
            counts[kind.removeprefix("next_step_")] = n  # type: ignore[index]
        taken = counts["accepted"]
        offered = max(counts["shown"], taken + counts["dismissed"])
        return (taken + PRIOR_RATE * PRIOR_WEIGHT) / (offered + PRIOR_WEIGHT)

    def _eligible(
        self, action: Action, facts: ContactFacts, segment: str | None
    ) -> list[str] | None:
        """The evidence that makes the contact eligible, or None."""
        if action.stages and facts.stage not in action.stages:
            return None
        if action.segments and segment not in action.segments:
            return None
        evidence = [facts.evidence(c) for c in action.when]
        if any(e is None for e in evidence):
            return None
        either = [e for c in action.when_any if (e := facts.evidence(c))]
        if action.when_any and not either:
            return None
        return [e for e in [*either, *evidence] if e]

    def _cooling(self, contact: Contact, action: Action, as_of: date) -> bool:
        """Acted on (accepted, dismissed, converted) within its cool-down: not offered again."""
        end = moment(as_of + timedelta(days=1))
        acted = self.session.scalar(
            select(func.count()).where(
                JourneyEvent.contact_id == contact.id,
                JourneyEvent.type.in_(["next_step_accepted", "next_step_dismissed",
                                       "next_step_converted"]),
                JourneyEvent.properties["action"].as_string() == action.key,
                JourneyEvent.occurred_at < end,
                JourneyEvent.occurred_at >= end - timedelta(days=action.cooldown_days),
            )
        )  # fmt: skip
        return bool(acted)

    @cached_property
    def _median_arr(self) -> float | None:
        arr = select(Account.arr).where(Account.status == "active", Account.arr > 0)
        values = [v for v in self.session.scalars(arr) if v]
        return statistics.median(values) if values else None

    def _weight(self, account: Account | None) -> float:
        if account is None or not account.arr or not self._median_arr:
            return 1.0
        return min(2.0, max(0.5, math.sqrt(account.arr / self._median_arr)))


class Suggestion(BaseModel):
    """A next step the visitor may take from the chat, shown as a button."""

    action: str
    label: str


def chat_suggestions(
    units: UnitsOfWork, vocabulary: Vocabulary, catalogue: Catalogue, conversation_id: str,
    limit: int = 2,
) -> list[Suggestion]:  # fmt: skip
    """For a conversation with a known contact, the best steps of the `chat` channel; each is
    recorded as shown once per conversation (the acceptance rates count from it)."""
    with transaction(units.read) as session:
        conversation = session.get(Conversation, conversation_id)
        contact = (
            session.get(Contact, conversation.contact_id)
            if conversation and conversation.contact_id
            else None
        )
        if contact is None:
            return []
        service = NextStepsService(session, vocabulary, catalogue)
        steps = [s for s in service.for_contact(contact).steps if s.channel == "chat"][:limit]
        contact_id = contact.id
        keys = {s.action: f"shown:{conversation_id}:{s.action}" for s in steps}
        # Shown already in this conversation: no write, so no write lock, on every message.
        recorded = set(session.scalars(
            select(JourneyEvent.idempotency_key)
            .where(JourneyEvent.idempotency_key.in_(list(keys.values())))
        ))  # fmt: skip
    unseen = [action for action, key in keys.items() if key not in recorded]
    if unseen:
        with transaction(units.write) as session:
            service = NextStepsService(session, vocabulary, catalogue)
            contact = service.contact(contact_id)
            for action in unseen:
                service.record(contact, action, "shown", key=keys[action])
    labels = {a.key: a.label or a.title for a in catalogue.actions}
    return [Suggestion(action=s.action, label=labels[s.action]) for s in steps]


def accept_chat_suggestion(
    units: UnitsOfWork, vocabulary: Vocabulary, catalogue: Catalogue, conversation_id: str,
    action: str,
) -> int:  # fmt: skip
    """The visitor took a suggested step (pressed its button): `accepted`, once per
    conversation."""
    chosen = catalogue.get(action)
    if chosen is None or chosen.channel != "chat":
        raise InvalidInput(f"action: not a step offered in the chat: {action!r}")
    with transaction(units.write) as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            raise NotFound("no such conversation")
        if conversation.contact_id is None:
            raise InvalidInput("the visitor is not known: no step was suggested")
        service = NextStepsService(session, vocabulary, catalogue)
        contact = service.contact(conversation.contact_id)
        return service.record(
            contact, action, "accepted", key=f"accepted:{conversation_id}:{action}"
        )
