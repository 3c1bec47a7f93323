"""How the extractive answer weighs the parts it could quote, fitted on chat sessions.

    python bench/part_ranker.py SESSIONS.jsonl [SESSIONS.jsonl ...] [--depth N]
        [--measure-only HELD_OUT.jsonl]

Each file is played through the chat service as `journey eval chat` plays it (the demo's help
centre, a throw-away data directory), and every time the assistant composes an extractive
answer, the parts it could quote are kept with their features (`assistant/extractive.py`,
`FEATURES`). A part is as good as the share of the turn's fact groups it states (with the
sentences it leans on) on one of the turn's pages.

The weights are fitted as a pairwise ranker (a logistic regression on the feature
differences of a better and a worse part of one turn), leaving one file out at a time: each
file's figure is from weights fitted on the others. Printed, as shares of each file's answer
turns: those whose best part states every fact (and at least one) whatever the weights (the
ceiling of choosing among these parts), those whose top part does with the product's weights
and with the fitted ones; and the weights fitted on all files. A file only looked at for its
figures (a held-out set) can be given last with `--measure-only`: no weights are fitted on it.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

import assistant.chat_evaluation as chat_evaluation
import assistant.engine as engine_module
from app.container import Container
from app.demo.setup import KNOWLEDGE_DIR
from assistant import extractive
from assistant.chat_evaluation import ExpectedTurn, load_sessions, normalised, play
from assistant.retrieval import Passage
from ingestion.knowledge import ingest
from journey.settings import AnalysisSettings, DatabaseSettings, Settings

EMBEDDER: list[Any] = []  # the product's, once the help centre is indexed
TRIED = ("part_meaning", "passage_meaning", "first_part", "whole", "faq_entry")
Turn = tuple[np.ndarray, np.ndarray]  # a turn's candidates' features, and their gains


@dataclass
class Composed:
    """One extractive answer's inputs, and the turn it answered."""

    turn: ExpectedTurn
    question: str
    passages: list[Passage]
    rarity: dict[str, float]
    said: str


class Recorder:
    """Stands in for the chat service's message intake and extractive answer while a file is
    played, keeping each answer's inputs with the turn it answers."""

    def __init__(self, turns: Sequence[ExpectedTurn]) -> None:
        self.turns = iter(turns)
        self.turn: ExpectedTurn | None = None
        self.composed: list[Composed] = []
        self.receive, self.answer = chat_evaluation.receive_message, engine_module.extractive_answer

    def receiving(self, *args: Any, **kwargs: Any) -> Any:
        self.turn = next(self.turns)
        return self.receive(*args, **kwargs)

    def answering(
        self, question: str, passages: Any, rarity: Any = None, said: str = ""
    ) -> list[str]:
        assert self.turn is not None
        self.composed.append(
            Composed(self.turn, question, list(passages), dict(rarity or {}), said)
        )
        return self.answer(question, passages, rarity, said)

    def __enter__(self) -> Recorder:
        chat_evaluation.receive_message = self.receiving
        engine_module.extractive_answer = self.answering
        return self

    def __exit__(self, *exc: object) -> None:
        chat_evaluation.receive_message = self.receive
        engine_module.extractive_answer = self.answer


