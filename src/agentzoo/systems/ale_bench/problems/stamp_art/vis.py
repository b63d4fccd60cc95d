"""stamp_art visualiser: the target (left) and the painted canvas (right), mismatches outlined."""

from __future__ import annotations

from agentzoo.systems.ale_bench.problem import WrongAnswer
from agentzoo.systems.ale_bench.vis import PALETTE, Canvas

from .scorer import paint, parse_input


def render(input_str: str, output_str: str) -> Canvas:
    h, w, c, k, stamps, target = parse_input(input_str)
    cell = max(4, min(10, 600 // max(h, w)))
    canvas = Canvas(2 * w * cell + 30, h * cell + 20, title="stamp_art")
    try:
        painted = paint(output_str, h, w, c, k, stamps)
    except WrongAnswer:
        painted = [[0] * w for _ in range(h)]
    for i in range(h):
        for j in range(w):
            t = int(target[i][j])
            canvas.rect(10 + j * cell, 10 + i * cell, cell, cell, fill=PALETTE[1 + t])
            x = 20 + (w + j) * cell
            canvas.rect(x, 10 + i * cell, cell, cell, fill=PALETTE[1 + painted[i][j]],
                        stroke="#000000" if painted[i][j] != t else None)
    return canvas
