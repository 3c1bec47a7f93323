"""Abuse limits: conversations opened and messages sent per address and per conversation, a
cap on a conversation's messages, failed sign-ins per account and per address; each a 429 with
Retry-After and the API's error body; an unknown email is refused as slowly as a known one."""

from __future__ import annotations

import statistics
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.throttle import Throttle
from journey.auth import AuthService
from journey.settings import LimitSettings


def limit(client: TestClient, **rules: Any) -> None:
    client.app.state.throttle = Throttle(LimitSettings(**rules))  # type: ignore[attr-defined]


def assert_refused(answer: Any, says: str, window: int = 60) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.json()["error"] == "too_many_requests" and says in answer.json()["detail"]
    assert window - 5 <= int(answer.headers["retry-after"]) <= window  # when the first expires


def test_conversations_opened_and_widget_loads_per_address(client: TestClient) -> None:
    limit(client, conversations="3/minute", widget="2/minute")
    for _ in range(3):
        assert client.post("/chat/conversations", json={}).status_code == 201
    assert_refused(client.post("/chat/conversations", json={}), "conversations opened")
    assert client.get("/widget.js").status_code == 200
    assert client.get("/widget.js").status_code == 200
    assert_refused(client.get("/widget.js"), "widget loads")


def test_messages_per_conversation_and_per_address(client: TestClient) -> None:
    limit(client, conversation_messages="2/minute", messages="3/minute")
    first, second = (client.post("/chat/conversations", json={}).json()["id"] for _ in range(2))

    def say(conversation: str) -> Any:
        return client.post(f"/chat/conversations/{conversation}/messages", json={"text": "hi"})

    assert say(first).status_code == 200 and say(first).status_code == 200
    assert_refused(say(first), "messages in this conversation")
    assert say(second).status_code == 200  # another conversation: its own count
    assert_refused(say(second), "messages")  # the address's three are used up
    streamed = client.post(f"/chat/conversations/{second}/messages/stream", json={"text": "x"})
    assert streamed.status_code == 429  # streaming counts alike


def test_a_conversation_takes_so_many_messages(client: TestClient) -> None:
    settings = client.app.state.container.settings  # type: ignore[attr-defined]
    settings.limits = LimitSettings(messages_per_conversation=2)
    conversation = client.post("/chat/conversations", json={}).json()["id"]
    for _ in range(2):
        sent = client.post(f"/chat/conversations/{conversation}/messages", json={"text": "hi"})
        assert sent.status_code == 200
    full = client.post(f"/chat/conversations/{conversation}/messages", json={"text": "hi"})
    assert full.status_code == 429 and "start a new one" in full.json()["detail"]


def test_failed_sign_ins_are_throttled_per_account_and_per_address(
    client: TestClient, session: Session
) -> None:
    limit(client, login_failures_per_account="3/15 minutes",
          login_failures_per_address="5/15 minutes")  # fmt: skip
    auth = AuthService(session)
    for who in ("pat", "kim"):
        auth.create_user(f"{who}@staff.test", who.title(), "agent", "correct-horse")
    session.commit()

    def sign_in(who: str, password: str) -> Any:
        return client.post("/auth/token", json={"email": f"{who}@staff.test",
                                                "password": password})  # fmt: skip

    for _ in range(3):
        assert sign_in("pat", "wrong-guess").status_code == 401
    assert_refused(sign_in("pat", "correct-horse"), "failed sign-ins for this account", 900)
    assert sign_in("kim", "correct-horse").status_code == 200  # another account still can
    assert sign_in("kim", "wrong-guess").status_code == 401
    assert sign_in("kim", "wrong-guess").status_code == 401  # the address's fifth failure
    assert_refused(sign_in("kim", "correct-horse"), "failed sign-ins from this address", 900)
    page = client.post("/login", data={"email": "pat@staff.test", "password": "correct-horse"})
    assert page.status_code == 429 and "try again in 15 minutes" in page.text  # the page says so


def test_an_unknown_email_is_refused_as_slowly_as_a_wrong_password(
    client: TestClient, session: Session
) -> None:
    AuthService(session).create_user("lee@staff.test", "Lee", "agent", "correct-horse")
    session.commit()

    def timed(email: str) -> float:
        started = time.perf_counter()
        answer = client.post("/auth/token", json={"email": email, "password": "wrong-guess"})
        assert answer.status_code == 401 and answer.json()["detail"] == "wrong email or password"
        return time.perf_counter() - started

    known = statistics.median(timed("lee@staff.test") for _ in range(3))
    unknown = statistics.median(timed(f"nobody{i}@staff.test") for i in range(3))
    assert unknown > 0.5 * known  # a password hash is checked either way (argon2: tens of ms)
