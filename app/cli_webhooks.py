"""`journey webhooks`: subscriptions to outgoing webhooks, their delivery and replay."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from app.cli_support import console, container, friendly_errors

webhooks_app = typer.Typer(help="Outgoing webhooks, signed and retried.", no_args_is_help=True)


@webhooks_app.command("add")
def add_webhook(
    url: Annotated[str, typer.Argument(help="where to POST the events")],
    events: Annotated[str, typer.Option(help="event types, comma-separated, e.g. lead.qualified")],
) -> None:
    """Subscribe a URL; prints the signing secret once."""
    from journey.db import transaction
    from journey.webhooks import subscribe

    c = container()
    with friendly_errors(), transaction(c.sessions) as session:
        made = subscribe(session, url, [e.strip() for e in events.split(",") if e.strip()])
        console.print(f"subscription {made.id}; signing secret (shown once): {made.secret}")


@webhooks_app.command("deliver")
def deliver_webhooks() -> None:
    """One delivery pass over the outbox (the server does this every 10 s)."""
    from journey.db import transaction
    from journey.webhooks import deliver_due

    c = container()
    with friendly_errors(), transaction(c.sessions) as session:
        sent = deliver_due(session)
    console.print(f"delivered {sent.delivered}, to retry {sent.retrying}, failed {sent.failed}")


@webhooks_app.command("replay")
def replay_webhooks(
    ids: Annotated[list[int] | None, typer.Argument(help="delivery ids")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="every failed delivery")] = False,
) -> None:
    """Queue deliveries again; the next pass sends them (receivers de-duplicate by id)."""
    from journey.db import transaction
    from journey.webhooks import replay

    c = container()
    with friendly_errors(), transaction(c.sessions) as session:
        console.print(f"queued {replay(session, ids, failed)} deliveries again")


@webhooks_app.command("list")
def list_webhooks() -> None:
    """Subscriptions and what became of their deliveries."""
    from sqlalchemy import func, select

    from journey.db import transaction
    from journey.models import WebhookDelivery, WebhookSubscription

    c = container()
    with friendly_errors(), transaction(c.sessions) as session:
        table = Table("id", "url", "events", "delivered", "pending", "failed")
        for sub in session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)):
            counts = dict(session.execute(
                select(WebhookDelivery.status, func.count())
                .where(WebhookDelivery.subscription_id == sub.id)
                .group_by(WebhookDelivery.status)
            ).all())  # fmt: skip
            shown = [str(counts.get(s, 0)) for s in ("delivered", "pending", "failed")]
            table.add_row(str(sub.id), sub.url, ", ".join(sub.event_types), *shown)
        console.print(table)
