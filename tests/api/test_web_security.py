"""The staff pages' web security: a cookie-authenticated change (and a sign-in) from another
site is refused, a bearer token is not subject to it; pages carry a content policy that runs
no inline script and cannot be framed, every answer says nosniff; the API documentation keeps
its own policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from journey.auth import AuthService

ELSEWHERE = {"Origin": "http://evil.example"}
HERE = {"Origin": "http://testserver"}


def sign_in(client: TestClient, session: Session) -> None:
    AuthService(session).create_user("sam@staff.test", "Sam", "manager", "s3cret-pass")
    session.commit()
    answer = client.post("/login", data={"email": "sam@staff.test", "password": "s3cret-pass"},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303


def test_a_change_riding_on_the_cookie_must_come_from_the_app(
    client: TestClient, session: Session, staff_token: Callable[[str], str]
) -> None:
    sign_in(client, session)
    add = {"title": "Call every churned account"}
    forged = client.post("/improvements", json=add, headers=ELSEWHERE)
    assert forged.status_code == 403 and forged.json()["error"] == "cross_site_request"
    unsaid = client.post("/improvements", json=add)  # a browser always says; a forger hides it
    assert unsaid.status_code == 403
    by_referer = client.post("/improvements", json=add,
                             headers={"Referer": "http://testserver/dashboard"})  # fmt: skip
    assert by_referer.status_code == 201
    assert client.post("/improvements", json=add, headers=HERE).status_code == 201
    assert client.get("/improvements", headers=ELSEWHERE).status_code == 200  # reading is safe
    # A bearer token is a credential of its own: no cookie rides along to be abused.
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {staff_token('manager')}", **ELSEWHERE}
    assert client.post("/improvements", json=add, headers=bearer).status_code == 201


def test_a_sign_in_from_another_site_is_refused(client: TestClient, session: Session) -> None:
    AuthService(session).create_user("kim@staff.test", "Kim", "agent", "s3cret-pass")
    session.commit()
    form = {"email": "kim@staff.test", "password": "s3cret-pass"}
    forged = client.post("/login", data=form, headers=ELSEWHERE, follow_redirects=False)
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    assert client.post("/login", data=form, headers=HERE, follow_redirects=False).status_code == 303


def test_pages_carry_a_content_policy_and_every_answer_nosniff(client: TestClient) -> None:
    page = client.get("/login")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    api = client.get("/healthz")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in api.headers  # JSON is not a page
    docs = client.get("/docs").headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in docs  # its own, kept
    assert "strict-transport-security" not in page.headers  # plain http here


def test_only_the_configured_sites_may_call_from_their_pages(container: Any) -> None:
    from api.app import create_app

    preflight = {"Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}  # fmt: skip
    with TestClient(create_app(container)) as nobody:
        refused = nobody.options("/chat/conversations", headers=preflight)
        assert "access-control-allow-origin" not in refused.headers
    container.settings.server.cors_origins = ["https://shop.example"]
    with TestClient(create_app(container)) as configured:
        allowed = configured.options("/chat/conversations", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "https://shop.example"
        assert "access-control-allow-credentials" not in allowed.headers  # no cookies across


def test_answers_render_as_markdown_on_staff_pages_and_nothing_in_them_runs() -> None:
    from api.pages import markdown

    shown = str(markdown("**Growth** <img src=x onerror=alert(1)> [docs](javascript:alert(1))\n"
                         "1. Open *Settings*"))  # fmt: skip
    assert "<strong>Growth</strong>" in shown and "<em>Settings</em>" in shown
    assert "<img" not in shown and "&lt;img" in shown  # the page's HTML shown as text
    assert 'href="javascript' not in shown
