"""The `journey` command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from journey.errors import AppError

app = typer.Typer(
    help="Journey Assistant: conversational AI for the B2B customer journey.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Import journey data from files.", no_args_is_help=True)
users_app = typer.Typer(help="Manage staff users.", no_args_is_help=True)
app.add_typer(import_app, name="import")
eval_app = typer.Typer(help="Measure the AI parts on labelled data.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(eval_app, name="eval")
train_app = typer.Typer(help="Train the small models the analysis uses.", no_args_is_help=True)
app.add_typer(train_app, name="train")

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


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
    from journey.container import Container

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


@app.command()
def init() -> None:
    """Create the data directory and migrate the database to the newest schema."""
    c = container()
    with friendly_errors():
        c.init()
    console.print(f"Initialised {c.settings.data_dir} ({c.engine.dialect.name}).")


@app.command()
def config() -> None:
    """Print the effective settings, secrets masked."""
    c = container()
    console.print_json(json.dumps(c.settings.masked()))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
) -> None:
    """Serve the API and the pages."""
    c = container()
    _serve(c, host, port)


def _serve(c: Any, host: str | None, port: int | None) -> None:
    import uvicorn

    from api.app import create_app

    with friendly_errors():
        c.init()
    host = host or c.settings.server.host
    port = port or c.settings.server.port
    url = f"http://{host}:{port}"
    console.print(
        f"Staff pages:  {url}/\nDemo website with the chat widget:  {url}/site\n"
        f"API documentation:  {url}/docs"
    )
    uvicorn.run(create_app(c), host=host, port=port, log_level="warning")


@import_app.command("events")
def import_events(
    file: Annotated[Path, typer.Argument(help="CSV, JSON or JSONL file")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv, json or jsonl")] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="FIELD=COLUMN, e.g. --map occurred_at=timestamp (repeatable)"),
    ] = None,
    source: Annotated[str, typer.Option(help="source system recorded on each event")] = "import",
    strict: Annotated[bool, typer.Option(help="write nothing if any row is rejected")] = False,
) -> None:
    """Import journey events; replaying the same file adds nothing."""
    from ingestion.events_import import import_events as run_import
    from ingestion.events_import import parse_mapping
    from journey.db import transaction
    from journey.service import JourneyService

    c = container()
    with friendly_errors():
        mapping = parse_mapping(map_ or [])
        c.init()
        total = _count_lines(file)
        with progress_bar() as bar, transaction(c.sessions) as session:
            task = bar.add_task("Importing events", total=total)
            report = run_import(
                session,
                JourneyService(session, c.settings.vocabulary),
                file,
                fmt=fmt,
                mapping=mapping,
                source=source,
                strict=strict,
                progress=lambda n: bar.advance(task, n),
            )
            bar.update(task, completed=total)
    _print_report(report)
    if report.rejected and strict:
        raise typer.Exit(1)


FileArgument = Annotated[Path, typer.Argument(help="CSV, JSON or JSONL file")]
FormatOption = Annotated[str | None, typer.Option("--format", help="csv, json or jsonl")]
MapOption = Annotated[
    list[str] | None, typer.Option("--map", help="FIELD=COLUMN, e.g. --map body=text (repeatable)")
]
SourceOption = Annotated[str, typer.Option(help="source system of the items")]
StrictOption = Annotated[bool, typer.Option(help="write nothing if any row is rejected")]


@import_app.command("tickets")
def import_tickets(
    file: FileArgument,
    fmt: FormatOption = None,
    map_: MapOption = None,
    preset: Annotated[str | None, typer.Option(help="helpdesk: a Zendesk-like export")] = None,
    source: SourceOption = "import",
    strict: StrictOption = False,
) -> None:
    """Import support tickets with their comments; copies re-sent within days are linked."""
    _import_feedback("tickets", file, fmt, map_, preset, source, strict)


@import_app.command("reviews")
def import_reviews(
    file: FileArgument,
    fmt: FormatOption = None,
    map_: MapOption = None,
    preset: Annotated[str | None, typer.Option(help="review-site: a G2-like export")] = None,
    source: SourceOption = "import",
    strict: StrictOption = False,
) -> None:
    """Import reviews; the same review posted twice is linked to the first."""
    _import_feedback("reviews", file, fmt, map_, preset, source, strict)


@import_app.command("surveys")
def import_surveys(
    file: FileArgument,
    fmt: FormatOption = None,
    map_: MapOption = None,
    preset: Annotated[str | None, typer.Option(help="survey: an NPS/CSAT export")] = None,
    source: SourceOption = "import",
    strict: StrictOption = False,
) -> None:
    """Import NPS (0-10) and CSAT (1-5) survey answers."""
    _import_feedback("surveys", file, fmt, map_, preset, source, strict)


def _import_feedback(
    kind: str,
    file: Path,
    fmt: str | None,
    map_: list[str] | None,
    preset: str | None,
    source: str,
    strict: bool,
) -> None:
    """Like `import events`; replaying the same file adds nothing."""
    from ingestion.feedback_import import import_feedback
    from ingestion.feedback_items import parse_mapping
    from journey.db import transaction
    from journey.service import JourneyService

    c = container()
    with friendly_errors():
        mapping = parse_mapping(kind, map_ or [])
        c.init()
        total = _count_lines(file)
        with progress_bar() as bar, transaction(c.sessions) as session:
            task = bar.add_task(f"Importing {kind}", total=total)
            report = import_feedback(
                session,
                JourneyService(session, c.settings.vocabulary),
                kind,
                file,
                fmt=fmt,
                mapping=mapping,
                preset=preset,
                source=source,
                strict=strict,
                progress=lambda n: bar.advance(task, n),
            )
            bar.update(task, completed=total)
    _print_report(report)
    if report.rejected and strict:
        raise typer.Exit(1)
    if report.accepted and c.settings.analysis.background:
        with friendly_errors():
            _analyse(c)


def _count_lines(path: Path) -> int:
    if not path.is_file():
        fail(f"{path}: no such file")
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 1)


def _print_report(report: Any) -> None:
    written = "" if report.written else " Strict mode: nothing written."
    copies = f"{report.near_duplicates} near-duplicates linked, " if report.near_duplicates else ""
    console.print(
        f"{report.rows} rows: {report.accepted} accepted, {report.duplicates} duplicates "
        f"(already stored), {copies}{len(report.rejected)} rejected.{written}",
        highlight=False,
    )
    if report.without_event:
        console.print(
            f"  {report.without_event} stored without a journey event (no contact or account)."
        )
    for error in report.rejected[:50]:
        console.print(f"  line {error.line}: {error.reason}", highlight=False)
    if len(report.rejected) > 50:
        console.print(f"  ... and {len(report.rejected) - 50} more")


@app.command()
def ingest(
    path: Annotated[
        Path,
        typer.Argument(help="a file or folder of Markdown, text, HTML, PDF, or a CSV/JSON FAQ"),
    ],
    source: Annotated[
        str | None, typer.Option(help="source name (default: the folder name)")
    ] = None,
) -> None:
    """Index knowledge for the assistant; re-running skips what has not changed."""
    from ingestion.knowledge import ingest as run_ingest

    c = container()
    with friendly_errors():
        c.init()
        with progress_bar() as bar:
            task = bar.add_task("Embedding chunks", total=None)
            report = run_ingest(
                c.sessions,
                c.knowledge,
                path,
                source,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    console.print(
        f"{report.source}: {report.files} files, {report.chunks} chunks: {report.added} added, "
        f"{report.unchanged} unchanged, {report.removed} removed.",
        highlight=False,
    )
    for error in report.errors:
        console.print(f"  skipped {error}", highlight=False)


@app.command()
def chat(
    page: Annotated[str | None, typer.Option(help="page URL the visitor is on")] = None,
) -> None:
    """Chat with the assistant in the terminal (empty line or Ctrl-D to leave)."""
    from assistant.service import ConversationService
    from journey.db import transaction

    c = container()
    with friendly_errors():
        c.init()
        with transaction(c.sessions) as session:
            conversation_id = (
                ConversationService(session, c.settings.vocabulary)
                .start(visitor_id="terminal", page_url=page)
                .id
            )
    console.print("Ask a question (empty line to leave).")
    while True:
        try:
            text = input("you> ").strip()
        except EOFError:
            break
        if not text:
            break
        with friendly_errors(), transaction(c.sessions) as session:
            chats = ConversationService(session, c.settings.vocabulary, c.answer_engine)
            console.print("bot> ", end="")
            for kind, value in chats.ask(conversation_id, text):
                if kind == "token":
                    console.print(value, end="", highlight=False)
                elif kind == "sources":
                    for citation in value:
                        console.print(
                            f"\n  [{citation.number}] {citation.title}"
                            + (f" ({citation.url})" if citation.url else ""),
                            end="",
                            highlight=False,
                        )
                elif kind == "done" and value.handoff_reason:
                    console.print(f"\n  (handed to a person: {value.handoff_reason})", end="")
            console.print()


JsonFlag = Annotated[bool, typer.Option("--json", help="print one JSON object")]
LimitOption = Annotated[int | None, typer.Option(help="use only the first N questions")]


def print_metrics(title: str, figures: dict[str, Any], as_json: bool) -> None:
    """One JSON object, or the same figures as a table: ours first, then each baseline."""
    if as_json:
        console.print_json(json.dumps(figures))
        return
    from rich.table import Table

    systems = {"journey": figures, **figures.get("baselines", {})}
    metrics = [k for k, v in figures.items() if isinstance(v, float)]
    # One row a metric, one column a system: narrow enough for any terminal.
    table = Table(title=title)
    table.add_column("metric")
    for name in systems:
        table.add_column(name, justify="right")
    for metric in metrics:
        table.add_row(
            metric, *(f"{v[metric]:.3f}" if metric in v else "" for v in systems.values())
        )
    console.print(table)
    extras = {k: v for k, v in figures.items() if not isinstance(v, float | dict)}
    console.print(", ".join(f"{k}: {v}" for k, v in extras.items()), highlight=False)


@contextmanager
def eval_index(c: Any, docs: Path, bar: Progress) -> Iterator[Any]:
    from assistant.evaluation import load_documents, throwaway_index

    documents = load_documents(docs)
    task = bar.add_task("Indexing documents", total=None)
    with throwaway_index(
        documents,
        c.embedder,
        progress=lambda done, total: bar.update(task, completed=done, total=total),
    ) as index:
        yield index


@eval_app.command("retrieval")
def eval_retrieval(
    docs: Annotated[Path, typer.Option(help="documents, JSONL (doc_id, title, text)")],
    qa: Annotated[
        Path, typer.Option(help="questions, JSONL (question, history, doc_id, gold_span_texts)")
    ],
    limit: LimitOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Recall@1/5/10 and MRR of hybrid retrieval, next to BM25-only and dense-only."""
    from assistant.evaluation import evaluate_retrieval, load_dialogues

    c = container()
    with friendly_errors():
        dialogues = load_dialogues(qa, limit)
        with progress_bar() as bar, eval_index(c, docs, bar) as index:
            task = bar.add_task("Retrieving", total=len(dialogues))
            figures = evaluate_retrieval(
                index, dialogues, progress=lambda done, _: bar.update(task, completed=done)
            )
    print_metrics("Retrieval", figures, as_json)


