"""Fixtures of the feedback tests: the packaged sentiment head, and the feedback builders."""

from __future__ import annotations

import pytest
from builders import Items
from sqlalchemy.orm import Session

from feedback.sentiment import HeadSentiment
from ingestion.onnx_embedder import OnnxEmbedder


@pytest.fixture(scope="session")
def head(embedder: OnnxEmbedder) -> HeadSentiment:
    """The packaged sentiment head on the exact embeddings it was trained on."""
    return HeadSentiment(embedder)


@pytest.fixture
def items(session: Session) -> Items:
    return Items(session)
