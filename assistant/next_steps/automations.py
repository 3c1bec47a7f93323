"""Automated journeys: rules that start on a trigger (an event of a type, or a schedule: days
of inactivity, days before a renewal) and, after an optional wait, take actions (record a
next step, put a task in the agents' review queue, send an e-mail over SMTP, tell a webhook,
adjust the lead score). An event trigger may name events that call the rule off when they
come during the wait: "30 days after the contract is signed, unless first value was reached".

Each run is idempotent per rule, contact and triggering fact: it is recorded as a journey event
(`automation_ran`) whose key says all three, so a second pass does nothing. A dry run lists who
would be affected without doing anything. The server runs the rules every few minutes; `journey
automations run` runs them once.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback.queue import FlagQueue
from journey.db import utcnow
from journey.models import Account, Contact, JourneyEvent, NextStepSuggestion
from journey.schemas import EventIn
from journey.service import JourneyService
from journey.settings import SmtpSettings
from journey.vocabulary import Vocabulary
from journey.webhooks import emit

log = logging.getLogger(__name__)

LOOKBACK = timedelta(days=7)  # a trigger older than its wait plus this is let go, not run late


class Trigger(BaseModel):
    """One of: an event of a type (with equal properties and numeric bounds), so many days
    without any event, so many days before the account's renewal."""

    model_config = ConfigDict(extra="forbid")

    event: str | None = None
    where: dict[str, str] = Field(default_factory=dict)  # properties equal to these
    at_most: dict[str, float] = Field(default_factory=dict)  # numeric properties at most
    unless: list[str] = Field(default_factory=list)  # events that, after it, call the rule off
    inactive_days: int | None = Field(default=None, gt=0)
    days_before_renewal: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one(self) -> Trigger:
        given = [self.event, self.inactive_days, self.days_before_renewal]
        if sum(g is not None for g in given) != 1:
            raise ValueError("give one of event, inactive_days or days_before_renewal")
        if self.unless and self.event is None:
            raise ValueError("unless: only with an event trigger")
        return self


