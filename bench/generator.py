"""Answer latency with a local GGUF generator (the optional `llamacpp` extra).

    python bench/generator.py --model-path MODEL.gguf --questions 20

The demo company's knowledge base, answered through the product's engine: retrieval, the
prompt with the top passages, streaming generation, the sentence-by-sentence groundedness
check. Time to first token is the first text the visitor sees (an answer sentence once it is
checked, or the "not sure" reply when nothing was grounded); total is the whole reply.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from app.container import Container
from app.demo.setup import KNOWLEDGE_DIR
from assistant.engine import AnswerEngine
from assistant.llamacpp import LlamaCppChatModel
from assistant.retrieval import HybridRetriever
from ingestion.knowledge import ingest
from journey.settings import Settings

QUESTIONS = [
    "How do I set up SAML single sign-on?",
    "What does the Growth plan cost per seat?",
    "Can I connect Salesforce?",
    "How do I reset two-factor authentication for a user?",
    "Is there an API rate limit?",
    "Do you offer a free trial?",
    "Where is my data hosted?",
    "Can I add a PO number to invoices?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-path", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--max-tokens", type=int, default=200)
    args = parser.parse_args()
    questions = [random.Random(i).choice(QUESTIONS) for i in range(args.questions)]
    started = time.perf_counter()
    model = LlamaCppChatModel.from_path(args.model_path, max_tokens=args.max_tokens)
    loaded = time.perf_counter() - started
    first, total, kinds = [], [], []
    with tempfile.TemporaryDirectory() as root:
        c = Container(Settings(data_dir=Path(root)))
        c.init()
        ingest(c.sessions, c.knowledge, KNOWLEDGE_DIR, "help-centre")
        engine = AnswerEngine(HybridRetriever(c.knowledge), model, c.settings.assistant)
        with c.sessions() as session:
            for question in ["warm up", *questions]:
                start, seen = time.perf_counter(), None
                for kind, value in engine.stream(session, question):
                    if kind == "token" and seen is None:
                        seen = time.perf_counter() - start
                    if kind == "done":
                        kinds.append(value.kind)
                if question != "warm up":
                    first.append(seen or 0.0)
                    total.append(time.perf_counter() - start)
        c.close()
    table = Table(title=f"Local generator {args.model_path.name} ({len(questions)} questions)")
    for column in ("what", "p50 s", "p95 s"):
        table.add_column(column, justify="right" if column != "what" else "left")
    for name, values in (("time to first token", first), ("whole reply", total)):
        table.add_row(name, f"{np.percentile(values, 50):.2f}", f"{np.percentile(values, 95):.2f}")
    Console().print(table)
    answered = sum(k == "answer" for k in kinds[1:]) / len(questions)
    Console().print(f"model load {loaded:.1f} s; replies sent as answers: {answered:.0%}")


if __name__ == "__main__":
    main()
