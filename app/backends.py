"""The backends the settings can name, one registry per kind: `{name: builder}`.

A builder imports its heavy dependency itself, so naming a backend costs nothing until it is
built, and an optional one that is not installed says which extra to install. A new backend is
one builder and one entry here (and the name in the setting's `Literal`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from journey.errors import InvalidInput
from journey.settings import GeneratorSettings, Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from feedback.sentiment import HeadSentiment
    from ingestion.embeddings import Embedder
    from ingestion.vector_index import VectorIndex

Builder = TypeVar("Builder", bound=Callable[..., Any])


def require(module: str, setting: str, extra: str) -> None:
    """Refuse a backend whose package is missing, naming the extra that brings it."""
    if importlib.util.find_spec(module) is None:
        raise InvalidInput(
            f"{setting} needs the {extra!r} extra: pip install 'journey-assistant[{extra}]'"
        )


# --- embedder runtimes -------------------------------------------------------------------


def onnx_embedder(settings: Settings) -> Embedder:
    """The ONNX runtime: the same vectors about twice as fast, for mean-pooling models; other
    models fall back to PyTorch."""
    from ingestion.embeddings import resolve_model_path
    from ingestion.onnx_embedder import OnnxEmbedder, is_mean_pooled

    config = settings.embeddings
    if not is_mean_pooled(resolve_model_path(config.model)):
        return torch_embedder(settings)
    return OnnxEmbedder(config.model, settings.data_dir / "models", batch_size=config.batch_size)


def torch_embedder(settings: Settings) -> Embedder:
    from ingestion.embeddings import SentenceTransformerEmbedder

    config = settings.embeddings
    return SentenceTransformerEmbedder(config.model, batch_size=config.batch_size)


EMBEDDER_RUNTIMES: dict[str, Callable[[Settings], Embedder]] = {
    "onnx": onnx_embedder,
    "torch": torch_embedder,
}


# --- answer generators -------------------------------------------------------------------


def extractive_generator(settings: GeneratorSettings) -> BaseChatModel | None:
    """No model: answers are the retrieved passages' own best sentences."""
    return None


def openai_generator(settings: GeneratorSettings) -> BaseChatModel | None:
    """Any OpenAI-compatible endpoint: OpenAI itself, vLLM, Ollama, a llama.cpp server."""
    if not settings.model:
        raise InvalidInput("generator.model: name the model served at generator.base_url")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key or "not-needed",  # local servers accept any key
        temperature=0,
        timeout=settings.timeout_seconds,
        max_retries=1,
        # llama.cpp servers ignore max_completion_tokens; max_tokens works everywhere.
        extra_body={"max_tokens": settings.max_tokens},
    )


def llamacpp_generator(settings: GeneratorSettings) -> BaseChatModel | None:
    """A local GGUF file, in process."""
    require("llama_cpp", "generator.backend 'llamacpp'", "llamacpp")
    if not settings.model_path:
        raise InvalidInput("generator.model_path: point it at a GGUF file")
    from assistant.llamacpp import LlamaCppChatModel

    return LlamaCppChatModel.from_path(settings.model_path, max_tokens=settings.max_tokens)


GENERATORS: dict[str, Callable[[GeneratorSettings], BaseChatModel | None]] = {
    "extractive": extractive_generator,
    "openai": openai_generator,
    "llamacpp": llamacpp_generator,
}


# --- vector indexes ----------------------------------------------------------------------


def chroma_index(settings: Settings, collection: str, embedder: Embedder) -> VectorIndex:
    """A local Chroma directory, or a Chroma server when `vectors.server_url` is set."""
    from ingestion.vector_index import ChromaIndex

    return ChromaIndex(
        collection, embedder, path=settings.chroma_dir, server_url=settings.vectors.server_url
    )


VECTOR_INDEXES: dict[str, Callable[[Settings, str, Embedder], VectorIndex]] = {
    "chroma": chroma_index,
}


# --- sentiment models --------------------------------------------------------------------


def head_sentiment(settings: Settings, embedder: Embedder) -> HeadSentiment:
    """A linear head on the embeddings and VADER's scores: the packaged one, or one trained
    with `journey train sentiment`."""
    from feedback.sentiment import HeadSentiment

    return HeadSentiment(embedder, settings.analysis.sentiment_head)


SENTIMENT_MODELS: dict[str, Callable[[Settings, Embedder], HeadSentiment]] = {
    "head": head_sentiment,
}


def builder(registry: dict[str, Builder], setting: str, name: str) -> Builder:
    """The builder a setting names, or a readable error listing the ones there are."""
    try:
        return registry[name]
    except KeyError:
        known = ", ".join(repr(n) for n in registry)
        raise InvalidInput(f"{setting}: unknown backend {name!r}; one of {known}") from None
