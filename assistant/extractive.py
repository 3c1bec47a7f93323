"""Answers with no generative model, composed from the structure of the best passage: an FAQ
entry's answer (never its question), a numbered how-to kept whole with its lead-in, a table
row (which names its columns), or the sentences that best cover the question. Every part is
quoted and cited. This keeps the product correct when no model is configured or one fails."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.intent import names_asked_about
from assistant.retrieval import Passage
from journey.text import asking_sentences, content_words, sentences, stem

MAX_PARTS = 2
MIN_GAIN = 0.1  # a second part must cover this share of the question's weight more
MAX_PASSAGES = 2  # the passages whose parts compete; a lower-ranked one must match better
RANK_WEIGHT = 0.15  # what being the nth passage adds to a part's score: RANK_WEIGHT / n
HEADING_SHARE = 0.5  # a question's word found only in the part's section heading counts half
ANSWER_KIND_WEIGHT = 0.5  # what holding the kind of words the question asks for adds
TOLD_SHARE = 0.25  # a word only of what the visitor tells, not of what they ask, counts this much
SHORT_PARAGRAPH = 3  # a paragraph of this many sentences or fewer is quoted whole
ENTRY_WEIGHT = 0.5  # what being the table row or list entry of what is asked about adds
NAMED_WEIGHT = 0.5  # what naming all the visitor names adds

_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+")
_BULLET = re.compile(r"^\s*[-*•]\s+")
_EMPHASIS = re.compile(r"\*\*|__")
_YES_NO = re.compile(r"^\W*(?:yes|no)\b", re.IGNORECASE)
_ROW = re.compile(r"^[^:.?!]{1,60}: \S.*[.;]?$")
_CODE = re.compile(r"(?<![\d.,€$£])\b[45]\d\d\b(?![\d.,%])")  # an HTTP error a visitor quotes
_OPEN = re.compile(
    r"^\W*(?:(?:hi|hey|hello|ok|okay|so|and|but|also|then)\W+)*"
    r"(?:what|which|who|where|when|why|how)(?:'?s)?\b",
    re.I,
)
_HEAD = re.compile(r"^([^:.?!\n]{1,60}):\s")  # a row's or an entry's head: "Android: ..."
MAX_LISTED = 10
_MARK = re.compile(r"\s*\[\d{1,2}\]")
# A sentence about the page itself points to an answer; it is none ("This article lists the
# available integrations and explains how to connect them.").
_SIGNPOST = re.compile(
    r"^\W*(?:this|the following|the next|below,? this) (?:article|page|guide|section|document|"
    r"table|list)\b",
    re.I,
)


# A question about where the company is rather than where something is in the product.
_SITE = r"(?=.*\b(?:based|located|headquartered|headquarters|offices?|hq)\b)"
# What answers a question, by how it asks: "who" is answered by a role, "where" by a place in
# the product, "how do I" by steps. A part holding such words is preferred to one that only
# shares the question's words ("where do I pick a plan?": "Go to Settings → Billing and click
# Choose a plan", not "You can pick a plan at any time").
_ANSWER_KINDS = (
    (
        r"\bwho(?:'s|se)?\b|\bwhich (?:role|users?|people)\b|\ballowed to\b|\bpermission",
        r"\b(?:owners?|admins?|administrators?|members?|managers?|roles?|only)\b",
    ),
    (
        rf"\bwhere\b(?!{_SITE})|\bwhich (?:page|tab|menu|screen|setting)\b|"
        r"\bhow (?:do|can) (?:i|we) find\b",
        r"→|›|\bgo to\b|\bunder \*\*|\btab\b|\bmenu\b|https?://|\bin \*\*",
    ),
    # "Where are you based?": a city or a country, not a place in the product.
    (rf"\bwhere\b{_SITE}|\bwhich (?:city|country)\b", r"\b(?:in|at)\s+(?:\*\*)?[A-Z][a-z]+"),
    (
        # "When does...?", not "notified when there's an incident".
        r"\bwhen (?:do|does|did|is|are|was|were|will|would|can|could|should|must|has|have)\b|"
        r"^\W*(?:\w+\W+){0,2}when\b|\bhow (?:long|often|soon|quickly|fast)\b|\bwhat time\b|"
        r"\bhours\b|\bby when\b",
        r"\d+\s*(?:minutes?|hours?|days?|weeks?|months?|years?|am|pm)\b|\d:\d\d|\b(?:daily|"
        r"weekly|monthly|every|within|real time|immediately|monday|cet|utc|24/7)\b",
    ),
    (
        r"\bhow much\b|\bcost|\bprice|\bpricing\b|\bcheap|\bexpensive\b|\bfees?\b",
        r"[€$£]\s?\d|\d\s?(?:[€$£]|euros?\b|dollars?\b|pounds?\b)|\b(?:eur|usd|gbp)\s?\d|"
        r"\bfree\b|\bcustom pric",
    ),
    # "What's the rate limit?" asks for a number; "is the limit per key or per workspace?" not.
    (
        r"\bhow many\b|\bmaximum\b|\bmax\b|\bup to\b|\b(?:what|which)(?:'s| is| are)? "
        r"(?:the )?(?:\w+ ){0,2}limits?\b|\b(?:is|are) there (?:a|any) (?:\w+ ){0,2}limits?\b",
        r"\d",
    ),
    # "Which integrations do you support?": a list, or a table's rows.
    (
        # (A plural: "what access", "which address" are none.)
        r"\b(?:which|what) (?!does\b|is\b|was\b|has\b)\w*[^\Ws]s\b",
        r"\n(?:[-*•]\s|\d{1,2}[.)]\s|[^:\n?]{1,60}: )",  # a second line: item, step or row
    ),
    (
        r"\bsteps?\b|\bfix\b|\bwhat should (?:i|we) (?:check|do)\b|\btroubleshoot",
        r"(?m)^\s*1[.)]\s",
    ),
    # "How do I change the card?": steps, or one instruction ("To update your card, go to
    # Settings → Billing → Payment method and click Update card.").
    (
        r"\bhow (?:do|can|should|to) (?:i |we |you )?\w+|\bhow to\b",
        r"(?m)^\s*1[.)]\s|\bgo to\b|\bclick\b|→",
    ),
)
_ANSWER_KIND_PATTERNS = [
    (re.compile(asks, re.I), re.compile(answers, re.I)) for asks, answers in _ANSWER_KINDS
]


def answer_kinds(question: str) -> list[re.Pattern[str]]:
    """The patterns of what would answer the question, by how it asks."""
    return [answers for asks, answers in _ANSWER_KIND_PATTERNS if asks.search(question)]


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


def _table_at(blocks: list[list[str]], start: int) -> list[str]:
    """The rows of a table starting at this block: two or more rows in the block, or in blocks
    of one row each (the chunker writes long rows a paragraph apart); none inside a table."""

    def row(line: str) -> bool:
        return bool(_ROW.match(line)) and not _BULLET.match(line)

    def one_row(block: list[str]) -> bool:
        return len(block) == 1 and row(block[0])

    lines = blocks[start]
    if len(lines) > 1 and all(map(row, lines)):
        return lines
    if not one_row(lines) or (start > 0 and one_row(blocks[start - 1])):
        return []
    end = start
    while end < len(blocks) and one_row(blocks[end]):
        end += 1
    return [block[0] for block in blocks[start:end]] if end - start > 1 else []


def _is_question(line: str) -> bool:
    """An FAQ entry's question; never a step or an item ("1. Click **Forgot password?**")."""
    if _NUMBERED.match(line) or _BULLET.match(line):
        return False
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

    blocks = [
        [line for line in block.splitlines() if line.strip()]
        for block in re.split(r"\n\s*\n", text)
    ]
    rows: set[str] = set()  # the lines of the tables found so far
    for start, lines in enumerate(blocks):
        flush()
        lead = found[-1] if found and found[-1].text.rstrip().endswith(":") else None
        table = _table_at(blocks, start)
        rows.update(table)
        if lead and not lead.whole and _is_list(lines):
            # "Current prices for all plans:" and its table or list: one answer, kept whole;
            # its items can still be quoted one by one.
            listed = "\n".join([lead.text, *lines[:MAX_LISTED]])
            found[-1] = Part(listed, listed, lead.position, whole=True)
        elif table:
            # A table's rows, as the chunker writes them ("Growth: billed annually €49; ..."),
            # answer "what are your prices?" or "which integrations...?" together, kept whole;
            # each row is still quoted alone for a question about one of them.
            listed = "\n".join(table[:MAX_LISTED])
            found.append(Part(listed, listed, len(found), whole=True))
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
                lead = found[-1] if found and found[-1].text.rstrip().endswith(":") else None
                if lead:
                    found.pop()
                steps = "\n".join(lines[index:end])
                said = f"{lead.text}\n{steps}" if lead else steps
                # Steps led in by a paragraph's last sentence belong to that paragraph: "If
                # you're an Owner, you can't reset your own 2FA. Contact support:" and how.
                found.append(
                    Part(said, said, len(found), True, paragraph=lead.paragraph if lead else -1)
                )
                index = end
            elif _BULLET.match(line) or line in rows:
                add(line)  # a list item or a table's row, whole: its cells say one thing
                index += 1
            else:
                paragraph.append(line)
                index += 1
        flush()
    return found