class Email(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str
    body: str  # {name}, {company} and {email} are filled in
    marketing: bool = True  # only to contacts who agreed to marketing


class Step(BaseModel):
    """An action: exactly one of these."""

    model_config = ConfigDict(extra="forbid")

    step: str | None = None  # record this next step for the agents
    task: str | None = Field(default=None, min_length=1, max_length=500)  # a queue item
    email: str | None = None  # send this e-mail template
    webhook: bool = False  # tell webhook subscribers (`automation.ran`)
    lead_score: float | None = None  # add (or take) these points to the lead score
    severity: int = Field(default=50, ge=0, le=100)  # a task's place in the queue

    @model_validator(mode="after")
    def _one(self) -> Step:
        given = [self.step is not None, self.task is not None, self.email is not None,
                 self.webhook, self.lead_score is not None]  # fmt: skip
        if sum(given) != 1:
            raise ValueError("give one of step, task, email, webhook: true or lead_score")
        return self

    def said(self) -> str:
        if self.step is not None:
            return f"step {self.step}"
        if self.task is not None:
            return f"task {self.task!r}"
        if self.email is not None:
            return f"e-mail {self.email}"
        return "webhook" if self.webhook else f"lead score {self.lead_score:+g}"


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    title: str = Field(min_length=1, max_length=200)
    trigger: Trigger
    wait_days: int = Field(default=0, ge=0)
    actions: list[Step] = Field(min_length=1)
    enabled: bool = True  # a paused rule reaches no one


class Automations(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[Rule] = Field(default_factory=list)
    emails: dict[str, Email] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _emails_exist(self) -> Automations:
        for rule in self.rules:
            for step in rule.actions:
                if step.email is not None and step.email not in self.emails:
                    raise ValueError(f"rule {rule.key!r}: no e-mail template {step.email!r}")
        return self

    def get(self, key: str) -> Rule | None:
        return next((r for r in self.rules if r.key == key), None)


@dataclass
class Due:
    """A rule due for a contact, and the fact that triggered it."""

    rule: Rule
    contact: Contact
    fact: str  # what triggered it, as a key: "event 812", "inactive since event 77"
    why: str


def due(
    session: Session, automations: Automations, now: datetime, only: str | None = None
) -> list[Due]:
    """Every rule's contacts whose trigger (plus the rule's wait) has come, and not yet run."""
    found: list[Due] = []
    for rule in automations.rules:
        if rule.enabled and (only is None or rule.key == only):
            found += [d for d in _triggered(session, rule, now) if not _ran(session, d)]
    return found


@dataclass
class Ran:
    done: list[Due]
    failed: list[tuple[Due, str]]  # an e-mail server that would not take it: retried next pass


def run(
    session: Session, vocabulary: Vocabulary, automations: Automations, smtp: SmtpSettings,
    now: datetime | None = None,
) -> Ran:  # fmt: skip
    """Run what is due: each action, then the run's journey event (the key that makes a second
    pass a no-op). Each run in a savepoint of its own: one whose e-mail the server refuses is
    undone, left for the next pass, and does not hold up the others."""
    moment = now or utcnow()
    ran = Ran([], [])
    for item in due(session, automations, moment):
        try:
            with session.begin_nested():
                _act(session, vocabulary, automations, smtp, item, moment)
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("automation %s for contact %s: %s", item.rule.key, item.contact.id, exc)
            ran.failed.append((item, f"e-mail not sent ({exc.__class__.__name__}: {exc})"))
        else:
            ran.done.append(item)
    return ran


def _act(
    session: Session, vocabulary: Vocabulary, automations: Automations, smtp: SmtpSettings,
    item: Due, moment: datetime,
) -> None:  # fmt: skip
    journey, notes = JourneyService(session, vocabulary), []
    for step in item.rule.actions:
        if step.step is not None:
            suggested = NextStepSuggestion(
                contact_id=item.contact.id, account_id=item.contact.account_id,
                action=step.step, reason=f"{item.rule.title}: {item.why}",
            )  # fmt: skip
            session.add(suggested)
            session.flush()
            emit(session, "next_step.suggested", {"contact_id": item.contact.id,
                 "action": step.step, "suggestion_id": suggested.id,
                 "reason": suggested.reason})  # fmt: skip
        elif step.task is not None:
            # A task is worked where agents work: the review queue, claimed and resolved.
            FlagQueue(session).raise_flag(
                _key(item), ["automation_task"], step.severity,
                [{"type": "automation", "rule": item.rule.key, "text": item.why}],
                suggested_step=step.task, contact_id=item.contact.id,
                account_id=item.contact.account_id, stage=item.contact.stage,
                happened_at=moment,
            )  # fmt: skip
        elif step.email is not None:
            unsent = _send(smtp, automations.emails[step.email], item.contact)
            if unsent:
                notes.append(f"e-mail {step.email} not sent: {unsent}")
        elif step.lead_score is not None:
            journey.record(EventIn(
                type="lead_score_adjusted", occurred_at=moment, contact_id=item.contact.id,
                source="automations", idempotency_key=_key(item) + ":score",
                properties={"points": step.lead_score, "rule": item.rule.key},
            ))  # fmt: skip
        else:
            emit(session, "automation.ran", {"rule": item.rule.key,
                 "contact_id": item.contact.id, "why": item.why})  # fmt: skip
    journey.record(EventIn(
        type="automation_ran", occurred_at=moment, contact_id=item.contact.id,
        source="automations", idempotency_key=_key(item),
        properties={"rule": item.rule.key, "fact": item.fact, "why": item.why, "notes": notes},
    ))  # fmt: skip


def _key(item: Due) -> str:
    return f"auto:{item.rule.key}:{item.contact.id}:{item.fact}"


def _ran(session: Session, item: Due) -> bool:
    found = session.scalar(
        select(JourneyEvent.id).where(JourneyEvent.idempotency_key == _key(item))
    )
    return found is not None


def _triggered(session: Session, rule: Rule, now: datetime) -> list[Due]:
    trigger, until = rule.trigger, now - timedelta(days=rule.wait_days)
    if trigger.event is not None:
        rows = session.scalars(
            select(JourneyEvent).where(
                JourneyEvent.type == trigger.event,
                JourneyEvent.occurred_at <= until, JourneyEvent.occurred_at > until - LOOKBACK,
            )
        )  # fmt: skip
        found = []
        for event in rows:
            if not _matches(trigger, event.properties or {}) or _called_off(
                session, trigger, event, now
            ):
                continue
            why = f"{trigger.event.replace('_', ' ')} on {event.occurred_at:%d %b %Y}"
            if trigger.unless:
                why += f", no {' or '.join(t.replace('_', ' ') for t in trigger.unless)} since"
            for contact in _people(session, event.contact_id, event.account_id):
                found.append(Due(rule, contact, f"event {event.id}", why))
        return found
    if trigger.inactive_days is not None:
        last = (
            select(JourneyEvent.contact_id, func.max(JourneyEvent.occurred_at).label("at"),
                   func.max(JourneyEvent.id).label("id"))
            .where(JourneyEvent.contact_id.is_not(None), JourneyEvent.occurred_at <= now,
                   JourneyEvent.type != "automation_ran")
            .group_by(JourneyEvent.contact_id)
            .subquery()
        )  # fmt: skip
        quiet_since = until - timedelta(days=trigger.inactive_days)
        quiet = session.execute(
            select(Contact, last.c.at, last.c.id).join(last, last.c.contact_id == Contact.id)
            .where(last.c.at <= quiet_since, last.c.at > quiet_since - LOOKBACK)
        ).all()  # fmt: skip
        return [
            Due(rule, contact, f"quiet after event {event_id}", f"no activity since {at:%d %b %Y}")
            for contact, at, event_id in quiet
        ]
    assert trigger.days_before_renewal is not None
    renewing = until.date() + timedelta(days=trigger.days_before_renewal)
    accounts = session.scalars(
        select(Account).where(Account.renewal_date <= renewing,
                              Account.renewal_date > renewing - LOOKBACK)
    )  # fmt: skip
    return [
        Due(rule, contact, f"renewal {account.renewal_date}",
            f"renews on {account.renewal_date:%d %b %Y}")
        for account in accounts for contact in account.contacts
    ]  # fmt: skip


def _matches(trigger: Trigger, properties: dict[str, Any]) -> bool:
    if any(str(properties.get(k)) != v for k, v in trigger.where.items()):
        return False
    for name, bound in trigger.at_most.items():
        value = properties.get(name)
        if not isinstance(value, int | float) or value > bound:
            return False
    return True


def _called_off(session: Session, trigger: Trigger, event: JourneyEvent, now: datetime) -> bool:
    """An `unless` event of the same contact (or account) between the trigger and now."""
    if not trigger.unless:
        return False
    # An account's milestone (first value) counts for all its people.
    whose = (
        JourneyEvent.account_id == event.account_id
        if event.account_id is not None
        else JourneyEvent.contact_id == event.contact_id
    )
    found = session.scalar(
        select(JourneyEvent.id).where(
            whose, JourneyEvent.type.in_(trigger.unless),
            JourneyEvent.occurred_at >= event.occurred_at, JourneyEvent.occurred_at <= now,
        ).limit(1)
    )  # fmt: skip
    return found is not None


def _people(session: Session, contact_id: int | None, account_id: int | None) -> list[Contact]:
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        return [contact] if contact else []
    account = session.get(Account, account_id) if account_id else None
    return list(account.contacts) if account else []


def _send(smtp: SmtpSettings, template: Email, contact: Contact) -> str | None:
    """Send the e-mail, or say why it was not: no address, no consent to marketing, no
    server configured (then it is noted, not retried: a welcome weeks late is no welcome)."""
    if not contact.email:
        return "no e-mail address"
    if template.marketing and not contact.consent_marketing:
        return "no consent to marketing"
    if smtp.host is None:
        return "no e-mail server ([smtp] host in journey.toml)"
    fields = {"name": contact.name or contact.email, "email": contact.email,
              "company": contact.account.name if contact.account else ""}  # fmt: skip
    message = EmailMessage()
    message["From"], message["To"] = smtp.sender, contact.email
    message["Subject"] = template.subject.format(**fields)
    message.set_content(template.body.format(**fields))
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.username and smtp.password:
            server.login(smtp.username, smtp.password.get_secret_value())
        server.send_message(message)
    return None
