"""The review queue: moments of truth (flags) that support agents claim, annotate and resolve.

`FlagQueue.raise_flag` is the one place a flag is created, idempotent on its evidence key, so a
detector that sees the same evidence twice never puts it in the queue twice. Like every
service it flushes and never commits; each change of a flag leaves an audit log entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from feedback.queue_repository import FlagRepository, encode_cursor
from feedback.schemas import (
    MAX_NOTE,
    OUTCOMES,
    STATUSES,
    AccountRef,
    ContactRef,
    FlagDetail,
    FlagOut,
    FlagPage,
    FlagQuery,
    NoteOut,
    OldestOpen,
    QueueStats,
    StaffRef,
)
from journey.db import utcnow
from journey.errors import Conflict, Forbidden, InvalidInput, NotFound
from journey.models import Account, Contact, Flag, FlagNote, StaffUser
from journey.service import audit
from journey.webhooks import emit

# Roles that supervise the queue: they may take over or close flags other agents hold.
SUPERVISORS = ("manager", "admin")
MAX_KEY = 200
Ref = TypeVar("Ref", StaffRef, ContactRef, AccountRef)


class FlagQueue:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.flags = FlagRepository(session)

    # -- raising ------------------------------------------------------------------------------

    def raise_flag(
        self,
        evidence_key: str,
        reasons: Sequence[str],
        severity: int,
        evidence: Sequence[dict[str, Any]],
        *,
        suggested_step: str | None = None,
        contact_id: int | None = None,
        account_id: int | None = None,
        conversation_id: str | None = None,
        stage: str | None = None,
        touchpoint: str | None = None,
        happened_at: datetime | None = None,
    ) -> Flag:
        """The flag for this evidence: created once; raised again, it gains the new reasons
        and evidence items and keeps the highest severity (with the suggested step that came
        with it). `happened_at` dates a flag raised on history (an import analysed later) at
        its moment, not at the analysis: moments of truth are counted by when they happened."""
        if not evidence_key or len(evidence_key) > MAX_KEY:
            raise InvalidInput(f"evidence_key: 1 to {MAX_KEY} characters")
        if not reasons:
            raise InvalidInput("reasons: at least one reason code")
        if not 0 <= severity <= 100:
            raise InvalidInput("severity: from 0 to 100")
        flag = self.flags.by_key(evidence_key)
        if flag is None:
            flag = Flag(
                evidence_key=evidence_key,
                reasons=list(dict.fromkeys(reasons)),
                severity=severity,
                evidence=list(evidence),
                suggested_step=suggested_step,
                contact_id=contact_id,
                account_id=account_id,
                conversation_id=conversation_id,
                stage=stage,
                touchpoint=touchpoint,
                status="open",
                created_at=min(happened_at, utcnow()) if happened_at else utcnow(),
            )
            try:
                with self.session.begin_nested():
                    self.session.add(flag)
                emit(self.session, "moment_of_truth.flagged", {
                    "flag_id": flag.id, "reasons": flag.reasons, "severity": flag.severity,
                    "contact_id": contact_id, "account_id": account_id,
                    "conversation_id": conversation_id, "suggested_step": suggested_step,
                })  # fmt: skip
                return flag
            except IntegrityError:
                # Another writer raised the same evidence first: merge into theirs.
                existing = self.flags.by_key(evidence_key)
                if existing is None:
                    raise
                flag = existing
        # New lists: the JSON columns do not notice changes made in place.
        new_reasons = [r for r in dict.fromkeys(reasons) if r not in flag.reasons]
        if new_reasons:
            flag.reasons = [*flag.reasons, *new_reasons]
        new_evidence = [item for item in evidence if item not in flag.evidence]
        if new_evidence:
            flag.evidence = [*flag.evidence, *new_evidence]
        if severity > flag.severity:
            flag.severity = severity
            flag.suggested_step = suggested_step or flag.suggested_step
        self.session.flush()
        return flag

    # -- reading ------------------------------------------------------------------------------

    def list(self, query: FlagQuery, viewer: StaffUser, now: datetime | None = None) -> FlagPage:
        """Most severe first, then longest waiting; `next_cursor` continues after this page."""
        total, rows = self.flags.page(query, viewer.id)
        now = now or utcnow()
        shown = rows[: query.limit]
        return FlagPage(
            items=[_item(*row, now=now) for row in shown],
            total=total,
            next_cursor=encode_cursor(shown[-1][0]) if len(rows) > query.limit else None,
        )

    def get(self, flag_id: int, now: datetime | None = None) -> FlagDetail:
        row = self.flags.row(flag_id)
        if row is None:
            raise NotFound(f"flag {flag_id} not found")
        return FlagDetail(
            **dict(_item(*row, now=now or utcnow())),
            notes=[
                NoteOut(id=n.id, author=_ref(StaffRef, a), text=n.text, created_at=n.created_at)
                for n, a in self.flags.notes(flag_id)
            ],
        )

    def stats(self, viewer: StaffUser, now: datetime | None = None) -> QueueStats:
        """The queue page's header: counts by status and reason, the oldest open flag."""
        oldest = self.flags.oldest_open()
        return QueueStats(
            by_status=dict.fromkeys(STATUSES, 0) | self.flags.count_by_status(),
            by_reason=self.flags.count_unresolved_by_reason(),
            mine=self.flags.count_claimed_by(viewer.id),
            oldest_open=OldestOpen(
                id=oldest.id,
                severity=oldest.severity,
                created_at=oldest.created_at,
                waiting_seconds=_seconds_since(oldest.created_at, now or utcnow()),
            )
            if oldest
            else None,
            outcomes=list(OUTCOMES),
        )

    # -- working a flag -----------------------------------------------------------------------

    def claim(self, flag_id: int, agent: StaffUser, force: bool = False) -> Flag:
        """Take an open flag. Taking one someone else holds needs `force` and a supervisor."""
        flag = self._flag(flag_id)
        if flag.status == "resolved":
            raise Conflict(f"flag {flag_id} is resolved; reopen it before claiming it")
        if flag.status == "claimed" and flag.owner_id == agent.id:
            return flag
        holder = flag.owner_id if flag.status == "claimed" else None
        if holder is not None:
            if not force:
                raise Conflict(f"flag {flag_id} is claimed by {self._name(holder)}")
            if agent.role not in SUPERVISORS:
                raise Forbidden("taking over a flag someone else holds needs the manager role")
        flag.status, flag.owner_id, flag.claimed_at = "claimed", agent.id, utcnow()
        self._audit(agent, "flag.claimed", flag, taken_from=holder)
        return flag

    def claim_conversation(self, conversation_id: str, agent: StaffUser) -> None:
        """An agent taking a conversation over takes its open flags too."""
        for flag in self.flags.open_in_conversation(conversation_id):
            self.claim(flag.id, agent)

    def release(self, flag_id: int, agent: StaffUser) -> Flag:
        """Put a claimed flag back in the queue for anyone to take."""
        flag = self._flag(flag_id)
        if flag.status != "claimed":
            raise Conflict(f"flag {flag_id} is {flag.status}; only a claimed flag can be released")
        self._check_holder(flag, agent, "release")
        holder = flag.owner_id
        flag.status, flag.owner_id, flag.claimed_at = "open", None, None
        self._audit(agent, "flag.released", flag, owner_id=holder)
        return flag

    def add_note(self, flag_id: int, author: StaffUser, text: str) -> FlagNote:
        flag = self._flag(flag_id)
        note = self._note(flag, author, _note_text(text, "text"))
        self._audit(author, "flag.noted", flag, note_id=note.id)
        return note

    def resolve(
        self, flag_id: int, agent: StaffUser, outcome: str, note: str | None = None
    ) -> Flag:
        """Close a flag with an outcome (one of OUTCOMES) and, optionally, a note."""
        if outcome not in OUTCOMES:
            raise InvalidInput(f"outcome: one of {', '.join(OUTCOMES)}")
        text = _optional_note(note, "note")
        flag = self._flag(flag_id)
        if flag.status == "resolved":
            raise Conflict(f"flag {flag_id} is already resolved")
        self._check_holder(flag, agent, "resolve")
        flag.status, flag.outcome, flag.resolved_at = "resolved", outcome, utcnow()
        flag.owner_id = flag.owner_id or agent.id
        note_id = self._note(flag, agent, text).id if text else None
        self._audit(agent, "flag.resolved", flag, outcome=outcome, note_id=note_id)
        return flag

    def reopen(self, flag_id: int, agent: StaffUser, reason: str | None = None) -> Flag:
        """Back to the queue, unowned; the notes stay, the reason (if any) becomes one."""
        text = _optional_note(reason, "reason")
        flag = self._flag(flag_id)
        if flag.status != "resolved":
            raise Conflict(f"flag {flag_id} is {flag.status}; only a resolved flag can be reopened")
        previous = flag.outcome
        flag.status, flag.outcome, flag.resolved_at = "open", None, None
        flag.owner_id, flag.claimed_at = None, None
        note_id = self._note(flag, agent, text).id if text else None
        self._audit(agent, "flag.reopened", flag, previous_outcome=previous, note_id=note_id)
        return flag

    # -- helpers ------------------------------------------------------------------------------

    def _flag(self, flag_id: int) -> Flag:
        flag = self.session.get(Flag, flag_id)
        if flag is None:
            raise NotFound(f"flag {flag_id} not found")
        return flag

    def _check_holder(self, flag: Flag, agent: StaffUser, action: str) -> None:
        holder = flag.owner_id if flag.status == "claimed" else None
        if holder not in (None, agent.id) and agent.role not in SUPERVISORS:
            raise Conflict(
                f"flag {flag.id} is claimed by {self._name(holder)}; "
                f"only they or a manager can {action} it"
            )

    def _name(self, user_id: int | None) -> str:
        user = self.session.get(StaffUser, user_id) if user_id else None
        return user.name if user else "someone else"

    def _note(self, flag: Flag, author: StaffUser, text: str) -> FlagNote:
        note = FlagNote(flag_id=flag.id, author_id=author.id, text=text)
        self.session.add(note)
        self.session.flush()
        return note

    def _audit(self, actor: StaffUser, action: str, flag: Flag, **details: Any) -> None:
        audit(self.session, actor.email, action, "flag", flag.id, status=flag.status, **details)
        self.session.flush()


