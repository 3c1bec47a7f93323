"""Visitors at the same time on a real server (uvicorn in a thread, its own database: SQLite, or
PostgreSQL when JOURNEY_TEST_DATABASE_URL is set), an overloaded database answering 503, and
messages that cost the same however long the conversation."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from builders import units_on
from fastapi.testclient import TestClient
from live import serving
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from api.app import create_app
from app.container import Container
from app.demo.setup import KNOWLEDGE_DIR
from assistant.service import HISTORY_MESSAGES, ConversationService
from bench.chat_load import LoadResult, drive
from ingestion.knowledge import ingest
from ingestion.onnx_embedder import OnnxEmbedder
from journey.auth import AuthService
from journey.db import scratch_database, transaction
from journey.models import Conversation, Message, Review
from journey.settings import DatabaseSettings, Settings
from journey.vocabulary import Vocabulary

SERVER_URL = os.environ.get("JOURNEY_TEST_DATABASE_URL")
ROWS = 60_000


def built_container(
    root: Path, db_url: str, embedder: OnnxEmbedder, analysis_embedder: OnnxEmbedder, **db: float
) -> Container:
    container = Container(
        Settings(data_dir=root, database=DatabaseSettings(url=db_url, **db)),  # type: ignore[arg-type]
        embedder=embedder,
        analysis_embedder=analysis_embedder,
    )
    container.init()
    return container


@pytest.fixture
def live_server(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    embedder: OnnxEmbedder,
    analysis_embedder: OnnxEmbedder,
) -> Iterator[tuple[str, Container]]:
    """The app as `journey serve` runs it, background analysis on, over the demo's knowledge;
    database settings may come as the fixture's parameter."""
    database = getattr(request, "param", {})
    with scratch_database(SERVER_URL, "journey_live") as db_url:
        container = built_container(
            tmp_path / "var", db_url, embedder, analysis_embedder, **database
        )
        ingest(container.sessions, container.knowledge, KNOWLEDGE_DIR, "help-centre")
        try:
            with serving(create_app(container)) as url:
                yield url, container
        finally:
            container.close()


@pytest.mark.slow
def test_twenty_visitors_at_once_lose_nothing(live_server: tuple[str, Container]) -> None:
    url, container = live_server
    result = asyncio.run(drive(url, visitors=20, seconds=120, messages=5, think_seconds=0))
    assert not result.errors
    assert result.sent == 100
    assert result.stored == result.sent and result.unanswered == 0
    # The background analysis wrote beside the visitors, and saw their messages.
    assert container.analysis_worker.wait_idle(120)
    assert container.analysis_worker.last is not None


async def _request(
    container: Container, method: str, path: str, **kwargs: object
) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(container), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, path, **kwargs)  # type: ignore[arg-type]


@pytest.mark.slow
# A visitor's write waits at most 10 s here: the import must let writes in between its batches.
@pytest.mark.parametrize("live_server", [{"busy_timeout_seconds": 10.0}], indirect=True)
def test_an_import_during_chat_holds_no_visitor_up(live_server: tuple[str, Container]) -> None:
    url, container = live_server
    with transaction(container.sessions) as session:
        auth = AuthService(session)
        token = auth.issue_token(auth.create_user("m@staff.test", "M", "manager", None))
    rows = "".join(
        f"page_view,2026-03-01T08:{i // 60 % 60:02d}:{i % 60:02d}Z,visitor-{i}\n"
        for i in range(ROWS)
    )
    body = ("type,occurred_at,visitor_id\n" + rows).encode()

    async def both() -> tuple[LoadResult, httpx.Response]:
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            upload = client.post(
                "/imports/events",
                files={"file": ("events.csv", body, "text/csv")},
                headers={"Authorization": f"Bearer {token}"},
            )
            chat = drive(url, visitors=10, seconds=120, messages=4, think_seconds=0)
            return await asyncio.gather(chat, upload)

    chat, imported = asyncio.run(both())
    assert imported.status_code == 200 and imported.json()["accepted"] == ROWS
    assert not chat.errors and chat.sent == 40
    assert chat.stored == chat.sent and chat.unanswered == 0


