"""Answers with no generative model, composed from the structure of the best passage: an FAQ
entry's answer (never its question), a numbered how-to kept whole with its lead-in, a table
row (which names its columns), or the sentences that best cover the question. Every part is
quoted and cited. This keeps the product correct when no model is configured or one fails."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.retrieval import Passage
from journey.text import content_words, sentences, stem

MAX_PARTS = 2
MIN_GAIN = 0.1  # a second part must cover this share of the question's weight more
MAX_PASSAGES = 1  # doc2dial DEV token F1: 0.267 here, 0.237 with 3 sentences of 2 passages

_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+")
_BULLET = re.compile(r"^\s*[-*•]\s+")
_EMPHASIS = re.compile(r"\*\*|__")
_YES_NO = re.compile(r"^\W*(?:yes|no)\b", re.IGNORECASE)
_ROW = re.compile(r"^[^:.?!]{1,60}: \S.*[.;]?$")
MAX_LISTED = 10


@dataclass(frozen=True)
class Part:
    """A piece of a passage that can be quoted on its own."""

    text: str  # what is said
    match: str  # what the question is matched against: an FAQ entry's question is here too
    position: int
    whole: bool = False  # an FAQ answer or a how-to: it answers alone
    question: str = ""  # an FAQ entry's question
    paragraph: int = -1  # the sentences of one paragraph share its number


def _is_list(lines: list[str]) -> bool:
    """Bullets, or table rows as documents write them ("Growth: annual billing €49; ...")."""
    bullets = all(_BULLET.match(line) for line in lines)
    rows = len(lines) > 1 and all(_ROW.match(line) for line in lines)
    return bool(lines) and (bullets or rows)


def _is_question(line: str) -> bool:
    plain = _EMPHASIS.sub("", line).strip()
    return plain.endswith("?") and len(plain.split()) <= 25


def parts(text: str) -> list[Part]:
    """The passage cut where its writer cut it: FAQ entries, how-tos, list items, and the
    sentences of other lines (a table row, which names its columns, is one)."""
    found: list[Part] = []

    def add(said: str, match: str = "", whole: bool = False, question: str = "") -> None:
        found.append(Part(said, match or said, len(found), whole, question))

    paragraph: list[str] = []

    def flush() -> None:
        # A paragraph's lines may be wrapped anywhere: its sentences are cut from all of them.
        number = len(found)
        for sentence in sentences(" ".join(paragraph)):
            found.append(Part(sentence, sentence, len(found), paragraph=number))
        paragraph.clear()

    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip()]
        flush()
        lead = found[-1] if found and found[-1].text.rstrip().endswith(":") else None
        if lead and not lead.whole and _is_list(lines):
            # "Current prices for all plans:" and its table or list: one answer, kept whole;
            # its items can still be quoted one by one.
            listed = "\n".join([lead.text, *lines[:MAX_LISTED]])
            found[-1] = Part(listed, listed, lead.position, whole=True)
        index = 0
        while index < len(lines):
            line = lines[index]
            structured = _NUMBERED.match(line) or _BULLET.match(line) or _is_question(line)
            if structured:
                flush()
            if _is_question(line) and index + 1 < len(lines) and not _is_question(lines[index + 1]):
                # An FAQ entry: the question, and the lines up to the next question.
                end = index + 1
                while end < len(lines) and not _is_question(lines[end]):
                    end += 1
                answer = " ".join(lines[index + 1 : end])
                # "No." means nothing without what was asked: such an answer brings its question.
                said = f"{line}\n{answer}" if _YES_NO.match(answer) else answer
                add(said, f"{line} {answer}", whole=True, question=line)
                index = end
            elif _NUMBERED.match(line):
                end = index
                while (
                    end < len(lines)
                    and not _is_question(lines[end])
                    and (_NUMBERED.match(lines[end]) or not _BULLET.match(lines[end]))
                ):
                    end += 1
                intro = found[-1].text if found and found[-1].text.rstrip().endswith(":") else ""
                if intro:
                    found.pop()
                steps = "\n".join(lines[index:end])
                add(f"{intro}\n{steps}" if intro else steps, whole=True)
                index = end
            elif _BULLET.match(line):
                add(line)  # a list item, whole
                index += 1
            else:
                paragraph.append(line)
                index += 1
        flush()
    return found


def _stems(text: str) -> set[str]:
    return {stem(word) for word in content_words(text)}


def extractive_answer(
    question: str, passages: Sequence[Passage], rarity: Mapping[str, float] | None = None
) -> list[str]:
    """The parts of the best passage that answer the question, in reading order, each cited
    as [n]: one FAQ answer or how-to, or the best other part with the sentence it leans on
    and one more part that covers more of the question. `rarity` weighs the question's stems
    (BM25's idf): "PDF" says more about what is asked than "team"."""
    wanted = _stems(question)
    if not passages or not wanted:
        return []
    cut = [parts(passage.text) for passage in passages[:MAX_PASSAGES]]  # each read once
    top = passages[0]
    if wanted <= _stems(f"{top.title} {top.section or ''}"):
        # A question that only names what the page is about ("Is there a free trial?" on
        # "Free trial") is answered by the page's opening, as its writer meant it to be.
        opening = cut[0][:1] + (_leaned_on(cut[0][0], cut[0]) if cut[0] else [])
        return [_cited(part, 1) for part in opening]

    def weight(stems: set[str]) -> float:
        return sum(rarity.get(s, 1.0) if rarity else 1.0 for s in stems)

    total = weight(wanted)
    scored: list[tuple[float, int, Part]] = []
    for number, passage_parts in enumerate(cut, start=1):
        for part in passage_parts:
            words = _stems(part.match)
            overlap = wanted & words
            if not overlap:
                continue
            # Coverage of the question; an FAQ question that matches counts twice; lightly
            # favouring the better passage and short parts.
            asked = weight(wanted & _stems(part.question)) / total if part.question else 0.0
            score = weight(overlap) / total + asked + 0.15 / number - 0.01 * math.log1p(len(words))
            scored.append((score, number, part))
    if not scored:
        # Nothing overlaps word for word (a paraphrase): the best passage's opening part.
        return [_cited(cut[0][0], 1)] if cut[0] else []
    scored.sort(key=lambda item: item[0], reverse=True)
    best = scored[0]
    chosen = [best]
    covered = wanted & _stems(best[2].match)
    for candidate in scored[1:]:
        if best[2].whole or len(chosen) == MAX_PARTS:
            break
        # Another part only when it adds enough of what was asked: after "Growth: €49", the
        # Starter row says nothing more about Growth.
        adds = wanted & _stems(candidate[2].match) - covered
        if not candidate[2].whole and weight(adds) >= MIN_GAIN * total:
            chosen.append(candidate)
            covered |= adds
    quoted = {(number, part.position): part for _, number, part in chosen}
    for _, number, part in chosen:
        for leaned in _leaned_on(part, cut[number - 1]):
            quoted.setdefault((number, leaned.position), leaned)
    return [_cited(quoted[key], key[0]) for key in sorted(quoted)]


# A sentence that leans on the one before ("Owners can also set a usage cap there.") or is
# carried on by the one after ("...only valid for a short time." "If the clock differs...").
_LEANS_BACK = re.compile(
    r"^(?:\W*\w+){0,4}?\W*\b(?:there|this|that|these|those|it|they|also)\b", re.I
)
_CARRIES_ON = re.compile(r"^\W*(?:if|it|its|this|they|these|that|then|otherwise|when)\b", re.I)


def _leaned_on(part: Part, neighbours: list[Part]) -> list[Part]:
    """The sentences of the same paragraph that the part needs to be understood."""
    if part.paragraph < 0:
        return []
    same = {p.position: p for p in neighbours if p.paragraph == part.paragraph}
    extra = []
    before, after = same.get(part.position - 1), same.get(part.position + 1)
    if before and _LEANS_BACK.match(part.text):
        extra.append(before)
    if after and (_CARRIES_ON.match(after.text) or part.text.rstrip().endswith(":")):
        extra.append(after)
    return extra


def _cited(part: Part, number: int) -> str:
    return f"{_clean(part.text)} [{number}]"


def _clean(text: str) -> str:
    """The part as the widget renders it (Markdown): a list keeps its lines and marks; a single
    list item quoted alone is a sentence."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if len(lines) == 1:
        lines = [_BULLET.sub("", lines[0])]
    return "\n".join(lines)
