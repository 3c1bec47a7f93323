"""Citations and groundedness: what the answer may claim, given the passages it cites."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.retrieval import Passage
from journey.text import content_words, sentences

_CITATION = re.compile(r"\[(\d{1,2})\]")


def clean_citations(answer: str, passages: Sequence[Passage]) -> tuple[str, list[int]]:
    """Drop citation marks that point at no retrieved passage; return the text and the
    1-based numbers of the passages it still cites, in order of first use."""
    used: list[int] = []

    def keep(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if 1 <= number <= len(passages):
            if number not in used:
                used.append(number)
            return match.group(0)
        return ""

    text = _CITATION.sub(keep, answer)
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip(), used


def groundedness(answer: str, passages: Sequence[Passage]) -> float:
    """Share of the answer's content words found in the passages it cites, averaged over its
    sentences, so one invented sentence pulls the score down. A sentence citing nothing is
    checked against all passages. 0 when there is nothing to check against."""
    parts = sentences(_CITATION.sub("", answer)) if answer.strip() else []
    if not parts or not passages:
        return 0.0
    scores = []
    for raw, part in zip(sentences(answer), parts, strict=False):
        cited = [int(n) for n in _CITATION.findall(raw) if 1 <= int(n) <= len(passages)]
        support = [passages[n - 1] for n in cited] or list(passages)
        vocabulary = set(content_words(" ".join(p.text for p in support)))
        words = content_words(part)
        if words:
            scores.append(sum(w in vocabulary for w in words) / len(words))
    return round(sum(scores) / len(scores), 3) if scores else 0.0
