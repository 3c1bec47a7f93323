"""Outgoing webhooks, received by a real HTTP server the test starts: queued in the
transaction of the change, signed (Stripe's scheme), retried with a doubling wait after a
failure, given up after the last attempt, replayed on request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from journey.db import utcnow
from journey.errors import InvalidInput
from journey.models import WebhookDelivery
from journey.webhooks import (
    FIRST_RETRY,
    MAX_ATTEMPTS,
    SIGNATURE_HEADER,
    deliver_due,
    emit,
    replay,
    sign,
    subscribe,
    verify,
)


class Receiver:
    """A local HTTP server that keeps what it is sent and answers with the codes it is told."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.server.shutdown()


def test_a_queued_event_is_delivered_signed(session: Session, receiver: Receiver) -> None:
    subscription = subscribe(session, receiver.url, ["lead.qualified"])
    assert emit(session, "lead.qualified", {"contact_id": 7}) == 1
    assert emit(session, "conversation.closed", {"id": "x"}) == 0  # not subscribed to
    sent = deliver_due(session)
    assert (sent.delivered, sent.retrying, sent.failed) == (1, 0, 0)
    headers, body = receiver.received[0]
    assert verify(subscription.secret, headers[SIGNATURE_HEADER], body)
    assert not verify("whsec_other", headers[SIGNATURE_HEADER], body)
    assert not verify(subscription.secret, headers[SIGNATURE_HEADER], body + b" ")
    sent_body = json.loads(body)
    assert sent_body["type"] == "lead.qualified" and sent_body["data"] == {"contact_id": 7}
    delivery = session.scalars(select(WebhookDelivery)).one()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert deliver_due(session).delivered == 0  # sent once


def test_an_old_signature_is_refused() -> None:
    old = 1_700_000_000
    assert not verify("whsec_s", sign("whsec_s", old, b"{}"), b"{}")


def test_a_failed_delivery_is_retried_with_a_doubling_wait_then_given_up(
    session: Session, receiver: Receiver
) -> None:
    subscribe(session, receiver.url, ["next_step.accepted"])
    emit(session, "next_step.accepted", {"contact_id": 1})
    receiver.answers = [500, 503]
    now = utcnow()
    assert deliver_due(session, now).retrying == 1
    delivery = session.scalars(select(WebhookDelivery)).one()
    assert delivery.next_attempt_at == now + FIRST_RETRY
    assert deliver_due(session, now + timedelta(seconds=5)).retrying == 0  # not due yet
    deliver_due(session, now + FIRST_RETRY)
    assert delivery.attempts == 2 and delivery.last_status_code == 503
    assert delivery.next_attempt_at == now + FIRST_RETRY + FIRST_RETRY * 2
    assert deliver_due(session, now + timedelta(hours=1)).delivered == 1  # the third: 200
    assert len(receiver.received) == 3
    # the same delivery id each time: the receiver can de-duplicate
    assert len({json.loads(body)["id"] for _, body in receiver.received}) == 1


def test_an_unreachable_receiver_is_given_up_after_the_last_attempt_and_replayed(
    session: Session, receiver: Receiver
) -> None:
    subscribe(session, "http://127.0.0.1:9/closed", ["lead.qualified"])
    emit(session, "lead.qualified", {"contact_id": 2})
    later = utcnow()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(session, later)
        later += timedelta(days=1)
    delivery = session.scalars(select(WebhookDelivery)).one()
    assert delivery.status == "failed" and delivery.attempts == MAX_ATTEMPTS
    assert delivery.last_error and delivery.last_status_code is None
    assert replay(session, failed=True) == 1
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    with pytest.raises(InvalidInput):
        replay(session)


def test_a_subscription_names_known_events_and_a_web_address(session: Session) -> None:
    with pytest.raises(InvalidInput, match="event_types"):
        subscribe(session, "https://example.test/h", ["everything"])
    with pytest.raises(InvalidInput, match="url"):
        subscribe(session, "ftp://example.test/h", ["lead.qualified"])
