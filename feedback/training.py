"""`journey train sentiment`: fit the sentiment and emotion heads on labelled text.

Reproducible: a fixed seed, deterministic solvers and the corpus in feedback/data/ give the
same weights; a company can retrain on its own labelled tickets (a CSV with a text and a
label column) and point `analysis.sentiment_head` at the result.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from feedback.sentiment import EMOTIONS, LinearHead, Matrix, features
from ingestion.embeddings import Embedder
from journey.errors import InvalidInput

SEED = 13
# Chosen by 5-fold cross-validation on the project corpus (0.25-4 tried).
REGULARISATION = 1.0
VERSION = "corpus-v2"


@dataclass
class TrainingReport:
    rows: int
    labels: dict[str, int]
    emotions: dict[str, int]
    cv_accuracy: float
    cv_macro_f1: float
    path: Path


WORDS = {"negative": "negative", "neg": "negative", "neutral": "neutral", "neu": "neutral",
         "positive": "positive", "pos": "positive"}  # fmt: skip
SCALES = {
    "binary": {"0": "negative", "1": "positive"},
    "signed": {"-1": "negative", "0": "neutral", "1": "positive"},
    "stars": {"1": "negative", "2": "negative", "3": "neutral", "4": "positive", "5": "positive"},
}


def label_mapping(values: set[str]) -> dict[str, str]:
    """How a column's labels map onto negative/neutral/positive, judged from the whole column
    (a "1" is positive in 0/1 data but negative in 1-5 stars)."""
    values = {v.strip().lower() for v in values}
    for scale in ("binary", "signed", "stars"):
        if values <= set(SCALES[scale]):
            return {**WORDS, **SCALES[scale]}
    return WORDS


def read_labelled(
    path: Path, text_col: str, label_col: str, emotion_col: str | None = None
) -> tuple[list[str], list[str], list[str | None]]:
    """Rows with a text and a recognisable label (words, 0/1, -1/0/1 or 1-5 stars)."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in (text_col, label_col) if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(
                f"{path.name}: no column {', '.join(missing)} (columns: "
                f"{', '.join(reader.fieldnames or [])})"
            )
        raw = [
            (
                row[text_col] or "",
                (row[label_col] or "").strip().lower(),
                row.get(emotion_col or ""),
            )
            for row in reader
        ]
    mapping = label_mapping({label for _, label, _ in raw if label})
    texts, labels, emotions = [], [], []
    for text, label, emotion in raw:
        if text.strip() and label in mapping:
            texts.append(text)
            labels.append(mapping[label])
            emotions.append(emotion)
    if not texts:
        raise InvalidInput(f"{path.name}: no row with a text and a known label in {label_col!r}")
    return texts, labels, emotions


def fit_head(x: Matrix, y: list[str]) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION, max_iter=3000, random_state=SEED)
    model.fit(x, y)
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.asarray(model.intercept_, dtype=np.float64)
    if len(model.classes_) == 2:  # one logit for the second class: softmax over (0, z)
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    return LinearHead(classes=[str(c) for c in model.classes_], coef=coef, intercept=intercept)


def cross_validate(x: Matrix, y: list[str]) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    model = LogisticRegression(C=REGULARISATION, max_iter=3000, random_state=SEED)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    predicted = cross_val_predict(model, x, y, cv=folds)
    return float(accuracy_score(y, predicted)), float(f1_score(y, predicted, average="macro"))


def train_sentiment(
    embedder: Embedder,
    data: Path,
    out: Path,
    text_col: str = "text",
    label_col: str = "sentiment",
    emotion_col: str | None = "emotion",
    progress: Callable[[str], None] | None = None,
) -> TrainingReport:
    texts, labels, emotions = read_labelled(data, text_col, label_col, emotion_col)
    if len(set(labels)) < 2:
        raise InvalidInput(f"{data.name}: needs at least two different labels to train")
    if progress:
        progress("embedding")
    x = features(embedder, texts)
    if progress:
        progress("cross-validating")
    accuracy, macro_f1 = cross_validate(x, labels)
    if progress:
        progress("fitting")
    head = {"version": VERSION, "embedder": embedder.name, "trained_on": data.name,
            "rows": len(texts), "sentiment": fit_head(x, labels).to_json()}  # fmt: skip
    known = [i for i, e in enumerate(emotions) if e and (e in EMOTIONS or e == "none")]
    if len({emotions[i] for i in known}) >= 2:
        head["emotion"] = fit_head(x[known], [str(emotions[i]) for i in known]).to_json()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(head, separators=(",", ":")) + "\n")
    return TrainingReport(
        rows=len(texts),
        labels=dict(Counter(labels)),
        emotions=dict(Counter(emotions[i] for i in known if emotions[i])),  # type: ignore[misc]
        cv_accuracy=accuracy,
        cv_macro_f1=macro_f1,
        path=out,
    )
