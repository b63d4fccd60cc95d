"""grid_power visualiser: stacked output per interval (one colour per generator) under the demand line."""

from __future__ import annotations

from agentzoo.systems.ale_bench.problem import WrongAnswer
from agentzoo.systems.ale_bench.vis import PALETTE, Canvas

from .scorer import parse_input, parse_output


def render(input_str: str, output_str: str) -> Canvas:
    inst = parse_input(input_str)
    width, height, bar = 20 + 7 * inst.t, 420, 7
    cap = max(1, sum(u[1] for u in inst.units))
    scale = (height - 20) / cap
    canvas = Canvas(width, height, title="grid_power")
    try:
        p = parse_output(output_str, inst)
    except WrongAnswer:
        p = [[0] * inst.n for _ in range(inst.t)]
    for t in range(inst.t):
        y: float = height - 10
        for g in range(inst.n):
            h = p[t][g] * scale
            if h > 0:
                canvas.rect(10 + t * bar, y - h, bar - 1, h, fill=PALETTE[1 + g % (len(PALETTE) - 1)])
                y -= h
    canvas.polyline([(10 + t * bar + bar / 2, height - 10 - d * scale) for t, d in enumerate(inst.demand)],
                    stroke="#000000", width=2)
    return canvas
