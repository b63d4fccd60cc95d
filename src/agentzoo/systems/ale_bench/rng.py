"""PCG32, the generator every problem uses (O'Neill's reference ``pcg32_random_r``).

Problem generators draw only from :class:`PCG32`, never from numpy's ``Generator`` or
``random``, so that an input is a pure function of its seed on every machine and the C++
twin (``problems/_common/pcg32.hpp``) reproduces the same stream bit for bit.

>>> rng = PCG32(42, 54)  # the reference demo's seeding
>>> [hex(rng.next_u32()) for _ in range(3)]
['0xa15c02b7', '0x7b47f409', '0xba1d3330']
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence
from typing import TypeVar

T = TypeVar("T")

_MASK64 = (1 << 64) - 1
_MASK32 = (1 << 32) - 1
_MULT = 6364136223846793005


class PCG32:
    """PCG-XSH-RR with 64-bit state, seeded like ``pcg32_srandom_r(initstate, initseq)``."""

    __slots__ = ("inc", "state")

    def __init__(self, seed: int, stream: int = 0) -> None:
        self.state = 0
        self.inc = ((int(stream) << 1) | 1) & _MASK64
        self.next_u32()
        self.state = (self.state + (int(seed) & _MASK64)) & _MASK64
        self.next_u32()

    def next_u32(self) -> int:
        """The next 32-bit output (``pcg32_random_r``)."""
        old = self.state
        self.state = (old * _MULT + self.inc) & _MASK64
        xorshifted = (((old >> 18) ^ old) >> 27) & _MASK32
        rot = old >> 59
        return ((xorshifted >> rot) | (xorshifted << ((-rot) & 31))) & _MASK32

    def below(self, bound: int) -> int:
        """Uniform integer in ``[0, bound)`` by PCG's rejection method (threshold 2³² mod bound)."""
        if not 0 < bound <= _MASK32 + 1:
            raise ValueError(f"bound must be in 1..2**32, got {bound}")
        threshold = ((1 << 32) - bound) % bound
        while True:
            r = self.next_u32()
            if r >= threshold:
                return r % bound

    def randint(self, lo: int, hi: int) -> int:
        """Uniform integer in ``[lo, hi]`` (both included)."""
        if hi < lo:
            raise ValueError(f"empty range [{lo}, {hi}]")
        return lo + self.below(hi - lo + 1)

    def random(self) -> float:
        """A double in ``[0, 1)`` with 32 bits of resolution (``next_u32() / 2³²``)."""
        return self.next_u32() / 4294967296.0

    def choice(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def shuffle(self, items: MutableSequence[T]) -> None:
        """Fisher-Yates from the back, drawing ``below(i + 1)`` for ``i = n-1 .. 1``."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
