"""Model catalogues: backbones, task models and their parameter blocks (PBs).

A task model is fine-tuned from a frozen backbone (paper: parameter reusability). Here,
as in the spec, a backbone is split into L = 8 PBs; task j freezes the first f_j of them
(shared by all tasks of that backbone) and owns fine-tuned copies of the rest plus a head.
The catalogues are size-only stand-ins: no weights are shipped or needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agentzoo.config import ConfigError

MB = 1_000_000
L_BLOCKS = 8
# ResNet-50-like stage profile of about 98 MB fp32: stem+stage1, stage2, stage3 in three
# parts, stage4 in three parts (fractions of the backbone's bytes).
CNN_PROFILE = np.array([0.012, 0.05, 0.095, 0.095, 0.095, 0.213, 0.22, 0.22])
CNN_BACKBONE_BYTES = 98 * MB
LLM_BACKBONE_BYTES = 2_000 * MB  # 1B parameters in fp16


@dataclass(frozen=True)
class Catalogue:
    """PBs and the models built from them.

    ``sizes[b]`` is s_b in bytes; ``uses[m, b]`` is True when b ∈ B_m.
    """

    names: tuple[str, ...]
    """Name of each PB (length B)."""
    sizes: np.ndarray
    """s_b in bytes, shape (B,)."""
    uses: np.ndarray
    """Model-PB incidence, bool, shape (M, B)."""
    model_names: tuple[str, ...]
    """Name of each model (length M)."""

    def __post_init__(self) -> None:
        if self.uses.ndim != 2 or self.uses.shape[1] != len(self.sizes):
            raise ValueError(f"uses must be (M, {len(self.sizes)}), got {self.uses.shape}")
        if len(self.names) != len(self.sizes) or len(self.model_names) != self.uses.shape[0]:
            raise ValueError("names/model_names do not match sizes/uses")
        if (self.sizes <= 0).any():
            raise ValueError("every PB size must be > 0")
        if not self.uses.any(axis=1).all():
            raise ValueError("every model must use at least one PB")

    @property
    def n_blocks(self) -> int:
        return len(self.sizes)

    @property
    def n_models(self) -> int:
        return int(self.uses.shape[0])

    @property
    def model_sizes(self) -> np.ndarray:
        """Size of each whole model (its own copy of every PB it uses), shape (M,)."""
        return self.uses.astype(float) @ self.sizes

    @property
    def shared(self) -> np.ndarray:
        """True for reusable PBs (used by more than one model), shape (B,)."""
        return self.uses.sum(axis=0) > 1

    @property
    def dedup_bytes(self) -> float:
        """Size of the whole catalogue with every PB stored once."""
        return float(self.sizes.sum())

    def to_dict(self) -> dict[str, object]:
        return {
            "blocks": [{"name": n, "bytes": int(s)} for n, s in zip(self.names, self.sizes)],
            "models": [
                {"name": m, "blocks": [self.names[b] for b in np.flatnonzero(row)]}
                for m, row in zip(self.model_names, self.uses)
            ],
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2))


def cnn_catalogue(n_backbones: int, tasks_per_backbone: int) -> Catalogue:
    """Backbones of ~98 MB in 8 PBs; task j freezes f_j = 5 + (j mod 3) PBs and has a 1–4 MB head."""
    return _build(n_backbones, tasks_per_backbone, CNN_PROFILE * CNN_BACKBONE_BYTES, llm=False)


def llm_catalogue(n_backbones: int, tasks_per_backbone: int) -> Catalogue:
    """A 2 GB fp16 backbone in 8 equal PBs (all frozen, shared) plus one 20–60 MB LoRA PB per task."""
    sizes = np.full(L_BLOCKS, LLM_BACKBONE_BYTES / L_BLOCKS)
    return _build(n_backbones, tasks_per_backbone, sizes, llm=True)


def _build(n_backbones: int, tasks: int, block_bytes: np.ndarray, llm: bool) -> Catalogue:
    names: list[str] = []
    sizes: list[float] = []
    models: list[tuple[str, list[int]]] = []
    for bb in range(n_backbones):
        frozen = [L_BLOCKS if llm else 5 + (j % 3) for j in range(tasks)]  # f_j
        shared_ids = []
        for i in range(max(frozen)):  # backbone PBs frozen by at least one task: stored once
            names.append(f"bb{bb}.pb{i}")
            sizes.append(float(block_bytes[i]))
            shared_ids.append(len(names) - 1)
        for j in range(tasks):
            own = list(shared_ids[: frozen[j]])
            for i in range(frozen[j], L_BLOCKS):  # fine-tuned copies of the unfrozen PBs
                names.append(f"bb{bb}.t{j}.pb{i}")
                sizes.append(float(block_bytes[i]))
                own.append(len(names) - 1)
            head = (20 + 40 * j / max(tasks - 1, 1)) * MB if llm else (1 + (j % 4)) * MB
            names.append(f"bb{bb}.t{j}.{'lora' if llm else 'head'}")
            sizes.append(head)
            own.append(len(names) - 1)
            models.append((f"bb{bb}.task{j}", own))
    uses = np.zeros((len(models), len(names)), dtype=bool)
    for m, (_, blocks) in enumerate(models):
        uses[m, blocks] = True
    return Catalogue(tuple(names), np.array(sizes), uses, tuple(n for n, _ in models))


def load_catalogue(path: str | Path) -> Catalogue:
    """Read a catalogue saved by :meth:`Catalogue.save`; a bad file raises ConfigError."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
        blocks = data["blocks"]
        index = {b["name"]: i for i, b in enumerate(blocks)}
        sizes = np.array([float(b["bytes"]) for b in blocks])
        uses = np.zeros((len(data["models"]), len(blocks)), dtype=bool)
        for m, model in enumerate(data["models"]):
            uses[m, [index[name] for name in model["blocks"]]] = True
        return Catalogue(
            tuple(index), sizes, uses, tuple(str(m["name"]) for m in data["models"])
        )
    except FileNotFoundError:
        raise ConfigError("catalogue_file", f"no such file: {path}") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError("catalogue_file", f"{path} is not a valid catalogue: {exc!r}") from None


def make_catalogue(
    kind: str, n_backbones: int, tasks_per_backbone: int, path: str | Path | None = None
) -> Catalogue:
    """The catalogue a config asks for."""
    if path is not None:
        return load_catalogue(path)
    if kind == "cnn":
        return cnn_catalogue(n_backbones, tasks_per_backbone)
    if kind == "llm":
        return llm_catalogue(n_backbones, tasks_per_backbone)
    raise ConfigError("catalogue", f"unknown catalogue {kind!r}; allowed: cnn, llm")
