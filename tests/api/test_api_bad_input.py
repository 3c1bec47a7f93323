"""Bad input through the real app: every refusal is a 4xx in the API's error shape, never a 500,
and the OpenAPI schema documents the error answers the app really gives."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from journey.models import Account

TooBig = 2**63
EVENT = {"type": "login", "occurred_at": "2026-04-02T10:00:00Z", "visitor_id": "v-bad-input"}


@pytest.fixture
def headers(staff_token: Callable[[str], str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff_token('admin')}"}


def refused(response: object, status: int = 422) -> dict[str, object]:
    """The response is a refusal with this status in the API's error shape."""
    assert getattr(response, "status_code", None) == status, getattr(response, "text", "")[:300]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "detail"}, body
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/flags/{TooBig}"),
        ("POST", f"/flags/{TooBig}/claim"),
        ("POST", f"/flags/{TooBig}/release"),
        ("POST", f"/flags/{TooBig}/reopen"),
        ("GET", f"/contacts/{TooBig}/timeline"),
        ("GET", f"/flags?account_id={TooBig}"),
        ("GET", f"/flags?contact_id={TooBig}"),
        ("GET", f"/flags?owner={TooBig}"),
    ],
)
def test_ids_beyond_64_bits_are_refused(
    client: TestClient, headers: dict[str, str], method: str, path: str
) -> None:
    body = refused(client.request(method, path, headers=headers))
    assert body["error"] == "validation_error"


@pytest.mark.parametrize(
    "key", [[10**30, "2026-01-01T00:00:00+00:00", 1], [50, "0001-01-01T00:00:00+14:00", 1]]
)
def test_a_forged_queue_cursor_is_refused(
    client: TestClient, headers: dict[str, str], key: list[object]
) -> None:
    cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
    body = refused(client.get("/flags", params={"cursor": cursor}, headers=headers))
    assert body == {"error": "invalid_input", "detail": "cursor: not a cursor from this queue"}


@pytest.mark.parametrize("field", ["contact_id", "account_id"])
def test_event_ids_beyond_64_bits_are_refused(
    client: TestClient, headers: dict[str, str], field: str
) -> None:
    body = refused(client.post("/events", json=dict(EVENT, **{field: TooBig}), headers=headers))
    assert body["detail"][0]["loc"] == f"body.{field}"  # type: ignore[index]


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_dates_out_of_range_are_refused(
    client: TestClient, headers: dict[str, str], when: str
) -> None:
    body = refused(client.post("/events", json=dict(EVENT, occurred_at=when), headers=headers))
    assert body["detail"][0]["loc"] == "body.occurred_at"  # type: ignore[index]
    for path in ("/themes", "/flags"):
        refused(client.get(path, params={"since": when}, headers=headers))
    refused(client.get("/contacts/1/timeline", params={"before": when}, headers=headers))


def test_dates_in_range_are_kept_in_utc(client: TestClient, headers: dict[str, str]) -> None:
    stored = client.post(
        "/events", json=dict(EVENT, occurred_at="1900-01-01T00:00:00+14:00"), headers=headers
    )
    assert stored.status_code == 201, stored.text
    assert stored.json()["occurred_at"].startswith("1899-12-31T10:00:00")


def test_unknown_account_on_an_event_is_refused(
    client: TestClient, headers: dict[str, str]
) -> None:
    body = refused(client.post("/events", json=dict(EVENT, account_id=987654321), headers=headers))
    assert body == {
        "error": "invalid_input",
        "detail": "event 0: account_id: unknown account 987654321",
    }
    batch = {"events": [EVENT, dict(EVENT, type="page_view", account_id=987654321)]}
    body = refused(client.post("/events/batch", json=batch, headers=headers))
    assert body["detail"] == "event 1: account_id: unknown account 987654321"


def test_unknown_contact_on_an_event_is_refused(
    client: TestClient, headers: dict[str, str]
) -> None:
    body = refused(client.post("/events", json=dict(EVENT, contact_id=987654321), headers=headers))
    assert body["error"] == "invalid_input"
    assert "contact 987654321" in str(body["detail"])


