"""The knowledge base over HTTP, for admins: list sources, upload documents, re-sync, remove.

Uploaded files are kept in the data directory (one folder per source), so a later upload or
re-sync re-ingests the whole source incrementally: unchanged chunks are skipped, changed ones
replaced, removed files' chunks deleted — the same code path as `journey ingest`. An upload is
read before it is stored: a file that cannot be indexed is refused (422) and never kept, so it
cannot stand in the way of the source's later syncs.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from datetime import datetime
from pathlib import Path, PureWindowsPath

from fastapi import APIRouter, Depends, UploadFile, status
from pydantic import BaseModel
from sqlalchemy import func, select

from api.deps import ServicesDep, SessionDep, require_role
from api.routing import UnitOfWorkRoute
from api.services import Services
from ingestion.documents import FAQ_SUFFIXES, TEXT_SUFFIXES, parse
from ingestion.knowledge import IngestReport, ingest, remove_source
from journey.errors import InvalidInput, NotFound
from journey.models import KnowledgeChunk, KnowledgeSource

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/admin/knowledge",
    tags=["knowledge"],
    dependencies=[Depends(require_role("admin"))],
)
SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_UPLOAD = 20 * 1024 * 1024
MAX_FILE_NAME = 200  # bytes of UTF-8; file systems stop at 255


class SourceOut(BaseModel):
    name: str
    kind: str
    location: str
    documents: int
    chunks: int
    last_ingested_at: datetime | None


class IngestReportOut(BaseModel):
    source: str
    files: int
    chunks: int
    added: int
    unchanged: int
    removed: int
    errors: list[str]


def uploads_dir(container: Services, name: str) -> Path:
    if not SOURCE_NAME.match(name):
        raise InvalidInput("source name: letters, digits, '.', '_' or '-' (at most 100)")
    return container.settings.data_dir / "uploads" / name


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


def _report(report: IngestReport) -> IngestReportOut:
    return IngestReportOut(**report.__dict__)


def _stored_source(session: SessionDep, name: str) -> KnowledgeSource:
    source = session.scalar(select(KnowledgeSource).where(KnowledgeSource.name == name))
    if source is None:
        raise NotFound(f"no knowledge source {name!r}")
    return source


@router.get("/sources")
def list_sources(session: SessionDep) -> list[SourceOut]:
    counts = (
        select(
            KnowledgeChunk.source_id,
            func.count().label("chunks"),
            func.count(func.distinct(KnowledgeChunk.document)).label("documents"),
        )
        .group_by(KnowledgeChunk.source_id)
        .subquery()
    )
    rows = session.execute(
        select(KnowledgeSource, counts.c.chunks, counts.c.documents)
        .outerjoin(counts, counts.c.source_id == KnowledgeSource.id)
        .order_by(KnowledgeSource.name)
    )
    return [
        SourceOut(
            name=s.name,
            kind=s.kind,
            location=s.location,
            documents=documents or 0,
            chunks=chunks or 0,
            last_ingested_at=s.last_ingested_at,
        )
        for s, chunks, documents in rows
    ]


@router.post("/sources/{name}/files")
def upload_files(
    name: str, files: list[UploadFile], session: SessionDep, container: ServicesDep
) -> IngestReportOut:
    """Add or replace documents of a source (Markdown, text, HTML, PDF, FAQ CSV/JSON) and
    ingest it; nothing is stored when any file is refused (unsupported, too large, empty or
    unreadable)."""
    folder = uploads_dir(container, name)
    accepted: list[tuple[str, bytes]] = []
    for upload in files:
        filename = file_name(upload.filename or "")
        content = upload.file.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            raise InvalidInput(f"{filename}: larger than {MAX_UPLOAD // (1024 * 1024)} MB")
        parse(content, filename, filename)  # raises EmptyFile or UnreadableFile, saying why
        accepted.append((filename, content))
    session.commit()  # release the request's write lock: ingestion has its own transactions
    folder.mkdir(parents=True, exist_ok=True)
    for filename, content in accepted:
        # Written aside (a dot file is not part of the source) and renamed into place, so a
        # sync running meanwhile reads the old file or the new one, never half of it.
        partial = folder / f".{uuid.uuid4().hex}.part"
        partial.write_bytes(content)
        os.replace(partial, folder / filename)
    return _report(ingest(container.sessions, container.knowledge, folder, name))


@router.delete("/sources/{name}/files/{filename}")
def delete_file(
    name: str, filename: str, session: SessionDep, container: ServicesDep
) -> IngestReportOut:
    """Remove one uploaded document and its chunks."""
    session.commit()
    path = uploads_dir(container, name) / file_name(filename)
    if not path.is_file():
        raise NotFound(f"source {name!r} has no uploaded file {filename!r}")
    path.unlink()
    return _report(ingest(container.sessions, container.knowledge, path.parent, name))


@router.post("/sources/{name}/sync")
def sync_source(name: str, session: SessionDep, container: ServicesDep) -> IngestReportOut:
    """Re-ingest a source from where it lives (a server folder, or its uploads)."""
    location = Path(_stored_source(session, name).location)
    session.commit()
    if not location.exists():
        raise InvalidInput(f"source {name!r}: {location} no longer exists on the server")
    return _report(ingest(container.sessions, container.knowledge, location, name))


@router.delete("/sources/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(name: str, session: SessionDep, container: ServicesDep) -> None:
    """Forget a source: its chunks leave both indexes; uploaded files are deleted."""
    _stored_source(session, name)
    session.commit()
    remove_source(container.sessions, container.knowledge, name)
    if SOURCE_NAME.match(name):
        shutil.rmtree(container.settings.data_dir / "uploads" / name, ignore_errors=True)
