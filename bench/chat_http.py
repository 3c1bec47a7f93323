"""Chat answer latency over HTTP: a real `journey serve` process, the demo company's knowledge
base, extractive answers (no generative model).

    python bench/chat_http.py --questions 100

Each question opens a conversation and posts one message, as the widget does; measured at the
client: the JSON reply (whole answer), and for the SSE variant the first `token` event (time
to first token) and the final `done` event. Questions are written from the demo pages' topics,
plus small talk and off-topic questions the assistant should decline.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table

from app.container import Container
from app.demo.setup import KNOWLEDGE_DIR
from ingestion.knowledge import ingest
from journey.settings import Settings

QUESTIONS = [
    "How do I set up SAML single sign-on?",
    "What does the Growth plan cost per seat?",
    "Can I connect Salesforce?",
    "How do I reset two-factor authentication for a user?",
    "Is there an API rate limit?",
    "How do I export a report to Excel?",
    "Do you offer a free trial?",
    "What happens when my contract renews?",
    "Where is my data hosted?",
    "How can I change the billing email?",
    "Why was my HubSpot integration disconnected?",
    "Can I add a PO number to invoices?",
    "hello",
    "thanks, that helps",
    "What is the weather in Paris tomorrow?",
    "Can you recommend a good pizza place?",
]

# Abuse limits off: every visitor of the benchmark comes from one address.
UNLIMITED = {f"JOURNEY_LIMITS__{rule}": "1000000/minute"
             for rule in ("CONVERSATIONS", "MESSAGES", "CONVERSATION_MESSAGES")}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not come up")


def ms(values: list[float], q: float) -> str:
    return f"{np.percentile(values, q) * 1000:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()
    questions = [random.Random(i).choice(QUESTIONS) for i in range(args.questions)]
    with tempfile.TemporaryDirectory() as root:
        env = {
            **os.environ,
            "JOURNEY_DATA_DIR": root,
            "JOURNEY_ANALYSIS__BACKGROUND": "false",
            **UNLIMITED,
        }  # the benchmark measures speed: one client stands for many
        c = Container(Settings(data_dir=Path(root)))
        c.init()
        ingest(c.sessions, c.knowledge, KNOWLEDGE_DIR, "help-centre")
        c.close()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(url)
            whole, first_token, streamed = [], [], []
            with httpx.Client(base_url=url, timeout=60) as client:

                def open_conversation(visitor: str) -> str:
                    opened = client.post("/chat/conversations", json={"visitor_id": visitor})
                    return f"/chat/conversations/{opened.json()['id']}/messages"

                for i, question in enumerate(["warm up", *questions]):
                    # A new conversation each time: every question is a first question.
                    path = open_conversation(f"json-{i}")
                    start = time.perf_counter()
                    client.post(path, json={"text": question}).raise_for_status()
                    if i:
                        whole.append(time.perf_counter() - start)
                    path = open_conversation(f"sse-{i}")
                    start = time.perf_counter()
                    with client.stream("POST", f"{path}/stream", json={"text": question}) as r:
                        seen_token = False
                        for line in r.iter_lines():
                            if line == "event: token" and not seen_token and i:
                                first_token.append(time.perf_counter() - start)
                                seen_token = True
                    if i:
                        streamed.append(time.perf_counter() - start)
        finally:
            server.terminate()
            server.wait(timeout=30)
    table = Table(title=f"Chat over HTTP, extractive answers ({len(questions)} questions)")
    for column in ("what", "p50 ms", "p95 ms"):
        table.add_column(column, justify="right" if column != "what" else "left")
    table.add_row("JSON reply", ms(whole, 50), ms(whole, 95))
    table.add_row("SSE first token", ms(first_token, 50), ms(first_token, 95))
    table.add_row("SSE done", ms(streamed, 50), ms(streamed, 95))
    Console().print(table)


if __name__ == "__main__":
    main()
