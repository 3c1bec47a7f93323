"""Keyword search with BM25 in a SQLite FTS5 file beside the vector index.

It is a local file whatever the main database is, like the Chroma directory: cheap to rebuild
from the chunk rows, fast, and incremental.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

STOPWORDS = frozenset(
    """a about an and are as at be been but by can could did do does for from had has have how
    i if in into is it its me my of on or our should so than that the their them then there these
    they this to was we were what when where which who why will with would you your yours""".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)


class KeywordIndex:
    def __init__(self, path: Path | str, collection: str) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self.collection = collection
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5("
            "id UNINDEXED, collection UNINDEXED, text, tokenize='porter unicode61')"
        )

    def upsert(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._delete(ids)
            self._db.executemany(
                "INSERT INTO chunks(id, collection, text) VALUES (?, ?, ?)",
                [(i, self.collection, t) for i, t in zip(ids, texts, strict=True)],
            )
            self._db.execute("COMMIT")

    def delete(self, ids: Sequence[str]) -> None:
        with self._lock:
            self._delete(ids)

    def _delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            marks = ",".join("?" * len(part))
            self._db.execute(
                f"DELETE FROM chunks WHERE collection = ? AND id IN ({marks})",
                [self.collection, *part],
            )

    def search(self, text: str, k: int) -> list[tuple[str, float]]:
        """Best k chunks by BM25; the score is positive, higher is better."""
        terms = query_terms(text)
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        with self._lock:
            rows = self._db.execute(
                "SELECT id, bm25(chunks) FROM chunks WHERE chunks MATCH ? AND collection = ? "
                "ORDER BY bm25(chunks) LIMIT ?",
                (match, self.collection, k),
            ).fetchall()
        return [(chunk_id, -float(score)) for chunk_id, score in rows]

    def count(self) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT count(*) FROM chunks WHERE collection = ?", (self.collection,)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._db.close()
