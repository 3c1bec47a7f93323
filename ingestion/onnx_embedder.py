"""The same sentence-transformers model run by ONNX Runtime: identical vectors (cosine 1.000
to the PyTorch ones), about twice as fast on CPU.

The model is exported once, from the installed package, into the data directory (no download);
later starts load the exported file and the tokenizer only. Only mean-pooling models (the
MiniLM family) are exported; for anything else `build_embedder` keeps PyTorch.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ingestion.embeddings import Vectors, resolve_model_path

MAX_TOKENS = 256  # the model's own window (all-MiniLM-L6-v2 max_seq_length)
# What every embedder of the process shares, done by one thread at a time: the exported model
# (the int8 copy is made from it), and transformers' lazy imports, which fail when two threads
# import the tokenizer at once (the server's first answer and first analysis did). The int8
# copy is made outside it: that takes seconds, and answers must not wait for it.
_SHARED = threading.Lock()


class OnnxEmbedder:
    """`quantized`: int8 weights, derived from the exported model. Twice as fast, vectors at
    cosine ~0.98 to the exact ones: for feedback analysis, where the sentiment head scored the
    same on every eval set; retrieval keeps the exact vectors its index was built with."""

    def __init__(
        self, name: str, cache_dir: Path, batch_size: int = 64, quantized: bool = False
    ) -> None:
        self.name = name
        self.batch_size = batch_size
        self.path = resolve_model_path(name)
        digest = hashlib.sha256(str(self.path.resolve()).encode()).hexdigest()[:12]
        self.exact_file = cache_dir / f"{self.path.name}-{digest}.onnx"
        self.file = self.exact_file.with_suffix(".int8.onnx") if quantized else self.exact_file
        self._session: Any = None
        self._tokenizer: Any = None
        self._dimensions = 0
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import onnxruntime

            with _SHARED:
                from transformers import AutoTokenizer

                if not self.exact_file.is_file():
                    export(self.path, self.exact_file)
                tokenizer = AutoTokenizer.from_pretrained(str(self.path))
            if not self.file.is_file():
                quantize(self.exact_file, self.file)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = os.cpu_count() or 1
            options.log_severity_level = 3
            self._session = onnxruntime.InferenceSession(
                str(self.file), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = tokenizer
            self._dimensions = int(self._session.get_outputs()[0].shape[1])

    @property
    def dimensions(self) -> int:
        self._load()
        return self._dimensions

    def embed(self, texts: list[str]) -> Vectors:
        self._load()
        out = np.zeros((len(texts), self._dimensions), dtype=np.float32)
        if not texts:
            return out
        ids = self._tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        # The model's cost is its padded tokens: batches of equal token counts waste none
        # (sorting by characters left a third of short sentences' tokens as padding).
        order = np.argsort([len(row) for row in ids], kind="stable")
        for start in range(0, len(texts), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(ids[i]) for i in rows)
            input_ids = np.full((len(rows), width), self._tokenizer.pad_token_id or 0, np.int64)
            attention_mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, i in enumerate(rows):
                input_ids[j, : len(ids[i])] = ids[i]
                attention_mask[j, : len(ids[i])] = 1
            feed = {"input_ids": input_ids, "attention_mask": attention_mask}
            out[rows] = self._session.run(None, feed)[0]
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def is_mean_pooled(path: Path) -> bool:
    config = path / "1_Pooling" / "config.json"
    if not config.is_file():
        return False
    pooling = json.loads(config.read_text())
    return bool(pooling.get("pooling_mode_mean_tokens")) and not any(
        pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens")
    )


def export(model_path: Path, target: Path) -> None:
    """Trace the transformer with mean pooling into an ONNX file (written atomically)."""
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    class MeanPooled(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    model = MeanPooled(AutoModel.from_pretrained(str(model_path))).eval()
    sample = AutoTokenizer.from_pretrained(str(model_path))(["a sample"], return_tensors="pt")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(target)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about shapes, harmless here
        torch.onnx.export(
            model,
            (sample["input_ids"], sample["attention_mask"]),
            str(partial),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    partial.replace(target)


def quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization, per output channel (per tensor lost up to 0.3 of cosine on
    short sentences such as "Thank you!")."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = _partial(target)
    quantize_dynamic(
        source,
        partial,
        weight_type=QuantType.QInt8,
        per_channel=True,
        # The exporter leaves some intermediate types to inference, which does not reach them.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    partial.replace(target)


def _partial(target: Path) -> Path:
    """Where a file is written before it is moved into place: one per process, so two that
    start at once (a server and an eval on a fresh data directory) do not write into each
    other's file."""
    return target.with_suffix(f".{os.getpid()}.partial")
