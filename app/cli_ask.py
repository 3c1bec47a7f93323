"""`journey ask`: questions about the journey in plain language, answered from the metrics layer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from app.cli_support import console, container, day_given, fail, friendly_errors


def ask(
    question: Annotated[str | None, typer.Argument(help="the question, in plain language")] = None,
    file: Annotated[
        Path | None, typer.Option(help="questions, one a line: one JSON answer a line, in order")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="relative periods end on this date (YYYY-MM-DD)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Ask about customers and their journey: "where do SMB accounts drop off?", "compare CSAT
    for email and chat tickets", "NPS by segment since 1 May". Prints a sentence, the table and
    the SQL that was run."""
    from assistant.insights.service import InsightsService
    from journey.db import transaction

    if (question is None) == (file is None):
        fail("give a question or --file, not both")
    day = day_given(as_of) if as_of else None
    if file is not None:
        try:
            questions = [q for q in file.read_text(encoding="utf-8").splitlines() if q.strip()]
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{file}: cannot read it as UTF-8 text ({exc.__class__.__name__})")
    else:
        questions = [question or ""]
    c = container()
    with friendly_errors(), transaction(c.sessions) as session:
        insights = InsightsService(
            session, c.settings.vocabulary, c.chat_model, c.settings.insights.milestones
        )
        for asked in questions:
            answer = insights.ask(asked, day)
            if as_json or file is not None:
                print(json.dumps(_plain(answer.model_dump(mode="json", exclude_none=True))))
            else:
                _show(answer)


def _plain(answer: dict[str, Any]) -> dict[str, Any]:
    if "clarification" in answer:
        return {"question": answer["question"], "clarification": answer["clarification"]}
    return answer


def _show(answer: Any) -> None:
    if answer.clarification:
        console.print(escape(answer.clarification))
        raise typer.Exit(1)
    console.print(f"[bold]{escape(answer.answer)}[/bold]")
    table = Table(*answer.columns)
    for row in answer.rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    console.print(f"[dim]{escape(answer.sql)}[/dim]")
