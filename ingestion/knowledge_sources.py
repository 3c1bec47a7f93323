"""The knowledge sources an admin manages: what each holds, uploads, re-syncs and removal.

Uploaded files are kept in the data directory (one folder per source), so a later upload or
re-sync re-ingests the whole source incrementally: the same code path as `journey ingest`. An
upload is read before it is stored: a file that cannot be indexed is refused and never kept,
so it cannot stand in the way of the source's later syncs. Every call opens its own units of
work, as ingestion commits batch by batch.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PureWindowsPath

from sqlalchemy import func, select

from ingestion.documents import FAQ_SUFFIXES, TEXT_SUFFIXES, parse
from ingestion.knowledge import IngestReport, KnowledgeBase, ingest, remove_source
from journey.db import UnitsOfWork, transaction
from journey.errors import InvalidInput, NotFound
from journey.models import KnowledgeChunk, KnowledgeSource

SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_UPLOAD = 20 * 1024 * 1024
MAX_FILE_NAME = 200  # bytes of UTF-8; file systems stop at 255


@dataclass(frozen=True)
class SourceSummary:
    name: str
    kind: str
    location: str
    documents: int
    chunks: int
    last_ingested_at: datetime | None


def file_name(sent: str) -> str:
    """The name an uploaded file is kept under: the last part of what was sent (a browser may
    send a whole path, with either separator), so nothing lands outside the source's folder."""
    name = PureWindowsPath(sent).name  # splits on "/" and on backslashes
    if not name or name.startswith(".") or any(c < " " or c == "\x7f" for c in name):
        raise InvalidInput(f"file name {sent[:100]!r} is not usable")
    if len(name.encode()) > MAX_FILE_NAME:
        raise InvalidInput(f"file name {name[:40]!r}...: too long (at most {MAX_FILE_NAME} bytes)")
    if Path(name).suffix.lower() not in TEXT_SUFFIXES | FAQ_SUFFIXES:
        kinds = ", ".join(sorted(TEXT_SUFFIXES | FAQ_SUFFIXES))
        raise InvalidInput(f"{name}: unsupported type; send one of {kinds}")
    return name


class KnowledgeSources:
    def __init__(self, units: UnitsOfWork, knowledge: KnowledgeBase, uploads: Path) -> None:
        self.units = units
        self.knowledge = knowledge
        self.uploads = uploads

    def folder(self, name: str) -> Path:
        """Where a source's uploaded files are kept."""
        if not SOURCE_NAME.match(name):
            raise InvalidInput("source name: letters, digits, '.', '_' or '-' (at most 100)")
        return self.uploads / name

    def summaries(self) -> list[SourceSummary]:
        counts = (
            select(
                KnowledgeChunk.source_id,
                func.count().label("chunks"),
                func.count(func.distinct(KnowledgeChunk.document)).label("documents"),
            )
            .group_by(KnowledgeChunk.source_id)
            .subquery()
        )
        with transaction(self.units.read) as session:
            rows = session.execute(
                select(KnowledgeSource, counts.c.chunks, counts.c.documents)
                .outerjoin(counts, counts.c.source_id == KnowledgeSource.id)
                .order_by(KnowledgeSource.name)
            )
            return [
                SourceSummary(
                    name=s.name,
                    kind=s.kind,
                    location=s.location,
                    documents=documents or 0,
                    chunks=chunks or 0,
                    last_ingested_at=s.last_ingested_at,
                )
                for s, chunks, documents in rows
            ]

    def upload(self, name: str, files: Sequence[tuple[str, bytes]]) -> IngestReport:
        """Add or replace documents of a source and ingest it; nothing is stored when any file
        is refused (unsupported, too large, empty or unreadable)."""
        folder = self.folder(name)
        accepted: list[tuple[str, bytes]] = []
        for sent, content in files:
            filename = file_name(sent)
            if len(content) > MAX_UPLOAD:
                raise InvalidInput(f"{filename}: larger than {MAX_UPLOAD // (1024 * 1024)} MB")
            parse(content, filename, filename)  # raises EmptyFile or UnreadableFile, saying why
            accepted.append((filename, content))
        folder.mkdir(parents=True, exist_ok=True)
        for filename, content in accepted:
            # Written aside (a dot file is not part of the source) and renamed into place, so a
            # sync running meanwhile reads the old file or the new one, never half of it.
            partial = folder / f".{uuid.uuid4().hex}.part"
            partial.write_bytes(content)
            os.replace(partial, folder / filename)
        return self._ingest(folder, name)

    def delete_file(self, name: str, filename: str) -> IngestReport:
        """Remove one uploaded document and its chunks."""
        path = self.folder(name) / file_name(filename)
        if not path.is_file():
            raise NotFound(f"source {name!r} has no uploaded file {filename!r}")
        path.unlink()
        return self._ingest(path.parent, name)

    def sync(self, name: str) -> IngestReport:
        """Re-ingest a source from where it lives (a server folder, or its uploads)."""
        location = Path(self._stored(name).location)
        if not location.exists():
            raise InvalidInput(f"source {name!r}: {location} no longer exists on the server")
        return self._ingest(location, name)

    def remove(self, name: str) -> None:
        """Forget a source: its chunks leave both indexes; uploaded files are deleted."""
        self._stored(name)
        remove_source(self.units.write, self.knowledge, name)
        if SOURCE_NAME.match(name):
            shutil.rmtree(self.uploads / name, ignore_errors=True)

    def _stored(self, name: str) -> KnowledgeSource:
        with transaction(self.units.read) as session:
            source = session.scalar(select(KnowledgeSource).where(KnowledgeSource.name == name))
        if source is None:
            raise NotFound(f"no knowledge source {name!r}")
        return source

    def _ingest(self, folder: Path, name: str) -> IngestReport:
        return ingest(self.units.write, self.knowledge, folder, name)
