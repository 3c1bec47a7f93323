"""The composition root builds each backend its settings name, refuses names it does not know,
and takes ready-made backends instead of building them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from app.backends import EMBEDDER_RUNTIMES, GENERATORS, SENTIMENT_MODELS, VECTOR_INDEXES
from app.container import Container
from ingestion.knowledge import KnowledgeBase
from ingestion.onnx_embedder import OnnxEmbedder
from journey.errors import InvalidInput
from journey.settings import GeneratorSettings, Settings


def test_every_name_a_setting_allows_has_a_builder() -> None:
    fields = Settings.model_fields
    allowed = {
        "embeddings.runtime": (fields["embeddings"], "runtime", EMBEDDER_RUNTIMES),
        "generator.backend": (fields["generator"], "backend", GENERATORS),
        "vectors.backend": (fields["vectors"], "backend", VECTOR_INDEXES),
        "analysis.sentiment_model": (fields["analysis"], "sentiment_model", SENTIMENT_MODELS),
    }
    for setting, (field, name, registry) in allowed.items():
        assert field.annotation is not None
        literal = field.annotation.model_fields[name].annotation
        assert set(literal.__args__) == set(registry), setting


def test_an_unknown_backend_is_a_readable_error(tmp_path: Path) -> None:
    # Settings from a file are validated; a backend named past validation still gets a clear
    # message rather than a KeyError.
    settings = Settings(data_dir=tmp_path)
    settings.generator = GeneratorSettings.model_construct(backend="gpt-local")
    with pytest.raises(InvalidInput, match=r"generator\.backend: unknown backend 'gpt-local'"):
        _ = Container(settings).chat_model


def test_a_generator_needs_what_it_names(tmp_path: Path) -> None:
    openai = Settings(data_dir=tmp_path, generator=GeneratorSettings(backend="openai"))
    with pytest.raises(InvalidInput, match=r"generator\.model"):
        _ = Container(openai).chat_model
    assert Container(Settings(data_dir=tmp_path)).chat_model is None  # extractive


@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is not None, reason="extra installed")
def test_a_missing_extra_is_named(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, generator=GeneratorSettings(backend="llamacpp"))
    with pytest.raises(InvalidInput, match=r"pip install 'journey-assistant\[llamacpp\]'"):
        _ = Container(settings).chat_model


def test_overrides_replace_backends_and_stay_open(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    owner = Container(Settings(data_dir=tmp_path), embedder=embedder)
    assert owner.embedder is embedder
    knowledge = owner.knowledge
    borrower = Container(owner.settings, knowledge=knowledge)
    assert borrower.knowledge_sources.knowledge is knowledge
    borrower.close()
    assert knowledge.keywords.count() == 0  # still open: it belongs to the owner
    owner.close()
    with pytest.raises(Exception, match="closed"):
        knowledge.keywords.count()


def test_only_backends_can_be_overridden(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="no backend 'embeder'"):
        Container(Settings(data_dir=tmp_path), embeder=object())
    with pytest.raises(TypeError, match="no backend 'units_of_work'"):
        Container(Settings(data_dir=tmp_path), units_of_work=object())


def test_the_built_knowledge_base_uses_the_embedder(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    container = Container(Settings(data_dir=tmp_path), embedder=embedder)
    assert isinstance(container.knowledge, KnowledgeBase)
    assert container.knowledge.embedder is embedder
    container.close()
