"""`journey eval ...` and `journey train ...`: the AI parts measured on labelled data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress

from app.cli_support import (
    console,
    container,
    day_given,
    fail,
    friendly_errors,
    progress_bar,
)

eval_app = typer.Typer(help="Measure the AI parts on labelled data.", no_args_is_help=True)
train_app = typer.Typer(help="Train the small models the analysis uses.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="print one JSON object")]
LimitOption = Annotated[int | None, typer.Option(help="use only the first N questions")]
DocsOption = Annotated[Path, typer.Option(help="documents, JSONL (doc_id, title, text)")]


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
    docs: DocsOption,
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
                index,
                dialogues,
                c.settings.assistant,
                progress=lambda done, _: bar.update(task, completed=done),
            )
    print_metrics("Retrieval", figures, as_json)


@eval_app.command("answers")
def eval_answers(
    docs: DocsOption,
    qa: Annotated[Path, typer.Option(help="questions with gold spans, JSONL")],
    unanswerable: Annotated[
        Path | None, typer.Option(help="CSV with a `text` column of out-of-scope questions")
    ] = None,
    limit: LimitOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Token F1, citation validity, answer rate, and refusals of out-of-scope questions."""
    from assistant.evaluation import evaluate_answers, load_dialogues, load_out_of_scope

    c = container()
    with friendly_errors():
        dialogues = load_dialogues(qa, limit)
        outside = load_out_of_scope(unanswerable) if unanswerable else []
        model = c.chat_model
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
            c.analysis_embedder,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            limit=limit,
        )
    print_metrics("Moments of truth", figures, as_json)


@eval_app.command("chat")
def eval_chat(
    sessions: Annotated[Path, typer.Argument(help="chat sessions, JSONL (see the manifest)")],
    knowledge: Annotated[
        Path | None,
        typer.Option(help="the knowledge folder; default is the demo company's help centre"),
    ] = None,
    failures: Annotated[bool, typer.Option("--failures", help="print the turns that failed")] = (
        False
    ),
    as_json: JsonFlag = False,
) -> None:
    """Whole chat sessions through the chat service, judged turn by turn: answers correct (a
    right page cited and every key fact stated), don't-know, hand-offs and their reasons,
    small talk, injections, stage agreement, latency. Runs in a throw-away data directory with
    the configured settings, on the knowledge folder ingested by the product's own pipeline."""
    import contextlib
    import tempfile
    from dataclasses import asdict

    from app.container import Container
    from app.demo.setup import KNOWLEDGE_DIR
    from assistant.chat_evaluation import figures, load_sessions, play
    from ingestion.knowledge import ingest
    from journey.settings import AnalysisSettings, DatabaseSettings

    c = container()
    with friendly_errors(), progress_bar() as bar, tempfile.TemporaryDirectory() as scratch:
        played = load_sessions(sessions)
        settings = c.settings.model_copy(
            update={
                "data_dir": Path(scratch),
                "database": DatabaseSettings(),
                "analysis": AnalysisSettings(background=False),
            }
        )
        # Closed on failure too: it holds the scratch directory's files open.
        with contextlib.closing(Container(settings, embedder=c.embedder)) as trial:
            trial.init()
            task = bar.add_task("Indexing knowledge", total=None)
            ingest(
                trial.sessions,
                trial.knowledge,
                knowledge or KNOWLEDGE_DIR,
                "help-centre",
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
            task = bar.add_task("Chatting", total=None)
            judged = play(
                trial.units_of_work,
                settings.vocabulary,
                trial.answer_engine,
                played,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    result = figures(judged)
    result["generator"] = c.settings.generator.backend
    if as_json and failures:
        result["failures"] = [asdict(j) for j in judged if not j.correct]
    print_metrics("Chat sessions", result, as_json)
    if failures and not as_json:
        for j in judged:
            if not j.correct or j.right_stage is False:
                console.print(
                    f"[{j.session}] expect {j.expect}, got {j.kind}"
                    f"{' (' + ', '.join(j.notes) + ')' if j.notes else ''}"
                    f"{'' if j.right_stage is not False else f' stage {j.stage}'}\n"
                    f"  Q: {j.text}\n  A: {j.reply[:300]}\n  cited: {j.cited}",
                    highlight=False,
                    markup=False,
                )


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


@eval_app.command("insights")
def eval_insights(
    questions: Annotated[
        Path, typer.Argument(help="JSONL: question and the SQL that answers it, or refuse: true")
    ],
    as_of: Annotated[str, typer.Option("--as-of", help="the date the questions are asked on")],
    failures: Annotated[bool, typer.Option("--failures", help="print the questions missed")] = (
        False
    ),
    as_json: JsonFlag = False,
) -> None:
    """Questions in plain language against the configured database (after `journey demo`, the
    demo company): exact match of the answer's rows with the rows of the question's SQL, and
    the share of questions to refuse that were refused."""

    from assistant.insights.evaluation import evaluate, load_cases
    from journey.db import transaction

    day = day_given(as_of)
    c = container()
    with friendly_errors(), progress_bar() as bar, transaction(c.sessions) as session:
        cases = load_cases(questions)
        task = bar.add_task("Asking", total=len(cases))
        figures = evaluate(session, c.settings.vocabulary, cases, day,
                           lambda done, total: bar.update(task, completed=done),
                           c.settings.insights.milestones)  # fmt: skip
    if failures:
        for o in figures.outcomes:
            if not o.right:
                console.print(f"[bold]line {o.case.line}[/bold]: {escape(o.case.question)}")
                console.print(f"  got {escape(str(o.got)[:300])}")
                console.print(f"  expected {escape(str(o.expected)[:300])}")
    print_metrics("Insights questions", figures.as_dict(), as_json)


@eval_app.command("leads")
def eval_leads(
    as_of: Annotated[str, typer.Option("--as-of", help="the cut-off the leads are scored on")],
    as_json: JsonFlag = False,
) -> None:
    """Lead scores against what happened: prospects active in the 90 days before the cut-off,
    scored as of it by the points model, a logistic regression trained as the product trains
    it (on the leads of four earlier cut-offs, 90 to 180 days back) and recency alone; label =
    a contract signed within 90 days after it. AUC and precision in the top decile."""

    from rich.table import Table

    from assistant.next_steps.lead_score import evaluate
    from journey.db import transaction

    day = day_given(as_of)
    c = container()
    with friendly_errors(), transaction(c.sessions) as session:
        try:
            report = evaluate(session, c.next_steps_catalogue.lead_scoring, day)
        except ValueError as exc:
            fail(str(exc))
    if as_json:
        console.print_json(json.dumps(report))
        return
    table = Table("score", "AUC", "precision, top decile", title="Lead scores")
    for row in report["scores"]:
        table.add_row(row["name"], f"{row['auc']:.3f}", f"{row['precision_top_decile']:.3f}")
    console.print(table)
    rest = {k: v for k, v in report.items() if k != "scores"}
    console.print(", ".join(f"{k}: {v}" for k, v in rest.items()), highlight=False)
