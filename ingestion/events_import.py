"""`journey import events FILE`: CSV / JSON / JSONL into the journey log.

Every row is validated (shape, vocabulary, known contact); rejected rows are reported with
their line and reason. The caller commits once at the end, so nothing is half-written: an
interrupted import leaves the store as it was, and a replayed file adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestion import imports
from ingestion.imports import ImportReport
from ingestion.records import parse_json
from journey.models import Contact
from journey.repository import chunked
from journey.schemas import EventIn
from journey.service import JourneyService

EVENT_FIELDS = set(EventIn.model_fields)


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`--map type=event_name` pairs into {field: column}; fields must be event fields."""
    return imports.parse_mapping(pairs, EVENT_FIELDS)


def to_event(record: dict[str, Any], mapping: dict[str, str], source: str) -> EventIn:
    """Map a raw record onto an event; columns that are not event fields become properties."""
    renamed = {column: target for target, column in mapping.items()}
    data: dict[str, Any] = {"source": source}
    properties: dict[str, Any] = {}
    for key, value in record.items():
        target = renamed.get(key, key if key not in mapping else None)
        if target in EVENT_FIELDS:
            data[target] = value
        elif value is not None and key is not None:
            properties[key] = value
    raw = data.get("properties")
    if isinstance(raw, str):  # a CSV cell holding JSON
        try:
            raw = parse_json(raw)
        except ValueError as exc:
            raise ValueError(f"properties: {exc}") from None
    if not isinstance(raw, dict | None):
        raise ValueError("properties: not a JSON object")
    data["properties"] = {**properties, **(raw or {})}
    return EventIn.model_validate({k: v for k, v in data.items() if v is not None})


def import_events(
    session: Session,
    journey: JourneyService,
    path: Path,
    *,
    fmt: str | None = None,
    name: str | None = None,
    mapping: dict[str, str] | None = None,
    source: str = "import",
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    def parse(record: dict[str, Any]) -> EventIn:
        event = to_event(record, mapping or {}, source)
        journey.check_event(event)
        return event

    def write(pending: list[tuple[int, EventIn]], report: ImportReport) -> None:
        valid = _drop_unknown_contacts(session, pending, report)
        if valid:
            result = journey.record_many([event for _, event in valid])
            report.accepted += result.accepted
            report.duplicates += result.duplicates

    return imports.run_import(
        session, path, parse, write, fmt=fmt, name=name, strict=strict, progress=progress
    )


def _drop_unknown_contacts(
    session: Session, pending: list[tuple[int, EventIn]], report: ImportReport
) -> list[tuple[int, EventIn]]:
    wanted = sorted({e.contact_id for _, e in pending if e.contact_id})
    known: set[int] = set()
    for part in chunked(wanted):
        known.update(session.scalars(select(Contact.id).where(Contact.id.in_(part))))
    valid = []
    for line, event in pending:
        if event.contact_id and event.contact_id not in known:
            report.reject(line, f"contact_id: unknown contact {event.contact_id}")
        else:
            valid.append((line, event))
    return valid
