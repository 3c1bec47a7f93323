"""Text helpers every layer shares: the one tokenizer, the one stemmer, the content hash, and
the sentence splitters, named for the text each is made for."""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import unicodedata

import snowballstemmer

# --- words ------------------------------------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+")

# The last words only colour or quantify a question ("what does it actually do?" asks what it
# does, "how much is Growth?" asks about Growth) or are chat ("ok. so what...": not "200 OK").
STOPWORDS = frozenset(
    """a about an and are as at be been but by can could did do does for from had has have how
    i if in into is it its me my of on or our should so than that the their them then there these
    they this to was we were what when where which who why will with would you your yours
    actually really exactly basically just even please also still currently typically usually
    very quite maybe perhaps much many
    ok okay hey hi hello thanks pls plz yeah yep""".split()
)


def words(text: str) -> list[str]:
    """The tokenizer: letters and digits, case-folded, split where SQLite's FTS5 splits
    (punctuation, spaces and underscores), so what is counted here is what FTS5 matches."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()


def content_words(text: str) -> list[str]:
    """The words that carry meaning, each once, in order: no stopwords, no single letters."""
    seen: dict[str, None] = {}
    for word in words(text):
        if word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)


_STEMMER = snowballstemmer.stemmer("porter")
_STEMMER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Porter stem, as FTS5's porter tokenizer makes it. Stemming in Python is slow
    (~30 µs a word) and a knowledge base's words repeat, so stems are cached."""
    with _STEMMER_LOCK:  # the stemmer keeps state while it works
        return str(_STEMMER.stemWord(word))


def content_hash(text: str) -> str:
    """A hash of the normalised text: equal for texts that differ in case, spacing, punctuation."""
    return digest(words(text))


def digest(tokens: list[str]) -> str:
    return hashlib.sha256(" ".join(tokens).encode()).hexdigest()


# --- sentences --------------------------------------------------------------------------

# In edited prose a sentence ends at . ! or ? before a capital, a digit, a quote or a bracket,
# so "e.g. the" and "v2.1 adds" stay whole.
_PROSE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
# People writing tickets and reviews also end a thought with a blank line or a bullet.
_FEEDBACK_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n{2,}|\n(?=[-*•] )")
# Anywhere else: any text after the stop starts a new sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
# ... and while it streams, the citation marks after a stop belong to the sentence before.
# A sentence of a stream ends once the next one has begun: its citation marks ("... . [1]")
# may still be on their way.
_CITED_END = re.compile(r"(?<=[.!?])(?:\s*\[\d{1,2}\])*\s+(?=[^\s\[])")
# A help page's lines (list items, table rows) are places of their own, stop or no stop.
_LINE_OR_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def prose_sentences(text: str) -> list[str]:
    """The sentences of edited prose (a help page's paragraph), unstripped."""
    return _PROSE_END.split(text)


def feedback_sentences(text: str) -> list[str]:
    """The sentences of a ticket, review or chat message; the text itself when none is longer
    than a character."""
    parts = [p.strip() for p in _FEEDBACK_END.split(text.strip())]
    return [p for p in parts if len(p) > 1] or [text.strip() or "."]


def sentences(text: str) -> list[str]:
    """The sentences of a text whose writer may start one with any character: an answer, a
    passage quoted back."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def asking_sentences(text: str) -> list[str]:
    """The sentences of a message that ask (end with a question mark)."""
    return [sentence for sentence in sentences(text) if sentence.endswith("?")]


def streamed_sentences(text: str) -> list[str]:
    """The complete sentences of a streaming answer (each with its citation marks), and last
    the unfinished rest."""
    parts: list[str] = []
    start = 0
    for match in _CITED_END.finditer(text):
        parts.append(text[start : match.start() + len(match.group(0).rstrip())].strip())
        start = match.end()
    parts.append(text[start:])
    return parts


def lines_and_sentences(text: str) -> list[str]:
    """A page's places: its sentences, and its lines whether they end with a stop or not."""
    return [s for s in _LINE_OR_SENTENCE_END.split(text) if s.strip()]
