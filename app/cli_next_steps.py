"""`journey next-steps`: a contact's next best steps, as of a date, with the reasons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from app.cli_support import console, container, day_given, fail, friendly_errors

if TYPE_CHECKING:
    from assistant.next_steps.service import NextSteps


def next_steps(
    contact: Annotated[str | None, typer.Argument(help="a contact's id or e-mail address")] = None,
    file: Annotated[
        Path | None,
        typer.Option(help="contacts, one a line: CONTACT or CONTACT,AS_OF; one JSON object a line"),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="only what was known on this date (YYYY-MM-DD)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The actions a contact is eligible for, best first: why (the signals), the score and the
    channel. `--as-of` looks back: events, answers, tickets and flags after it do not count."""
    from assistant.next_steps.service import NextStepsService
    from journey.db import transaction

    if (contact is None) == (file is None):
        fail("give a contact or --file, not both")
    default_day = day_given(as_of) if as_of else None
    if file is not None:
        try:
            lines = [line.strip() for line in file.read_text(encoding="utf-8").splitlines()]
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{file}: cannot read it as UTF-8 text ({exc.__class__.__name__})")
        asked = []
        for number, line in enumerate((x for x in lines if x), start=1):
            who, _, when = (part.strip() for part in line.partition(","))
            asked.append((who, day_given(when, f"{file} line {number}") if when else default_day))
    else:
        asked = [(contact or "", default_day)]
    c = container()
    with friendly_errors(), transaction(c.sessions) as session:
        service = NextStepsService(session, c.settings.vocabulary, c.next_steps_catalogue)
        for who, day in asked:
            found = service.for_contact(service.contact(who), day)
            if as_json or file is not None:
                print(json.dumps(found.model_dump(mode="json")))
            else:
                _show(who, found)


def _show(who: str, found: NextSteps) -> None:
    console.print(f"[bold]Next steps for {escape(who)}[/bold] as of {found.as_of}")
    if not found.steps:
        console.print("No action fits this contact now.")
        return
    table = Table("action", "title", "channel", "score", "why")
    for step in found.steps:
        table.add_row(
            step.action, escape(step.title), step.channel, f"{step.score:.2f}", escape(step.reason)
        )
    console.print(table)
