"""`journey automations`: the automated journeys' rules, who they would reach, running them."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from app.cli_support import console, container, day_given, fail, friendly_errors

automations_app = typer.Typer(
    help="Automated journeys: triggers and actions.", no_args_is_help=True
)
AsOf = Annotated[str | None, typer.Option("--as-of", help="as at noon this day (YYYY-MM-DD)")]


def _moment(as_of: str | None) -> datetime | None:
    return datetime.combine(day_given(as_of), time(12), tzinfo=UTC) if as_of else None


@automations_app.command("dry-run")
def dry_run(
    rule: Annotated[str | None, typer.Argument(help="one rule's key; all if not given")] = None,
    as_of: AsOf = None,
) -> None:
    """Who the rules would reach now (or as of a date), and why; nothing is done."""
    from assistant.next_steps.automations import due
    from journey.db import transaction, utcnow

    c = container()
    with friendly_errors(), transaction(c.sessions) as session:
        automations = c.automations(session)
        if rule is not None and automations.get(rule) is None:
            fail(f"no rule {rule!r}; the rules: {', '.join(r.key for r in automations.rules)}")
        found = due(session, automations, _moment(as_of) or utcnow(), only=rule)
        table = Table("rule", "contact", "why", "actions", title=f"{len(found)} would run")
        for item in found:
            actions = ", ".join(s.said() for s in item.rule.actions)
            who = item.contact.email or str(item.contact.id)
            table.add_row(item.rule.key, escape(who), escape(item.why), actions)
        console.print(table)
        session.rollback()


@automations_app.command("run")
def run_automations(as_of: AsOf = None) -> None:
    """Run what is due once (the server does it every 5 minutes)."""
    from assistant.next_steps.automations import run
    from journey.db import transaction

    c = container()
    with friendly_errors(), transaction(c.sessions) as session:
        automations = c.automations(session)
        ran = run(session, c.settings.vocabulary, automations, c.settings.smtp, _moment(as_of))
    console.print(f"ran {len(ran.done)} rule runs", highlight=False)
    for item, why in ran.failed:
        who = item.contact.email or str(item.contact.id)
        console.print(f"not run, retried next time: {item.rule.key} for {escape(who)}: "
                      f"{escape(why)}", highlight=False)  # fmt: skip
