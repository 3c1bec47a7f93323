"""`journey eval sentiment|moments`: our models against labelled data and a baseline run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from feedback.sentiment import LABELS, Sentiment, SentimentModel

BATCH = 256


def predict(
    model: SentimentModel,
    texts: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> list[Sentiment]:
    """Scores in batches; `progress` hears how many texts each batch finished."""
    out: list[Sentiment] = []
    for start in range(0, len(texts), BATCH):
        batch = model.analyze(texts[start : start + BATCH])
        out += batch
        if progress:
            progress(len(batch))
    return out


def classification_figures(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    per_class = f1_score(gold, predicted, labels=list(labels), average=None, zero_division=0)
    figures: dict[str, Any] = {
        "accuracy": float(accuracy_score(gold, predicted)),
        "macro_f1": float(f1_score(gold, predicted, labels=list(labels), average="macro")),
    }
    figures |= {f"f1_{label}": float(f) for label, f in zip(labels, per_class, strict=True)}
    matrix = confusion_matrix(gold, predicted, labels=list(labels))
    figures["confusion"] = {
        "labels": list(labels),
        "rows_gold_columns_predicted": matrix.tolist(),
    }
    return figures


def labels_of(results: Sequence[Sentiment], binary: bool) -> list[str]:
    """On two-class data neutral is not an answer: the sign of the score decides."""
    if binary:
        return ["positive" if r.score >= 0 else "negative" for r in results]
    return [r.label for r in results]


def evaluate_sentiment(
    model: SentimentModel,
    baselines: Sequence[SentimentModel],
    texts: Sequence[str],
    gold: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    binary = "neutral" not in set(gold)
    labels = [label for label in LABELS if not (binary and label == "neutral")]

    def run(system: SentimentModel) -> dict[str, Any]:
        return classification_figures(
            gold, labels_of(predict(system, texts, progress), binary), labels
        )

    figures = run(model)
    figures["baselines"] = {baseline.name: run(baseline) for baseline in baselines}
    figures["model"] = model.name
    figures["rows"] = len(texts)
    figures["classes"] = len(labels)
    return figures
