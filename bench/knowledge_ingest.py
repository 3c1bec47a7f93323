"""Knowledge ingest throughput (chunks/s): the doc2dial DEV documents in ../shared/eval through
the product's own ingestion (chunking, embedding, Chroma, FTS5, chunk rows), then again (all
unchanged), into a temporary data directory.

    python bench/knowledge_ingest.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from assistant.evaluation import load_documents
from ingestion.keyword_index import KeywordIndex
from ingestion.knowledge import KnowledgeBase, sync_documents
from ingestion.onnx_embedder import OnnxEmbedder
from ingestion.vector_index import ChromaIndex
from journey.db import make_engine, make_session_factory, migrate

DOCS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "doc2dial" / "docs.jsonl"


def main() -> None:
    documents = load_documents(DOCS)
    # The product's default embedder (ONNX Runtime), its export cached between runs.
    embedder = OnnxEmbedder("all-MiniLM-L6-v2", Path(tempfile.gettempdir()) / "journey-bench")
    embedder.embed(["warm up"])
    table = Table(title=f"Knowledge ingest ({len(documents)} doc2dial documents)")
    for column in ("run", "chunks", "seconds", "chunks/s"):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        engine = make_engine(f"sqlite:///{root}/bench.db")
        migrate(engine)
        sessions = make_session_factory(engine)
        keywords = KeywordIndex(root / "keywords.db", "knowledge")
        kb = KnowledgeBase(embedder, ChromaIndex("knowledge", embedder, path=root / "c"), keywords)
        for run in ("first", "again (unchanged)"):
            started = time.perf_counter()
            report = sync_documents(sessions, kb, "bench", root, documents)
            seconds = time.perf_counter() - started
            table.add_row(
                run, f"{report.chunks:,}", f"{seconds:.1f}", f"{report.chunks / seconds:,.0f}"
            )
        keywords.close()
    Console().print(table)


if __name__ == "__main__":
    main()
