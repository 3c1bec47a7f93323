"""The cost of one visitor message as a conversation grows: the demo company's knowledge base,
extractive answers, SQLite, the same code path as the chat endpoint (store the message, answer
it, store the reply), timed at several conversation lengths.

    python -m bench.long_conversation --lengths 0 1000 2600

Earlier messages are written straight into the database (half visitor, half bot), so a long
conversation costs seconds to set up, not minutes.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from app.container import Container
from app.demo.setup import KNOWLEDGE_DIR
from assistant.service import ConversationService, answer_message, receive_message
from ingestion.knowledge import ingest
from journey.db import transaction
from journey.models import Message
from journey.settings import AnalysisSettings, Settings

QUESTIONS = [
    "How do I set up SAML single sign-on?",
    "and for Enterprise?",
    "Can I connect Salesforce?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[0, 1000, 2600])
    parser.add_argument("--messages", type=int, default=30, help="timed per length")
    args = parser.parse_args()
    table = Table(title="One message at a conversation length (SQLite, extractive answers)")
    for column in ("messages before", "p50 ms", "max ms"):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as root:
        c = Container(Settings(data_dir=Path(root), analysis=AnalysisSettings(background=False)))
        c.init()
        ingest(c.sessions, c.knowledge, KNOWLEDGE_DIR, "help-centre")
        vocabulary, units = c.settings.vocabulary, c.units_of_work
        for length in args.lengths:
            with transaction(c.sessions) as session:
                conversation = ConversationService(session, vocabulary).start(visitor_id="long")
                roles = ("visitor", "bot")
                session.add_all(
                    Message(conversation_id=conversation.id, role=roles[i % 2], text=f"turn {i}")
                    for i in range(length)
                )
            timings = []
            for i in range(args.messages + 1):
                start = time.perf_counter()
                text = QUESTIONS[i % len(QUESTIONS)]
                turn = receive_message(units, vocabulary, conversation.id, text)
                for _ in answer_message(units, vocabulary, c.answer_engine, turn):
                    pass
                if i:  # the first one warms the models up
                    timings.append(time.perf_counter() - start)
            table.add_row(
                str(length),
                f"{statistics.median(timings) * 1000:.0f}",
                f"{max(timings) * 1000:.0f}",
            )
        c.close()
    Console().print(table)


if __name__ == "__main__":
    main()
