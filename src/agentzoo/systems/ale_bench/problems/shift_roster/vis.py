"""shift_roster visualiser: the roster as a workers × days grid (M yellow, E orange, N blue),
seniors marked, requested days off outlined red."""

from __future__ import annotations

from agentzoo.systems.ale_bench.problem import WrongAnswer
from agentzoo.systems.ale_bench.vis import Canvas

from .scorer import parse_input, parse_output

COLOURS = {"M": "#ffd84d", "E": "#f58231", "N": "#2f4fa8", ".": "#f2f2f2"}


def render(input_str: str, output_str: str) -> Canvas:
    inst = parse_input(input_str)
    cell = 12
    canvas = Canvas(40 + inst.days * cell, 20 + inst.n * cell, title="shift_roster")
    try:
        rows = parse_output(output_str, inst)
    except WrongAnswer:
        rows = ["." * inst.days] * inst.n
    requested = set(inst.requests)
    for w in range(inst.n):
        if inst.senior[w]:
            canvas.circle(15, 10 + w * cell + cell / 2, 3, fill="#000000")
        for d in range(inst.days):
            canvas.rect(30 + d * cell, 10 + w * cell, cell - 1, cell - 1, fill=COLOURS[rows[w][d]],
                        stroke="#ff0000" if (w, d) in requested else None)
    return canvas
