"""Vector storage behind a small interface; Chroma (a local directory or a server) by default.

Chroma's own default embedding function downloads a model: every collection here gets ours,
and vectors are always passed in precomputed, so Chroma never embeds anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import numpy as np

from ingestion.embeddings import Embedder, Vectors


class VectorIndex(Protocol):
    def upsert(
        self, ids: Sequence[str], vectors: Vectors, metadatas: Sequence[dict[str, Any]]
    ) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def query(self, vector: Vectors, k: int) -> list[tuple[str, float]]: ...

    def count(self) -> int: ...


class _OurEmbeddings:
    """Chroma's embedding-function protocol, served by our embedder."""

    def __init__(self, embedder: Embedder | None) -> None:
        self.embedder = embedder

    def __call__(self, input: list[str]) -> list[Any]:
        if self.embedder is None:
            raise RuntimeError("open the collection through ChromaIndex to embed with it")
        return list(self.embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "journey-assistant"

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> _OurEmbeddings:
        # Chroma rebuilds the function from the stored config when it reads a collection;
        # ChromaIndex always hands it the live embedder right after.
        return _OurEmbeddings(None)

    def embed_query(self, input: list[str]) -> list[Any]:
        return self(input)


class ChromaIndex:
    def __init__(
        self,
        collection: str,
        embedder: Embedder,
        path: Path | None = None,
        server_url: str | None = None,
    ) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if server_url:
            parsed = urlparse(server_url)
            self.client: Any = chromadb.HttpClient(
                host=parsed.hostname or "localhost",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        else:
            assert path is not None, "a local Chroma index needs a directory"
            path.mkdir(parents=True, exist_ok=True)
            self.client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        self.collection = self.client.get_or_create_collection(
            name=collection,
            embedding_function=_OurEmbeddings(embedder),
            configuration={"hnsw": {"space": "cosine"}},
        )

    def upsert(
        self, ids: Sequence[str], vectors: Vectors, metadatas: Sequence[dict[str, Any]]
    ) -> None:
        # Chroma caps a single write; stay well under it.
        step = 4000
        for start in range(0, len(ids), step):
            self.collection.upsert(
                ids=list(ids[start : start + step]),
                embeddings=vectors[start : start + step],
                metadatas=[_clean(m) for m in metadatas[start : start + step]],
            )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    def query(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        if self.count() == 0:
            return []
        result = self.collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=k,
            include=["distances"],
        )
        ids, distances = result["ids"][0], result["distances"][0]
        # Cosine distance -> cosine similarity, the scale the confidence gate works on.
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def count(self) -> int:
        return int(self.collection.count())


def _clean(metadata: dict[str, Any]) -> dict[str, Any]:
    # Chroma metadata values must be str, int, float or bool (no None).
    return {k: v for k, v in metadata.items() if v is not None}
