"""Feedback analysis throughput: sentiment (+ emotion) and themes on 10,000 support tickets,
and how theme discovery grows to 100,000.

    python bench/analysis.py --tickets 10000

Tickets are the demo company's (subject, description and the customer's follow-ups, ~50
words), repeated until there are enough; every run analyses them all from scratch. Rows:
- `journey analyze`: the whole incremental run (read, score, aspects, store, themes, flags);
- sentiment head and VADER alone on the same texts (the embedder is most of the head's cost);
- theme discovery (k-means + labels) on the stored topic vectors, and on 100k vectors made by
  repeating them with a little noise (clustering cost depends on the count, not the words).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import delete, select

from app.container import Container
from app.demo.generator import generate
from feedback.analysis import analyze, text_items, topic_items
from feedback.sentiment import VaderSentiment
from feedback.themes import TopicItem, discover
from journey.db import transaction
from journey.models import Review, SurveyResponse, Ticket, TicketComment
from journey.settings import Settings

T = TypeVar("T")


def fill(c: Container, tickets: int) -> None:
    """The demo company, then its tickets copied until there are `tickets` of them."""
    with transaction(c.sessions) as session:
        generate(session, c.settings.vocabulary, seed=7, scale=1.0)
        session.execute(delete(Review))
        session.execute(delete(SurveyResponse))
        originals = list(session.scalars(select(Ticket)))
        copies = []
        for i in range(tickets - len(originals)):
            t = originals[i % len(originals)]
            copies.append(Ticket(
                source="bench", external_id=f"copy-{i}", contact_id=t.contact_id,
                account_id=t.account_id, subject=t.subject, body=t.body, channel=t.channel,
                stage=t.stage, created_at=t.created_at,
                comments=[TicketComment(author_role=m.author_role, body=m.body,
                                        created_at=m.created_at) for m in t.comments],
            ))  # fmt: skip
        session.add_all(copies)


def timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--grow-to", type=int, default=100_000)
    args = parser.parse_args()
    console = Console()
    table = Table(title=f"Feedback analysis, {args.tickets:,} tickets")
    for column in ("step", "items", "seconds", "items/s"):
        table.add_column(column, justify="right" if column != "step" else "left")

    with tempfile.TemporaryDirectory() as root:
        c = Container(Settings(data_dir=Path(root)))
        c.init()
        fill(c, args.tickets)
        model = c.sentiment
        with c.sessions() as session:
            items = list(text_items(session))
        texts = [item.text for item in items]
        model.analyze(texts[:8])  # load the model outside the clock

        def row(step: str, n: int, seconds: float) -> None:
            table.add_row(step, f"{n:,}", f"{seconds:.1f}", f"{n / seconds:,.0f}")

        with transaction(c.sessions) as session:
            report, seconds = timed(lambda: analyze(session, model))
        row(f"journey analyze ({report.themes} themes, {report.flags} flags)", len(items), seconds)
        row("sentiment + emotion head", len(texts), timed(lambda: model.analyze(texts))[1])
        row("VADER alone", len(texts), timed(lambda: VaderSentiment().analyze(texts))[1])

        with transaction(c.sessions) as session:
            topics = topic_items(session)
            row("theme discovery", len(topics), timed(lambda: discover(session, topics))[1])
            rng = np.random.default_rng(7)
            grown = []
            for i in range(args.grow_to):
                base = topics[i % len(topics)]
                vector = base.vector + rng.normal(0, 0.02, base.vector.shape)
                grown.append(
                    TopicItem(base.analysis_id, base.text, vector / np.linalg.norm(vector))
                )
            row("theme discovery", len(grown), timed(lambda: discover(session, grown))[1])
            session.rollback()
        c.close()
    console.print(table)


if __name__ == "__main__":
    main()
