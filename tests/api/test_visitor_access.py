"""Visitor sessions: every visitor route tried as anonymous, visitor A, visitor B, an agent, a
manager and an admin, on visitor A's conversation; the allowed set is A and the staff. Visitor
ids are the server's; a token works only on its site, and a forged one not at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

ROUTES = [  # (method, path, body): A's conversation is {c}, its bot answer {m}
    ("GET", "/chat/conversations/{c}", None),
    ("POST", "/chat/conversations/{c}/messages", {"text": "hello"}),
    ("POST", "/chat/conversations/{c}/messages/stream", {"text": "hello"}),
    ("POST", "/chat/conversations/{c}/messages/{m}/rating", {"helpful": True}),
    ("POST", "/chat/conversations/{c}/suggestions/book_demo", None),
    ("POST", "/chat/conversations/{c}/handoff", None),
    ("POST", "/chat/conversations/{c}/csat", {"score": 4}),
]
REFUSED = {"anonymous": 401, "visitor B": 404}  # B learns nothing, not even that it exists


def opened(client: TestClient, **headers: str) -> dict[str, Any]:
    client.cookies.clear()  # each visitor in a browser of their own
    answer = client.post("/chat/conversations", json={}, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_each_visitor_route_lets_in_its_visitor_and_staff_only(
    client: TestClient, staff_token: Callable[[str], str], method: str, path: str,
    body: dict[str, Any] | None,
) -> None:  # fmt: skip
    a, b = opened(client), opened(client)
    said = client.post(f"/chat/conversations/{a['id']}/messages", json={"text": "hi"},
                       headers={"Journey-Visitor": a["visitor_token"]})  # fmt: skip
    url = path.format(c=a["id"], m=said.json()["message_id"])
    principals = {
        "anonymous": {},
        "visitor A": {"Journey-Visitor": a["visitor_token"]},
        "visitor B": {"Journey-Visitor": b["visitor_token"]},
        **{role: {"Authorization": f"Bearer {staff_token(role)}"}
           for role in ("agent", "manager", "admin")},
    }  # fmt: skip
    for who, headers in principals.items():
        client.cookies.clear()
        answer = client.request(method, url, json=body, headers=headers)
        if who in REFUSED:
            assert answer.status_code == REFUSED[who], (who, answer.text)
            assert answer.json()["error"] in ("unauthorized", "not_found")
        else:
            assert answer.status_code not in (401, 403, 404), (who, answer.text)


def test_visitor_ids_are_the_servers_and_tokens_are_bound(client: TestClient) -> None:
    chosen = client.post("/chat/conversations", json={"visitor_id": "victim-42"}).json()
    assert chosen["visitor_id"] != "victim-42" and chosen["visitor_id"].startswith("v-")
    again = opened(client, **{"Journey-Visitor": chosen["visitor_token"]})
    assert again["visitor_id"] == chosen["visitor_id"]  # the same visitor, a new conversation
    on_site = opened(client, Origin="https://shop.example")
    token = {"Journey-Visitor": on_site["visitor_token"]}
    elsewhere = client.get(f"/chat/conversations/{on_site['id']}",
                           headers={**token, "Origin": "https://evil.example"})  # fmt: skip
    assert elsewhere.status_code == 403
    at_home = client.get(f"/chat/conversations/{on_site['id']}",
                         headers={**token, "Origin": "https://shop.example"})  # fmt: skip
    assert at_home.status_code == 200
    client.cookies.clear()
    tampered = {"Journey-Visitor": on_site["visitor_token"][:-2] + "xx"}
    forged = client.get(f"/chat/conversations/{on_site['id']}", headers=tampered)
    assert forged.status_code == 401 and "not a valid visitor token" in forged.json()["detail"]


def test_a_visitor_with_a_stale_token_simply_starts_afresh(client: TestClient) -> None:
    client.cookies.clear()
    stale = {"Journey-Visitor": "not-a-token-any-more"}
    fresh = client.post("/chat/conversations", json={}, headers=stale)
    assert fresh.status_code == 201 and fresh.json()["visitor_token"]
    again = {"Journey-Visitor": fresh.json()["visitor_token"]}
    answer = client.get(f"/chat/conversations/{fresh.json()['id']}", headers=again)
    assert answer.status_code == 200
