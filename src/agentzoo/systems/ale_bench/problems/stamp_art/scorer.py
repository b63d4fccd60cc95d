"""stamp_art scorer: score = round(10^6 · matched / (H·W)), rounding half up in integers."""

from __future__ import annotations

import re

from agentzoo.systems.ale_bench.problem import WrongAnswer

_INT = re.compile(r"-?\d+")


def parse_input(text: str) -> tuple[int, int, int, int, list[list[str]], list[str]]:
    lines = text.split("\n")
    h, w, c, m, k = map(int, lines[0].split())
    pos, stamps = 1, []
    for _ in range(m):
        sh, _sw = map(int, lines[pos].split())
        stamps.append(lines[pos + 1 : pos + 1 + sh])
        pos += 1 + sh
    target = lines[pos : pos + h]
    return h, w, c, k, stamps, target


def paint(text: str, h: int, w: int, c: int, k: int, stamps: list[list[str]]) -> list[list[int]]:
    """Apply the output's stamps to an all-zero canvas (raises WrongAnswer for bad output)."""
    tokens = text.split()
    for tok in tokens:
        if not _INT.fullmatch(tok):
            raise WrongAnswer(f"{tok[:20]!r} is not an integer")
    if not tokens:
        raise WrongAnswer("empty output: expected the number of stamps L")
    n = int(tokens[0])
    if not 0 <= n <= k:
        raise WrongAnswer(f"L = {n} is outside 0..{k}")
    if len(tokens) != 1 + 4 * n:
        raise WrongAnswer(f"expected {1 + 4 * n} integers for L = {n}, got {len(tokens)}")
    canvas = [[0] * w for _ in range(h)]
    for i in range(n):
        m, r, col_off, colour = (int(t) for t in tokens[1 + 4 * i : 5 + 4 * i])
        if not 0 <= m < len(stamps):
            raise WrongAnswer(f"stamp {i + 1}: shape {m} out of range 0..{len(stamps) - 1}")
        mask = stamps[m]
        if not (-(len(mask) - 1) <= r <= h - 1 and -(len(mask[0]) - 1) <= col_off <= w - 1):
            raise WrongAnswer(f"stamp {i + 1}: position ({r}, {col_off}) out of range")
        if not 0 <= colour < c:
            raise WrongAnswer(f"stamp {i + 1}: colour {colour} out of range 0..{c - 1}")
        for a, row in enumerate(mask):
            for b, ch in enumerate(row):
                if ch == "#" and 0 <= r + a < h and 0 <= col_off + b < w:
                    canvas[r + a][col_off + b] = colour
    return canvas


def score(input_str: str, output_str: str) -> tuple[int, str]:
    h, w, c, k, stamps, target = parse_input(input_str)
    canvas = paint(output_str, h, w, c, k, stamps)
    matched = sum(1 for i in range(h) for j in range(w) if canvas[i][j] == int(target[i][j]))
    return (2 * 10**6 * matched + h * w) // (2 * h * w), f"matched {matched}/{h * w}"
