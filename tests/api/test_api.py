from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from journey.auth import AuthService

EVENT = {
    "type": "demo_booked",
    "occurred_at": "2026-04-02T10:00:00Z",
    "contact_email": "jo@acme.io",
}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_events_need_a_staff_token(client: TestClient) -> None:
    response = client.post("/events", json=EVENT)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    bad = client.post("/events", json=EVENT, headers=auth("ja_not-a-token"))
    assert bad.status_code == 401


def test_record_event_then_replay(client: TestClient, staff_token: Callable[[str], str]) -> None:
    headers = auth(staff_token("agent"))
    created = client.post("/events", json=EVENT, headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["stage"], body["channel"]) == ("decision", "voice")
    replay = client.post("/events", json=EVENT, headers=headers)
    assert replay.status_code == 200
    assert replay.json()["id"] == body["id"]

    timeline = client.get(f"/contacts/{body['contact_id']}/timeline", headers=headers).json()
    assert timeline["stage"] == "decision"
    assert [e["type"] for e in timeline["events"]] == ["demo_booked"]


def test_batch_is_all_or_nothing(client: TestClient, staff_token: Callable[[str], str]) -> None:
    headers = auth(staff_token("agent"))
    good = dict(EVENT, type="login")
    bad = dict(EVENT, stage="nirvana")
    response = client.post("/events/batch", json={"events": [good, bad]}, headers=headers)
    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid_input",
        "detail": "event 1: stage: unknown stage 'nirvana'",
    }
    ok = client.post("/events/batch", json={"events": [good, good]}, headers=headers)
    assert ok.json()["accepted"] == 1 and ok.json()["duplicates"] == 1


def test_malformed_body_is_a_clear_error(
    client: TestClient, staff_token: Callable[[str], str]
) -> None:
    response = client.post("/events", json={"type": "login"}, headers=auth(staff_token("agent")))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert any(d["loc"] == "body.occurred_at" for d in body["detail"])


def test_unknown_contact_is_404(client: TestClient, staff_token: Callable[[str], str]) -> None:
    response = client.get("/contacts/999999/timeline", headers=auth(staff_token("agent")))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_browser_going_to_a_page_that_is_not_there_gets_a_page(client: TestClient) -> None:
    """Errors stay JSON for the API; a browser navigating (a GET asking for HTML) reads a page."""
    browsing = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    gone = client.get("/no/such/page", headers=browsing)
    assert gone.status_code == 404 and gone.headers["content-type"].startswith("text/html")
    assert "This page does not exist" in gone.text and '<a href="/">' in gone.text
    bad = client.get("/site/pricing?x=1", headers=browsing)  # a page that is there
    assert bad.status_code == 200
    assert client.get("/no/such/page").json()["error"] == "not_found"  # an API client
    refreshing = client.get("/no/such/page", headers={**browsing, "Journey-Refresh": "1"})
    assert refreshing.json()["error"] == "not_found"  # a page refreshing one of its parts
    posted = client.post("/no/such/page", headers=browsing)
    assert posted.json()["error"] == "not_found"


def test_login_gives_a_working_token(client: TestClient, session: Session) -> None:
    AuthService(session).create_user("lee@staff.test", "Lee", "manager", "correct-horse")
    session.commit()
    wrong = client.post("/auth/token", json={"email": "lee@staff.test", "password": "wrong-pass"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "unauthorized"
    good = client.post("/auth/token", json={"email": "LEE@staff.test", "password": "correct-horse"})
    assert good.status_code == 200
    me = client.get("/auth/me", headers=auth(good.json()["token"]))
    assert me.json()["role"] == "manager"


def test_identify_moves_visitor_history(
    client: TestClient, staff_token: Callable[[str], str]
) -> None:
    headers = auth(staff_token("agent"))
    anon = {"type": "trial_started", "occurred_at": "2026-04-01T08:00:00Z", "visitor_id": "v-9"}
    assert client.post("/events", json=anon, headers=headers).status_code == 201
    contact = client.post(
        "/identify", json={"visitor_id": "v-9", "email": "Kim@Acme.io"}, headers=headers
    ).json()
    assert contact["email"] == "kim@acme.io" and contact["stage"] == "consideration"


def test_pages_require_sign_in(client: TestClient, session: Session) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    AuthService(session).create_user("pat@staff.test", "Pat", "manager", "correct-horse")
    session.commit()
    denied = client.post("/login", data={"email": "pat@staff.test", "password": "nope-nope"})
    assert denied.status_code == 401 and "wrong email or password" in denied.text
    signed_in = client.post("/login", data={"email": "pat@staff.test", "password": "correct-horse"})
    assert signed_in.status_code == 200 and "Journey overview" in signed_in.text
    cookie = signed_in.history[0].headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=2592000" in cookie
    assert "secure" not in cookie  # served over plain http here
    # a page of another site cannot sign the user out (nor change anything else)
    forged = client.post("/logout", headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403 and forged.json()["error"] == "cross_site_request"
    assert client.get("/", follow_redirects=False).status_code == 200
    client.post("/logout", headers={"Origin": "http://testserver"})
    assert client.get("/", follow_redirects=False).status_code == 303
