"""Batch event ingest throughput (events/s) through the journey service.

    python bench/event_ingest.py --events 100000                 # SQLite in a temp dir
    JOURNEY_BENCH_DATABASE_URL=postgresql+psycopg://... python bench/event_ingest.py

On PostgreSQL a fresh database is created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime, timedelta

from rich.console import Console
from rich.progress import track
from rich.table import Table
from sqlalchemy.engine import make_url

from journey.db import make_engine, make_session_factory, migrate, scratch_database, transaction
from journey.schemas import EventIn
from journey.service import JourneyService
from journey.vocabulary import Vocabulary


def synthetic_events(n: int, contacts: int, seed: int = 1) -> list[EventIn]:
    rng = random.Random(seed)
    types = ["page_view", "login", "feature_used", "email_opened", "demo_booked", "contract_signed"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        EventIn(
            type=rng.choice(types),
            occurred_at=start + timedelta(minutes=i),
            contact_email=f"c{rng.randrange(contacts)}@bench.example",
            source="bench",
            properties={"i": i},
        )
        for i in range(n)
    ]


def run(url: str, events: list[EventIn], batch: int) -> dict[str, float]:
    engine = make_engine(url)
    migrate(engine)
    sessions = make_session_factory(engine)
    vocabulary = Vocabulary()
    batches = [events[i : i + batch] for i in range(0, len(events), batch)]

    def ingest(label: str) -> float:
        started = time.perf_counter()
        for part in track(batches, description=label, transient=True):
            with transaction(sessions) as session:
                JourneyService(session, vocabulary).record_many(part)
        return time.perf_counter() - started

    first = ingest("ingest")
    replay = ingest("replay")
    engine.dispose()
    return {"ingest": len(events) / first, "replay": len(events) / replay, "seconds": first}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    events = synthetic_events(args.events, args.contacts)
    with scratch_database(os.environ.get("JOURNEY_BENCH_DATABASE_URL"), "journey_bench") as url:
        figures = run(url, events, args.batch)
    table = Table(title=f"Batch event ingest ({args.events:,} events, batches of {args.batch:,})")
    for column in ("database", "events/s (new)", "events/s (replay)", "seconds (new)"):
        table.add_column(column, justify="right")
    table.add_row(
        make_url(url).get_backend_name(),
        f"{figures['ingest']:,.0f}",
        f"{figures['replay']:,.0f}",
        f"{figures['seconds']:.1f}",
    )
    Console().print(table)


if __name__ == "__main__":
    main()
