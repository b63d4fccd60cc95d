"""Bin packing of tool outputs into fixed-capacity System-1 calls (MARS).

Items are token lengths; a packing is a list of bins, each a list of item indices.
:func:`ffd` is First-Fit-Decreasing (Johnson 1973): sort by length, largest first, and put
each item into the first bin with room, else open a new bin. FFD uses at most
``11/9·OPT + 6/9`` bins; like any any-fit rule it never leaves two bins at most half full, so
it also uses at most ``⌊2·Σ/C⌋ + 1`` bins. :func:`next_fit` keeps only the last bin open;
:func:`per_item` gives every item its own bin (the "no packing" ablation). An item longer than
the capacity must be cut first with :func:`split_long`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Packing = list[list[int]]


def _check(lengths: Sequence[int], capacity: int) -> None:
    if capacity < 1:
        raise ValueError(f"capacity must be >= 1, got {capacity}")
    for i, length in enumerate(lengths):
        if length < 0:
            raise ValueError(f"item {i} has negative length {length}")
        if length > capacity:
            raise ValueError(
                f"item {i} has length {length} > capacity {capacity}; cut it with split_long first"
            )


def ffd(lengths: Sequence[int], capacity: int) -> Packing:
    """First-Fit-Decreasing: bins of item indices, no bin over ``capacity``."""
    _check(lengths, capacity)
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    bins: Packing = []
    free: list[int] = []
    for i in order:
        for b, room in enumerate(free):
            if room >= lengths[i]:
                bins[b].append(i)
                free[b] -= lengths[i]
                break
        else:
            bins.append([i])
            free.append(capacity - lengths[i])
    return bins


def next_fit(lengths: Sequence[int], capacity: int) -> Packing:
    """Next-Fit in the given order: only the last bin is open."""
    _check(lengths, capacity)
    bins: Packing = []
    room = 0
    for i, length in enumerate(lengths):
        if bins and length <= room:
            bins[-1].append(i)
            room -= length
        else:
            bins.append([i])
            room = capacity - length
    return bins


def per_item(lengths: Sequence[int], capacity: int) -> Packing:
    """One bin per item (no packing)."""
    _check(lengths, capacity)
    return [[i] for i in range(len(lengths))]


PACKERS: dict[str, Callable[[Sequence[int], int], Packing]] = {
    "ffd": ffd,
    "next_fit": next_fit,
    "per_item": per_item,
}


def pack(lengths: Sequence[int], capacity: int, method: str = "ffd") -> Packing:
    """Pack with the method named ``ffd``, ``next_fit`` or ``per_item``."""
    if method not in PACKERS:
        raise ValueError(f"unknown packing {method!r}; allowed: {', '.join(PACKERS)}")
    return PACKERS[method](lengths, capacity)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def split_long(text: str, capacity: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Cut ``text`` into pieces of at most ``capacity`` tokens, at sentence boundaries where it
    can (reconstructed: the paper does not say what happens to an output longer than C).
    A sentence longer than ``capacity`` is cut between words; a word longer than that is cut
    between characters."""
    if capacity < 1:
        raise ValueError(f"capacity must be >= 1, got {capacity}")
    if count_tokens(text) <= capacity:
        return [text]
    units: list[str] = []
    for sentence in (s for s in _SENTENCE_END.split(text) if s.strip()):
        if count_tokens(sentence) <= capacity:
            units.append(sentence)
            continue
        for word in sentence.split():
            if count_tokens(word) <= capacity:
                units.append(word)
            else:
                units.extend(_cut_chars(word, capacity, count_tokens))
    pieces: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current} {unit}" if current else unit
        if count_tokens(candidate) <= capacity:
            current = candidate
        else:
            if current:
                pieces.append(current)
            current = unit
    if current:
        pieces.append(current)
    return pieces


def _cut_chars(word: str, capacity: int, count_tokens: Callable[[str], int]) -> list[str]:
    out: list[str] = []
    current = ""
    for ch in word:
        if current and count_tokens(current + ch) > capacity:
            out.append(current)
            current = ch
        else:
            current += ch
    if current:
        out.append(current)
    return out
