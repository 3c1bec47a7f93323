"""The pipeline every feedback import runs a batch of rows through: drop what is stored
already, find the people, decide the stage, link copies to their originals, store the rows and
record a journey event for each original. `ingestion.feedback_import` has a subclass per kind."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from ingestion.duplicates import NearDuplicates
from ingestion.feedback_items import FeedbackItem, to_item
from ingestion.feedback_repository import FeedbackItemRepository, FeedbackModel
from ingestion.imports import ImportReport
from journey.errors import InvalidInput
from journey.models import Contact
from journey.repository import AccountRepository
from journey.schemas import EventIn
from journey.service import JourneyService
from journey.stages import guess_stage


@dataclass(frozen=True)
class _Stored:
    """A stored original known by its id."""

    id: int


@dataclass
class Pending:
    """A valid row on its way into the store."""

    line: int
    item: Any
    source: str
    contact_id: int | None = None
    account_id: int | None = None
    stage: str | None = None
    row: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class FeedbackImport:
    """The shared pipeline; a subclass per kind says how its rows and events look."""

    kind: ClassVar[str]
    model: ClassVar[FeedbackModel]
    event_type: ClassVar[str]
    subject_type: ClassVar[str]
    # Where a text that says nothing about its stage most likely sits: who writes tickets,
    # reviews and surveys is a customer.
    likely_stage: ClassVar[str] = "adoption"

    def __init__(
        self,
        session: Session,
        journey: JourneyService,
        columns: dict[str, tuple[str, ...]],
        source: str,
    ) -> None:
        self.session, self.journey, self.columns, self.source = session, journey, columns, source
        self.vocabulary = journey.vocabulary
        self.items = FeedbackItemRepository(session)
        self.copies = self.near_duplicates()
        self._indexed: set[int] = set()  # stored originals already in self.copies
        if self.event_type not in self.vocabulary.event_type:
            raise InvalidInput(f"the vocabulary has no event type {self.event_type!r}")

    # -- per kind -----------------------------------------------------------------------------

    def when(self, item: Any) -> datetime:
        raise NotImplementedError

    def text(self, item: Any) -> str:
        raise NotImplementedError

    def build(self, p: Pending) -> Any:
        """The row to store."""
        raise NotImplementedError

    def event_details(self, p: Pending) -> dict[str, Any]:
        """Touchpoint, channel and properties of the item's journey event."""
        raise NotImplementedError

    def near_duplicates(self) -> NearDuplicates | None:
        return None

    def stored(self, batch: list[Pending]) -> Iterable[tuple[Any, str, datetime, Any]]:
        """(row with id and duplicate_of_id, text, time, person) of the stored items that a
        batch item may copy."""
        return ()

    def source_of(self, item: Any) -> str:
        return self.source

    def prepare(self, batch: list[Pending]) -> None:
        """Look-ups a kind needs before building its rows."""

    # -- the pipeline -------------------------------------------------------------------------

    def parse(self, record: dict[str, Any]) -> FeedbackItem:
        item = to_item(self.kind, record, self.columns)
        if item.stage and item.stage not in self.vocabulary.stage_order:
            raise InvalidInput(f"stage: unknown stage {item.stage!r}")
        touchpoint = getattr(item, "touchpoint", None)
        if touchpoint and touchpoint not in self.vocabulary.channel_of:
            raise InvalidInput(f"touchpoint: unknown touchpoint {touchpoint!r}")
        return item

    def write(self, pending: list[tuple[int, FeedbackItem]], report: ImportReport) -> None:
        batch = self._new([Pending(line, item, self.source_of(item)) for line, item in pending])
        report.duplicates += len(pending) - len(batch)
        batch = self._people(batch, report)
        if not batch:
            return
        self._stages(batch)
        self.prepare(batch)
        for p in batch:
            p.row = self.build(p)
        originals, copies = self._split_copies(batch)
        self.session.add_all(p.row for p in originals)
        self.session.flush()
        for p, original in copies:
            p.row.duplicate_of_id = original.id
        self.session.add_all(p.row for p, _ in copies)
        self.session.flush()
        self._indexed.update(p.row.id for p in batch)
        self._record_events(originals, report)
        report.accepted += len(originals)
        report.near_duplicates += len(copies)

    def _new(self, batch: list[Pending]) -> list[Pending]:
        """Rows not stored yet, each (source, external_id) once."""
        stored = self.items.stored_keys(self.model, {(p.source, p.item.external_id) for p in batch})
        new = []
        for p in batch:
            key = (p.source, p.item.external_id)
            if key not in stored:
                stored.add(key)
                new.append(p)
        return new

    def _people(self, batch: list[Pending], report: ImportReport) -> list[Pending]:
        """Find (or, by email, create) each row's contact; an unknown contact id rejects it."""
        contacts = self.journey.contacts
        by_external_id = contacts.ids_by_external_id(
            sorted({p.item.contact_external_id for p in batch if p.item.contact_external_id})
        )
        emails = sorted({p.item.contact_email for p in batch if p.item.contact_email})
        by_email = contacts.ids_by_email(emails)
        accounts = AccountRepository(self.session)
        by_domain = accounts.ids_by_domain(
            [e.rpartition("@")[2] for e in emails if e not in by_email]
        )
        created: dict[str, Contact] = {}  # by email
        created_by_external_id: dict[str, Contact] = {}
        waiting: list[tuple[Pending, Contact]] = []
        kept = []
        for p in batch:
            external_id, email = p.item.contact_external_id, p.item.contact_email
            if external_id in by_external_id:
                p.contact_id = by_external_id[external_id]
            elif email in by_email:
                p.contact_id = by_email[email]
            elif email or external_id in created_by_external_id:
                contact = created_by_external_id.get(external_id) or created.get(email)
                if contact is None:
                    contact = created[email] = Contact(
                        email=email,
                        name=p.item.contact_name,
                        external_id=external_id,
                        account_id=by_domain.get(email.rpartition("@")[2]),
                    )
                    if external_id:
                        created_by_external_id[external_id] = contact
                waiting.append((p, contact))
            elif external_id:
                report.reject(p.line, f"contact_external_id: unknown contact {external_id!r}")
                continue
            kept.append(p)
        self.session.add_all(created.values())
        self.session.flush()
        for p, contact in waiting:
            p.contact_id = contact.id
        return kept

    def _stages(self, batch: list[Pending]) -> None:
        """The row's stage, else the contact's current stage, else a guess from the text."""
        contact_ids = {p.contact_id for p in batch if p.contact_id}
        self.journey.refresh_stages(contact_ids=contact_ids)
        owners = self.journey.contacts.accounts_and_stages(sorted(contact_ids))
        stages = self.vocabulary.stage_order
        likely = self.likely_stage if self.likely_stage in stages else None
        for p in batch:
            account_id, stage = (
                owners.get(p.contact_id, (None, None)) if p.contact_id else (None, None)
            )
            p.account_id = p.account_id or account_id
            guess = p.item.stage or stage or guess_stage(self.text(p.item), None, likely, stages)
            p.stage = guess if guess in stages else None

    def _split_copies(
        self, batch: list[Pending]
    ) -> tuple[list[Pending], list[tuple[Pending, Any]]]:
        """Originals, and copies with the original each repeats (earliest first). Copies stay
        in the index, standing for their original: a copy of a copy links to the first."""
        if self.copies is None:
            return batch, []
        for row, text, at, person in self.stored(batch):
            if row.id not in self._indexed:
                self._indexed.add(row.id)
                original = row if row.duplicate_of_id is None else _Stored(row.duplicate_of_id)
                self.copies.add(self.copies.entry(original, text, at, person))
        originals, copies = [], []
        for p in sorted(batch, key=lambda p: self.when(p.item)):
            entry = self.copies.entry(p.row, self.text(p.item), self.when(p.item), p.contact_id)
            match = self.copies.find(entry)
            if match is None:
                originals.append(p)
            else:
                entry.item = match.item
                copies.append((p, match.item))
            self.copies.add(entry)
        return originals, copies

    def _record_events(self, originals: list[Pending], report: ImportReport) -> None:
        events = []
        for p in originals:
            if not (p.contact_id or p.account_id):
                report.without_event += 1
                continue
            events.append(
                EventIn(
                    type=self.event_type,
                    occurred_at=self.when(p.item),
                    stage=p.stage,
                    source=p.source,
                    contact_id=p.contact_id,
                    account_id=p.account_id,
                    subject_type=self.subject_type,
                    subject_id=str(p.row.id),
                    # Replays must add nothing, even if the item row was deleted meanwhile.
                    idempotency_key=f"{self.kind}:{p.source}:{p.item.external_id}",
                    **self.event_details(p),
                )
            )
        if events:
            self.journey.record_many(events)

    def _window(self, batch: Sequence[Pending], window: timedelta) -> tuple[datetime, datetime]:
        times = [self.when(p.item) for p in batch]
        return min(times) - window, max(times) + window
