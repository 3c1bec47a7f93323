"""Hybrid retrieval: dense and keyword results fused by reciprocal rank, as our own Passages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestion.knowledge import KnowledgeBase
from ingestion.models import KnowledgeChunk, KnowledgeSource

RRF_K = 60
CANDIDATES = 30


@dataclass(frozen=True)
class Passage:
    id: str
    text: str
    source: str
    title: str
    url: str | None
    section: str | None
    score: float  # fused score; higher is better
    dense: float  # cosine similarity to the query (0 when only keyword search found it)
    keyword: float  # BM25 score (0 when only dense search found it)


def fuse(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1 / (k + rank) for the ids it holds."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


class HybridRetriever:
    def __init__(self, kb: KnowledgeBase, candidates: int = CANDIDATES) -> None:
        self.kb = kb
        self.candidates = candidates

    def candidates_for(self, query: str) -> tuple[dict[str, float], dict[str, float]]:
        """Dense (cosine) and keyword (BM25) candidates, each best first."""
        vector = self.kb.embedder.embed([query])[0]
        dense = dict(self.kb.vectors.query(vector, self.candidates))
        return dense, dict(self.kb.keywords.search(query, self.candidates))

    def search(
        self,
        session: Session,
        query: str,
        k: int = 5,
        candidates: tuple[dict[str, float], dict[str, float]] | None = None,
    ) -> list[Passage]:
        dense, keyword = candidates or self.candidates_for(query)
        fused = fuse([list(dense), list(keyword)])
        ranked = sorted(fused, key=lambda cid: fused[cid], reverse=True)
        rows = _chunks(session, ranked[: max(k * 3, k)])
        passages = [
            Passage(
                id=cid,
                text=row.text,
                source=source,
                title=row.title,
                url=row.url,
                section=row.section,
                score=fused[cid],
                dense=dense.get(cid, 0.0),
                keyword=keyword.get(cid, 0.0),
            )
            for cid in ranked
            # An id without a row was deleted mid-ingest: never return it.
            if cid in rows
            for row, source in [rows[cid]]
        ]
        return passages[:k]


def _chunks(session: Session, ids: list[str]) -> dict[str, tuple[KnowledgeChunk, str]]:
    if not ids:
        return {}
    rows = session.execute(
        select(KnowledgeChunk, KnowledgeSource.name)
        .join(KnowledgeSource, KnowledgeSource.id == KnowledgeChunk.source_id)
        .where(KnowledgeChunk.id.in_(ids))
    )
    return {chunk.id: (chunk, name) for chunk, name in rows}