@eval_app.command("answers")
def eval_answers(
    docs: Annotated[Path, typer.Option(help="documents, JSONL (doc_id, title, text)")],
    qa: Annotated[Path, typer.Option(help="questions with gold spans, JSONL")],
    unanswerable: Annotated[
        Path | None, typer.Option(help="CSV with a `text` column of out-of-scope questions")
    ] = None,
    limit: LimitOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Token F1, citation validity, answer rate, and refusals of out-of-scope questions."""
    from assistant.evaluation import evaluate_answers, load_dialogues, load_out_of_scope
    from assistant.generation import build_chat_model

    c = container()
    with friendly_errors():
        dialogues = load_dialogues(qa, limit)
        outside = load_out_of_scope(unanswerable) if unanswerable else []
        model = build_chat_model(c.settings.generator)
        with progress_bar() as bar, eval_index(c, docs, bar) as index:
            task = bar.add_task("Answering", total=None)
            figures = evaluate_answers(
                index,
                c.settings.assistant,
                model,
                dialogues,
                outside,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    figures["generator"] = c.settings.generator.backend
    print_metrics("Answers", figures, as_json)


@app.command()
def analyze(
    rediscover: Annotated[
        bool, typer.Option(help="re-cluster every item into themes (ids of stable themes kept)")
    ] = False,
) -> None:
    """Sentiment, emotion, aspects and themes of new or changed tickets, reviews, surveys
    and chat messages, and the moments of truth among them."""
    c = container()
    with friendly_errors():
        c.init()
        _analyse(c, rediscover)


def _analyse(c: Any, rediscover: bool = False) -> None:
    from datetime import timedelta

    from feedback.analysis import analyze as run_analysis
    from journey.db import transaction

    with progress_bar() as bar, transaction(c.sessions) as session:
        task = bar.add_task("Analysing", total=None)
        report = run_analysis(
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


@eval_app.command("sentiment")
def eval_sentiment(
    file: Annotated[Path, typer.Argument(help="CSV of labelled texts")],
    text_col: Annotated[str, typer.Option(help="column holding the text")] = "text",
    label_col: Annotated[
        str, typer.Option(help="column holding the label (words, 0/1, -1/0/1 or 1-5 stars)")
    ] = "label",
    limit: LimitOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Accuracy, macro-F1, per-class F1 and confusion matrix, next to VADER's."""
    from feedback.evaluation import evaluate_sentiment
    from feedback.sentiment import VaderSentiment
    from feedback.training import read_labelled

    c = container()
    with friendly_errors():
        texts, gold, _ = read_labelled(file, text_col, label_col)
        texts, gold = texts[:limit], gold[:limit]
        with progress_bar() as bar:
            task = bar.add_task("Scoring", total=len(texts) * 2)
            figures = evaluate_sentiment(
                c.sentiment, [VaderSentiment()], texts, gold, lambda n: bar.advance(task, n)
            )
    print_metrics("Sentiment", figures, as_json)
    if not as_json:
        for name, result in {"journey": figures, **figures["baselines"]}.items():
            _print_confusion(name, result["confusion"])


@eval_app.command("moments")
def eval_moments(
    file: Annotated[Path, typer.Argument(help="JSONL of dialogues with rated user turns (USS)")],
    limit: Annotated[int | None, typer.Option(help="use only the first N dialogues")] = None,
    as_json: JsonFlag = False,
) -> None:
    """AUROC of the conversation risk for turns rated 1-2, precision/recall at the shipped
    threshold, next to sentiment alone (VADER, the sentiment model)."""
    from feedback.evaluation import evaluate_moments

    c = container()
    with friendly_errors(), progress_bar() as bar:
        task = bar.add_task("Scoring", total=None)
        figures = evaluate_moments(
            file,
            c.sentiment,
            c.embedder,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            limit=limit,
        )
    print_metrics("Moments of truth", figures, as_json)


def _print_confusion(name: str, confusion: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"{name}: gold (rows) x predicted (columns)")
    table.add_column("")
    for label in confusion["labels"]:
        table.add_column(label, justify="right")
    for label, row in zip(
        confusion["labels"], confusion["rows_gold_columns_predicted"], strict=True
    ):
        table.add_row(label, *(str(n) for n in row))
    console.print(table)


@train_app.command("sentiment")
def train_sentiment(
    data: Annotated[
        Path | None, typer.Option(help="labelled CSV; default is the packaged corpus")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="where to write the head (JSON)")] = None,
    text_col: Annotated[str, typer.Option(help="column holding the text")] = "text",
    label_col: Annotated[
        str, typer.Option(help="column holding the sentiment label")
    ] = "sentiment",
    emotion_col: Annotated[
        str | None, typer.Option(help="column holding the emotion label, if any")
    ] = "emotion",
) -> None:
    """Fit the sentiment (and emotion) head on sentence embeddings; reproducible."""
    from feedback.sentiment import PACKAGED_CORPUS
    from feedback.training import train_sentiment as run_training

    c = container()
    with friendly_errors():
        target = out or c.settings.data_dir / "models" / "sentiment_head.json"
        with progress_bar() as bar:
            task = bar.add_task("Training", total=3)
            report = run_training(
                c.embedder,
                data or PACKAGED_CORPUS,
                target,
                text_col=text_col,
                label_col=label_col,
                emotion_col=emotion_col,
                progress=lambda step: bar.update(task, advance=1, description=f"Training: {step}"),
            )
    console.print(
        f"Trained on {report.rows} rows {report.labels}; emotions {report.emotions}.\n"
        f"5-fold cross-validation: accuracy {report.cv_accuracy:.3f}, "
        f"macro-F1 {report.cv_macro_f1:.3f}.\nWrote {report.path}; use it with "
        f"JOURNEY_ANALYSIS__SENTIMENT_HEAD={report.path}",
        highlight=False,
    )


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="sign-in email")],
    role: Annotated[str, typer.Option(help="agent, manager or admin")],
    name: Annotated[str | None, typer.Option(help="display name")] = None,
    password: Annotated[
        str | None, typer.Option(help="password for the pages (prompted if omitted)")
    ] = None,
    no_password: Annotated[bool, typer.Option(help="API token only, no password")] = False,
) -> None:
    """Create a staff user and print an API token for it (shown once)."""
    from journey.auth import AuthService
    from journey.db import transaction

    if password is None and not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    c = container()
    with friendly_errors():
        c.init()
        with transaction(c.sessions) as session:
            auth = AuthService(session, c.settings.auth.token_ttl_days)
            user = auth.create_user(email, name or email.split("@")[0], role, password)
            token = auth.issue_token(user)
    console.print(f"Created {user.role} {user.email}. API token (shown once): {token}")


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="seed of the demo company generator")] = 7,
    scale: Annotated[float, typer.Option(help="size relative to the standard demo")] = 1.0,
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    serve_: Annotated[bool, typer.Option("--serve/--no-serve", help="serve afterwards")] = True,
) -> None:
    """Initialise, fill with the demo company, run every analysis and serve it."""
    from journey.demo.setup import load_demo

    c = container()
    with friendly_errors():
        c.init()
        with progress_bar() as bar:
            steps: dict[str, Any] = {}

            def on_step(name: str, done: int, total: int) -> None:
                steps.setdefault(name, bar.add_task(f"Demo: {name}", total=total))
                bar.update(steps[name], completed=done, total=total)

            outcome = load_demo(c, seed=seed, scale=scale, progress=on_step)
    console.print(outcome.message)
    if serve_:
        _serve(c, host, port)


if __name__ == "__main__":
    app()