def _note_text(text: str | None, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(f"{field}: the note is empty")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"{field}: at most {MAX_NOTE} characters")
    return text


def _optional_note(text: str | None, field: str) -> str | None:
    return _note_text(text, field) if text and text.strip() else None


def _seconds_since(then: datetime, now: datetime) -> int:
    return max(0, int((now - then).total_seconds()))


def _ref(shape: type[Ref], row: object | None) -> Ref | None:
    return shape.model_validate(row) if row is not None else None


def _item(
    flag: Flag,
    owner: StaffUser | None,
    contact: Contact | None,
    account: Account | None,
    note_count: int,
    *,
    now: datetime,
) -> FlagOut:
    return FlagOut(
        id=flag.id,
        reasons=flag.reasons,
        severity=flag.severity,
        suggested_step=flag.suggested_step,
        evidence=flag.evidence,
        stage=flag.stage,
        touchpoint=flag.touchpoint,
        status=flag.status,
        owner=_ref(StaffRef, owner),
        contact=_ref(ContactRef, contact),
        account=_ref(AccountRef, account),
        conversation_id=flag.conversation_id,
        created_at=flag.created_at,
        waiting_seconds=None if flag.status == "resolved" else _seconds_since(flag.created_at, now),
        claimed_at=flag.claimed_at,
        resolved_at=flag.resolved_at,
        outcome=flag.outcome,
        note_count=note_count,
    )
