"""The review queue service over a real database: ordering, filters, paging, every state
change and every refused one, raising flags idempotently, and the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.service import ConversationService
from feedback.queue import FlagQueue
from feedback.schemas import MAX_NOTE, OUTCOMES, FlagQuery
from journey.auth import AuthService
from journey.errors import Conflict, Forbidden, InvalidInput, NotFound
from journey.models import Account, AuditLog, Contact, Flag, StaffUser
from journey.vocabulary import Vocabulary

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def make_staff(session: Session, name: str, role: str = "agent") -> StaffUser:
    email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@staff.test"
    return AuthService(session).create_user(email, name, role, None)


@pytest.fixture
def queue(session: Session) -> FlagQueue:
    return FlagQueue(session)


@pytest.fixture
def agent(session: Session) -> StaffUser:
    return make_staff(session, "Avery")


@pytest.fixture
def other(session: Session) -> StaffUser:
    return make_staff(session, "Blake")


@pytest.fixture
def manager(session: Session) -> StaffUser:
    return make_staff(session, "Morgan", "manager")


def flag(
    queue: FlagQueue,
    severity: int = 50,
    age: timedelta = timedelta(minutes=5),
    reasons: Sequence[str] = ("negative_sentiment",),
    **fields: Any,
) -> Flag:
    """A flag raised `age` before NOW."""
    key = f"test:{uuid.uuid4().hex}"
    raised = queue.raise_flag(key, reasons, severity, [{"type": "ticket", "id": key}], **fields)
    raised.created_at = NOW - age
    queue.session.flush()
    return raised


def ids(queue: FlagQueue, viewer: StaffUser, **filters: Any) -> list[int]:
    return [item.id for item in queue.list(FlagQuery(**filters), viewer, now=NOW).items]


def audit_actions(session: Session, flag_id: int) -> list[tuple[str, str]]:
    rows = session.scalars(
        select(AuditLog)
        .where(AuditLog.target_type == "flag", AuditLog.target_id == str(flag_id))
        .order_by(AuditLog.id)
    )
    return [(row.action, row.actor) for row in rows]


def last_audit(session: Session, flag_id: int) -> AuditLog:
    return session.scalars(
        select(AuditLog)
        .where(AuditLog.target_type == "flag", AuditLog.target_id == str(flag_id))
        .order_by(AuditLog.id.desc())
    ).first() or pytest.fail("no audit entry")


# -- reading ----------------------------------------------------------------------------------


def test_most_severe_first_then_longest_waiting(queue: FlagQueue, agent: StaffUser) -> None:
    recent = flag(queue, 50, timedelta(hours=1))
    urgent = flag(queue, 80, timedelta(minutes=10))
    oldest = flag(queue, 50, timedelta(hours=3))
    minor = flag(queue, 20, timedelta(hours=5))
    done = flag(queue, 99)
    queue.resolve(done.id, agent, "solved")
    page = queue.list(FlagQuery(), agent, now=NOW)
    assert [item.id for item in page.items] == [urgent.id, oldest.id, recent.id, minor.id]
    assert page.total == 4 and page.next_cursor is None
    assert page.items[1].waiting_seconds == 3 * 3600
    resolved = queue.list(FlagQuery(status=["resolved"]), agent, now=NOW).items
    assert [item.id for item in resolved] == [done.id] and resolved[0].waiting_seconds is None


def test_pages_follow_the_cursor(queue: FlagQueue, agent: StaffUser) -> None:
    same_time = timedelta(hours=2)
    flags = [flag(queue, 60, same_time), flag(queue, 60, same_time), flag(queue, 70)]
    flags += [flag(queue, 10), flag(queue, 60, timedelta(hours=1))]
    everything = ids(queue, agent, limit=200)
    assert everything == [flags[2].id, flags[0].id, flags[1].id, flags[4].id, flags[3].id]
    seen, cursor = [], None
    for _ in range(3):
        page = queue.list(FlagQuery(limit=2, cursor=cursor), agent, now=NOW)
        assert page.total == 5
        seen += [item.id for item in page.items]
        cursor = page.next_cursor
    assert seen == everything and cursor is None
    with pytest.raises(InvalidInput, match="cursor"):
        queue.list(FlagQuery(cursor="not-a-cursor"), agent)


def test_each_filter(
    session: Session, queue: FlagQueue, agent: StaffUser, other: StaffUser
) -> None:
    account = Account(name="Globex", plan="enterprise", arr=120_000.0)
    contact = Contact(name="Dana", email=f"dana-{uuid.uuid4().hex[:6]}@globex.test")
    contact.account = account
    session.add_all([account, contact])
    session.flush()
    churn = flag(
        queue,
        80,
        timedelta(hours=2),
        ["negative_sentiment", "churn_intent"],
        stage="onboarding",
        touchpoint="support_ticket",
        contact_id=contact.id,
        account_id=account.id,
    )
    sales = flag(queue, 60, timedelta(minutes=30), ["handoff_sales_opportunity"], stage="decision")
    repeat = flag(queue, 40, timedelta(days=3), ["repeated_contact"], touchpoint="email")
    done = flag(queue, 90, timedelta(days=1), ["negative_sentiment"], stage="onboarding")
    queue.claim(churn.id, agent)
    queue.claim(repeat.id, other)
    queue.resolve(done.id, agent, "contacted")

    assert ids(queue, agent) == [churn.id, sales.id, repeat.id]
    assert ids(queue, agent, status=["resolved"]) == [done.id]
    everything = ["open", "claimed", "resolved"]
    assert ids(queue, agent, status=everything) == [done.id, churn.id, sales.id, repeat.id]
    assert ids(queue, agent, status=["claimed"]) == [churn.id, repeat.id]
    assert ids(queue, agent, reason="negative_sentiment") == [churn.id]
    assert ids(queue, agent, reason="negative_sentiment", status=everything) == [done.id, churn.id]
    assert ids(queue, agent, reason="churn_intent") == [churn.id]
    assert ids(queue, agent, reason="churn") == []
    assert ids(queue, agent, stage="decision") == [sales.id]
    assert ids(queue, agent, touchpoint="email") == [repeat.id]
    assert ids(queue, agent, min_severity=60) == [churn.id, sales.id]
    assert ids(queue, agent, owner="me") == [churn.id]
    assert ids(queue, other, owner="me") == [repeat.id]
    assert ids(queue, agent, owner="unassigned") == [sales.id]
    assert ids(queue, agent, owner=str(other.id)) == [repeat.id]
    assert ids(queue, agent, account_id=account.id) == [churn.id]
    assert ids(queue, agent, contact_id=contact.id) == [churn.id]
    assert ids(queue, agent, since=NOW - timedelta(hours=1)) == [sales.id]
    # Filters combine.
    assert ids(queue, agent, min_severity=50, owner="unassigned", stage="decision") == [sales.id]
    assert queue.list(FlagQuery(reason="negative_sentiment"), agent).total == 1


def test_an_item_shows_who_and_what(
    session: Session, queue: FlagQueue, agent: StaffUser, other: StaffUser
) -> None:
    account = Account(name="Initech", plan="growth", arr=48_000.0)
    contact = Contact(name="Sam", email=f"sam-{uuid.uuid4().hex[:6]}@initech.test")
    contact.account = account
    session.add_all([account, contact])
    session.flush()
    raised = flag(
        queue,
        75,
        timedelta(minutes=20),
        suggested_step="Call Sam today.",
        contact_id=contact.id,
        account_id=account.id,
        stage="retention",
        touchpoint="support_ticket",
    )
    queue.claim(raised.id, agent)
    queue.add_note(raised.id, agent, "Left a voicemail.")
    queue.add_note(raised.id, other, "  He answered my email.  ")
    item = queue.list(FlagQuery(), agent, now=NOW).items[0]
    assert item.id == raised.id and item.severity == 75
    assert item.reasons == ["negative_sentiment"] and item.suggested_step == "Call Sam today."
    assert item.evidence == [{"type": "ticket", "id": raised.evidence_key}]
    assert (item.stage, item.touchpoint, item.status) == ("retention", "support_ticket", "claimed")
    assert item.owner is not None and (item.owner.id, item.owner.name) == (agent.id, "Avery")
    assert item.contact is not None and (item.contact.name, item.contact.email) == (
        "Sam",
        contact.email,
    )
    assert item.account is not None
    assert (item.account.name, item.account.plan, item.account.arr) == ("Initech", "growth", 48e3)
    assert item.waiting_seconds == 20 * 60 and item.claimed_at is not None
    assert item.note_count == 2 and item.outcome is None and item.resolved_at is None

    detail = queue.get(raised.id, now=NOW)
    assert detail.note_count == 2
    assert [(n.author.name if n.author else None, n.text) for n in detail.notes] == [
        ("Avery", "Left a voicemail."),
        ("Blake", "He answered my email."),
    ]
    with pytest.raises(NotFound, match="flag 0 not found"):
        queue.get(0)


# -- working a flag ---------------------------------------------------------------------------


def test_claim_and_release(session: Session, queue: FlagQueue, agent: StaffUser) -> None:
    raised = flag(queue)
    claimed = queue.claim(raised.id, agent)
    assert (claimed.status, claimed.owner_id) == ("claimed", agent.id)
    first_claim = claimed.claimed_at
    assert first_claim is not None
    queue.claim(raised.id, agent)  # claiming your own flag changes nothing
    assert raised.claimed_at == first_claim
    released = queue.release(raised.id, agent)
    assert (released.status, released.owner_id, released.claimed_at) == ("open", None, None)
    with pytest.raises(Conflict, match="is open; only a claimed flag can be released"):
        queue.release(raised.id, agent)
    assert audit_actions(session, raised.id) == [
        ("flag.claimed", agent.email),
        ("flag.released", agent.email),
    ]


def test_someone_elses_flag(
    session: Session, queue: FlagQueue, agent: StaffUser, other: StaffUser, manager: StaffUser
) -> None:
    raised = flag(queue)
    queue.claim(raised.id, other)
    with pytest.raises(Conflict, match=f"flag {raised.id} is claimed by Blake"):
        queue.claim(raised.id, agent)
    with pytest.raises(Forbidden, match="manager"):
        queue.claim(raised.id, agent, force=True)
    with pytest.raises(Conflict, match="claimed by Blake"):
        queue.claim(raised.id, manager)  # a manager too must say so
    with pytest.raises(Conflict, match="only they or a manager can release it"):
        queue.release(raised.id, agent)
    with pytest.raises(Conflict, match="only they or a manager can resolve it"):
        queue.resolve(raised.id, agent, "solved")
    assert (raised.status, raised.owner_id) == ("claimed", other.id)

    queue.claim(raised.id, manager, force=True)
    assert raised.owner_id == manager.id
    entry = last_audit(session, raised.id)
    assert entry.actor == manager.email
    assert entry.details == {"status": "claimed", "taken_from": other.id}
    # Managers supervise the queue: they may also release or close what an agent holds.
    queue.claim(raised.id, manager)
    queue.release(raised.id, manager)
    queue.claim(raised.id, agent)
    queue.resolve(raised.id, manager, "escalated")
    assert (raised.status, raised.owner_id) == ("resolved", agent.id)


def test_resolve_and_reopen(session: Session, queue: FlagQueue, agent: StaffUser) -> None:
    raised = flag(queue)
    queue.claim(raised.id, agent)
    queue.add_note(raised.id, agent, "Called the customer.")
    resolved = queue.resolve(raised.id, agent, "contacted", note="Renewal is safe.")
    assert (resolved.status, resolved.outcome, resolved.owner_id) == (
        "resolved",
        "contacted",
        agent.id,
    )
    assert resolved.resolved_at is not None
    with pytest.raises(Conflict, match="already resolved"):
        queue.resolve(raised.id, agent, "solved")
    with pytest.raises(Conflict, match="is resolved; reopen it before claiming it"):
        queue.claim(raised.id, agent)
    with pytest.raises(Conflict, match="is resolved; only a claimed flag"):
        queue.release(raised.id, agent)

    reopened = queue.reopen(raised.id, agent, reason="They wrote again.")
    assert (reopened.status, reopened.outcome, reopened.resolved_at) == ("open", None, None)
    assert (reopened.owner_id, reopened.claimed_at) == (None, None)
    with pytest.raises(Conflict, match="is open; only a resolved flag can be reopened"):
        queue.reopen(raised.id, agent)
    notes = [note.text for note in queue.get(raised.id).notes]
    assert notes == ["Called the customer.", "Renewal is safe.", "They wrote again."]
    assert [action for action, _ in audit_actions(session, raised.id)] == [
        "flag.claimed",
        "flag.noted",
        "flag.resolved",
        "flag.reopened",
    ]
    assert last_audit(session, raised.id).details["previous_outcome"] == "contacted"


def test_an_open_flag_can_be_resolved_without_a_note(queue: FlagQueue, agent: StaffUser) -> None:
    raised = flag(queue)
    queue.resolve(raised.id, agent, "false_positive", note="   ")
    assert (raised.status, raised.owner_id, raised.outcome) == (
        "resolved",
        agent.id,
        "false_positive",
    )
    assert queue.get(raised.id).notes == []
    queue.reopen(raised.id, agent)
    assert queue.get(raised.id).notes == []


def test_bad_input_changes_nothing(queue: FlagQueue, agent: StaffUser) -> None:
    raised = flag(queue)
    with pytest.raises(InvalidInput, match="outcome: one of contacted, solved"):
        queue.resolve(raised.id, agent, "fixed")
    with pytest.raises(InvalidInput, match=f"note: at most {MAX_NOTE} characters"):
        queue.resolve(raised.id, agent, "solved", note="x" * (MAX_NOTE + 1))
    assert raised.status == "open"
    for text in ("", "   \n"):
        with pytest.raises(InvalidInput, match="text: the note is empty"):
            queue.add_note(raised.id, agent, text)
    with pytest.raises(InvalidInput, match="at most"):
        queue.add_note(raised.id, agent, "x" * (MAX_NOTE + 1))
    queue.add_note(raised.id, agent, "x" * MAX_NOTE)
    assert queue.get(raised.id).note_count == 1


def test_unknown_flags_are_not_found(queue: FlagQueue, agent: StaffUser) -> None:
    for change in (
        lambda: queue.claim(0, agent),
        lambda: queue.release(0, agent),
        lambda: queue.add_note(0, agent, "hi"),
        lambda: queue.resolve(0, agent, "solved"),
        lambda: queue.reopen(0, agent),
    ):
        with pytest.raises(NotFound, match="flag 0 not found"):
            change()


# -- raising flags ----------------------------------------------------------------------------


def test_raise_flag_is_idempotent_and_merges_reasons(session: Session, queue: FlagQueue) -> None:
    key = f"ticket:{uuid.uuid4().hex}"
    evidence = [{"type": "ticket", "id": key}]
    first = queue.raise_flag(key, ["negative_sentiment"], 60, evidence, suggested_step="Call.")
    again = queue.raise_flag(key, ["negative_sentiment"], 60, evidence, suggested_step="Call.")
    assert again.id == first.id
    assert len(session.scalars(select(Flag).where(Flag.evidence_key == key)).all()) == 1

    worse = queue.raise_flag(
        key, ["churn_intent", "negative_sentiment"], 85, evidence, suggested_step="Save them."
    )
    assert worse.id == first.id
    assert (worse.reasons, worse.severity, worse.suggested_step) == (
        ["negative_sentiment", "churn_intent"],
        85,
        "Save them.",
    )
    later = [*evidence, {"type": "ticket", "id": f"{key}-2"}]
    milder = queue.raise_flag(key, ["repeated_contact"], 30, later, suggested_step="Nudge.")
    assert (milder.reasons[-1], milder.severity, milder.suggested_step) == (
        "repeated_contact",
        85,
        "Save them.",
    )
    session.expire_all()  # what is stored, not what the session remembers
    stored = session.scalars(select(Flag).where(Flag.evidence_key == key)).one()
    assert stored.reasons == ["negative_sentiment", "churn_intent", "repeated_contact"]
    assert stored.evidence == later

    with pytest.raises(InvalidInput, match="reasons"):
        queue.raise_flag("k", [], 50, evidence)
    with pytest.raises(InvalidInput, match="severity"):
        queue.raise_flag("k", ["x"], 101, evidence)
    with pytest.raises(InvalidInput, match="evidence_key"):
        queue.raise_flag("k" * 201, ["x"], 50, evidence)


def test_chat_handoffs_raise_flags_through_the_queue(
    session: Session, queue: FlagQueue, agent: StaffUser
) -> None:
    chats = ConversationService(session, Vocabulary())
    conversation = chats.start(visitor_id=f"v-{uuid.uuid4().hex[:8]}")
    first = chats.hand_off(conversation, "customer_request")
    second = chats.hand_off(conversation, "negative_sentiment")
    assert second.id == first.id
    assert second.reasons == ["handoff_customer_request", "handoff_negative_sentiment"]
    assert second.severity == 70 and second.suggested_step is not None
    assert "frustration" in second.suggested_step
    chats.take_over(conversation.id, agent)
    assert (second.status, second.owner_id) == ("claimed", agent.id)
    assert audit_actions(session, second.id) == [("flag.claimed", agent.email)]


# -- statistics -------------------------------------------------------------------------------


def test_stats_for_the_queue_header(queue: FlagQueue, agent: StaffUser, other: StaffUser) -> None:
    empty = queue.stats(agent, now=NOW)
    assert empty.by_status == {"open": 0, "claimed": 0, "resolved": 0}
    assert empty.by_reason == {} and empty.oldest_open is None and empty.mine == 0
    assert empty.outcomes == list(OUTCOMES)

    mine = flag(queue, 80, timedelta(days=2), ["negative_sentiment", "churn_intent"])
    theirs = flag(queue, 50, timedelta(days=3), ["negative_sentiment"])
    waiting = flag(queue, 40, timedelta(hours=6), ["repeated_contact"])
    flag(queue, 90, timedelta(minutes=1), ["negative_sentiment"])
    done = flag(queue, 70, timedelta(days=9), ["churn_intent"])
    queue.claim(mine.id, agent)
    queue.claim(theirs.id, other)
    queue.resolve(done.id, agent, "solved")

    stats = queue.stats(agent, now=NOW)
    assert stats.by_status == {"open": 2, "claimed": 2, "resolved": 1}
    assert stats.by_reason == {"negative_sentiment": 3, "churn_intent": 1, "repeated_contact": 1}
    assert list(stats.by_reason) == ["negative_sentiment", "churn_intent", "repeated_contact"]
    assert stats.mine == 1
    assert stats.oldest_open is not None
    assert (stats.oldest_open.id, stats.oldest_open.waiting_seconds) == (waiting.id, 6 * 3600)


def test_a_handoff_a_new_flag_and_a_closed_chat_are_told_to_webhooks_once(
    session: Session,
) -> None:
    from sqlalchemy import select

    from journey.models import WebhookDelivery
    from journey.webhooks import subscribe

    subscribe(session, "https://crm.example.test/hooks",
              ["handoff.requested", "moment_of_truth.flagged", "conversation.closed"])  # fmt: skip
    chats = ConversationService(session, Vocabulary())
    conversation = chats.start(visitor_id=f"v-{uuid.uuid4().hex[:8]}")
    flag = chats.hand_off(conversation, "customer_request")
    chats.hand_off(conversation, "negative_sentiment")  # the same flag, the chat already waiting
    chats.close(conversation.id)
    told = [(d.event_type, d.payload["data"]) for d in session.scalars(select(WebhookDelivery))]
    assert [kind for kind, _ in told] == [
        "moment_of_truth.flagged", "handoff.requested", "conversation.closed"
    ]  # fmt: skip
    assert told[0][1]["flag_id"] == flag.id and told[1][1]["reason"] == "customer_request"
    assert told[2][1]["conversation_id"] == conversation.id
