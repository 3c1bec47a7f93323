"""What every file import shares: the report, `--map` pairs, and the row loop.

The loop reads records (with their lines), parses each into an item, hands valid items to a
writer in batches and keeps the rejected ones with their line and reason. The caller commits
once at the end, so nothing is half-written; a strict import runs in a savepoint and writes
nothing at all when any row is rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy.orm import Session

from ingestion.records import BadRecord, read_records
from journey.errors import InvalidInput

BATCH = 5000

Item = TypeVar("Item")


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    accepted: int = 0
    duplicates: int = 0  # already stored: a replayed row adds nothing
    near_duplicates: int = 0  # stored as a link to the first copy, no journey event
    without_event: int = 0  # stored, but nobody to give a journey event to (anonymous review)
    rejected: list[RowError] = field(default_factory=list)
    written: bool = True

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append(RowError(line, reason))


def parse_mapping(
    pairs: Iterable[str], fields: Collection[str], what: str = "an event field"
) -> dict[str, str]:
    """`--map FIELD=COLUMN` pairs into {field: column}; each FIELD must be one of `fields`."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        target, sep, column = pair.partition("=")
        if not sep or not column:
            raise InvalidInput(f"--map {pair!r}: write it as FIELD=COLUMN")
        if target not in fields:
            raise InvalidInput(
                f"--map {pair!r}: {target!r} is not {what} (fields: {', '.join(sorted(fields))})"
            )
        mapping[target] = column
    return mapping


def validation_reason(exc: ValidationError) -> str:
    """The first error of a pydantic validation as `field: message (+n more)`."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "row"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def run_import(
    session: Session,
    path: Path,
    parse: Callable[[dict[str, Any]], Item],
    write: Callable[[list[tuple[int, Item]], ImportReport], None],
    *,
    fmt: str | None = None,
    name: str | None = None,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Parse every record of `path`; `write` stores a batch of (line, item) and counts it in
    the report (it may reject rows too, e.g. a contact found unknown only in the database).
    `name` is the file's name in messages (an upload's), by default the path's."""
    report = ImportReport()
    # Strict imports run in a savepoint so that one bad row undoes the batches before it.
    savepoint = session.begin_nested() if strict else None
    pending: list[tuple[int, Item]] = []

    def flush() -> None:
        if pending and not (strict and report.rejected):  # strict: stop writing at once
            write(pending, report)
            if not strict:
                # Each batch stands on its own (a replay skips it): committing it lets chat
                # writes in between, where one long transaction would hold SQLite's write
                # lock for the whole file, and the next batch is parsed without the lock.
                session.commit()
        if progress:
            progress(len(pending))
        pending.clear()

    try:
        for line, record in read_records(path, fmt, name):
            report.rows += 1
            if isinstance(record, BadRecord):
                report.reject(line, record.reason)
                continue
            try:
                item = parse(record)
            except ValidationError as exc:
                report.reject(line, validation_reason(exc))
                continue
            except (InvalidInput, ValueError) as exc:
                report.reject(line, str(exc.detail if isinstance(exc, InvalidInput) else exc))
                continue
            pending.append((line, item))
            if len(pending) >= BATCH:
                flush()
        flush()
    except BaseException:
        # Whatever stops the import midway (the database, an interrupt) leaves nothing behind.
        if savepoint is not None:
            savepoint.rollback()
        raise
    if savepoint is not None:
        if report.rejected:
            savepoint.rollback()
            report.accepted = report.duplicates = report.near_duplicates = 0
            report.without_event = 0
            report.written = False
        else:
            savepoint.commit()
    return report
