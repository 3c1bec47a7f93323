"""Language of a visitor message (py3langid ships its model; no download)."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

# The languages the assistant is expected to meet; a short list keeps short texts accurate.
LANGUAGES = ("en", "de", "fr", "es", "nl", "it", "pt", "pl", "sv", "da")
MIN_CONFIDENCE = 0.8


_LOADING = threading.Lock()


def _identifier() -> Any:
    # Loading the model takes a second; a cache alone let every thread of a busy server load
    # its own copy at once (30 threads, 20 seconds each).
    with _LOADING:
        return _load_identifier()


@cache
def _load_identifier() -> Any:
    import py3langid.langid as langid

    identifier = langid.LanguageIdentifier.from_modelpath(
        langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True
    )
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str | None:
    """The message's language, or None when the text is too short to tell."""
    if len(text.split()) < 2:
        return None
    language, confidence = _identifier().classify(text)
    return str(language) if confidence >= MIN_CONFIDENCE else None
