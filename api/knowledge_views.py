"""The knowledge base over HTTP, for admins: list sources, upload documents, re-sync, remove
(`ingestion/knowledge_sources.py` does the work)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, UploadFile, status

from api.deps import ServicesDep, require_role
from api.routing import UnitOfWorkRoute
from ingestion.knowledge import IngestReport
from ingestion.knowledge_sources import MAX_UPLOAD, KnowledgeSources, SourceSummary

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/admin/knowledge",
    tags=["knowledge"],
    dependencies=[Depends(require_role("admin"))],
)


def knowledge_sources(container: ServicesDep) -> KnowledgeSources:
    return container.knowledge_sources


SourcesDep = Annotated[KnowledgeSources, Depends(knowledge_sources)]


@router.get("/sources")
def list_sources(sources: SourcesDep) -> list[SourceSummary]:
    return sources.summaries()


@router.post("/sources/{name}/files")
def upload_files(name: str, files: list[UploadFile], sources: SourcesDep) -> IngestReport:
    """Add or replace documents of a source (Markdown, text, HTML, PDF, FAQ CSV/JSON) and
    ingest it; nothing is stored when any file is refused (unsupported, too large, empty or
    unreadable)."""
    sent = [(upload.filename or "", upload.file.read(MAX_UPLOAD + 1)) for upload in files]
    return sources.upload(name, sent)


@router.delete("/sources/{name}/files/{filename}")
def delete_file(name: str, filename: str, sources: SourcesDep) -> IngestReport:
    """Remove one uploaded document and its chunks."""
    return sources.delete_file(name, filename)


@router.post("/sources/{name}/sync")
def sync_source(name: str, sources: SourcesDep) -> IngestReport:
    """Re-ingest a source from where it lives (a server folder, or its uploads)."""
    return sources.sync(name)


@router.delete("/sources/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(name: str, sources: SourcesDep) -> None:
    """Forget a source: its chunks leave both indexes; uploaded files are deleted."""
    sources.remove(name)
