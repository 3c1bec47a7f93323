"""Themes: clusters of feedback about one topic, labelled by their most distinctive phrases.

Discovery clusters the topic vectors of every analysed item with k-means (a fixed seed and a
fixed item order, so a re-run on the same data gives the same themes) and labels each cluster
by class-based TF-IDF: the phrases frequent in it and rare in the others. A re-discovery keeps
the id of every theme whose centroid barely moved, so links and counts stay stable. New items
between discoveries join the nearest theme, or none when nothing is close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from wordfreq import top_n_list

from feedback.sentiment import Matrix
from journey.db import utcnow
from journey.models import TextAnalysis, Theme

SEED = 7
Labels = npt.NDArray[np.int_]
MIN_ITEMS = 20  # fewer items than this make no themes worth naming
ASSIGN_MIN_COSINE = 0.35  # a new item this close to a centroid joins its theme
SAME_THEME_COSINE = 0.85  # a re-discovered centroid this close to an old one keeps its id
LABEL_TERMS = 3


@dataclass
class TopicItem:
    analysis_id: int
    text: str
    vector: Matrix


def pack(vector: Matrix) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def unpack(blob: bytes) -> Matrix:
    return np.frombuffer(blob, dtype=np.float16).astype(np.float64)


def choose_k(n: int) -> int:
    """About one theme per 150 items, between 6 and 40: enough to separate the topics a
    support team names, few enough to read on one page."""
    return int(min(40, max(6, round(n / 150)))) if n >= MIN_ITEMS else 0


def cluster(vectors: Matrix, k: int) -> tuple[Matrix, Labels]:
    from sklearn.cluster import KMeans, MiniBatchKMeans

    if len(vectors) > 20_000:  # full k-means gets slow; mini-batches are close enough
        model = MiniBatchKMeans(n_clusters=k, random_state=SEED, n_init=3, batch_size=4096)
    else:
        model = KMeans(n_clusters=k, random_state=SEED, n_init=3)
    labels = model.fit_predict(vectors)
    centroids = model.cluster_centers_
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    return centroids, labels


# The texts come in other languages too, whose small words made labels ("en, el, wir"): their
# hundred commonest words (wordfreq's lists) are no label either.
OTHER_LANGUAGES = ("de", "fr", "es", "nl", "it", "pt")


@cache
def stop_words() -> list[str]:
    """scikit-learn's English stop words and the other languages' commonest words."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    others = {word for language in OTHER_LANGUAGES for word in top_n_list(language, 100)}
    return sorted(ENGLISH_STOP_WORDS | others)


def label_clusters(texts: Sequence[str], labels: Labels, k: int) -> list[list[str]]:
    """Class-based TF-IDF over words and two-word phrases; a word already inside a chosen
    phrase is skipped so a label reads "saml error, certificate expired", not "saml, error"."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(
        ngram_range=(1, 2),
        stop_words=stop_words(),
        min_df=3,
        token_pattern=r"(?u)\b[a-zA-Z][\w-]+\b",
    )
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return [[] for _ in range(k)]
    terms = vectorizer.get_feature_names_out()
    per_cluster = np.vstack(
        [np.asarray(counts[labels == c].sum(axis=0)).ravel() for c in range(k)]
    ).astype(np.float64)
    tf = per_cluster / np.maximum(per_cluster.sum(axis=1, keepdims=True), 1)
    idf = np.log(1 + per_cluster.sum(axis=1).mean() / np.maximum(per_cluster.sum(axis=0), 1))
    scores = tf * idf
    # On a tie the longer phrase goes first: a word seen only inside "saml error" scores the
    # same as the phrase, and choosing the word first would block the phrase.
    words = np.array([term.count(" ") + 1 for term in terms])
    out = []
    for c in range(k):
        chosen: list[str] = []
        for index in np.lexsort((-words, -scores[c])):
            term = str(terms[index])
            if scores[c, index] <= 0 or len(chosen) == LABEL_TERMS:
                break
            if any(term in other or other in term for other in chosen):
                continue
            chosen.append(term)
        out.append(chosen)
    return out


def discover(session: Session, items: Sequence[TopicItem]) -> int:
    """Re-cluster all items; returns the number of active themes."""
    k = choose_k(len(items))
    if k == 0:
        return 0
    ordered = sorted(items, key=lambda item: item.analysis_id)
    vectors = np.vstack([item.vector for item in ordered])
    centroids, labels = cluster(vectors, k)
    names = label_clusters([item.text for item in ordered], labels, k)
    old = list(session.scalars(select(Theme).where(Theme.active)))
    old_centroids = (
        np.asarray([t.centroid for t in old]) if old else np.zeros((0, vectors.shape[1]))
    )
    taken: set[int] = set()
    themes: list[Theme] = []
    for c in range(k):
        theme = None
        if len(old):
            similarity = old_centroids @ centroids[c]
            for index in np.argsort(-similarity):
                if similarity[index] < SAME_THEME_COSINE:
                    break
                if int(index) not in taken:
                    taken.add(int(index))
                    theme = old[int(index)]
                    break
        if theme is None:
            theme = Theme(centroid=[], label="")
            session.add(theme)
        theme.centroid = [round(float(v), 5) for v in centroids[c]]
        theme.terms = names[c]
        theme.label = ", ".join(names[c]) or f"theme {c + 1}"
        theme.size = int((labels == c).sum())
        theme.active = True
        theme.updated_at = utcnow()
        themes.append(theme)
    for index, theme in enumerate(old):
        if index not in taken:
            theme.active = False
            theme.size = 0
    session.flush()
    session.execute(update(TextAnalysis).values(theme_id=None))
    assignments = [
        {"analysis_id": item.analysis_id, "theme": themes[int(label)].id}
        for item, label in zip(ordered, labels, strict=True)
    ]
    _assign(session, assignments)
    return k


def assign_new(session: Session, items: Sequence[TopicItem]) -> int:
    """Attach items to the nearest active theme; returns how many found one."""
    themes = list(session.scalars(select(Theme).where(Theme.active).order_by(Theme.id)))
    if not themes or not items:
        return 0
    centroids = np.asarray([t.centroid for t in themes])
    similarity = np.vstack([item.vector for item in items]) @ centroids.T
    best = similarity.argmax(axis=1)
    assignments = []
    for item, index, row in zip(items, best, similarity, strict=True):
        if row[index] >= ASSIGN_MIN_COSINE:
            assignments.append({"analysis_id": item.analysis_id, "theme": themes[index].id})
            themes[index].size += 1
    _assign(session, assignments)
    return len(assignments)


def _assign(session: Session, assignments: list[dict[str, int]]) -> None:
    if assignments:
        statement = (
            update(TextAnalysis.__table__)  # type: ignore[arg-type]
            .where(TextAnalysis.__table__.c.id == bindparam("analysis_id"))
            .values(theme_id=bindparam("theme"))
        )
        session.execute(statement, assignments)
