"""Queries on tickets, reviews and survey answers that the imports need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from journey.models import Review, SurveyResponse, Ticket
from journey.repository import chunked

FeedbackModel = type[Ticket] | type[Review] | type[SurveyResponse]


class FeedbackItemRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def stored_keys(
        self, model: FeedbackModel, keys: Iterable[tuple[str, str]]
    ) -> set[tuple[str, str]]:
        """The (source, external_id) pairs among `keys` that are already stored."""
        by_source: dict[str, list[str]] = defaultdict(list)
        for source, external_id in keys:
            by_source[source].append(external_id)
        found: set[tuple[str, str]] = set()
        for source, external_ids in by_source.items():
            for part in chunked(sorted(set(external_ids))):
                stmt = select(model.external_id).where(
                    model.source == source, model.external_id.in_(part)
                )
                found.update((source, external_id) for external_id in self.session.scalars(stmt))
        return found

    def tickets_between(
        self, contact_ids: Sequence[int], start: datetime, end: datetime
    ) -> list[Row[Any]]:
        """Tickets of these contacts created in [start, end]."""
        rows: list[Row[Any]] = []
        for part in chunked(contact_ids):
            stmt = select(
                Ticket.id,
                Ticket.duplicate_of_id,
                Ticket.subject,
                Ticket.body,
                Ticket.created_at,
                Ticket.contact_id,
            ).where(Ticket.contact_id.in_(part), Ticket.created_at.between(start, end))
            rows.extend(self.session.execute(stmt))
        return rows

    def reviews_between(
        self, start: datetime, end: datetime, hashes: Sequence[str]
    ) -> list[Row[Any]]:
        """Reviews posted in [start, end], or with one of these text hashes at any time."""
        rows: dict[int, Row[Any]] = {}
        for part in chunked(hashes) if hashes else [[]]:
            stmt = select(
                Review.id, Review.duplicate_of_id, Review.body, Review.posted_at, Review.contact_id
            ).where(or_(Review.posted_at.between(start, end), Review.content_hash.in_(part)))
            rows.update({row.id: row for row in self.session.execute(stmt).all()})
        return list(rows.values())

    def ticket_ids(self, external_ids: Sequence[str]) -> dict[tuple[str, str], int]:
        """(source, external_id) -> id of the tickets with these external ids, any source."""
        found: dict[tuple[str, str], int] = {}
        for part in chunked(sorted(set(external_ids))):
            stmt = select(Ticket.source, Ticket.external_id, Ticket.id).where(
                Ticket.external_id.in_(part)
            )
            found.update(((s, e), i) for s, e, i in self.session.execute(stmt))
        return found
