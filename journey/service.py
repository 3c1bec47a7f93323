"""Journey use cases: record events, identify visitors, derive stages, read timelines.

Services flush and never commit: the caller (request scope, CLI command) owns the transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from journey.db import Base, utcnow
from journey.errors import InvalidInput, NotFound
from journey.models import Account, AuditLog, Contact, JourneyEvent, VisitorId
from journey.repository import ContactRepository, EventRepository, chunked
from journey.schemas import ContactOut, EventIn, EventOut, RecordResult, Timeline
from journey.vocabulary import Vocabulary


def event_key(event: EventIn) -> str:
    """A deterministic key for an event that brings none, so a replayed file is a no-op."""
    who = event.contact_id or event.contact_email or event.visitor_id or event.account_id
    identity = [
        event.source,
        event.type,
        event.occurred_at.isoformat(),
        str(who),
        event.subject_type,
        event.subject_id,
        json.dumps(event.properties, sort_keys=True, default=str),
    ]
    return "h:" + hashlib.sha256("\x1f".join(map(str, identity)).encode()).hexdigest()


class JourneyService:
    def __init__(self, session: Session, vocabulary: Vocabulary) -> None:
        self.session = session
        self.vocabulary = vocabulary
        self.events = EventRepository(session)
        self.contacts = ContactRepository(session)

    # -- validation ---------------------------------------------------------------------------

    def check_event(self, event: EventIn) -> None:
        """Raise InvalidInput naming the field when the event does not fit the vocabulary."""
        vocab = self.vocabulary
        if event.type not in vocab.event_type:
            raise InvalidInput(f"type: unknown event type {event.type!r}")
        if event.stage is not None and event.stage not in vocab.stage_order:
            raise InvalidInput(f"stage: unknown stage {event.stage!r}")
        if event.touchpoint is not None and event.touchpoint not in vocab.channel_of:
            raise InvalidInput(f"touchpoint: unknown touchpoint {event.touchpoint!r}")
        if event.channel is not None and event.channel not in {c.key for c in vocab.channels}:
            raise InvalidInput(f"channel: unknown channel {event.channel!r}")
        if not (event.contact_id or event.contact_email or event.visitor_id or event.account_id):
            raise InvalidInput(
                "an event needs a contact_id, contact_email, visitor_id or account_id"
            )

    # -- recording ----------------------------------------------------------------------------

    def record(self, event: EventIn) -> tuple[JourneyEvent, bool]:
        """Record one event; returns it and whether it was new (False: a replay)."""
        result = self.record_many([event])
        key = event.idempotency_key or event_key(event)
        stored = self.session.scalars(
            select(JourneyEvent).where(JourneyEvent.idempotency_key == key)
        ).one()
        return stored, bool(result.accepted)

    def record_many(self, events: Sequence[EventIn]) -> RecordResult:
        """Record a batch idempotently: events whose key is already stored are counted, not added.

        Unknown contact emails create contacts (as a CRM import would). The whole batch is
        validated before anything is written, so a bad event leaves the store untouched.
        """
        for index, event in enumerate(events):
            try:
                self.check_event(event)
            except InvalidInput as exc:
                raise InvalidInput(f"event {index}: {exc.detail}") from exc
        self._check_accounts_exist(events)

        contact_ids = self._resolve_contacts(events)
        keyed: dict[str, EventIn] = {}
        for event in events:
            keyed.setdefault(event.idempotency_key or event_key(event), event)
        existing = self.events.existing_keys(list(keyed))
        new = {key: ev for key, ev in keyed.items() if key not in existing}

        owners = self.contacts.accounts_and_stages(
            sorted({cid for ev in new.values() if (cid := contact_ids.get(id(ev)))})
        )
        rows = [self._row(key, ev, contact_ids.get(id(ev)), owners) for key, ev in new.items()]
        ids = self.events.insert_new(rows)
        self.refresh_stages(
            contact_ids={r["contact_id"] for r in rows if r["contact_id"]},
            account_ids={r["account_id"] for r in rows if r["account_id"]},
        )
        self.session.flush()
        return RecordResult(accepted=len(ids), duplicates=len(events) - len(ids), ids=ids)

    def _check_accounts_exist(self, events: Sequence[EventIn]) -> None:
        """An unknown account id is the caller's mistake, not a foreign-key failure at insert;
        the batch's ids are looked up together."""
        wanted = sorted({e.account_id for e in events if e.account_id})
        known: set[int] = set()
        for part in chunked(wanted):
            known.update(self.session.scalars(select(Account.id).where(Account.id.in_(part))))
        for index, event in enumerate(events):
            if event.account_id and event.account_id not in known:
                raise InvalidInput(f"event {index}: account_id: unknown account {event.account_id}")

    def _resolve_contacts(self, events: Sequence[EventIn]) -> dict[int, int]:
        """Contact id per event (keyed by id(event)), creating contacts for unknown emails."""
        emails = sorted({e.contact_email for e in events if e.contact_email and not e.contact_id})
        by_email = self.contacts.ids_by_email(emails)
        for email in emails:
            if email not in by_email:
                contact = Contact(email=email)
                self.session.add(contact)
                self.session.flush()
                by_email[email] = contact.id
        resolved: dict[int, int] = {}
        for event in events:
            if event.contact_id:
                resolved[id(event)] = event.contact_id
            elif event.contact_email:
                resolved[id(event)] = by_email[event.contact_email]
        if resolved:
            known = self.contacts.accounts_and_stages(sorted(set(resolved.values())))
            missing = sorted(set(resolved.values()) - set(known))
            if missing:
                raise InvalidInput(f"contact_id: unknown contact {missing[0]}")
        return resolved

    def _row(
        self,
        key: str,
        event: EventIn,
        contact_id: int | None,
        owners: dict[int, tuple[int | None, str | None]],
    ) -> dict[str, Any]:
        vocab = self.vocabulary
        event_type = vocab.event_type[event.type]
        account_id, contact_stage = (
            owners.get(contact_id, (None, None))
            if contact_id
            else (
                None,
                None,
            )
        )
        touchpoint = event.touchpoint or event_type.touchpoint
        return {
            "idempotency_key": key,
            "occurred_at": event.occurred_at,
            "recorded_at": utcnow(),
            "type": event.type,
            # The event's own stage, else its type's, else where the contact stands now.
            "stage": event.stage or event_type.stage or contact_stage or vocab.stages[0].key,
            "touchpoint": touchpoint,
            "channel": event.channel or (vocab.channel_of.get(touchpoint) if touchpoint else None),
            "source": event.source,
            "contact_id": contact_id,
            "account_id": event.account_id or account_id,
            "visitor_id": event.visitor_id,
            "subject_type": event.subject_type,
            "subject_id": event.subject_id,
            "sentiment": None,
            "properties": event.properties,
        }

    # -- stages -------------------------------------------------------------------------------

    def refresh_stages(
        self, contact_ids: set[int] | None = None, account_ids: set[int] | None = None
    ) -> None:
        """Recompute the cached stage of these contacts and accounts from their events."""
        moving = [e.key for e in self.vocabulary.event_types if e.stage_rule != "none"]
        for model, column, ids in (
            (Contact, JourneyEvent.contact_id, contact_ids),
            (Account, JourneyEvent.account_id, account_ids),
        ):
            if not ids:
                continue
            stages: dict[int, str | None] = dict.fromkeys(ids)
            for owner_id, event_type in self.events.stage_moving_events(
                column, sorted(ids), moving
            ):
                stages[owner_id] = self.vocabulary.fold_stage(stages[owner_id], event_type)
            # One executemany "UPDATE ... WHERE id = ?" (ORM bulk update by primary key).
            self.session.execute(
                update(model), [{"id": owner, "stage": stage} for owner, stage in stages.items()]
            )

    def current_stage(self, contact_id: int) -> str | None:
        self.refresh_stages(contact_ids={contact_id})
        contact = self._contact(contact_id)
        self.session.refresh(contact)
        return contact.stage

    # -- identity -----------------------------------------------------------------------------

    def identify(
        self,
        visitor_id: str,
        email: str,
        name: str | None = None,
        job_title: str | None = None,
        consent: dict[str, bool | None] | None = None,
    ) -> Contact:
        """Bind an anonymous visitor to a contact (found or created by email), moving the
        visitor's anonymous history (events, conversations) onto the contact. Consent
        (`consent_analytics`, `consent_marketing`) is recorded as given, and only then; a new
        contact has given none."""
        contact = self.contacts.by_email(email)
        if contact is None:
            contact = Contact(email=email.lower(), name=name, job_title=job_title,
                              consent_analytics=False, consent_marketing=False)  # fmt: skip
            self.session.add(contact)
            self.session.flush()
        else:
            contact.name = contact.name or name
            contact.job_title = contact.job_title or job_title
        given = {k: v for k, v in (consent or {}).items() if v is not None}
        if given:
            for kind, value in given.items():
                setattr(contact, kind, value)
            contact.consent_updated_at = utcnow()
            self.audit("system", "contact.consent", "contact", contact.id, **given)
        visitor = self.contacts.visitor(visitor_id)
        if visitor is None:
            visitor = VisitorId(visitor_id=visitor_id)
            self.session.add(visitor)
        visitor.contact_id = contact.id
        visitor.identified_at = utcnow()
        moved = self.events.attach_visitor_events(visitor_id, contact.id, contact.account_id)
        self._attach_visitor_rows(visitor_id, contact)
        self.refresh_stages(
            contact_ids={contact.id},
            account_ids={contact.account_id} if contact.account_id else None,
        )
        self.audit(
            "system",
            "contact.identified",
            "contact",
            contact.id,
            visitor_id=visitor_id,
            events_moved=moved,
        )
        self.session.flush()
        self.session.refresh(contact)
        return contact

    def _attach_visitor_rows(self, visitor_id: str, contact: Contact) -> None:
        # Any table with both a visitor id and a contact id (conversations, later others).
        for table in Base.metadata.sorted_tables:
            if table.name == JourneyEvent.__tablename__:
                continue
            if "visitor_id" in table.c and "contact_id" in table.c:
                self.session.execute(
                    table.update()
                    .where(table.c.visitor_id == visitor_id, table.c.contact_id.is_(None))
                    .values(contact_id=contact.id)
                )

    def merge_contacts(self, source_id: int, target_id: int) -> Contact:
        """Fold one contact into another: every row that points at the source moves over."""
        if source_id == target_id:
            raise InvalidInput("cannot merge a contact into itself")
        source, target = self._contact(source_id), self._contact(target_id)
        for table in Base.metadata.sorted_tables:
            if table.name != Contact.__tablename__ and "contact_id" in table.c:
                self.session.execute(
                    table.update()
                    .where(table.c.contact_id == source_id)
                    .values(contact_id=target_id)
                )
        for field in ("name", "job_title", "phone", "language", "account_id", "external_id"):
            if getattr(target, field) is None:
                setattr(target, field, getattr(source, field))
        source_email = source.email
        self.session.delete(source)
        self.session.flush()
        self.refresh_stages(
            contact_ids={target_id}, account_ids={target.account_id} if target.account_id else None
        )
        self.audit(
            "system",
            "contact.merged",
            "contact",
            target_id,
            source_id=source_id,
            source_email=source_email,
        )
        self.session.flush()
        self.session.refresh(target)
        return target

    # -- reading ------------------------------------------------------------------------------

    def timeline(
        self, contact_id: int, limit: int = 100, before: datetime | None = None
    ) -> Timeline:
        contact = self._contact(contact_id)
        events = self.events.for_contact(contact_id, limit, before)
        return Timeline(
            contact=ContactOut.model_validate(contact),
            stage=contact.stage,
            events=[EventOut.model_validate(e) for e in events],
            next_before=events[-1].occurred_at if len(events) == limit else None,
        )

    def _contact(self, contact_id: int) -> Contact:
        contact = self.contacts.get(contact_id)
        if contact is None:
            raise NotFound(f"contact {contact_id} not found")
        return contact

    def audit(
        self, actor: str, action: str, target_type: str, target_id: Any, **details: Any
    ) -> None:
        audit(self.session, actor, action, target_type, target_id, **details)


def audit(
    session: Session, actor: str, action: str, target_type: str, target_id: Any, **details: Any
) -> None:
    """Who did what to which: one audit log entry, in the caller's transaction."""
    session.add(AuditLog(actor=actor, action=action, target_type=target_type,
                         target_id=str(target_id), details=details))  # fmt: skip
