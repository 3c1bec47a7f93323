"""`journey import events FILE`: CSV / JSON / JSONL into the journey log.

Every row is validated (shape, vocabulary, known contact); rejected rows are reported with
their line and reason. The caller commits once at the end, so nothing is half-written: an
interrupted import leaves the store as it was, and a replayed file adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestion.records import BadRecord, read_records
from journey.errors import InvalidInput
from journey.models import Contact
from journey.repository import chunked
from journey.schemas import EventIn
from journey.service import JourneyService

EVENT_FIELDS = set(EventIn.model_fields)
BATCH = 5000


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: list[RowError] = field(default_factory=list)
    written: bool = True


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`--map type=event_name` pairs into {field: column}; fields must be event fields."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        target, sep, column = pair.partition("=")
        if not sep or not column:
            raise InvalidInput(f"--map {pair!r}: write it as FIELD=COLUMN")
        if target not in EVENT_FIELDS:
            raise InvalidInput(
                f"--map {pair!r}: {target!r} is not an event field "
                f"(fields: {', '.join(sorted(EVENT_FIELDS))})"
            )
        mapping[target] = column
    return mapping


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
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"properties: not valid JSON ({exc.msg})") from exc
    data["properties"] = {**properties, **(raw or {})}
    return EventIn.model_validate({k: v for k, v in data.items() if v is not None})


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "row"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def import_events(
    session: Session,
    journey: JourneyService,
    path: Path,
    *,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    source: str = "import",
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    report = ImportReport()
    # Strict imports run in a savepoint so that one bad row undoes the batches before it.
    savepoint = session.begin_nested() if strict else None
    pending: list[tuple[int, EventIn]] = []

    def flush() -> None:
        valid = _drop_unknown_contacts(session, pending, report)
        if valid and not (strict and report.rejected):  # strict: stop writing at once
            result = journey.record_many([event for _, event in valid])
            report.accepted += result.accepted
            report.duplicates += result.duplicates
        if progress:
            progress(len(pending))
        pending.clear()

    for line, record in read_records(path, fmt):
        report.rows += 1
        if isinstance(record, BadRecord):
            report.rejected.append(RowError(line, record.reason))
            continue
        try:
            event = to_event(record, mapping or {}, source)
            journey.check_event(event)
        except ValidationError as exc:
            report.rejected.append(RowError(line, _reason(exc)))
            continue
        except (InvalidInput, ValueError) as exc:
            reason = exc.detail if isinstance(exc, InvalidInput) else str(exc)
            report.rejected.append(RowError(line, str(reason)))
            continue
        pending.append((line, event))
        if len(pending) >= BATCH:
            flush()
    flush()
    if savepoint is not None:
        if report.rejected:
            savepoint.rollback()
            report.accepted = report.duplicates = 0
            report.written = False
        else:
            savepoint.commit()
    return report


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
            report.rejected.append(
                RowError(line, f"contact_id: unknown contact {event.contact_id}")
            )
        else:
            valid.append((line, event))
    return valid
