"""Both embedding runtimes give the same vectors; the ONNX file is exported once, offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.container import Container
from ingestion.embeddings import SentenceTransformerEmbedder, resolve_model_path
from ingestion.onnx_embedder import OnnxEmbedder, is_mean_pooled
from journey.settings import EmbeddingSettings, Settings

TEXTS = ["How do I set up SAML single sign-on?", "ok", "Refunds " * 300, ""]


def test_onnx_vectors_equal_the_pytorch_ones(embedder: OnnxEmbedder) -> None:
    reference = SentenceTransformerEmbedder("all-MiniLM-L6-v2").embed(TEXTS)
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), embedder.dimensions) == reference.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float((vectors * reference).sum(axis=1).min()) > 0.9999


def test_export_happens_once_into_the_cache(tmp_path: Path) -> None:
    first = OnnxEmbedder("all-MiniLM-L6-v2", tmp_path)
    first.embed(["hello"])
    assert first.file.is_file() and first.file.parent == tmp_path
    stamp = first.file.stat().st_mtime_ns
    OnnxEmbedder("all-MiniLM-L6-v2", tmp_path).embed(["hello again"])
    assert first.file.stat().st_mtime_ns == stamp


def test_the_int8_copy_is_derived_from_the_export_and_stays_close(
    embedder: OnnxEmbedder, analysis_embedder: OnnxEmbedder
) -> None:
    exact = embedder.embed(TEXTS)
    quantized = analysis_embedder.embed(TEXTS)
    assert analysis_embedder.file != embedder.file
    assert analysis_embedder.file.parent == embedder.file.parent
    cosines = (exact * quantized).sum(axis=1)
    assert cosines.min() > 0.9 and cosines.max() < 0.9999  # close, and really quantized


@pytest.mark.parametrize(
    ("runtime", "kind"), [("onnx", OnnxEmbedder), ("torch", SentenceTransformerEmbedder)]
)
def test_the_runtime_setting_picks_the_embedder(tmp_path: Path, runtime: str, kind: type) -> None:
    settings = Settings(data_dir=tmp_path, embeddings=EmbeddingSettings(runtime=runtime))  # type: ignore[arg-type]
    container = Container(settings)
    assert isinstance(container.embedder, kind)
    # Analysis takes the int8 copy of an ONNX model, and the same model otherwise.
    analysis = container.analysis_embedder
    if runtime == "onnx":
        assert isinstance(analysis, OnnxEmbedder) and analysis.file.name.endswith(".int8.onnx")
    else:
        assert analysis is container.embedder
    assert is_mean_pooled(resolve_model_path("all-MiniLM-L6-v2"))


def _embed_once(cache_dir: Path) -> int:
    return OnnxEmbedder("all-MiniLM-L6-v2", cache_dir).dimensions


@pytest.mark.slow
def test_two_processes_exporting_at_once_both_get_the_model(tmp_path: Path) -> None:
    # A server and an eval started together on a fresh data directory: both export the model,
    # and neither may take the other's half-written file away.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        dimensions = list(pool.map(_embed_once, [tmp_path, tmp_path]))
    assert dimensions == [384, 384]
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".partial"] == []
