"""The review queue through the app: auth, a whole claim -> note -> resolve -> reopen cycle,
filters in the query string, and the shape of refusals."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from feedback.queue import FlagQueue
from journey.auth import AuthService

Login = Callable[..., dict[str, str]]
Raise = Callable[..., int]


@pytest.fixture
def login(session: Session) -> Login:
    """Headers of a new staff user with this name and role."""

    def make(name: str, role: str = "agent") -> dict[str, str]:
        auth = AuthService(session)
        user = auth.create_user(
            f"{name.lower()}-{uuid.uuid4().hex[:6]}@staff.test", name, role, None
        )
        token = auth.issue_token(user)
        session.commit()  # a savepoint: survives a later request's rollback
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def raise_flag(session: Session) -> Raise:
    def make(severity: int = 60, reasons: tuple[str, ...] = ("negative_sentiment",)) -> int:
        key = f"api:{uuid.uuid4().hex}"
        flag = FlagQueue(session).raise_flag(key, reasons, severity, [{"type": "ticket"}])
        session.commit()
        return flag.id

    return make


def test_the_queue_needs_a_staff_token(client: TestClient, raise_flag: Raise) -> None:
    flag_id = raise_flag()
    for method, path in (
        ("GET", "/flags"),
        ("GET", "/flags/stats"),
        ("GET", f"/flags/{flag_id}"),
        ("POST", f"/flags/{flag_id}/claim"),
    ):
        response = client.request(method, path)
        assert response.status_code == 401, path
        assert response.json()["error"] == "unauthorized"


def test_claim_note_resolve_reopen(client: TestClient, login: Login, raise_flag: Raise) -> None:
    avery = login("Avery")
    urgent, minor = raise_flag(90, ("churn_intent",)), raise_flag(30)

    page = client.get("/flags", headers=avery).json()
    assert [item["id"] for item in page["items"]] == [urgent, minor]
    assert page["total"] == 2 and page["next_cursor"] is None
    assert page["items"][0]["reasons"] == ["churn_intent"]
    assert page["items"][0]["status"] == "open" and page["items"][0]["owner"] is None

    claimed = client.post(f"/flags/{urgent}/claim", headers=avery)
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["status"] == "claimed" and claimed.json()["owner"]["name"] == "Avery"

    noted = client.post(f"/flags/{urgent}/notes", json={"text": "Called them."}, headers=avery)
    assert noted.status_code == 201
    assert noted.json()["note_count"] == 1
    assert noted.json()["notes"][0]["author"]["name"] == "Avery"

    resolved = client.post(
        f"/flags/{urgent}/resolve", json={"outcome": "solved", "note": "Fixed."}, headers=avery
    ).json()
    assert (resolved["status"], resolved["outcome"]) == ("resolved", "solved")
    assert resolved["waiting_seconds"] is None and resolved["resolved_at"]
    mine = client.get("/flags", params={"owner": "me"}, headers=avery).json()
    assert mine["items"] == []
    done = client.get(
        "/flags", params={"status": ["resolved", "open"], "owner": "me"}, headers=avery
    ).json()
    assert [item["id"] for item in done["items"]] == [urgent]

    reopened = client.post(
        f"/flags/{urgent}/reopen", json={"reason": "They wrote again."}, headers=avery
    ).json()
    assert (reopened["status"], reopened["outcome"], reopened["owner"]) == ("open", None, None)
    assert [n["text"] for n in reopened["notes"]] == ["Called them.", "Fixed.", "They wrote again."]
    solved = client.post(f"/flags/{minor}/resolve", json={"outcome": "solved"}, headers=avery)
    assert solved.status_code == 200
    assert client.post(f"/flags/{minor}/reopen", headers=avery).json()["status"] == "open"

    stats = client.get("/flags/stats", headers=avery).json()
    assert stats["by_status"] == {"open": 2, "claimed": 0, "resolved": 0}
    assert stats["by_reason"] == {"churn_intent": 1, "negative_sentiment": 1}
    assert stats["oldest_open"]["id"] == urgent and "false_positive" in stats["outcomes"]


def test_filters_and_pages_in_the_query_string(
    client: TestClient, login: Login, raise_flag: Raise
) -> None:
    headers = login("Avery")
    high, middle, low = raise_flag(80), raise_flag(50, ("repeated_contact",)), raise_flag(20)
    first = client.get("/flags", params={"limit": 2}, headers=headers).json()
    assert [item["id"] for item in first["items"]] == [high, middle] and first["total"] == 3
    rest = client.get(
        "/flags", params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
    ).json()
    assert [item["id"] for item in rest["items"]] == [low] and rest["next_cursor"] is None
    picked = client.get(
        "/flags", params={"min_severity": 30, "reason": "repeated_contact"}, headers=headers
    )
    assert [item["id"] for item in picked.json()["items"]] == [middle]
    bad = client.get("/flags", params={"status": "pending", "owner": "you"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"] == "validation_error"
    assert {e["loc"] for e in bad.json()["detail"]} == {"query.status.0", "query.owner"}
    cursor = client.get("/flags", params={"cursor": "nonsense"}, headers=headers)
    assert cursor.status_code == 422
    assert cursor.json() == {
        "error": "invalid_input",
        "detail": "cursor: not a cursor from this queue",
    }


def test_refusals_are_json(client: TestClient, login: Login, raise_flag: Raise) -> None:
    avery, blake, morgan = login("Avery"), login("Blake"), login("Morgan", "manager")
    flag_id = raise_flag()
    missing = client.get("/flags/987654321", headers=avery)
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "detail": "flag 987654321 not found"}
    assert client.post("/flags/987654321/claim", headers=avery).status_code == 404

    client.post(f"/flags/{flag_id}/claim", headers=blake)
    taken = client.post(f"/flags/{flag_id}/claim", headers=avery)
    assert taken.status_code == 409
    assert taken.json() == {"error": "conflict", "detail": f"flag {flag_id} is claimed by Blake"}
    forced = client.post(f"/flags/{flag_id}/claim", params={"force": True}, headers=avery)
    assert forced.status_code == 403 and forced.json()["error"] == "forbidden"
    took_over = client.post(f"/flags/{flag_id}/claim", params={"force": True}, headers=morgan)
    assert took_over.status_code == 200 and took_over.json()["owner"]["name"] == "Morgan"

    reopen = client.post(f"/flags/{flag_id}/reopen", headers=morgan)
    assert reopen.status_code == 409
    assert (
        reopen.json()["detail"]
        == f"flag {flag_id} is claimed; only a resolved flag can be reopened"
    )
    outcome = client.post(f"/flags/{flag_id}/resolve", json={"outcome": "fixed"}, headers=morgan)
    assert outcome.status_code == 422 and outcome.json()["error"] == "validation_error"
    blank = client.post(f"/flags/{flag_id}/notes", json={"text": "  "}, headers=morgan)
    assert blank.status_code == 422
    assert blank.json() == {"error": "invalid_input", "detail": "text: the note is empty"}
