"""Queries of the journey core. Services call these; nothing else writes SQL for these tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from journey.models import Account, Contact, JourneyEvent, VisitorId

EVENTS_TABLE = cast(Table, JourneyEvent.__table__)

# Bound parameters per statement stay well below SQLite's limit (32766) and PostgreSQL's (65535).
IN_CHUNK = 900


def chunked(items: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class EventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def existing_keys(self, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for part in chunked(keys):
            stmt = select(JourneyEvent.idempotency_key).where(
                JourneyEvent.idempotency_key.in_(part)
            )
            found.update(self.session.scalars(stmt))
        return found

    def insert_new(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows, skipping any whose idempotency key is already stored; new ids back."""
        if not rows:
            return []
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        ids: list[int] = []
        # Big executemany batches keep ingest fast; ON CONFLICT guards a concurrent writer.
        for part in chunked(rows, 2000):
            # A Core insert: the ORM's bulk path re-sorts RETURNING rows at quadratic cost.
            stmt = (
                insert(EVENTS_TABLE)
                .on_conflict_do_nothing(index_elements=["idempotency_key"])
                .returning(EVENTS_TABLE.c.id)
            )
            ids.extend(self.session.connection().scalars(stmt, list(part)))
        return ids

    def set_sentiment(
        self,
        by_subject: Sequence[tuple[str, str, str, float]],
        by_key: Sequence[tuple[str, float]],
    ) -> None:
        """Scores for the events of analysed texts: (event type, subject type, subject id,
        score) for a ticket's or review's event, (idempotency key, score) for a chat message's."""
        table = JourneyEvent.__table__
        if by_subject:
            self.session.execute(
                update(table)  # type: ignore[arg-type]
                .where(
                    table.c.type == bindparam("t"),
                    table.c.subject_type == bindparam("st"),
                    table.c.subject_id == bindparam("sid"),
                )
                .values(sentiment=bindparam("s")),
                [{"t": t, "st": st, "sid": sid, "s": s} for t, st, sid, s in by_subject],
            )
        if by_key:
            self.session.execute(
                update(table)  # type: ignore[arg-type]
                .where(table.c.idempotency_key == bindparam("k"))
                .values(sentiment=bindparam("s")),
                [{"k": key, "s": score} for key, score in by_key],
            )

    def stage_moving_events(
        self, column: Any, owner_ids: Sequence[int], event_types: Sequence[str]
    ) -> list[tuple[int, str]]:
        """(owner id, type) of the events that can move a stage, oldest first."""
        rows: list[tuple[int, str]] = []
        for part in chunked(owner_ids):
            stmt = (
                select(column, JourneyEvent.type)
                .where(column.in_(part), JourneyEvent.type.in_(event_types))
                .order_by(column, JourneyEvent.occurred_at, JourneyEvent.id)
            )
            rows.extend((owner, kind) for owner, kind in self.session.execute(stmt))
        return rows

    def for_contact(
        self, contact_id: int, limit: int, before: datetime | None = None
    ) -> list[JourneyEvent]:
        stmt = select(JourneyEvent).where(JourneyEvent.contact_id == contact_id)
        if before is not None:
            stmt = stmt.where(JourneyEvent.occurred_at < before)
        stmt = stmt.order_by(JourneyEvent.occurred_at.desc(), JourneyEvent.id.desc()).limit(limit)
        return list(self.session.scalars(stmt))

    def attach_visitor_events(
        self, visitor_id: str, contact_id: int, account_id: int | None
    ) -> int:
        stmt = (
            update(JourneyEvent)
            .where(JourneyEvent.visitor_id == visitor_id, JourneyEvent.contact_id.is_(None))
            .values(contact_id=contact_id, account_id=account_id)
        )
        return self.session.execute(stmt).rowcount  # type: ignore[attr-defined]


class ContactRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, contact_id: int) -> Contact | None:
        return self.session.get(Contact, contact_id)

    def by_email(self, email: str) -> Contact | None:
        return self.session.scalar(select(Contact).where(Contact.email == email.lower()))

    def ids_by_email(self, emails: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for part in chunked(emails):
            rows = self.session.execute(
                select(Contact.email, Contact.id).where(Contact.email.in_(part))
            )
            found.update({email: cid for email, cid in rows if email})
        return found

    def ids_by_external_id(self, external_ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for part in chunked(external_ids):
            rows = self.session.execute(
                select(Contact.external_id, Contact.id).where(Contact.external_id.in_(part))
            )
            found.update({external_id: cid for external_id, cid in rows if external_id})
        return found

    def accounts_and_stages(
        self, contact_ids: Sequence[int]
    ) -> dict[int, tuple[int | None, str | None]]:
        found: dict[int, tuple[int | None, str | None]] = {}
        for part in chunked(contact_ids):
            rows = self.session.execute(
                select(Contact.id, Contact.account_id, Contact.stage).where(Contact.id.in_(part))
            )
            found.update({cid: (aid, stage) for cid, aid, stage in rows})
        return found

    def visitor(self, visitor_id: str) -> VisitorId | None:
        return self.session.get(VisitorId, visitor_id)


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def ids_by_domain(self, domains: Sequence[str]) -> dict[str, int]:
        """Lower-cased domain -> account id."""
        return self._ids_by(Account.domain, domains)

    def ids_by_name(self, names: Sequence[str]) -> dict[str, int]:
        """Lower-cased name -> account id (the first, if two accounts share a name)."""
        return self._ids_by(Account.name, names)

    def _ids_by(self, column: Any, values: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        wanted = sorted({v.lower() for v in values})
        for part in chunked(wanted):
            rows = self.session.execute(
                select(func.lower(column), Account.id)
                .where(func.lower(column).in_(part))
                .order_by(Account.id)
            )
            for value, account_id in rows:
                found.setdefault(value, account_id)
        return found
