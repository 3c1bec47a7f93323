"""`journey leads`: lead scores, and the contacts that became marketing-qualified leads."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from app.cli_support import console, container, day_given, friendly_errors

leads_app = typer.Typer(help="Lead scores and marketing-qualified leads.", no_args_is_help=True)


@leads_app.command("qualify")
def qualify_leads(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="score as of this date (YYYY-MM-DD); today")
    ] = None,
) -> None:
    """Score every prospect and record `lead_qualified` for each one at or above the MQL
    threshold: once per contact, however often it runs."""
    from assistant.next_steps.lead_score import qualify
    from journey.db import transaction, utcnow

    day = day_given(as_of) if as_of else utcnow().date()
    c = container()
    scoring = c.next_steps_catalogue.lead_scoring
    with friendly_errors(), transaction(c.sessions) as session:
        crossed = qualify(session, c.settings.vocabulary, scoring, day)
    table = Table(
        "contact", "score", "why", title=f"At or above {scoring.mql_threshold:g} on {day}"
    )
    for score in sorted(crossed, key=lambda s: -s.total):
        table.add_row(str(score.contact_id), f"{score.total:g}", escape("; ".join(score.reasons)))
    console.print(table)
