"""line_plan visualiser: a Gantt chart, one row per machine, jobs coloured by family, late jobs outlined red."""

from __future__ import annotations

from agentzoo.systems.ale_bench.problem import WrongAnswer
from agentzoo.systems.ale_bench.vis import PALETTE, Canvas

from .scorer import parse_input, parse_output


def render(input_str: str, output_str: str) -> Canvas:
    inst = parse_input(input_str)
    row_h, width = 24, 800
    scale = (width - 20) / max(1, inst.horizon)
    canvas = Canvas(width, 20 + row_h * inst.n_machines, title="line_plan")
    try:
        lines = parse_output(output_str, inst)
    except WrongAnswer:
        lines = []
    for k, line in enumerate(lines):
        t, family, y = 0, -1, 10 + k * row_h
        for j in line:
            if not 1 <= j <= inst.n_jobs:
                break
            p, d, _v, _w, f = inst.jobs[j - 1]
            if family >= 0 and family != f:
                t += inst.setup[family][f]
            family = f
            start = t
            t += (p * 100 + inst.speeds[k] - 1) // inst.speeds[k]
            canvas.rect(10 + start * scale, y, (t - start) * scale, row_h - 4,
                        fill=PALETTE[1 + f], stroke="#ff0000" if t > d else "#333333")
    canvas.line(10 + inst.horizon * scale, 5, 10 + inst.horizon * scale, canvas.height - 5, stroke="#000000")
    return canvas
