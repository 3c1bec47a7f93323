"""Language of a visitor message (py3langid ships its model; no download)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# The languages the assistant is expected to meet; a short list keeps short texts accurate.
LANGUAGES = ("en", "de", "fr", "es", "nl", "it", "pt", "pl", "sv", "da")
MIN_CONFIDENCE = 0.8


@lru_cache(maxsize=1)
def _identifier() -> Any:
    import py3langid.langid as langid

    identifier = langid.LanguageIdentifier.from_modelpath(
        langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True
    )
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str, fallback: str = "en") -> str:
    """The message's language, or the fallback when the text is too short to tell."""
    if len(text.split()) < 2:
        return fallback
    language, confidence = _identifier().classify(text)
    return str(language) if confidence >= MIN_CONFIDENCE else fallback