@pytest.mark.skipif(SERVER_URL is not None, reason="SQLite's write lock")
def test_a_write_that_cannot_get_the_lock_is_a_503_and_stores_nothing(
    tmp_path: Path, embedder: OnnxEmbedder, analysis_embedder: OnnxEmbedder
) -> None:
    db_file = tmp_path / "busy.db"
    container = built_container(
        tmp_path / "var", f"sqlite:///{db_file}", embedder, analysis_embedder,
        busy_timeout_seconds=0.2,
    )  # fmt: skip
    opening = {"json": {"visitor_id": "v"}}
    blocker = sqlite3.connect(db_file, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        busy = asyncio.run(_request(container, "POST", "/chat/conversations", **opening))
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "2"
        assert busy.json()["error"] == "unavailable"
        # Reads go on while another writer holds the lock.
        assert asyncio.run(_request(container, "GET", "/readyz")).status_code == 200
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    with container.sessions() as session:
        assert session.scalar(select(Conversation.id)) is None  # the refused request left nothing
    opened = asyncio.run(_request(container, "POST", "/chat/conversations", **opening))
    assert opened.status_code == 201
    container.close()


def test_a_message_loads_the_same_rows_in_a_long_conversation(session: Session) -> None:
    chats = ConversationService(session, Vocabulary())
    conversation_id = chats.start(visitor_id="talkative").id
    session.add_all(
        Message(conversation_id=conversation_id, role=("visitor", "bot")[i % 2], text=f"m {i}")
        for i in range(600)
    )
    session.commit()
    loaded: list[object] = []
    with units_on(session).write() as writer:
        event.listen(writer, "loaded_as_persistent", lambda _, instance: loaded.append(instance))
        chats = ConversationService(writer, Vocabulary())
        turn = chats.receive(conversation_id, "one more?", most=1000)  # past the usual cap
        history = chats.history(turn)
        writer.commit()
    assert len([m for m in loaded if isinstance(m, Message)]) <= HISTORY_MESSAGES
    assert history[-1] == ("bot", "m 599") and len(history) == HISTORY_MESSAGES


def test_the_transcript_comes_in_pages(client: TestClient, session: Session) -> None:
    conversation_id = client.post("/chat/conversations", json={}).json()["id"]
    session.add_all(
        Message(conversation_id=conversation_id, role="visitor", text=f"m {i}") for i in range(120)
    )
    session.commit()
    newest = client.get(f"/chat/conversations/{conversation_id}").json()
    assert [m["text"] for m in newest["messages"]] == [f"m {i}" for i in range(70, 120)]
    assert newest["has_more"] is True
    seen = newest["messages"][-11]["id"]
    unseen = client.get(f"/chat/conversations/{conversation_id}?after={seen}").json()
    assert [m["text"] for m in unseen["messages"]] == [f"m {i}" for i in range(110, 120)]
    assert unseen["has_more"] is False
    first = client.get(f"/chat/conversations/{conversation_id}?after=0&limit=5").json()
    assert [m["text"] for m in first["messages"]] == [f"m {i}" for i in range(5)]
    assert first["has_more"] is True
    too_big = client.get(f"/chat/conversations/{conversation_id}?after={2**63}")
    assert too_big.status_code == 422


def test_analysis_is_asked_for_once_the_import_is_committed(
    tmp_path: Path, embedder: OnnxEmbedder, analysis_embedder: OnnxEmbedder
) -> None:
    with scratch_database(SERVER_URL, "journey_after_commit") as db_url:
        container = built_container(tmp_path / "var", db_url, embedder, analysis_embedder)
        with transaction(container.sessions) as session:
            auth = AuthService(session)
            token = auth.issue_token(auth.create_user("m@staff.test", "M", "manager", None))
        seen: list[int] = []

        def count_reviews() -> None:  # from another connection, as the worker reads
            with container.read_sessions() as reader:
                seen.append(len(reader.scalars(select(Review.id)).all()))

        container.request_analysis = count_reviews  # type: ignore[method-assign]
        reviews = b"external_id,rating,body,posted_at\nr1,1,Charged twice.,2026-03-01T08:00:00Z\n"
        answer = asyncio.run(
            _request(
                container,
                "POST",
                "/imports/reviews",
                files={"file": ("reviews.csv", reviews, "text/csv")},
                data={"strict": "true"},  # one transaction: committed only as the request ends
                headers={"Authorization": f"Bearer {token}"},
            )
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["accepted"] == 1, answer.text
        assert seen == [1]  # asked once, with the row already there for it
        container.close()