def _says(part: Part) -> bool:
    """Whether the part can answer: not a sentence about the page itself, nor a question
    asked for effect ("Can't sign in to Brightloop? This article covers...")."""
    return part.whole or not (_SIGNPOST.match(part.text) or part.text.rstrip().endswith("?"))


def _opening(passage_parts: list[Part]) -> list[Part]:
    """The passage's first part that can answer, with the sentences it needs."""
    first = next((part for part in passage_parts if _says(part)), None)
    return [first, *_leaned_on(first, passage_parts)] if first else []


def _entry_about(part: Part, asked: set[str]) -> bool:
    """Whether the part is a table row or list entry headed by what the question asks about."""
    head = _HEAD.match(_BULLET.sub("", _EMPHASIS.sub("", part.text), count=1))
    stems = _stems(head[1]) if head else set()
    return bool(stems) and stems <= asked


def _stems(text: str) -> set[str]:
    return {stem(word) for word in content_words(text)}


@dataclass(frozen=True)
class Asked:
    """What a question asks, as its parts are weighed against it."""

    wanted: frozenset[str]  # the question's stems
    told: frozenset[str]  # stems only of what the visitor tells before asking
    rarity: Mapping[str, float]
    kinds: tuple[re.Pattern[str], ...]  # what would answer it, by how it asks
    open_question: bool  # what, how or when: a yes or a no answers another question
    named: frozenset[str]  # the stems of what the visitor names, and the codes quoted
    codes: tuple[str, ...]  # HTTP errors the visitor quotes

    @classmethod
    def of(cls, question: str, rarity: Mapping[str, float] | None = None) -> Asked:
        wanted = _stems(question)
        # What the visitor tells before asking ("Our contract runs until December... What's
        # the latest we can tell you?") says less of what would answer than the question.
        asking = asking_sentences(question)
        codes = tuple(_CODE.findall(question))
        return cls(
            wanted=frozenset(wanted),
            told=frozenset(wanted - _stems(" ".join(asking)) if asking else ()),
            rarity=rarity or {},
            kinds=tuple(answer_kinds(question)),
            open_question=all(_OPEN.match(sentence) for sentence in asking or [question]),
            named=frozenset(_stems(" ".join([*names_asked_about(question), *codes]))),
            codes=codes,
        )

    def weight(self, stems: set[str] | frozenset[str]) -> float:
        """What the stems weigh in the question: rare ones more (BM25's idf), told ones less."""
        return sum(self.rarity.get(s, 1.0) * (TOLD_SHARE if s in self.told else 1.0) for s in stems)


