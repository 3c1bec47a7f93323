"""Exact and near-duplicate texts: the same review posted twice, a ticket sent on two channels.

Texts are compared after normalising case, whitespace and punctuation, as sets of word
3-shingles; two texts are near-duplicates at a Jaccard similarity of 0.9 or more. Candidates
come from a prefix-filter index (two sets that similar must share one of the few first
shingles of each in a fixed order), so checking an item costs a handful of comparisons
instead of one per stored item, and no near pair is missed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from journey.text import digest, words

THRESHOLD = 0.9
SHINGLE = 3
# A short text ("Great tool!") is a copy only when the same person wrote both.
MIN_WORDS = 8


def shingles(tokens: list[str]) -> frozenset[str]:
    if len(tokens) <= SHINGLE:
        return frozenset([" ".join(tokens)])
    return frozenset(" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


@dataclass
class Entry:
    item: Any  # what a later copy links to
    at: datetime
    person: Hashable | None
    digest: str
    shingles: frozenset[str]
    prefix: list[str]
    long: bool


class NearDuplicates:
    """Originals seen so far, found again by exact hash or by shingle similarity.

    `window`: how far apart in time a copy may be; `per_person`: copies only from the same
    person (tickets); `exact_any_time`: an exact copy counts at any distance (reviews).
    """

    def __init__(
        self,
        window: timedelta,
        *,
        per_person: bool = False,
        exact_any_time: bool = False,
        threshold: float = THRESHOLD,
    ) -> None:
        self.window = window
        self.per_person = per_person
        self.exact_any_time = exact_any_time
        self.threshold = threshold
        self._by_digest: dict[tuple[Hashable, str], list[Entry]] = defaultdict(list)
        self._by_prefix: dict[tuple[Hashable, str], list[Entry]] = defaultdict(list)

    def entry(self, item: Any, text: str, at: datetime, person: Hashable | None) -> Entry:
        tokens = words(text)
        found = shingles(tokens)
        # Sets with Jaccard >= t share at least ceil(t * |x|) members, so one of the first
        # |x| - ceil(t * |x|) + 1 members of x, in any fixed order, is in the other set.
        # Any fixed order will do; the index lives for one import, so Python's hash is one.
        ordered = sorted(found, key=hash)
        prefix = ordered[: len(ordered) - math.ceil(self.threshold * len(ordered)) + 1]
        return Entry(item, at, person, digest(tokens), found, prefix, len(tokens) >= MIN_WORDS)

    def add(self, entry: Entry) -> None:
        bucket = self._bucket(entry)
        self._by_digest[bucket, entry.digest].append(entry)
        for shingle in entry.prefix:
            self._by_prefix[bucket, shingle].append(entry)

    def find(self, entry: Entry) -> Entry | None:
        """The earliest original this entry copies, or None."""
        bucket = self._bucket(entry)
        exact = self._by_digest.get((bucket, entry.digest), ())
        found = [e for e in exact if self._may_copy(e, entry, exact=True)]
        if not found:
            seen: set[int] = set()
            for shingle in entry.prefix:
                for other in self._by_prefix.get((bucket, shingle), ()):
                    if id(other) in seen:
                        continue
                    seen.add(id(other))
                    if self._may_copy(other, entry) and self._similar(other, entry):
                        found.append(other)
        return min(found, key=lambda e: e.at, default=None)

    def _bucket(self, entry: Entry) -> Hashable:
        return entry.person if self.per_person else None

    def _may_copy(self, original: Entry, entry: Entry, exact: bool = False) -> bool:
        same_person = entry.person is not None and original.person == entry.person
        if not (same_person or (original.long and entry.long)):
            return False
        return (exact and self.exact_any_time) or abs(entry.at - original.at) <= self.window

    def _similar(self, a: Entry, b: Entry) -> bool:
        small, large = sorted((len(a.shingles), len(b.shingles)))
        return small >= self.threshold * large and jaccard(a.shingles, b.shingles) >= self.threshold