def test_known_accounts_are_checked_in_one_query(
    client: TestClient, headers: dict[str, str], session: object
) -> None:
    account = Account(name="Acme")
    session.add(account)  # type: ignore[attr-defined]
    session.commit()  # type: ignore[attr-defined]
    batch = {
        "events": [
            dict(EVENT, type="page_view", account_id=account.id, idempotency_key=f"k{i}")
            for i in range(50)
        ]
    }
    response = client.post("/events/batch", json=batch, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 50


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(
    client: TestClient, headers: dict[str, str], number: str
) -> None:
    # Python's json module reads these tokens; they must not reach the store.
    body = refused(post_properties(client, headers, f'{{"score": {number}}}'))
    assert body["detail"][0]["loc"] == "body.properties"  # type: ignore[index]


def post_properties(client: TestClient, headers: dict[str, str], raw: str) -> Response:
    """An event whose properties are this raw JSON text, posted as it is."""
    body = '{"type": "login", "occurred_at": "2026-04-02T10:00:00Z", "visitor_id": "v",'
    body += f' "properties": {raw}}}'
    return client.post(
        "/events", content=body, headers=headers | {"Content-Type": "application/json"}
    )


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deep_properties_are_refused(
    client: TestClient, headers: dict[str, str], depth: int
) -> None:
    refused(post_properties(client, headers, f'{{"x": {nested(depth)}}}'))


@pytest.mark.parametrize("path", ["/events", "/events/batch", "/identify", "/flags/1/notes"])
def test_a_body_that_is_only_nesting_is_refused(
    client: TestClient, headers: dict[str, str], path: str
) -> None:
    response = client.post(
        path, content=nested(100_000), headers=headers | {"Content-Type": "application/json"}
    )
    body = refused(response)
    assert body["error"] == "validation_error"


def test_shallow_properties_are_kept(client: TestClient, headers: dict[str, str]) -> None:
    properties = {"plan": "growth", "seats": 12, "score": 0.5, "tags": [["a", {"b": None}]]}
    stored = client.post("/events", json=dict(EVENT, properties=properties), headers=headers)
    assert stored.status_code == 201, stored.text
    assert stored.json()["properties"] == properties


def test_big_properties_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    properties = {"text": "x" * 20_000}
    refused(client.post("/events", json=dict(EVENT, properties=properties), headers=headers))


def test_long_strings_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    refused(
        client.post(
            "/identify",
            json={"visitor_id": "v", "email": "a@b.io", "name": "n" * 1000},
            headers=headers,
        )
    )
    refused(client.get("/themes", params={"stage": "s" * 1000}, headers=headers))


def test_a_body_over_the_limit_is_413(client: TestClient, headers: dict[str, str]) -> None:
    big = dict(EVENT, properties={"text": "x" * 2_000_000})
    body = refused(client.post("/events", json=big, headers=headers), 413)
    assert body["error"] == "content_too_large"


def test_a_batch_may_be_bigger_than_one_event(client: TestClient, headers: dict[str, str]) -> None:
    events = [
        dict(EVENT, idempotency_key=f"big-{i}", properties={"note": "y" * 200})
        for i in range(5_000)
    ]
    response = client.post("/events/batch", json={"events": events}, headers=headers)
    assert response.status_code == 200, response.text[:200]
    assert response.json()["accepted"] == 5_000


def test_openapi_documents_the_error_body(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components
    assert set(components["ErrorOut"]["required"]) == {"error", "detail"}
    resolve = schema["paths"]["/flags/{flag_id}/resolve"]["post"]["responses"]
    assert {"401", "403", "404", "409", "413", "422", "503"} <= set(resolve)
    assert resolve["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    assert "Retry-After" in resolve["503"]["headers"]
    assert "413" not in schema["paths"]["/flags/{flag_id}/claim"]["post"]["responses"]
    assert "401" not in schema["paths"]["/healthz"]["get"]["responses"]
    assert "401" in schema["paths"]["/events"]["post"]["responses"]


def test_nul_characters_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    # PostgreSQL cannot store them in text or JSON: refused alike on every database.
    identify = {"visitor_id": "v", "email": "a@b.io", "name": "a\x00b"}
    refused(client.post("/identify", json=identify, headers=headers))
    event = dict(EVENT, properties={"note": "a\x00b"})
    refused(client.post("/events", json=event, headers=headers))
    refused(client.get("/themes", params={"stage": "a\x00"}, headers=headers))
