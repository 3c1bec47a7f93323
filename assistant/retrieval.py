"""Hybrid retrieval: dense and keyword results fused by reciprocal rank, as our own Passages."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session
from wordfreq import zipf_frequency

from assistant.untrusted import web_url, without_instructions
from ingestion.knowledge import KnowledgeBase
from journey.models import KnowledgeChunk, KnowledgeSource
from journey.text import asking_sentences, content_words, lines_and_sentences, stem, words

RRF_K = 5  # small: tuned on doc2dial DEV, where 60 (the usual) lost 4 points of recall@5
CANDIDATES = 50
# The fused top RERANK_DEPTH are re-ranked by where a chunk holds the query's rare words
# together (`window_evidence`), weighted by WINDOW_WEIGHT against the fused score (both
# tuned on doc2dial DEV: recall@5 0.841 -> 0.852, recall@1 0.559 -> 0.570).
RERANK_DEPTH = 20
WINDOW_WEIGHT = 0.2
# ... and by the share of the query's rarity its page's title holds (BM25F weighs a title
# above the body): "What plans do you have?" is answered on "Plans and pricing", not by the
# onboarding guide's "four-week plan". 0.1 of 0.05, 0.1 and 0.2 on the Brightloop DEV
# sessions; doc2dial DEV recall@5 0.844 -> 0.848 at 0.1, no domain lower.
TITLE_WEIGHT = 0.1
MIN_SLIP_LENGTH = 5  # a shorter stem one letter off another is most often another word
# A word this common in English (Zipf scale: 3 is once per million words) is meant as written;
# a slip of the keyboard is rare ("andriod" 1.75, "workspce" 0, "point" 5.5).
ENGLISH_WORD = 2.0
_LETTERS = re.compile(r"[^\W\d_]+")
ASKED_WORDS = 2  # "possible?" alone is no search of its own
MENTION_ROWS = 50  # passages holding a name's words that are read for it as a whole word


@dataclass(frozen=True)
class Passage:
    id: str
    text: str
    source: str
    title: str
    url: str | None
    section: str | None
    score: float  # fused score; higher is better
    dense: float  # cosine similarity to the query (0 when only keyword search found it)
    keyword: float  # BM25 score (0 when only dense search found it)


def fuse(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1 / (k + rank) for the ids it holds."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


@dataclass
class Candidates:
    """What each retriever found for each query, and the best score each id reached."""

    dense: list[list[str]] = field(default_factory=list)  # one ranking per query
    keyword: list[list[str]] = field(default_factory=list)
    dense_score: dict[str, float] = field(default_factory=dict)
    keyword_score: dict[str, float] = field(default_factory=dict)
    dense_top: list[float] = field(default_factory=list)  # per query: its best cosine
    keyword_top: list[float] = field(default_factory=list)  # per query: its best BM25
    queries: list[str] = field(default_factory=list)

    def add(
        self, query: str, dense: list[tuple[str, float]], keyword: list[tuple[str, float]]
    ) -> None:
        self.queries.append(query)
        self.dense.append([cid for cid, _ in dense])
        self.keyword.append([cid for cid, _ in keyword])
        self.dense_top.append(dense[0][1] if dense else 0.0)
        self.keyword_top.append(keyword[0][1] if keyword else 0.0)
        for scores, found in ((self.dense_score, dense), (self.keyword_score, keyword)):
            for cid, score in found:
                scores[cid] = max(score, scores.get(cid, score))

    def fused(self, which: str = "hybrid") -> dict[str, float]:
        """Fused over the queries, from one retriever or from both."""
        lists = {"dense": self.dense, "keyword": self.keyword}.get(which, self.dense + self.keyword)
        return fuse(lists)

    def ranking(self, which: str = "hybrid") -> list[str]:
        """Ids best first by their fused score."""
        fused = self.fused(which)
        return sorted(fused, key=lambda cid: fused[cid], reverse=True)


def window_evidence(text: str, idf: dict[str, float]) -> float:
    """How much of the query's rarity (summed idf of its stems) one place of the chunk holds:
    the best two consecutive sentences. A chunk that answers holds the question's words
    together; one that only shares its topic scatters them."""
    sentences = [{stem(t) for t in content_words(s)} for s in lines_and_sentences(text)]
    best = 0.0
    for i, sentence in enumerate(sentences):
        window = sentence | (sentences[i + 1] if i + 1 < len(sentences) else set())
        best = max(best, sum(idf.get(s, 0.0) for s in window))
    return best / (sum(idf.values()) or 1.0)


def title_evidence(title: str, idf: dict[str, float]) -> float:
    """The share of the query's rarity (summed idf of its stems) a page's title holds."""
    held = {stem(t) for t in content_words(title)}
    return sum(idf.get(s, 0.0) for s in held) / (sum(idf.values()) or 1.0)


# A visitor's words and the one help centres write instead.
SYNONYMS = {
    "cost": "price", "costs": "prices", "yearly": "annually", "seats": "users",
    "licenses": "users", "licences": "users", "login": "sign in", "log": "sign",
    "cheaper": "price", "expensive": "price", "tier": "plan", "tiers": "plans",
    "edition": "plan", "editions": "plans", "package": "plan", "packages": "plans",
    "based": "headquartered", "located": "headquartered", "backup": "export",
    "backups": "export", "ping": "notifications", "pinging": "notifications",
    "pings": "notifications", "notified": "notifications", "resell": "partner",
    "reseller": "partner", "reselling": "partner", "colleagues": "users",
    "teammates": "users", "coworkers": "users", "erase": "delete", "receipt": "invoice",
    "receipts": "invoices", "terminate": "cancel", "auth": "authorization",
    "authenticate": "authorization", "pen": "penetration", "pentest": "penetration test",
    "pentests": "penetration test", "force": "enforce", "prod": "production",
    "access": "permission", "add": "invite",
}  # fmt: skip
_HOW_MUCH = re.compile(r"\bhow much (?:is|are|does|do|would|will)\b", re.I)
# "single sign-on (SSO)": the words and the abbreviation a page defines for them.
_DEFINED = re.compile(r"([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,5})\s+\(([A-Z][A-Za-z0-9]{1,7})\)")


def abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """The abbreviations the texts define, each way: "SSO" -> "single sign-on" and back. An
    abbreviation counts when it is the initials of the words before it ("customer success
    manager (CSM)"; not "Frankfurt (EU)")."""
    found: dict[str, str] = {}
    for text in texts:
        for before, short in _DEFINED.findall(text.replace("**", "")):
            spelled = _spelled(before.split(), short)
            if spelled:
                found.setdefault(short, spelled.lower())
                found.setdefault(spelled.lower(), short)
    return found


def _uses(text: str, said: str) -> bool:
    if not said[:1].isupper():  # spelled out, kept in lower case
        return said in text.casefold()
    if re.search(rf"(?<![\w-]){re.escape(said)}(?![\w-])", text):
        return True
    return len(said) > 2 and said.casefold() in content_words(text)


def _spelled(words: list[str], short: str) -> str | None:
    """The last words whose initials (of each hyphenated piece too) are the abbreviation."""
    for start in range(len(words) - 1, -1, -1):
        initials = "".join(p[0] for w in words[start:] for p in w.split("-") if p)
        if initials.casefold() == short.casefold():
            return " ".join(words[start:])
        if len(initials) > len(short):
            return None
    return None


@dataclass
class Retrieved:
    passages: list[Passage]
    relevance: float  # the question's best cosine similarity to a passage
    keyword: float  # the question's best BM25 score
    context_relevance: float = 0.0  # best cosine of the question with the conversation in front
    agreed: bool = False  # the question's closest passage in meaning is its best by keywords


class HybridRetriever:
    def __init__(self, kb: KnowledgeBase, candidates: int = CANDIDATES) -> None:
        self.kb = kb
        self.candidates = candidates
        # The knowledge's abbreviations, read again when its number of chunks changes.
        self._abbreviations: tuple[int, dict[str, str]] = (-1, {})
        self._abbreviations_lock = threading.Lock()

    def spelled_out(self, session: Session, text: str) -> str:
        """The text with the other form of each abbreviation the knowledge defines that it
        uses, either way: "Does Starter come with single sign-on?" also asks about "SSO", as
        the pricing table writes it. An abbreviation is found as written ("US" is not "us"),
        or in lower case when it is three letters or more ("sso")."""
        extra = [
            other
            for said, other in self.abbreviations(session).items()
            if other.casefold() not in text.casefold() and _uses(text, said)
        ]
        return f"{text} ({', '.join(extra)})" if extra else text

    def spelled_right(self, text: str) -> str:
        """The text with each word the knowledge never uses, one slip away from a word it does,
        written as that word ("is there an andriod app?": "android"; as its stem, which is what
        search and answers match on). Short words are left: "pin" is not "ping" mistyped."""

        def fixed(match: re.Match[str]) -> str:
            word, stemmed = match[0], stem(match[0])
            if (
                len(stemmed) < MIN_SLIP_LENGTH  # "whats" is no slip from "chat"
                or not word.islower()
                or zipf_frequency(word, "en") >= ENGLISH_WORD  # "point" is no slip from "joint"
            ):
                return word
            return self.kb.keywords.nearest_term(stemmed) or word

        return _LETTERS.sub(fixed, text)

    def with_synonyms(self, text: str) -> str:
        """The text with the words a help centre uses for a visitor's ("cost" -> "price", "how
        much is Growth?" -> "price")."""
        said = set(words(text))
        extra = [SYNONYMS[w] for w in said if w in SYNONYMS and SYNONYMS[w] not in said]
        if _HOW_MUCH.search(text) and "price" not in [*said, *extra]:
            extra.append("price")
        return f"{text} ({' '.join(extra)})" if extra else text

    def abbreviations(self, session: Session) -> dict[str, str]:
        with self._abbreviations_lock:
            size = self.kb.keywords.count()
            if self._abbreviations[0] != size:
                texts = session.scalars(
                    select(KnowledgeChunk.text).where(KnowledgeChunk.text.contains("("))
                )
                self._abbreviations = (size, abbreviations(texts))
            return self._abbreviations[1]

    def unmentioned(self, session: Session, names: Sequence[str]) -> list[str]:
        """The names no passage of the knowledge mentions as a word, in the singular or the
        plural ("Pro" is not in "pro-rated"); at most three are looked up."""
        return [name for name in names[:3] if not self._mentions(session, name)]

    def _mentions(self, session: Session, name: str) -> bool:
        forms = {name, name.removesuffix("s") or name}
        word = re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])", re.I
        )
        # The keyword index narrows the passages to those holding the name's words; the
        # check here reads them as whole words ("pro-rated" holds "pro", not "Pro").
        ids = [cid for form in forms for cid, _ in self.kb.keywords.search(form, MENTION_ROWS)]
        if not ids:
            return False
        columns = (KnowledgeChunk.text, KnowledgeChunk.title, KnowledgeChunk.section)
        rows = session.execute(select(*columns).where(KnowledgeChunk.id.in_(ids)))
        return any(word.search(value or "") for row in rows for value in row)

    def names_as(self, session: Session, name: str, kind: str) -> bool:
        """Whether the knowledge names something so: "Growth plan" is written somewhere, or
        "Growth" is written as a name (a capital inside a sentence: "upgrade to Growth") in
        more than one passage (a table cell may start with a capital: "outcome Team invited")."""
        phrase = re.compile(rf"(?<![\w-]){re.escape(name)}\s+{re.escape(kind)}s?\b", re.I)
        proper = re.compile(rf"[\w,;] {re.escape(name[:1].upper() + name[1:])}(?![\w-])")
        ids = [cid for cid, _ in self.kb.keywords.search(name, MENTION_ROWS)]
        if not ids:
            return False
        texts = session.scalars(select(KnowledgeChunk.text).where(KnowledgeChunk.id.in_(ids)))
        plain = [text.replace("**", "") for text in texts]
        return any(map(phrase.search, plain)) or sum(bool(proper.search(t)) for t in plain) > 1

    def commonest(self, words: Sequence[str]) -> str:
        """The word the knowledge uses most of these (in the most passages)."""
        idf = self.kb.keywords.idf([stem(w) for w in words])
        return min(words, key=lambda w: idf.get(stem(w), math.inf))

    def best_match(self, text: str) -> float:
        """The best cosine similarity of the text to any passage."""
        found = self.kb.vectors.query(self.kb.embedder.embed([text])[0], 1)
        return found[0][1] if found else 0.0

    def candidates_for(self, queries: Sequence[str]) -> Candidates:
        found = Candidates()
        vectors = self.kb.embedder.embed(list(queries))
        for query, vector in zip(queries, vectors, strict=True):
            found.add(
                query,
                self.kb.vectors.query(vector, self.candidates),
                self.kb.keywords.search(query, self.candidates),
            )
        return found

    def search(
        self, session: Session, question: str, in_context: str | None = None, k: int = 5
    ) -> Retrieved:
        """The k best passages for a question. With the question in its conversation's context
        (rewritten, or with the conversation in front) both are searched and the rankings fused:
        the context finds what a follow-up refers to, the question alone survives a change of
        topic."""
        queries = [question] + ([in_context] if in_context else [])
        # What a message asks is searched besides all it says: "we're not renewing at the end
        # of the month. how do I export everything?" is about exporting.
        asked = " ".join(asking_sentences(question))
        if asked != question and len(content_words(asked)) >= ASKED_WORDS:
            queries.append(asked)
        found = self.candidates_for(queries)
        # How on-topic the question is, judged on the question alone: with the conversation
        # in front, any question would look on-topic.
        return Retrieved(
            passages=self.passages(session, found, k),
            relevance=found.dense_top[0],
            keyword=found.keyword_top[0],
            context_relevance=found.dense_top[1] if in_context else 0.0,
            agreed=bool(found.dense[0][:1]) and found.dense[0][:1] == found.keyword[0][:1],
        )

    def rank(
        self, found: Candidates, chunks: Callable[[list[str]], dict[str, tuple[str, str]]]
    ) -> list[str]:
        """The hybrid ranking, its head re-ranked by `window_evidence` and the page title's
        share of the query (`chunks` gives the title and text of the ids asked for)."""
        fused = found.fused()
        ranked = sorted(fused, key=lambda cid: fused[cid], reverse=True)
        head = ranked[:RERANK_DEPTH]
        stems = {stem(t) for query in found.queries for t in content_words(query)}
        idf = self.kb.keywords.idf(sorted(stems))
        held = chunks(head)
        score = {
            cid: fused[cid]
            + WINDOW_WEIGHT * window_evidence(text, idf)
            + TITLE_WEIGHT * title_evidence(title, idf)
            for cid in head
            for title, text in [held.get(cid, ("", ""))]
        }
        return sorted(head, key=lambda cid: score[cid], reverse=True) + ranked[RERANK_DEPTH:]

    def passages(self, session: Session, found: Candidates, k: int) -> list[Passage]:
        rows: dict[str, tuple[KnowledgeChunk, str]] = {}

        def chunks(ids: list[str]) -> dict[str, tuple[str, str]]:
            rows.update(_chunks(session, ids))
            return {cid: (row.title, row.text) for cid, (row, _) in rows.items()}

        ranked = self.rank(found, chunks)
        fused = {cid: 1.0 / (rank + RRF_K) for rank, cid in enumerate(ranked, start=1)}
        missing = [cid for cid in ranked[: max(k * 3, k)] if cid not in rows]
        rows.update(_chunks(session, missing))
        passages = [
            Passage(
                id=cid,
                # What the page says, not what it tells the assistant to do.
                text=without_instructions(row.text),
                source=source,
                title=row.title,
                url=web_url(row.url),
                section=row.section,
                score=fused[cid],
                dense=found.dense_score.get(cid, 0.0),
                keyword=found.keyword_score.get(cid, 0.0),
            )
            for cid in ranked
            # An id without a row was deleted mid-ingest: never return it.
            if cid in rows
            for row, source in [rows[cid]]
        ]
        return passages[:k]


def _chunks(session: Session, ids: list[str]) -> dict[str, tuple[KnowledgeChunk, str]]:
    if not ids:
        return {}
    rows = session.execute(
        select(KnowledgeChunk, KnowledgeSource.name)
        .join(KnowledgeSource, KnowledgeSource.id == KnowledgeChunk.source_id)
        .where(KnowledgeChunk.id.in_(ids))
    )
    return {chunk.id: (chunk, name) for chunk, name in rows}
