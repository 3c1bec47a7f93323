"""Retrieval and extractive-answer latency at 10k and 100k chunks.

    python bench/retrieval.py --chunks 10000 100000 --queries 200

Chunk texts are sentences sampled from the doc2dial documents in ../shared/eval (realistic
term statistics for BM25); their vectors are random unit vectors, because embedding 100k
chunks would take half an hour and vector search costs the same whatever the vectors hold.
Questions are real doc2dial questions, embedded by the real model at query time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import track
from rich.table import Table

from assistant.engine import AnswerEngine
from assistant.retrieval import HybridRetriever
from ingestion.embeddings import Embedder
from ingestion.keyword_index import KeywordIndex
from ingestion.knowledge import KnowledgeBase
from ingestion.onnx_embedder import OnnxEmbedder
from ingestion.vector_index import ChromaIndex
from journey.db import make_engine, make_session_factory, migrate, transaction
from journey.models import KnowledgeChunk, KnowledgeSource
from journey.settings import AssistantSettings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "doc2dial"


def sentences(limit: int = 50_000) -> list[str]:
    found: list[str] = []
    for line in (EVAL / "docs.jsonl").open():
        text = json.loads(line)["text"]
        found += [s.strip() for s in text.replace("\n", " ").split(". ") if len(s.split()) > 4]
    return found[:limit]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000


def build(root: Path, n: int, pool: list[str], embedder: Embedder) -> tuple:
    rng = random.Random(n)
    engine = make_engine(f"sqlite:///{root}/bench.db")
    migrate(engine)
    sessions = make_session_factory(engine)
    keywords = KeywordIndex(root / "keywords.db", "knowledge")
    vectors = ChromaIndex("knowledge", embedder, path=root / "chroma")
    kb = KnowledgeBase(embedder, vectors, keywords)
    with transaction(sessions) as session:
        source = KnowledgeSource(name="bench", kind="folder", location=str(root))
        session.add(source)
        session.flush()
        source_id = source.id
    step = 5000
    for start in track(range(0, n, step), description=f"Filling {n:,} chunks", transient=True):
        size = min(step, n - start)
        texts = [" ".join(rng.sample(pool, 5)) for _ in range(size)]
        ids = [hashlib.sha256(f"{n}-{start + i}".encode()).hexdigest()[:32] for i in range(size)]
        vecs = np.random.default_rng(start).normal(size=(size, 384)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        vectors.upsert(ids, vecs, [{"source": "bench"}] * size)
        keywords.upsert(ids, texts)
        with transaction(sessions) as session:
            session.add_all(
                KnowledgeChunk(
                    id=i,
                    source_id=source_id,
                    document=f"doc{start}",
                    title="Doc",
                    position=0,
                    text=t,
                    content_hash=i,
                    token_count=len(t.split()),
                )
                for i, t in zip(ids, texts, strict=True)
            )
    return kb, sessions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    pool = sentences()
    questions = [json.loads(line)["question"] for line in (EVAL / "qa.jsonl").open()]
    questions = random.Random(1).sample(questions, args.queries)
    # The product's default embedder (ONNX Runtime), its export cached between runs.
    embedder = OnnxEmbedder("all-MiniLM-L6-v2", Path(tempfile.gettempdir()) / "journey-bench")
    embedder.embed(["warm up"])
    table = Table(title=f"Retrieval and extractive answers ({args.queries} real questions)")
    for column in ("chunks", "what", "p50 ms", "p95 ms"):
        table.add_column(column, justify="right")
    for n in args.chunks:
        with tempfile.TemporaryDirectory() as tmp:
            kb, sessions = build(Path(tmp), n, pool, embedder)
            retriever = HybridRetriever(kb)
            engine = AnswerEngine(
                retriever, None, AssistantSettings(min_relevance=-1.0, keyword_min_relevance=-1.0)
            )
            timings: dict[str, list[float]] = {"hybrid retrieval": [], "extractive answer": []}
            with sessions() as session:
                for question in track(questions, description=f"Querying {n:,}", transient=True):
                    started = time.perf_counter()
                    retriever.search(session, question, k=5)
                    timings["hybrid retrieval"].append(time.perf_counter() - started)
                    started = time.perf_counter()
                    for _ in engine.stream(session, question):
                        pass
                    timings["extractive answer"].append(time.perf_counter() - started)
            kb.keywords.close()
        for what, values in timings.items():
            table.add_row(
                f"{n:,}", what, f"{percentile(values, 50):.1f}", f"{percentile(values, 95):.1f}"
            )
    Console().print(table)


if __name__ == "__main__":
    main()
