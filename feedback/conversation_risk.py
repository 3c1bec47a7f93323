"""Risk that a user turn is a moment of dissatisfaction, given the conversation so far.

In chats with a bot, dissatisfaction is mostly the bot failing the user, not angry words: the
user says "no", corrects the bot or tries again after a reply that apologised or found nothing,
and repeats what they asked before. So the risk of a user turn is a logistic function of a few
signals: its sentiment, cues of failure in the bot's last reply, cues of correction in the
turn, satisfied cues (thanks, yes) that lower the risk, and how closely it repeats an earlier
user turn. The first message of a chat has no reply to react to, which alone keeps it low.

Everything is computed in batch over the user turns of all the conversations given, in one
embedding pass: the sentiment head's own embeddings serve for the repetition too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from feedback.sentiment import HeadSentiment, Sentiment, SentimentModel
from ingestion.embeddings import Embedder
from journey.errors import InvalidInput

Turns = Sequence[tuple[str, str]]  # (role, text)
Matrix = npt.NDArray[np.float64]
Vectors = npt.NDArray[np.floating[Any]]  # unit-length rows

USER_ROLES = frozenset({"user", "visitor"})
SYSTEM_ROLES = frozenset({"system", "bot", "agent"})


def _cues(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


# The bot apologised, found nothing, could not do it, or did not understand.
FAILURE = _cues(
    r"sorry", r"apologi[sz]e", r"unfortunately", r"unable", r"unsuccessful", r"afraid",
    r"can ?not", r"can't", r"couldn't", r"could not", r"not able", r"fail(?:ed|s)?",
    r"unavailable", r"not available", r"no such", r"nothing", r"there (?:is|are|was|were) no",
    r"no (?:results?|match(?:es)?|options?)", r"(?:don't|do not|doesn't|does not) (?:have|offer)",
    r"(?:didn't|did not|don't|do not) (?:understand|know)", r"rephrase", r"not sure",
)  # fmt: skip
# The user contradicts, corrects, retries, says it did not work, or gives up on the bot (the
# last two phrases hardly occur in task dialogues, but do in a product's chat widget).
CORRECTION = _cues(
    r"i said", r"i already", r"already (?:told|gave|said|asked)", r"that's not", r"that is not",
    r"not what", r"wrong", r"again", r"i meant", r"i asked", r"still", r"instead", r"actually",
    r"mistake", r"confus\w*", r"earlier", r"try", r"another", r"hmm", r"sorry", r"apologi[sz]e",
    r"not", r"don't", r"do not", r"doesn't", r"didn't", r"isn't", r"won't",
    r"useless", r"(?:a|an|real) (?:human|person)",
)  # fmt: skip
SATISFIED = _cues(r"thanks?", r"great", r"perfect", r"yes", r"sounds good")
STARTS_NO = re.compile(r"^\W*(?:no|nope|nah)\b", re.IGNORECASE)

FEATURES = ("replied", "negative", "failure", "correction", "starts_no", "satisfied", "repeat")
# Fitted by logistic regression (scikit-learn, C=1) on USS DEV, with the packaged sentiment
# head (MultiWOZ, 11,553 rated user turns, target: rating 1-2), then rounded to one decimal.
# AUROC 0.819 in-sample, 0.815 in 5-fold cross-validation grouped by dialogue: few weights,
# little overfitting. No feature names a domain, so the weights carry over to other chats.
WEIGHTS = np.array([1.7, 1.2, 0.6, 1.0, 2.0, -0.6, 0.9])
BIAS = -5.6
# The best F1 on the same data: flags 8.5% of turns, precision 0.28 and recall 0.41 where 5.8%
# are dissatisfied (a review queue can afford to read three flags to find one real moment).
RISK_THRESHOLD = 0.15


def is_user_role(role: str) -> bool:
    role = role.lower()
    if role in USER_ROLES:
        return True
    if role in SYSTEM_ROLES:
        return False
    raise InvalidInput(f"unknown role {role!r}: use one of {sorted(USER_ROLES | SYSTEM_ROLES)}")


def _count(pattern: re.Pattern[str], text: str, cap: int) -> float:
    # Curly apostrophes from phones and word processors would hide "don't" from the cues.
    return float(min(len(pattern.findall(text.replace("\u2019", "'"))), cap))


def user_texts(conversations: Sequence[Turns]) -> list[str]:
    """The user turns of all conversations, in order: the rows of `risk_features`."""
    return [text for turns in conversations for role, text in turns if is_user_role(role)]


def analyze_user_turns(
    texts: Sequence[str], sentiment: SentimentModel, embedder: Embedder
) -> tuple[list[Sentiment], Vectors]:
    """Sentiments and unit vectors of the texts; the head embeds them anyway, so its vectors
    are reused rather than paying for a second embedding pass."""
    if isinstance(sentiment, HeadSentiment):
        return sentiment.analyze_with_topics(texts)
    return sentiment.analyze(texts), embedder.embed(list(texts))


def risk_features(
    conversations: Sequence[Turns], sentiments: Sequence[Sentiment], vectors: Vectors
) -> Matrix:
    """One row of FEATURES per user turn; `sentiments` and `vectors` follow `user_texts`."""
    rows: list[list[float]] = []
    for turns in conversations:
        earlier: list[int] = []  # rows of this conversation's earlier user turns
        last_reply: str | None = None
        for role, text in turns:
            if not is_user_role(role):
                last_reply = text
                continue
            row = len(rows)
            similarity = vectors[earlier] @ vectors[row] if earlier else np.zeros(1)
            rows.append([
                float(last_reply is not None),
                sentiments[row].probabilities.get("negative", 0.0),
                _count(FAILURE, last_reply or "", 2),
                _count(CORRECTION, text, 3),
                float(bool(STARTS_NO.match(text))),
                _count(SATISFIED, text, 2),
                max(float(similarity.max()), 0.0),
            ])  # fmt: skip
            earlier.append(row)
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def risks(features: Matrix) -> npt.NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-(features @ WEIGHTS + BIAS)))


def score_conversations(
    conversations: Sequence[Turns], sentiment: SentimentModel, embedder: Embedder
) -> list[list[float | None]]:
    """Per conversation, the risk of each user turn and None for the other side's turns."""
    texts = user_texts(conversations)
    sentiments, vectors = analyze_user_turns(texts, sentiment, embedder)
    flat = iter(risks(risk_features(conversations, sentiments, vectors)))
    return [
        [round(float(next(flat)), 4) if is_user_role(role) else None for role, _ in turns]
        for turns in conversations
    ]


def score_turns(turns: Turns, sentiment: SentimentModel, embedder: Embedder) -> list[float | None]:
    return score_conversations([turns], sentiment, embedder)[0]
