"""Text helpers shared by every layer: the normalised words of a text and its content hash."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")


def words(text: str) -> list[str]:
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()


def content_hash(text: str) -> str:
    """A hash of the normalised text: equal for texts that differ in case, spacing, punctuation."""
    return digest(words(text))


def digest(tokens: list[str]) -> str:
    return hashlib.sha256(" ".join(tokens).encode()).hexdigest()
