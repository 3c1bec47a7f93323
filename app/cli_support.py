"""What every `journey` command shares: output, one-line errors, the container, progress."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from journey.errors import AppError

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str) -> NoReturn:
    # Messages quote files and cells, which may hold anything that looks like markup.
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def day_given(text: str, where: str = "--as-of") -> date:
    """A date as a user types it (YYYY-MM-DD); anything else ends with one readable line."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{where}: not a date (YYYY-MM-DD): {text}")


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Known errors become one readable line instead of a traceback."""
    try:
        yield
    except AppError as exc:
        fail(str(exc.detail))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        fail(f"configuration: {where}: {first['msg']}")


def container() -> Any:
    from app.container import Container

    with friendly_errors():
        return Container()


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    )


def run_analysis(c: Any, rediscover: bool = False) -> None:
    from feedback.analysis import analyze
    from journey.db import transaction

    with progress_bar() as bar, transaction(c.sessions) as session:
        task = bar.add_task("Analysing", total=None)
        report = analyze(
            session,
            c.sentiment,
            rediscover=rediscover,
            flag_window=timedelta(days=c.settings.analysis.flag_window_days),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    themes = (
        f"{report.themes} themes discovered"
        if report.rediscovered
        else f"{report.themed} joined existing themes"
    )
    console.print(
        f"{report.items} items: {report.analysed} analysed, {report.unchanged} unchanged; "
        f"{themes}; {report.flags} moments of truth flagged.",
        highlight=False,
    )