def recorded(paths: Sequence[Path]) -> dict[str, list[Composed]]:
    """Each file's extractive answers, as the product composed them while playing it."""
    found: dict[str, list[Composed]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings().model_copy(
            update={
                "data_dir": Path(scratch),
                "database": DatabaseSettings(),
                "analysis": AnalysisSettings(background=False),
            }
        )
        with contextlib.closing(Container(settings)) as trial:
            trial.init()
            ingest(trial.sessions, trial.knowledge, KNOWLEDGE_DIR, "help-centre")
            EMBEDDER.append(trial.embedder)
            for path in paths:
                sessions = load_sessions(path)
                with Recorder([t for s in sessions for t in s.turns]) as recorder:
                    play(trial.units_of_work, settings.vocabulary, trial.answer_engine, sessions)
                found[path.name] = [c for c in recorder.composed if c.turn.expect == "answer"]
    return found


def gain(turn: ExpectedTurn, passage: Passage, text: str) -> float:
    """The share of the turn's fact groups the text states, on one of its pages."""
    if passage.url not in turn.pages:
        return 0.0
    if not turn.facts:
        return 1.0
    said = normalised(text)
    return sum(any(normalised(o) in said for o in group) for group in turn.facts) / len(turn.facts)


def labelled(composed: Composed, depth: int) -> Turn | None:
    """The turn's candidate parts' features and gains; None when no part helps."""
    asked = extractive.Asked.of(composed.question, composed.rarity)
    if not asked.wanted or not composed.passages:
        return None
    cut = [extractive.parts(p.text) if n < depth else [] for n, p in enumerate(composed.passages)]
    found = extractive.candidates(asked, composed.passages, cut, composed.said)
    if not found:
        return None
    gains = []
    for c in found:
        leaned = extractive._leaned_on(c.part, cut[c.number - 1])
        text = " ".join([c.part.text, *(p.text for p in leaned)])
        gains.append(gain(composed.turn, composed.passages[c.number - 1], text))
    if max(gains) == 0:
        return None
    # Features the product does not use, tried here: closeness in meaning of the part and of
    # its passage to the question, and the part's shape.
    vectors = EMBEDDER[0].embed([composed.question] + [c.part.text for c in found])
    extra = [
        (
            float(vectors[0] @ vectors[i + 1]),
            composed.passages[c.number - 1].dense,
            float(c.part.position == 0),
            float(c.part.whole),
            float(bool(c.part.question)),
        )
        for i, c in enumerate(found)
    ]
    features = [c.features + e for c, e in zip(found, extra, strict=True)]
    return np.array(features), np.array(gains)


def per_turn(composed: Sequence[Composed], depth: int) -> list[Turn]:
    """One entry a turn: a message asking two questions is answered twice, and the answer
    the turn's facts are about is the one with the better part."""
    best: dict[int, Turn] = {}
    for c in composed:
        found = labelled(c, depth)
        kept = best.get(id(c.turn))
        if found is not None and (kept is None or found[1].max() > kept[1].max()):
            best[id(c.turn)] = found
    return list(best.values())


def fit(turns: Sequence[Turn]) -> np.ndarray:
    """Pairwise logistic regression: a better part of a turn scores above a worse one."""
    from sklearn.linear_model import LogisticRegression

    scale = np.concatenate([x for x, _ in turns]).std(axis=0) + 1e-9
    pairs, signs = [], []
    for x, g in turns:
        for i in range(len(g)):
            for j in range(len(g)):
                if g[i] > g[j]:
                    pairs += [(x[i] - x[j]) / scale, (x[j] - x[i]) / scale]
                    signs += [1, 0]
    model = LogisticRegression(fit_intercept=False, C=1.0, max_iter=1000)
    model.fit(np.array(pairs), np.array(signs))
    return model.coef_[0] / scale


def top_gains(turns: Sequence[Turn], weights: np.ndarray) -> np.ndarray:
    return np.array([g[int(np.argmax(x @ weights))] for x, g in turns])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sessions", nargs="+", type=Path)
    parser.add_argument("--depth", type=int, default=extractive.MAX_PASSAGES)
    parser.add_argument("--measure-only", type=Path, action="append", default=[])
    args = parser.parse_args()
    files = [*args.sessions, *args.measure_only]
    apart = {path.name for path in args.measure_only}
    found = recorded(files)
    data = {name: per_turn(composed, args.depth) for name, composed in found.items()}
    product = np.array(extractive.PART_WEIGHTS + (0.0,) * len(TRIED))
    used, width = len(extractive.FEATURES), product.size

    def fitted(turns: Sequence[Turn], width: int) -> np.ndarray:
        weights = fit([(x[:, :width], g) for x, g in turns])
        return np.concatenate([weights, np.zeros(product.size - width)])

    answer_turns = {
        path.name: sum(t.expect == "answer" for s in load_sessions(path) for t in s.turns)
        for path in files
    }
    table = Table(
        title="Answer turns whose top part states every fact / some fact "
        f"(passages read: {args.depth})"
    )
    columns = ("file", "answer turns", "with a part stating one", "best part possible",
               "product's weights", "fitted", "fitted, with tried")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right")
    for name, turns in data.items():
        rest = [t for other, ts in data.items() if other not in {name, *apart} for t in ts]
        total = answer_turns[name]

        row = [name, str(total), str(len(turns))]
        for top in (
            np.array([g.max() for _, g in turns]),
            *(top_gains(turns, w) for w in (product, fitted(rest, used), fitted(rest, width))),
        ):
            row.append(f"{(top == 1).sum() / total:.3f} / {(top > 0).sum() / total:.3f}")
        table.add_row(*row)
    console = Console()
    console.print(table)
    everything = [t for name, ts in data.items() if name not in apart for t in ts]
    for width in (used, product.size):
        weights = fitted(everything, width)[:width]
        console.print(
            "fitted on all files, as multiples of `covered`: "
            + ", ".join(
                f"{n} {w / weights[0]:.3f}"
                for n, w in zip(extractive.FEATURES + TRIED, weights, strict=False)
            )
        )


if __name__ == "__main__":
    main()
