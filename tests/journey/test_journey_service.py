from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from journey.errors import InvalidInput
from journey.models import AuditLog, Contact, JourneyEvent
from journey.schemas import EventIn
from journey.service import JourneyService

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def ev(kind: str, days: float = 0, **kw: object) -> EventIn:
    return EventIn(type=kind, occurred_at=T0 + timedelta(days=days), **kw)  # type: ignore[arg-type]


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(JourneyEvent)) or 0


def test_batch_is_idempotent(journey: JourneyService, session: Session) -> None:
    batch = [ev("page_view", i, contact_email="ana@acme.io", properties={"n": i}) for i in range(5)]
    first = journey.record_many(batch)
    second = journey.record_many(batch)
    assert (first.accepted, first.duplicates) == (5, 0)
    assert (second.accepted, second.duplicates) == (0, 5)
    assert count_events(session) == 5


def test_explicit_key_dedupes_within_a_batch(journey: JourneyService, session: Session) -> None:
    same = [ev("login", i, contact_email="bo@acme.io", idempotency_key="k1") for i in range(3)]
    result = journey.record_many(same)
    assert (result.accepted, result.duplicates) == (1, 2)
    assert count_events(session) == 1


def test_bad_event_writes_nothing(journey: JourneyService, session: Session) -> None:
    good = ev("login", contact_email="cy@acme.io")
    bad = ev("teleported", contact_email="cy@acme.io")
    with pytest.raises(InvalidInput, match=r"event 1: type: unknown event type 'teleported'"):
        journey.record_many([good, bad])
    assert count_events(session) == 0


def test_event_fields_filled_from_vocabulary(journey: JourneyService) -> None:
    stored, new = journey.record(ev("demo_booked", contact_email="di@acme.io"))
    assert new
    assert (stored.stage, stored.touchpoint, stored.channel) == ("decision", "sales_call", "voice")


def test_stage_advances_and_never_slides_back(journey: JourneyService) -> None:
    journey.record_many(
        [
            ev("content_downloaded", 0, contact_email="ed@acme.io"),
            ev("contract_signed", 10, contact_email="ed@acme.io"),
            # A late webinar does not send a signed customer back to consideration.
            ev("webinar_attended", 20, contact_email="ed@acme.io"),
        ]
    )
    contact = journey.contacts.by_email("ed@acme.io")
    assert contact is not None
    assert journey.current_stage(contact.id) == "onboarding"


def test_stage_follows_event_time_not_arrival_order(journey: JourneyService) -> None:
    journey.record(ev("renewal_due", 100, contact_email="fa@acme.io"))
    journey.record(ev("contract_signed", 1, contact_email="fa@acme.io"))
    journey.record(ev("contract_cancelled", 120, contact_email="fa@acme.io"))
    contact = journey.contacts.by_email("fa@acme.io")
    assert contact is not None and contact.stage == "retention"
    journey.record(ev("demo_booked", 130, contact_email="fa@acme.io"))
    # "set" rules put the contact exactly there; a later demo starts a new buying cycle.
    assert journey.current_stage(contact.id) == "retention"


def test_unmoving_event_takes_contact_stage(journey: JourneyService) -> None:
    journey.record(ev("contract_signed", 0, contact_email="gu@acme.io"))
    stored, _ = journey.record(ev("page_view", 1, contact_email="gu@acme.io"))
    assert stored.stage == "onboarding"


def test_identify_merges_anonymous_history(journey: JourneyService, session: Session) -> None:
    journey.record_many(
        [ev("page_view", 0, visitor_id="v-1"), ev("trial_started", 1, visitor_id="v-1")]
    )
    contact = journey.identify("v-1", "Hal@Acme.io", name="Hal")
    assert contact.email == "hal@acme.io"
    assert contact.stage == "consideration"
    timeline = journey.timeline(contact.id)
    assert [e.type for e in timeline.events] == ["trial_started", "page_view"]
    # Other tests commit audit entries of their own: this contact's are the ones to read.
    audited = select(AuditLog.action).where(
        AuditLog.target_type == "contact", AuditLog.target_id == str(contact.id)
    )
    assert list(session.scalars(audited)) == ["contact.identified"]
    # Identifying again is harmless: the same contact, no duplicated history.
    again = journey.identify("v-1", "hal@acme.io")
    assert again.id == contact.id
    assert len(journey.timeline(contact.id).events) == 2


def test_merge_contacts_moves_everything(journey: JourneyService, session: Session) -> None:
    journey.record(ev("demo_booked", 0, contact_email="old@acme.io"))
    journey.record(ev("login", 1, contact_email="new@acme.io"))
    old = journey.contacts.by_email("old@acme.io")
    new = journey.contacts.by_email("new@acme.io")
    assert old and new
    merged = journey.merge_contacts(old.id, new.id)
    assert merged.stage == "decision"
    assert session.get(Contact, old.id) is None
    assert len(journey.timeline(new.id).events) == 2


def test_timeline_pages_backwards(journey: JourneyService) -> None:
    journey.record_many([ev("login", i, contact_email="ivy@acme.io") for i in range(5)])
    contact = journey.contacts.by_email("ivy@acme.io")
    assert contact
    first = journey.timeline(contact.id, limit=3)
    assert len(first.events) == 3 and first.next_before is not None
    rest = journey.timeline(contact.id, limit=3, before=first.next_before)
    assert len(rest.events) == 2 and rest.next_before is None
