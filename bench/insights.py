"""Latency of the dashboard's figures from the insights metrics layer over a large journey log.

    python bench/insights.py --events 1000000                  # SQLite in a temp dir
    JOURNEY_BENCH_DATABASE_URL=postgresql+psycopg://... python bench/insights.py

A synthetic company (accounts in three segments moving through the stages, their events,
tickets, answers, chats, flags and analysed texts) is written in bulk, then every figure is
asked three times; the table shows the median. The slowest figure's query plan follows.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from assistant.insights.query import run
from assistant.insights.spec import QuerySpec
from journey.db import make_engine, make_session_factory, migrate, scratch_database, transaction
from journey.models import (
    Account,
    Conversation,
    Flag,
    JourneyEvent,
    Review,
    SurveyResponse,
    TextAnalysis,
    Ticket,
)
from journey.vocabulary import Vocabulary

AS_OF = date(2026, 12, 31)
START = datetime(2026, 1, 1, tzinfo=UTC)
STAGES = [stage.key for stage in Vocabulary().stages]  # the default journey, in order
TYPES = {
    "awareness": ["page_view", "ad_click"],
    "consideration": ["trial_started", "content_downloaded"],
    "decision": ["demo_attended", "proposal_sent"],
    "onboarding": ["contract_signed", "user_invited"],
    "adoption": ["first_value_reached", "login", "feature_used"],
    "retention": ["renewal_signed", "contract_cancelled", "login"],
    "advocacy": ["referral_made", "review_posted"],
}  # fmt: skip
FIGURES: dict[str, dict[str, Any]] = {
    "events by stage per month": {"metrics": ["events"], "dimensions": ["stage", "month"]},
    "accounts reaching each stage": {"metrics": ["accounts_reaching"], "dimensions": ["stage"]},
    "drop-off at every stage": {"metrics": ["dropoff"]},
    "drop-off at every stage, SMB": {
        "metrics": ["dropoff"], "filters": [{"dimension": "segment", "values": ["smb"]}]},
    "conversion consideration → decision": {
        "metrics": ["conversion"], "from_stage": "consideration", "to_stage": "decision"},
    "days from signed to first value, by segment": {
        "metrics": ["time_between"], "dimensions": ["segment"],
        "from_event": "contract_signed", "to_event": "first_value_reached"},
    "renewal rate by quarter": {"metrics": ["renewal_rate"], "dimensions": ["quarter"]},
    "NPS by segment": {"metrics": ["nps", "promoters", "detractors"], "dimensions": ["segment"]},
    "CSAT by ticket channel": {"metrics": ["csat"], "dimensions": ["channel"]},
    "first response time by channel": {
        "metrics": ["first_response_time"], "dimensions": ["channel"]},
    "tickets by tag": {"metrics": ["tickets"], "dimensions": ["tag"]},
    "tickets waiting > 24 h per month": {
        "metrics": ["tickets_waiting"], "dimensions": ["month"], "hours": 24},
    "hand-off rate per month": {"metrics": ["handoff_rate"], "dimensions": ["month"]},
    "moments of truth by reason": {
        "metrics": ["moments_of_truth", "average_severity"], "dimensions": ["reason"]},
    "sentiment by stage": {"metrics": ["sentiment", "negative_share"], "dimensions": ["stage"]},
    "average rating by platform": {"metrics": ["average_rating"], "dimensions": ["platform"]},
}  # fmt: skip


def at(rng: random.Random, low: float = 0, high: float = 364) -> datetime:
    return START + timedelta(days=rng.uniform(low, high))


def world(events: int, seed: int = 1) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """The company's rows, table by table, in batches: scaled from the number of events."""
    rng = random.Random(seed)
    accounts = max(events // 300, 30)
    yield Account, [
        {"id": i, "name": f"Account {i}",
         "segment": rng.choices(["smb", "mid_market", "enterprise"], [0.6, 0.28, 0.12])[0],
         "plan": rng.choice(["Starter", "Growth", "Enterprise"]),
         "country": rng.choice(["DE", "US", "GB", "NL", "FR"]), "arr": rng.uniform(0, 1e5),
         "status": rng.choice(["active", "prospect", "churned"])}
        for i in range(1, accounts + 1)
    ]  # fmt: skip
    reach = {i: rng.randrange(len(STAGES)) for i in range(1, accounts + 1)}
    batch: list[dict[str, Any]] = []
    for n in range(events):
        account = rng.randrange(1, accounts + 1)
        step = rng.randint(0, reach[account])
        # Later stages happen later in the year: funnels have an order to find.
        day = 364 * (step + rng.random()) / len(STAGES)
        stage = STAGES[step]
        batch.append({"idempotency_key": f"e{n}", "type": rng.choice(TYPES[stage]),
                      "stage": stage, "occurred_at": START + timedelta(days=day),
                      "touchpoint": rng.choice(["website", "product", "email", "chat_widget"]),
                      "channel": "web", "account_id": account, "source": "bench",
                      "properties": {}})  # fmt: skip
        if len(batch) == 20_000:
            yield JourneyEvent, batch
            batch = []
    if batch:
        yield JourneyEvent, batch
    tickets = events // 20
    ticket_rows = []
    for i in range(1, tickets + 1):
        opened = at(rng)
        channel = rng.choice(["email", "chat", "phone", "web"])
        wait = rng.expovariate(1 / (27 if channel == "email" else 1))
        ticket_rows.append({"id": i, "source": "bench", "external_id": str(i), "subject": "s",
                            "body": "b", "channel": channel, "created_at": opened,
                            "priority": rng.choice(["low", "normal", "high", "urgent"]),
                            "first_response_at": opened + timedelta(hours=wait),
                            "resolved_at": opened + timedelta(hours=wait + rng.expovariate(0.05)),
                            "tags": rng.sample(["sso", "billing", "integration", "workflow", "api"],
                                               rng.randint(0, 2)),
                            "stage": rng.choice(STAGES),
                            "account_id": rng.randrange(1, accounts + 1)})  # fmt: skip
    yield Ticket, ticket_rows
    yield SurveyResponse, [
        {"source": "bench", "external_id": str(i), "kind": "nps" if i % 2 else "csat",
         "score": rng.randint(0, 10) if i % 2 else rng.randint(1, 5), "answered_at": at(rng),
         "ticket_id": None if i % 2 else rng.randrange(1, tickets + 1), "stage": rng.choice(STAGES),
         "account_id": rng.randrange(1, accounts + 1)}
        for i in range(events // 30)
    ]  # fmt: skip
    yield Review, [
        {"source": rng.choice(["g2", "capterra", "trustpilot"]), "external_id": str(i),
         "rating": rng.randint(1, 5), "body": "b", "posted_at": at(rng),
         "account_id": rng.randrange(1, accounts + 1)}
        for i in range(events // 100)
    ]  # fmt: skip
    yield Conversation, [
        {"id": f"c{i}", "started_at": at(rng), "account_id": rng.randrange(1, accounts + 1),
         "handoff_reason": rng.choice([None, None, None, "customer_request", "low_confidence"])}
        for i in range(events // 50)
    ]  # fmt: skip
    reasons = ["negative_sentiment", "churn_intent", "slow_response", "detractor"]
    yield Flag, [
        {"evidence_key": f"f{i}", "reasons": rng.sample(reasons, rng.randint(1, 2)),
         "severity": rng.randint(10, 100), "evidence": [], "created_at": at(rng),
         "account_id": rng.randrange(1, accounts + 1), "status": "open"}
        for i in range(events // 100)
    ]  # fmt: skip
    yield TextAnalysis, [
        {"item_type": rng.choice(["ticket", "review", "message"]), "item_id": str(i),
         "content_hash": str(i), "label": rng.choice(["negative", "neutral", "positive"]),
         "score": rng.uniform(-1, 1), "confidence": 0.9, "model": "bench",
         "occurred_at": at(rng), "stage": rng.choice(STAGES),
         "account_id": rng.randrange(1, accounts + 1)}
        for i in range(events // 12)
    ]  # fmt: skip


def fill(engine: Any, events: int) -> None:
    sessions = make_session_factory(engine)
    with Progress(transient=True) as bar:
        task = bar.add_task("Writing the company", total=events)
        for model, rows in world(events):
            with transaction(sessions) as session:
                session.execute(insert(model), rows)
            if model is JourneyEvent:
                bar.advance(task, len(rows))
    # Plans from the data's statistics; on PostgreSQL also the visibility map that lets a
    # query read an index alone, as autovacuum keeps it on a live server.
    statement = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))


def measure(session: Session) -> dict[str, tuple[float, list[str]]]:
    vocabulary = Vocabulary()
    timings = {}
    for name, spec in FIGURES.items():
        query = QuerySpec(as_of=AS_OF, **spec)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            result = run(session, query, vocabulary)
            runs.append(time.perf_counter() - started)
        timings[name] = (statistics.median(runs), result.sql)
    return timings


def plan(session: Session, sql: str) -> str:
    dialect = session.get_bind().dialect.name
    explain = "EXPLAIN ANALYZE " if dialect == "postgresql" else "EXPLAIN QUERY PLAN "
    rows = session.execute(text(explain + sql)).all()
    return "\n".join(str(row[-1]) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    console = Console()
    with scratch_database(os.environ.get("JOURNEY_BENCH_DATABASE_URL"), "journey_bench") as url:
        engine = make_engine(url)
        migrate(engine)
        started = time.perf_counter()
        fill(engine, args.events)
        sessions = make_session_factory(engine)
        written = time.perf_counter() - started
        with sessions() as session:
            timings = measure(session)
            slowest = max(timings, key=lambda k: timings[k][0])
            slowest_plan = plan(session, timings[slowest][1][0])
        engine.dispose()
    database = make_url(url).get_backend_name()
    table = Table(title=f"Dashboard figures over {args.events:,} journey events ({database}; "
                        f"written in {written:.0f} s), median of 3")  # fmt: skip
    table.add_column("figure")
    table.add_column("ms", justify="right")
    for name, (seconds, _) in timings.items():
        table.add_row(name, f"{seconds * 1000:,.0f}")
    console.print(table)
    console.print(f"Slowest: {slowest}\n{timings[slowest][1][0]}\n\nPlan:\n{slowest_plan}")


if __name__ == "__main__":
    main()
