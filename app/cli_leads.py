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
    """Score every prospect not qualified yet and record `lead_qualified` for each one that
    reaches the bar: the learned likelihood once the history holds enough leads, else the MQL
    threshold. Once per contact, however often it runs (the server runs it every hour)."""
    from assistant.next_steps.lead_score import qualify
    from journey.db import transaction, utcnow

    day = day_given(as_of) if as_of else utcnow().date()
    c = container()
    scoring = c.next_steps_catalogue.lead_scoring
    with friendly_errors(), transaction(c.sessions) as session:
        crossed = qualify(session, c.settings.vocabulary, scoring, day)
    table = Table("contact", "score", "likely to sign", "why", title=f"Qualified on {day}")
    for score in sorted(crossed, key=lambda s: (-(s.likelihood or 0), -s.total)):
        likely = "" if score.likelihood is None else f"{score.likelihood:.0%}"
        table.add_row(str(score.contact_id), f"{score.total:g}", likely,
                      escape("; ".join(score.reasons)))  # fmt: skip
    console.print(table)
