"""Answers with no generative model: the sentences of the top passages that best cover the
question, each cited. This keeps the product correct when no model is configured or one fails."""

from __future__ import annotations

import math
from collections.abc import Sequence

from assistant.retrieval import Passage
from journey.text import content_words, sentences

MAX_SENTENCES = 2
MAX_PASSAGES = 1  # doc2dial DEV token F1: 0.267 here, 0.237 with 3 sentences of 2 passages


def extractive_answer(question: str, passages: Sequence[Passage]) -> str:
    """Up to two sentences of the best passage, in reading order, cited as [n]."""
    terms = set(content_words(question))
    if not passages or not terms:
        return ""
    scored: list[tuple[float, int, int, str]] = []
    for number, passage in enumerate(passages[:MAX_PASSAGES], start=1):
        for position, sentence in enumerate(sentences(passage.text)):
            words = set(content_words(sentence))
            overlap = len(terms & words)
            if not overlap:
                continue
            # Coverage of the question, lightly favouring the better passage and short sentences.
            score = overlap / len(terms) + 0.15 / number - 0.01 * math.log1p(len(words))
            scored.append((score, number, position, sentence))
    if not scored:
        # Nothing overlaps word for word (a paraphrase): the best passage's opening sentence.
        first = sentences(passages[0].text)
        return f"{first[0]} [1]" if first else ""
    best = sorted(scored, reverse=True)[:MAX_SENTENCES]
    best.sort(key=lambda item: (item[1], item[2]))
    return " ".join(f"{_clean(sentence)} [{number}]" for _, number, _, sentence in best)


def _clean(sentence: str) -> str:
    # Markdown list and emphasis marks read badly inside a chat answer.
    text = sentence.lstrip("-*# ").replace("**", "")
    return " ".join(text.split())
