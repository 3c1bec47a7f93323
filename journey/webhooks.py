"""Outgoing webhooks: an outbox written in the same transaction as the change it reports, then
delivered with retries and backoff, every attempt logged on its delivery row.

Signed as Stripe signs: the `Journey-Signature` header carries `t=<unix time>,v1=<hex HMAC-SHA256
of "<t>.<body>" with the subscription's secret>`; a receiver checks it with `verify` (or the
same few lines in any language) and rejects old timestamps, so a captured request cannot be
replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from journey.db import utcnow
from journey.errors import InvalidInput, NotFound
from journey.models import WebhookDelivery, WebhookSubscription

SIGNATURE_HEADER = "Journey-Signature"
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)  # then doubled each time: 30 s, 1 min, 2 min ... ~1 h
TIMEOUT_S = 10.0
EVENT_TYPES = (
    "lead.qualified",
    "next_step.suggested",
    "next_step.accepted",
    "next_step.dismissed",
    "next_step.converted",
    "moment_of_truth.flagged",
    "handoff.requested",
    "conversation.closed",
    "automation.ran",
)


def subscribe(session: Session, url: str, event_types: list[str]) -> WebhookSubscription:
    """A new subscription with a fresh secret (shown once to whoever subscribes)."""
    if not url.startswith(("https://", "http://")):
        raise InvalidInput("url: an http(s) address")
    unknown = [t for t in event_types if t not in EVENT_TYPES]
    if unknown or not event_types:
        raise InvalidInput(f"event_types: one or more of {', '.join(EVENT_TYPES)}")
    subscription = WebhookSubscription(
        url=url, secret="whsec_" + secrets.token_urlsafe(32), event_types=event_types
    )
    session.add(subscription)
    session.flush()
    return subscription


def emit(session: Session, event_type: str, data: dict[str, Any]) -> int:
    """Queue the event for every active subscription to it, in the caller's transaction: it is
    sent if and only if the change it reports is committed. Returns how many were queued."""
    queued = 0
    for subscription in session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
    ):
        if event_type in subscription.event_types:
            payload = {"type": event_type, "created_at": utcnow().isoformat(), "data": data}
            session.add(WebhookDelivery(subscription_id=subscription.id, event_type=event_type,
                                        payload=payload, next_attempt_at=utcnow()))  # fmt: skip
            queued += 1
    session.flush()
    return queued


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes, tolerance_s: int = 300) -> bool:
    """What a receiver does: the signature matches and is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    fresh = abs(time.time() - timestamp) <= tolerance_s
    return fresh and hmac.compare_digest(expected, parts.get("v1", ""))


@dataclass
class Sent:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(
    session: Session, now: datetime | None = None, client: httpx.Client | None = None
) -> Sent:
    """One pass over the outbox: each delivery that is due is posted; a 2xx answer delivers
    it, anything else (or no answer) schedules the next attempt, doubling the wait, until
    MAX_ATTEMPTS have failed."""
    moment = now or utcnow()
    sent = Sent()
    due = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= moment)
        .order_by(WebhookDelivery.id)
        .limit(500)
    ).all()
    own = client is None
    http = client or httpx.Client(timeout=TIMEOUT_S)
    try:
        for delivery in due:
            subscription = session.get(WebhookSubscription, delivery.subscription_id)
            if subscription is None or not subscription.active:
                delivery.status = "cancelled"
                continue
            body = json.dumps({"id": delivery.id, **delivery.payload}).encode()
            signature = sign(subscription.secret, int(time.time()), body)
            headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature}
            delivery.attempts += 1
            try:
                answer = http.post(subscription.url, content=body, headers=headers)
                delivery.last_status_code, delivery.last_error = answer.status_code, None
                ok = answer.is_success
            except httpx.HTTPError as exc:
                delivery.last_status_code, delivery.last_error = None, str(exc)[:500]
                ok = False
            if ok:
                delivery.status, delivery.next_attempt_at = "delivered", None
                sent.delivered += 1
            elif delivery.attempts >= MAX_ATTEMPTS:
                delivery.status, delivery.next_attempt_at = "failed", None
                sent.failed += 1
            else:
                delivery.next_attempt_at = moment + FIRST_RETRY * 2 ** (delivery.attempts - 1)
                sent.retrying += 1
    finally:
        if own:
            http.close()
    session.flush()
    return sent


def replay(session: Session, delivery_ids: list[int] | None = None, failed: bool = False) -> int:
    """Send these deliveries again (or every failed one): the receiver de-duplicates by id."""
    query = select(WebhookDelivery)
    if delivery_ids:
        query = query.where(WebhookDelivery.id.in_(delivery_ids))
    elif failed:
        query = query.where(WebhookDelivery.status == "failed")
    else:
        raise InvalidInput("give delivery ids or ask for the failed ones")
    rows = session.scalars(query).all()
    missing = sorted(set(delivery_ids or []) - {r.id for r in rows})
    if missing:
        raise NotFound(f"no webhook delivery {missing[0]}")
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
    session.flush()
    return len(rows)
