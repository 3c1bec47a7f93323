"""Knowledge ingestion: files -> documents -> chunks -> embeddings in the vector and keyword
indexes, with chunk rows in the database as the record of what is indexed.

Incremental by content: unchanged chunks are skipped, new ones embedded, vanished ones removed.
A changed source is swapped without a gap: its new chunks are all in place before the old ones
go, so a visitor asking meanwhile finds one or the other (for a moment both), never neither.
Work is committed in batches, in an order that makes an interrupted run safe to resume:
vectors are written before their rows (a resumed run re-upserts the same ids), and rows are
deleted before their vectors (a leftover vector has no row, so retrieval never returns it).
A file that cannot be read is skipped with its reason, and keeps its chunks from before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from ingestion.chunking import Chunk, chunk_document
from ingestion.documents import Document, UnreadableFile, discover, load
from ingestion.embeddings import Embedder
from ingestion.keyword_index import KeywordIndex
from ingestion.vector_index import VectorIndex
from journey.db import transaction, utcnow
from journey.errors import InvalidInput, NotFound
from journey.models import KnowledgeChunk, KnowledgeSource

EMBED_BATCH = 128
MAX_SOURCE_NAME = 200  # the column's width


@dataclass
class KnowledgeBase:
    """The indexes of one knowledge collection, and the embedder that fills them."""

    embedder: Embedder
    vectors: VectorIndex
    keywords: KeywordIndex
    _writers: dict[str, threading.Lock] = field(default_factory=dict, init=False, repr=False)
    _writers_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def writing(self, source: str) -> threading.Lock:
        """One writer per source at a time (in this process): two syncs that see the same new
        chunks would both insert them."""
        with self._writers_lock:
            return self._writers.setdefault(source, threading.Lock())


@dataclass
class IngestReport:
    source: str
    files: int = 0
    chunks: int = 0
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[str] = field(default_factory=list)


def _source(session: Session, name: str, location: Path) -> KnowledgeSource:
    source = session.scalar(select(KnowledgeSource).where(KnowledgeSource.name == name))
    if source is None:
        kind = "folder" if location.is_dir() else location.suffix.lstrip(".") or "file"
        source = KnowledgeSource(name=name, kind=kind, location=str(location))
        session.add(source)
        session.flush()
    return source


def ingest(
    sessions: sessionmaker[Session],
    kb: KnowledgeBase,
    path: Path,
    source_name: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Bring the indexes in line with the files under `path`; returns what changed."""
    path = path.resolve()
    files = discover(path)
    root = path if path.is_dir() else path.parent
    documents: list[Document] = []
    skipped: dict[str, str] = {}
    for file in files:
        key = file.relative_to(root).as_posix()
        try:
            documents += load(file, key)
        except UnreadableFile as exc:
            skipped[key] = exc.reason
    report = sync_documents(
        sessions, kb, source_name or path.name, path, documents, skipped, progress
    )
    report.files = len(files)
    return report


def sync_documents(
    sessions: sessionmaker[Session],
    kb: KnowledgeBase,
    name: str,
    location: Path,
    documents: list[Document],
    skipped: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Make the source's indexed chunks exactly those of `documents`. A document in `skipped`
    (its key, and why) could not be read: its old chunks are kept."""
    if not name.strip() or len(name) > MAX_SOURCE_NAME:
        raise InvalidInput(f"source name: 1 to {MAX_SOURCE_NAME} characters")
    skipped = skipped or {}
    report = IngestReport(
        source=name, files=len(documents), errors=[f"{k}: {why}" for k, why in skipped.items()]
    )
    wanted: dict[str, Chunk] = {}
    for document in documents:
        for chunk in chunk_document(name, document):
            wanted[chunk.id] = chunk
    report.chunks = len(wanted)

    with kb.writing(name):
        with transaction(sessions) as session:
            source_id = _source(session, name, location).id
            stored = dict(
                session.execute(
                    select(KnowledgeChunk.id, KnowledgeChunk.document).where(
                        KnowledgeChunk.source_id == source_id
                    )
                ).all()
            )
        stale = [
            cid
            for cid, document in stored.items()
            if cid not in wanted and document.split("#")[0] not in skipped
        ]
        new = [chunk for cid, chunk in wanted.items() if cid not in stored]
        report.unchanged = len(wanted) - len(new)

        for start in range(0, len(new), EMBED_BATCH):
            batch = new[start : start + EMBED_BATCH]
            texts = [c.embedding_text() for c in batch]
            vectors = kb.embedder.embed(texts)
            ids = [c.id for c in batch]
            kb.vectors.upsert(ids, vectors, [_metadata(name, c) for c in batch])
            kb.keywords.upsert(ids, texts)
            with transaction(sessions) as session:
                session.add_all(_row(source_id, c) for c in batch)
            report.added += len(batch)
            if progress:
                progress(report.added, len(new))

        if stale:
            with transaction(sessions) as session:
                for part in range(0, len(stale), 500):
                    session.execute(
                        delete(KnowledgeChunk).where(
                            KnowledgeChunk.id.in_(stale[part : part + 500])
                        )
                    )
            kb.vectors.delete(stale)
            kb.keywords.delete(stale)
            report.removed = len(stale)

        with transaction(sessions) as session:
            source = session.get(KnowledgeSource, source_id)
            assert source is not None
            source.last_ingested_at = utcnow()
    return report


def remove_source(sessions: sessionmaker[Session], kb: KnowledgeBase, name: str) -> int:
    """Delete a source with its chunks from the store and both indexes; returns the chunks."""
    with kb.writing(name):
        with transaction(sessions) as session:
            source = session.scalar(select(KnowledgeSource).where(KnowledgeSource.name == name))
            if source is None:
                raise NotFound(f"no knowledge source {name!r}")
            ids = list(
                session.scalars(
                    select(KnowledgeChunk.id).where(KnowledgeChunk.source_id == source.id)
                )
            )
        # Indexes first: a crash in between leaves rows that the next ingest cleans up, never
        # vectors that point at nothing.
        kb.vectors.delete(ids)
        kb.keywords.delete(ids)
        with transaction(sessions) as session:
            session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.source_id == source.id))
            session.execute(delete(KnowledgeSource).where(KnowledgeSource.id == source.id))
    return len(ids)


def _metadata(source: str, chunk: Chunk) -> dict[str, str | int | None]:
    return {"source": source, "document": chunk.document, "title": chunk.title, "url": chunk.url}


def _row(source_id: int, chunk: Chunk) -> KnowledgeChunk:
    return KnowledgeChunk(
        id=chunk.id,
        source_id=source_id,
        document=chunk.document,
        title=chunk.title[:500],
        url=chunk.url,
        section=(chunk.section or "")[:500] or None,
        position=chunk.position,
        text=chunk.text,
        content_hash=chunk.content_hash,
        token_count=chunk.words,
    )