@dataclass(frozen=True)
class Candidate:
    """A part that could answer, where it is, and what speaks for it (`FEATURES`)."""

    number: int  # its passage's place in the ranking, from 1
    part: Part
    features: tuple[float, ...]


def candidates(
    asked: Asked, passages: Sequence[Passage], cut: Sequence[list[Part]], said: str = ""
) -> list[Candidate]:
    """The parts of the passages (`cut`: each passage's parts, or none) that could answer,
    each with its features."""
    total = asked.weight(asked.wanted)
    found: list[Candidate] = []
    for number, (passage, passage_parts) in enumerate(zip(passages, cut, strict=False), start=1):
        # A section's heading speaks for its parts: under "Connecting an integration", "You
        # need the Admin or Owner role." answers "who can connect integrations?".
        section = (passage.section or passage.title).split(" > ")[-1]
        heading = asked.wanted & _stems(section)
        for part in passage_parts:
            if not _says(part) or (said and _MARK.sub("", _clean(part.text)) in said):
                continue
            held = set(_CODE.findall(part.text))
            if asked.codes and held and not held & set(asked.codes):
                continue  # about another error than the one the visitor quotes
            if (
                asked.open_question
                and part.question
                and _YES_NO.match(part.text[len(part.question) :])
            ):
                # "How long does the trial last?" is not answered by "No." (to "Can I extend
                # my trial more than once?").
                continue
            words = _stems(part.match)
            overlap = asked.wanted & words
            kind = sum(1 for k in asked.kinds if k.search(part.text))
            if not overlap and not (kind and heading):
                continue
            # An FAQ question that matches counts twice, unless its entry does not answer as
            # asked ("where?" answered with no place).
            faq = (
                asked.weight(asked.wanted & _stems(part.question)) / total
                if part.question and (kind or not asked.kinds)
                else 0.0
            )
            features = (
                # Coverage of the question (half for words only the heading has).
                (asked.weight(overlap) + HEADING_SHARE * asked.weight(heading - overlap)) / total,
                faq,
                # The kind of words asked for.
                kind,
                # The entry about what is asked: "Android: search Brightloop in Google Play"
                # for "is there an android app?", "- **Builder**: designs forms" for "builder
                # vs member".
                float(_entry_about(part, set(asked.wanted - asked.told))),
                # What the visitor names, said in the part or its heading: "connect Teams" is
                # answered under "Connecting Microsoft Teams", not "Connecting Slack".
                float(bool(asked.named) and asked.named <= _stems(f"{part.text} {section}")),
                1.0 / number,
                math.log1p(len(words)),
            )
            found.append(Candidate(number, part, features))
    return found


