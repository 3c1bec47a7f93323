"""`journey eval retrieval` and `journey eval answers` on document-grounded dialogue data
(the doc2dial format: docs.jsonl + qa.jsonl), in a throw-away index built by the product's own
ingestion, so the chunks measured are the chunks the product makes."""

from __future__ import annotations

import csv
import random
import statistics
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assistant.engine import AnswerEngine, Reply
from assistant.retrieval import HybridRetriever
from ingestion.documents import Document, Section
from ingestion.embeddings import Embedder
from ingestion.keyword_index import KeywordIndex
from ingestion.knowledge import KnowledgeBase, sync_documents
from ingestion.records import read_jsonl
from ingestion.vector_index import ChromaIndex
from journey.db import make_engine, make_session_factory, migrate
from journey.errors import InvalidInput
from journey.models import KnowledgeChunk
from journey.settings import AssistantSettings
from journey.text import words

Progress = Callable[[int, int], None]


@dataclass
class Dialogue:
    question: str
    history: list[tuple[str, str]]  # (visitor|bot, text), oldest first
    doc_id: str
    gold_spans: list[str]


def load_documents(path: Path) -> list[Document]:
    return [
        Document(
            row["doc_id"],
            row.get("title") or row["doc_id"],
            row.get("url"),
            [Section(None, row["text"])],
        )
        for row in read_jsonl(path)
    ]


def load_dialogues(path: Path, limit: int | None = None) -> list[Dialogue]:
    roles = {"user": "visitor", "agent": "bot"}
    dialogues = [
        Dialogue(
            question=row["question"],
            history=[(roles.get(t["role"], t["role"]), t["text"]) for t in row.get("history", [])],
            doc_id=row["doc_id"],
            gold_spans=[s for s in row.get("gold_span_texts", []) if s.strip()],
        )
        for row in read_jsonl(path)
    ]
    return dialogues[:limit] if limit else dialogues


def load_out_of_scope(path: Path, limit: int | None = None) -> list[str]:
    """Questions the knowledge cannot answer: a CSV `text` column, rows with is_oos = 1
    when that column exists."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "text" not in rows[0]:
        raise InvalidInput(f"{path.name}: needs a 'text' column")
    texts = [r["text"] for r in rows if str(r.get("is_oos", "1")).strip() in {"1", "true", "True"}]
    return texts[:limit] if limit else texts


def covers(chunk_text: str, span: str, share: float = 0.6) -> bool:
    """Whether a chunk holds most of a gold span (its words, counted with repeats)."""
    wanted = Counter(words(span))
    if not wanted:
        return False
    have = Counter(words(chunk_text))
    found = sum(min(n, have[w]) for w, n in wanted.items())
    return found / sum(wanted.values()) >= share


def token_f1(prediction: str, references: Sequence[str]) -> float:
    predicted = Counter(words(prediction))
    best = 0.0
    for reference in references:
        gold = Counter(words(reference))
        common = sum((predicted & gold).values())
        if common:
            precision = common / sum(predicted.values())
            recall = common / sum(gold.values())
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


@dataclass
class EvalIndex:
    retriever: HybridRetriever
    sessions: Any
    chunks: dict[str, tuple[str, str]]  # chunk id -> (document key, text)


@contextmanager
def throwaway_index(
    documents: list[Document], embedder: Embedder, progress: Progress | None = None
) -> Iterator[EvalIndex]:
    with tempfile.TemporaryDirectory(prefix="journey-eval-") as tmp:
        root = Path(tmp)
        engine = make_engine(f"sqlite:///{root}/eval.db")
        migrate(engine)
        sessions = make_session_factory(engine)
        keywords = KeywordIndex(root / "keywords.db", "knowledge")
        kb = KnowledgeBase(
            embedder, ChromaIndex("knowledge", embedder, path=root / "chroma"), keywords
        )
        sync_documents(sessions, kb, "eval", root, documents, progress=progress)
        with sessions() as session:
            chunks = {
                cid: (document, text)
                for cid, document, text in session.execute(
                    select(KnowledgeChunk.id, KnowledgeChunk.document, KnowledgeChunk.text)
                )
            }
        try:
            yield EvalIndex(HybridRetriever(kb), sessions, chunks)
        finally:
            keywords.close()
            engine.dispose()


def _rank_metrics(ranks: list[int | None], n: int) -> dict[str, float]:
    return {
        "recall_at_1": sum(r is not None and r <= 1 for r in ranks) / n,
        "recall_at_5": sum(r is not None and r <= 5 for r in ranks) / n,
        "recall_at_10": sum(r is not None and r <= 10 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r is not None) / n,
    }


def _interleaved(rankings: list[list[str]]) -> list[str]:
    """The first of each ranking, then the second of each, and so on, each id once."""
    merged: dict[str, None] = {}
    for row in zip_longest(*rankings):
        merged.update((cid, None) for cid in row if cid is not None)
    return list(merged)


def evaluate_retrieval(
    index: EvalIndex,
    dialogues: list[Dialogue],
    settings: AssistantSettings,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Recall@1/5/10 and MRR of the gold grounding span. A hit is a retrieved chunk of the
    gold document covering most of a gold span (chunks of other documents never count).
    The baselines get the same queries, searched by one retriever alone."""

    def first_hit(ranking: Sequence[str], dialogue: Dialogue) -> int | None:
        for rank, cid in enumerate(ranking[:10], start=1):
            document, text = index.chunks.get(cid, ("", ""))
            if document == dialogue.doc_id and any(covers(text, s) for s in dialogue.gold_spans):
                return rank
        return None

    scored = [d for d in dialogues if d.gold_spans]
    engine = AnswerEngine(index.retriever, None, settings)
    ranks: dict[str, list[int | None]] = {"hybrid": [], "dense": [], "keyword": []}
    with index.sessions() as session:
        for done, dialogue in enumerate(scored, start=1):
            # The product's own search (the question, and for a follow-up the question in its
            # conversation); the baselines get the same queries, searched by one retriever.
            message = engine.understand(session, dialogue.question, dialogue.history)
            searched = engine.search(session, message, dialogue.history, k=10)
            queries = list(dict.fromkeys([*message.searches, *(q for _, q in searched)]))
            candidates = index.retriever.candidates_for(queries)
            # A message asking two things: what each question found, in turn.
            merged = _interleaved([[p.id for p in found.passages] for found, _ in searched])
            rankings = {
                "hybrid": merged,
                "dense": candidates.ranking("dense"),
                "keyword": candidates.ranking("keyword"),
            }
            for which, found_ranks in ranks.items():
                found_ranks.append(first_hit(rankings[which], dialogue))
            if progress:
                progress(done, len(scored))
    n = len(scored) or 1
    words = [len(text.split()) for _, text in index.chunks.values()]
    return {
        **_rank_metrics(ranks["hybrid"], n),
        "n": len(scored),
        "chunks": len(index.chunks),
        "mean_chunk_words": round(statistics.mean(words), 1) if words else 0.0,
        "hit_rule": "chunk of the gold document covering >= 60% of a gold span's words",
        "baselines": {
            "bm25": _rank_metrics(ranks["keyword"], n),
            "dense": _rank_metrics(ranks["dense"], n),
        },
    }


