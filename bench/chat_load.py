"""Concurrent visitors over HTTP: a real `journey serve` process on SQLite or PostgreSQL, the
demo company's knowledge base, extractive answers, background analysis on (as the product runs).

    python -m bench.chat_load --visitors 100 --seconds 60
    JOURNEY_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python -m bench.chat_load --visitors 100 --seconds 60

Each visitor opens a conversation and sends messages one after another (with a short pause to
read the reply) until the time is up or it has sent `--messages`. Then every transcript is read
back: the messages stored must be the messages sent, and every answered message must have its
reply. Any error or loss makes the exit code 1. The test suite runs a shorter version.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table

from bench.chat_http import QUESTIONS, UNLIMITED, free_port, wait_ready
from journey.db import scratch_database

FOLLOW_UPS = ["and for Enterprise?", "yes", "thanks", "How long does that take?"]


@dataclass
class LoadResult:
    visitors: int
    seconds: float = 0.0
    sent: int = 0  # messages answered with 200
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    sent_by_conversation: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # each conversation's visitor token
    stored: int = 0  # visitor messages read back from the transcripts
    unanswered: int = 0  # answered visitor messages with no reply stored after them

    @property
    def lost(self) -> int:
        return self.sent - self.stored

    def percentile_ms(self, q: float) -> float:
        return float(np.percentile(self.latencies, q) * 1000) if self.latencies else 0.0


async def _visitor(
    client: httpx.AsyncClient,
    number: int,
    deadline: float,
    messages: int,
    think_seconds: float,
    result: LoadResult,
) -> None:
    rng = random.Random(number)
    opened = await client.post("/chat/conversations", json={})
    if opened.status_code != 201:
        result.errors[f"open {opened.status_code}"] += 1
        return
    conversation = opened.json()["id"]
    result.tokens[conversation] = opened.json()["visitor_token"]
    visitor = {"Journey-Visitor": result.tokens[conversation]}  # each visitor their own
    result.sent_by_conversation[conversation] = 0
    for turn in range(messages):
        if time.monotonic() >= deadline:
            break
        text = rng.choice(QUESTIONS if turn % 2 == 0 else FOLLOW_UPS)
        start = time.perf_counter()
        try:
            answer = await client.post(
                f"/chat/conversations/{conversation}/messages", json={"text": text},
                headers=visitor,
            )  # fmt: skip
        except httpx.HTTPError as exc:
            result.errors[type(exc).__name__] += 1
            continue
        if answer.status_code == 200:
            result.latencies.append(time.perf_counter() - start)
            result.sent += 1
            result.sent_by_conversation[conversation] += 1
        else:
            result.errors[f"message {answer.status_code}"] += 1
        await asyncio.sleep(rng.uniform(0, 2 * think_seconds))


async def _read_back(client: httpx.AsyncClient, result: LoadResult) -> None:
    for conversation in result.sent_by_conversation:
        visitor = {"Journey-Visitor": result.tokens[conversation]}
        page = (
            await client.get(f"/chat/conversations/{conversation}?limit=200", headers=visitor)
        ).json()
        roles = [m["role"] for m in page["messages"]]
        result.stored += roles.count("visitor")
        # Once handed to a person the bot is silent: those messages need no reply.
        answered = page["conversation"]["status"] == "bot"
        replies = roles.count("bot")
        result.unanswered += max(0, roles.count("visitor") - replies) if answered else 0


async def drive(
    url: str, visitors: int, seconds: float, messages: int, think_seconds: float = 0.5
) -> LoadResult:
    """Run the visitors against a server at `url` and check what it stored."""
    result = LoadResult(visitors)
    limits = httpx.Limits(max_connections=visitors, max_keepalive_connections=visitors)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        start = time.monotonic()
        await asyncio.gather(
            *(
                _visitor(client, n, start + seconds, messages, think_seconds, result)
                for n in range(visitors)
            )
        )
        result.seconds = time.monotonic() - start
        await _read_back(client, result)
    return result


def report(result: LoadResult, title: str) -> None:
    table = Table(title=title)
    for column in ("visitors", "answered", "per s", "errors", "lost", "p50 ms", "p95", "p99"):
        table.add_column(column, justify="right")
    table.add_row(
        str(result.visitors),
        str(result.sent),
        f"{result.sent / result.seconds:.1f}" if result.seconds else "-",
        str(sum(result.errors.values())) + (f" {dict(result.errors)}" if result.errors else ""),
        str(result.lost + result.unanswered),
        f"{result.percentile_ms(50):.0f}",
        f"{result.percentile_ms(95):.0f}",
        f"{result.percentile_ms(99):.0f}",
    )
    Console().print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--messages", type=int, default=1000, help="at most, per visitor")
    parser.add_argument("--think", type=float, default=0.5, help="mean pause between messages")
    parser.add_argument("--server-log", help="keep the server's log in this file")
    args = parser.parse_args()

    from app.container import Container
    from app.demo.setup import KNOWLEDGE_DIR
    from ingestion.knowledge import ingest
    from journey.settings import DatabaseSettings, Settings

    server_url = os.environ.get("JOURNEY_BENCH_DATABASE_URL")
    with (
        scratch_database(server_url, "journey_load") as db_url,
        tempfile.TemporaryDirectory() as root,
        open(args.server_log or os.devnull, "w") as server_log,
    ):
        c = Container(Settings(data_dir=Path(root), database=DatabaseSettings(url=db_url)))
        c.init()
        ingest(c.sessions, c.knowledge, KNOWLEDGE_DIR, "help-centre")
        c.close()
        port = free_port()
        env = {
            **os.environ,
            "JOURNEY_DATA_DIR": root,
            "JOURNEY_DATABASE__URL": db_url,
            **UNLIMITED,
        }  # the benchmark measures speed: one client stands for many
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(url)
            result = asyncio.run(drive(url, args.visitors, args.seconds, args.messages, args.think))
        finally:
            server.terminate()  # it lets a background analysis run finish first
            try:
                server.wait(timeout=120)
            except subprocess.TimeoutExpired:
                server.kill()
    backend = "PostgreSQL" if server_url else "SQLite"
    report(result, f"Chat under load, {backend}, {result.seconds:.0f} s, think {args.think} s")
    if result.errors or result.lost or result.unanswered:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