# What each feature of a candidate weighs in its score (the better passage and short parts
# lightly favoured).
FEATURES = ("covered", "faq_question", "answer_kinds", "entry", "named", "passage_rank", "length")
PART_WEIGHTS = (1.0, 1.0, ANSWER_KIND_WEIGHT, ENTRY_WEIGHT, NAMED_WEIGHT, RANK_WEIGHT, -0.01)


def extractive_answer(
    question: str,
    passages: Sequence[Passage],
    rarity: Mapping[str, float] | None = None,
    said: str = "",
) -> list[str]:
    """The parts of the best passage that answer the question, in reading order, each cited
    as [n]: one FAQ answer or how-to, or the best other part with the sentence it leans on
    and one more part that covers more of the question. `rarity` weighs the question's stems
    (BM25's idf): "PDF" says more about what is asked than "team". A part in `said` is not
    said again ("is there anything faster?" asks for another answer than the last)."""
    asked = Asked.of(question, rarity)
    wanted = asked.wanted
    if not passages or not wanted:
        return []
    # The two best passages compete for the answer, and any holding a code the visitor quotes
    # ("my zap keeps failing with a 401": the API's errors table, third); each is read once.
    cut = [
        parts(passage.text)
        if number < MAX_PASSAGES
        or any(re.search(rf"\b{code}\b", passage.text) for code in asked.codes)
        else []
        for number, passage in enumerate(passages)
    ]
    top = passages[0]
    if not asked.kinds and wanted <= _stems(f"{top.title} {top.section or ''}"):
        # A question that only names what the page (or section) is about ("Is there a free
        # trial?" on "Free trial", "What does Brightloop do?" on "About Brightloop") is
        # answered by its opening, as its writer meant it to be: the page's own, when the
        # question names only the page and its opening was found.
        number = next(
            (
                n
                for n, p in enumerate(passages, start=1)
                if p.title == top.title and " > " not in (p.section or "")
            ),
            1,
        )
        if number == 1 or not wanted <= _stems(top.title):
            return [_cited(part, 1) for part in _opening(cut[0])]
        return [_cited(part, number) for part in _opening(parts(passages[number - 1].text))]

    scored = sorted(
        (
            (sum(w * f for w, f in zip(PART_WEIGHTS, c.features, strict=True)), c.number, c.part)
            for c in candidates(asked, passages, cut, said)
        ),
        key=lambda item: item[0],
        reverse=True,
    )
    if not scored:
        # Nothing overlaps word for word (a paraphrase): the best passage's opening.
        return [_cited(part, 1) for part in _opening(cut[0])]
    total = asked.weight(wanted)
    best = scored[0]
    chosen = [best]
    covered = wanted & _stems(best[2].match)
    for candidate in scored[1:]:
        if best[2].whole or len(chosen) == MAX_PARTS:
            break
        # Another part only when it adds enough of what was asked: after "Growth: €49", the
        # Starter row says nothing more about Growth.
        adds = wanted & _stems(candidate[2].match) - covered
        if not candidate[2].whole and asked.weight(adds) >= MIN_GAIN * total:
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
    same = {p.position: p for p in neighbours if p.paragraph == part.paragraph and _says(p)}
    if len(same) <= SHORT_PARAGRAPH and not any(_ROW.match(p.text) for p in same.values()):
        # Its writer's whole thought ("An Owner can make another user an Owner under ...
        # To leave, an Owner must first make sure another Owner exists."); a table's rows
        # are not one.
        return [p for p in same.values() if p.position != part.position]
    extra = []
    before, after = same.get(part.position - 1), same.get(part.position + 1)
    if before and _LEANS_BACK.match(part.text):
        extra.append(before)
    if after and (_CARRIES_ON.match(after.text) or part.text.rstrip().endswith(":")):
        extra.append(after)
    return extra


def _cited(part: Part, number: int) -> str:
    """The part with its citation, the only mark it holds: a page's own "[3]" (a footnote)
    would read as a citation of another passage."""
    return f"{_MARK.sub('', _clean(part.text))} [{number}]"


def _clean(text: str) -> str:
    """The part as the widget renders it (Markdown): a list keeps its lines and marks; a single
    list item quoted alone is a sentence."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if len(lines) == 1:
        lines = [_BULLET.sub("", lines[0])]
    return "\n".join(lines)