def _final(events: Iterator[tuple[str, Any]]) -> Reply:
    reply = None
    for kind, value in events:
        if kind == "done":
            reply = value
    assert reply is not None
    return reply


def evaluate_answers(
    index: EvalIndex,
    engine_settings: AssistantSettings,
    model: Any,
    dialogues: list[Dialogue],
    out_of_scope: list[str],
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Token F1 against the gold spans, citation validity of sent answers, the answer rate on
    answerable questions and the refusal rate on questions outside the knowledge."""
    engine = AnswerEngine(index.retriever, model, engine_settings)
    total = len(dialogues) + 2 * len(out_of_scope)
    # Off-topic questions are asked twice: to open a conversation, and in the middle of one
    # (after the history of an answerable dialogue, chosen with a fixed seed).
    rng = random.Random(0)
    with_history = [d.history for d in dialogues if d.history] or [[]]
    histories = [rng.choice(with_history) for _ in out_of_scope]
    f1s: list[float] = []
    answered = valid = refused = 0
    with index.sessions() as session:
        for done, dialogue in enumerate(dialogues, start=1):
            reply = _final(engine.stream(session, dialogue.question, dialogue.history))
            if reply.kind == "answer":
                answered += 1
                valid += bool(reply.citations)
                f1s.append(token_f1(reply.text, dialogue.gold_spans or [""]))
            else:
                f1s.append(0.0)
            if progress:
                progress(done, total)
        refused_in_conversation = 0
        done = len(dialogues)
        for question, history in zip(out_of_scope, histories, strict=True):
            refused += _final(engine.stream(session, question)).kind != "answer"
            reply = _final(engine.stream(session, question, history))
            refused_in_conversation += reply.kind != "answer"
            done += 2
            if progress:
                progress(done, total)
    return {
        "token_f1": statistics.mean(f1s) if f1s else 0.0,
        "answer_rate": answered / (len(dialogues) or 1),
        "citation_validity": valid / (answered or 1),
        "refusal_rate": refused / (len(out_of_scope) or 1),
        "refusal_rate_in_conversation": refused_in_conversation / (len(out_of_scope) or 1),
        "n": len(dialogues),
        "n_out_of_scope": len(out_of_scope),
    }
