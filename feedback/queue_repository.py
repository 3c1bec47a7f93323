"""Queries of the review queue. The queue service calls these; it writes flags through the ORM."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import Function
from sqlalchemy.sql.selectable import TableValuedAlias

from feedback.schemas import FlagQuery
from journey.errors import InvalidInput
from journey.models import Account, Contact, Flag, FlagNote, StaffUser
from journey.schemas import MAX_ROW_ID, as_utc

# A flag with its owner, contact, account (each may be missing) and number of notes.
FlagRow = Row[Flag, StaffUser, Contact, Account, int]


class FlagRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_key(self, evidence_key: str) -> Flag | None:
        return self.session.scalar(select(Flag).where(Flag.evidence_key == evidence_key))

    def open_in_conversation(self, conversation_id: str) -> list[Flag]:
        return list(
            self.session.scalars(
                select(Flag).where(Flag.conversation_id == conversation_id, Flag.status == "open")
            )
        )

    def row(self, flag_id: int) -> FlagRow | None:
        return self.session.execute(self._rows().where(Flag.id == flag_id)).first()

    def page(self, query: FlagQuery, viewer_id: int) -> tuple[int, Sequence[FlagRow]]:
        """The total matching the filters and up to limit + 1 rows (the extra one says that
        another page follows): most severe first, then longest waiting."""
        conditions = self._conditions(query, viewer_id)
        total = self.session.scalar(select(func.count()).select_from(Flag).where(*conditions))
        stmt = self._rows().where(*conditions)
        if query.cursor:
            stmt = stmt.where(_after(*decode_cursor(query.cursor)))
        stmt = stmt.order_by(Flag.severity.desc(), Flag.created_at, Flag.id).limit(query.limit + 1)
        return total or 0, self.session.execute(stmt).all()

    def notes(self, flag_id: int) -> Sequence[Row[FlagNote, StaffUser]]:
        return self.session.execute(
            select(FlagNote, StaffUser)
            .outerjoin(StaffUser, StaffUser.id == FlagNote.author_id)
            .where(FlagNote.flag_id == flag_id)
            .order_by(FlagNote.id)
        ).all()

    # -- counts for the queue's header ------------------------------------------------------

    def count_by_status(self) -> dict[str, int]:
        rows = self.session.execute(select(Flag.status, func.count()).group_by(Flag.status))
        return {status: n for status, n in rows}

    def count_unresolved_by_reason(self) -> dict[str, int]:
        """Most frequent reason first."""
        reasons = self._reason_values()
        n_flags = func.count().label("n")
        rows = self.session.execute(
            select(reasons.c.value, n_flags)
            .select_from(Flag)
            .join(reasons, true())
            .where(Flag.status != "resolved")
            .group_by(reasons.c.value)
            .order_by(n_flags.desc(), reasons.c.value)
        )
        return {reason: n for reason, n in rows}

    def count_claimed_by(self, user_id: int) -> int:
        stmt = select(func.count()).where(Flag.status == "claimed", Flag.owner_id == user_id)
        return self.session.scalar(stmt.select_from(Flag)) or 0

    def oldest_open(self) -> Flag | None:
        return self.session.scalar(
            select(Flag).where(Flag.status == "open").order_by(Flag.created_at, Flag.id).limit(1)
        )

    # -- building blocks ----------------------------------------------------------------------

    def _rows(self) -> Select[Flag, StaffUser, Contact, Account, int]:
        note_count = (
            select(func.count(FlagNote.id)).where(FlagNote.flag_id == Flag.id).scalar_subquery()
        )
        return (
            select(Flag, StaffUser, Contact, Account, note_count)
            .outerjoin(StaffUser, StaffUser.id == Flag.owner_id)
            .outerjoin(Contact, Contact.id == Flag.contact_id)
            .outerjoin(Account, Account.id == Flag.account_id)
        )

    def _conditions(self, query: FlagQuery, viewer_id: int) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Flag.status.in_(query.status)]
        if query.reason:
            reasons = self._reason_values()
            conditions.append(
                select(reasons.c.value).where(reasons.c.value == query.reason).exists()
            )
        for column, value in (
            (Flag.stage, query.stage),
            (Flag.touchpoint, query.touchpoint),
            (Flag.account_id, query.account_id),
            (Flag.contact_id, query.contact_id),
        ):
            if value is not None:
                conditions.append(column == value)
        if query.min_severity is not None:
            conditions.append(Flag.severity >= query.min_severity)
        if query.since is not None:
            conditions.append(Flag.created_at >= query.since)
        if query.owner == "unassigned":
            conditions.append(Flag.owner_id.is_(None))
        elif query.owner is not None:
            owner = viewer_id if query.owner == "me" else int(query.owner)
            conditions.append(Flag.owner_id == owner)
        return conditions

    def _reason_values(self) -> TableValuedAlias:
        """The flag's reason codes as a table (one row each) to filter and group on."""
        # Each backend unnests a JSON array with its own function.
        unnest: Function[Any] = (
            func.jsonb_array_elements_text(Flag.reasons)
            if self.session.get_bind().dialect.name == "postgresql"
            else func.json_each(Flag.reasons)
        )
        return unnest.table_valued("value")


# A cursor is the sort key of the last flag shown, so paging holds while the queue moves.


def encode_cursor(flag: Flag) -> str:
    key = [flag.severity, flag.created_at.isoformat(), flag.id]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def decode_cursor(cursor: str) -> tuple[int, datetime, int]:
    try:
        severity, created_at, flag_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        after = datetime.fromisoformat(created_at)
        if after.tzinfo is None:
            raise ValueError("naive datetime")
        # A forged cursor must not carry numbers or dates the database cannot compare.
        if not (0 <= int(severity) <= 100 and 1 <= int(flag_id) <= MAX_ROW_ID):
            raise ValueError("out of range")
        return int(severity), as_utc(after), int(flag_id)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise InvalidInput("cursor: not a cursor from this queue") from exc


def _after(severity: int, created_at: datetime, flag_id: int) -> ColumnElement[bool]:
    return or_(
        Flag.severity < severity,
        and_(
            Flag.severity == severity,
            or_(
                Flag.created_at > created_at,
                and_(Flag.created_at == created_at, Flag.id > flag_id),
            ),
        ),
    )
