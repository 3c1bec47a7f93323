"""Keyword search with BM25 in a SQLite FTS5 file beside the vector index.

It is a local file whatever the main database is, like the Chroma directory: cheap to rebuild
from the chunk rows, fast, and incremental.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from journey.text import content_words, stem

# A term in more chunks than both of these is left out of a query (the 3 rarest terms of a
# query always stay): its postings are long and, by BM25's idf, worth little. Small knowledge
# bases keep every term (on doc2dial's 1,838 chunks pruning at 5% cost 4 points of recall@5).
COMMON_SHARE = 0.05
COMMON_MIN_CHUNKS = 2000
# FTS5 scores every chunk that holds a query term, so a query's cost follows the sum of its
# terms' chunk counts: rarest first, terms are kept while that sum stays within this (the
# rarest always stays). It binds on vague questions over large knowledge bases ("how do I
# apply?" at 100k chunks), where a common word's postings decide little anyway.
POSTINGS_BUDGET = 20_000
# Chunk counts are kept per Porter stem, as FTS5's porter tokenizer matches ("apply" finds
# "applied" and "applications"); files from before counted plain words (version 0) or split
# words at underscores unlike FTS5 (version 1), and are recounted.
TERMS_VERSION = 2


class KeywordIndex:
    """Chunk texts in a plain table, an FTS5 index over it, and the number of chunks each
    stem of our own query terms is found in (so a query can drop its common words first, and
    re-ranking can weigh words by their rarity)."""

    def __init__(self, path: Path | str, collection: str) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self.collection = collection
        self._lock = threading.Lock()
        self._cached_size: int | None = None
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS docs (
                rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, collection TEXT NOT NULL,
                text TEXT NOT NULL, UNIQUE (collection, id));
            CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
                text, content='docs', content_rowid='rowid', tokenize='porter unicode61');
            CREATE TABLE IF NOT EXISTS terms (
                collection TEXT NOT NULL, term TEXT NOT NULL, df INTEGER NOT NULL,
                PRIMARY KEY (collection, term)) WITHOUT ROWID;
            """
        )
        if self._db.execute("PRAGMA user_version").fetchone()[0] < TERMS_VERSION:
            self._recount_terms()

    def _recount_terms(self) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM terms")
            for (collection,) in self._db.execute(
                "SELECT DISTINCT collection FROM docs"
            ).fetchall():
                texts = [t for (t,) in self._db.execute(
                    "SELECT text FROM docs WHERE collection = ?", (collection,)
                )]  # fmt: skip
                self._count_terms(texts, +1, collection)
            self._db.execute(f"PRAGMA user_version = {TERMS_VERSION}")
            self._db.execute("COMMIT")

    def upsert(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._delete(ids)
                for chunk_id, text in zip(ids, texts, strict=True):
                    rowid = self._db.execute(
                        "INSERT INTO docs(id, collection, text) VALUES (?, ?, ?)",
                        (chunk_id, self.collection, text),
                    ).lastrowid
                    self._db.execute(
                        "INSERT INTO docs_fts(rowid, text) VALUES (?, ?)", (rowid, text)
                    )
                self._count_terms(texts, +1)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def delete(self, ids: Sequence[str]) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._delete(ids)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _delete(self, ids: Sequence[str]) -> None:
        self._cached_size = None
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT rowid, text FROM docs WHERE collection = ? AND id IN ({marks})",
                [self.collection, *part],
            ).fetchall()
            for rowid, text in rows:
                # An external-content FTS index is told what it forgets.
                self._db.execute(
                    "INSERT INTO docs_fts(docs_fts, rowid, text) VALUES ('delete', ?, ?)",
                    (rowid, text),
                )
                self._db.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
            self._count_terms([text for _, text in rows], -1)

    @staticmethod
    def _stems(terms: list[str]) -> dict[str, str]:
        """Each stem with the first of the terms it comes from."""
        stems: dict[str, str] = {}
        for term in terms:
            stems.setdefault(stem(term), term)
        return stems

    def idf(self, stems: Sequence[str]) -> dict[str, float]:
        """BM25's inverse document frequency of each stem found in this collection."""
        if not stems:
            return {}
        with self._lock:
            df = self._chunk_counts(stems)
            n = self._size()
        return {s: math.log(1 + (n - k + 0.5) / (k + 0.5)) for s, k in df.items() if k > 0}

    def nearest_term(self, stemmed: str) -> str | None:
        """The stem of this collection one slip of the keyboard away from an unknown one (a
        letter missed, added, changed, or two swapped: "andriod" for "android"), the commonest
        of several; None when the stem is known or none is that close."""
        with self._lock:
            if self._chunk_counts([stemmed]):
                return None
            near = self._db.execute(
                "SELECT term, df FROM terms WHERE collection = ? AND df > 0 "
                "AND length(term) BETWEEN ? AND ?",
                (self.collection, len(stemmed) - 1, len(stemmed) + 1),
            ).fetchall()
        df = dict(near)
        slips = process.extract(
            stemmed, list(df), scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=None
        )
        return max((term for term, _, _ in slips), key=df.__getitem__, default=None)

    def _chunk_counts(self, stems: Sequence[str]) -> dict[str, int]:
        """How many chunks of this collection each stem is found in (absent: none)."""
        marks = ",".join("?" * len(stems))
        return dict(
            self._db.execute(
                f"SELECT term, df FROM terms WHERE collection = ? AND term IN ({marks})",
                [self.collection, *stems],
            ).fetchall()
        )

    def _count_terms(self, texts: Sequence[str], sign: int, collection: str = "") -> None:
        counts: dict[str, int] = {}
        for text in texts:
            for stemmed in self._stems(content_words(text)):
                counts[stemmed] = counts.get(stemmed, 0) + 1
        self._db.executemany(
            "INSERT INTO terms(collection, term, df) VALUES (?, ?, ?) "
            "ON CONFLICT(collection, term) DO UPDATE SET df = df + excluded.df",
            [(collection or self.collection, stemmed, sign * n) for stemmed, n in counts.items()],
        )

    def _selective_terms(self, terms: list[str]) -> list[str]:
        stems = self._stems(terms)
        df = self._chunk_counts(list(stems))
        rarest = sorted(stems, key=lambda stemmed: df.get(stemmed, 0))
        limit = max(COMMON_SHARE * self._size(), COMMON_MIN_CHUNKS)
        kept: list[str] = []
        postings = 0
        for stemmed in rarest:
            n = df.get(stemmed, 0)
            common = n > limit and len(kept) >= 3
            if kept and (common or postings + n > POSTINGS_BUDGET):
                break  # later stems are commoner still
            kept.append(stems[stemmed])
            postings += n
        return kept

    def search(self, text: str, k: int) -> list[tuple[str, float]]:
        """Best k chunks by BM25; the score is positive, higher is better."""
        terms = content_words(text)
        if not terms:
            return []
        with self._lock:
            match = " OR ".join(f'"{t}"' for t in self._selective_terms(terms))
            # Rank inside FTS first (a join lets SQLite walk every row of the collection and
            # probe the index per row); other collections' hits are dropped after.
            rows = self._db.execute(
                "SELECT docs.id, hits.score FROM (SELECT rowid, bm25(docs_fts) AS score "
                "FROM docs_fts WHERE docs_fts MATCH ? ORDER BY score LIMIT ?) AS hits "
                "JOIN docs ON docs.rowid = hits.rowid WHERE docs.collection = ? "
                "ORDER BY hits.score",
                (match, 2 * k, self.collection),
            ).fetchall()[:k]
        return [(chunk_id, -float(score)) for chunk_id, score in rows]

    def _size(self) -> int:
        # Counting 100k rows per query costs milliseconds; the count is kept between writes
        # (another process's writes only shift which words count as common).
        if self._cached_size is None:
            row = self._db.execute(
                "SELECT count(*) FROM docs WHERE collection = ?", (self.collection,)
            ).fetchone()
            self._cached_size = int(row[0])
        return self._cached_size

    def count(self) -> int:
        with self._lock:
            self._cached_size = None
            return self._size()

    def close(self) -> None:
        self._db.close()
