"""`journey eval sentiment|moments`: our models against labelled data and a baseline run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from feedback.conversation_risk import (
    RISK_THRESHOLD,
    analyze_user_turns,
    is_user_role,
    risk_features,
    risks,
    user_texts,
)
from feedback.sentiment import LABELS, Sentiment, SentimentModel, vader_scores
from ingestion.embeddings import Embedder
from ingestion.records import read_jsonl
from journey.errors import InvalidInput

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


def read_rated_conversations(
    path: Path, limit: int | None = None
) -> tuple[list[list[tuple[str, str]]], list[int | None]]:
    """USS-format JSONL: the conversations, and the rating of each user turn in order
    (None where a user turn is unrated: it is scored as context, not measured)."""
    conversations, ratings = [], []
    for number, row in enumerate(read_jsonl(path), start=1):
        if limit is not None and number > limit:
            break
        try:
            turns = [(t["role"], t["text"]) for t in row["turns"]]
            ratings += [t.get("satisfaction") for t in row["turns"] if is_user_role(t["role"])]
        except (KeyError, TypeError) as exc:
            raise InvalidInput(f"{path.name}: line {number}: turns need a role and a text") from exc
        conversations.append(turns)
    return conversations, ratings


def evaluate_moments(
    path: Path,
    sentiment: SentimentModel,
    embedder: Embedder,
    threshold: float = RISK_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """How well the conversation risk separates user turns rated 1-2 (dissatisfied) from the
    rest, next to sentiment alone: VADER's negated compound and the model's P(negative)."""
    from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

    conversations, ratings = read_rated_conversations(path, limit)
    rated = np.array([r is not None for r in ratings], dtype=bool)
    gold = np.array([r is not None and r <= 2 for r in ratings], dtype=bool)[rated]
    if gold.all() or not gold.any():
        raise InvalidInput(f"{path.name}: needs rated user turns both 1-2 and above 2")
    texts = user_texts(conversations)
    sentiments: list[Sentiment] = []
    batches = []
    for start in range(0, len(texts), BATCH):
        batch, vectors = analyze_user_turns(texts[start : start + BATCH], sentiment, embedder)
        sentiments += batch
        batches.append(vectors)
        if progress:
            progress(len(sentiments), len(texts))
    risk = risks(risk_features(conversations, sentiments, np.vstack(batches)))

    negative = np.array([s.probabilities.get("negative", 0.0) for s in sentiments])
    flagged = risk[rated] >= threshold
    precision, recall, f1, _ = precision_recall_fscore_support(
        gold, flagged, average="binary", zero_division=0
    )
    return {
        "auroc": float(roc_auc_score(gold, risk[rated])),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "flagged_share": float(flagged.mean()),
        "baselines": {
            "vader": {"auroc": float(roc_auc_score(gold, -vader_scores(texts)[rated, 0]))},
            "sentiment_only": {"auroc": float(roc_auc_score(gold, negative[rated]))},
        },
        "threshold": threshold,
        "model": sentiment.name,
        "dialogues": len(conversations),
        "n": int(rated.sum()),
        "dissatisfied": int(gold.sum()),
    }
