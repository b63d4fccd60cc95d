"""Explicit seeding: every random stream is derived from the run's seed and a name.

``rng(seed, "instances")`` and ``rng(seed, "policy")`` are independent numpy generators
that do not change when another stream draws more numbers; nothing uses global state.
"""

from __future__ import annotations

import hashlib

import numpy as np


def stream_key(*names: object) -> int:
    """A stable 64-bit integer for a tuple of names (not Python's salted ``hash``)."""
    digest = hashlib.sha256("/".join(map(str, names)).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def rng(seed: int, *names: object) -> np.random.Generator:
    """An independent numpy generator for the stream ``names`` of run ``seed``."""
    return np.random.default_rng([int(seed), stream_key(*names)])


def torch_generator(seed: int, *names: object):  # type: ignore[no-untyped-def]
    """A seeded ``torch.Generator`` for the stream ``names`` (imports torch lazily)."""
    import torch

    generator = torch.Generator()
    generator.manual_seed((int(seed) * 1_000_003 + stream_key(*names)) % (2**63))
    return generator
