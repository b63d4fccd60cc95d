"""depot_routes visualiser: customers, the depot, and one coloured polyline per route."""

from __future__ import annotations

from agentzoo.systems.ale_bench.problem import WrongAnswer
from agentzoo.systems.ale_bench.vis import PALETTE, Canvas

from .scorer import parse_input, parse_output


def render(input_str: str, output_str: str) -> Canvas:
    n, k, _q, depot, customers = parse_input(input_str)
    size, scale = 620, 0.6
    canvas = Canvas(size, size, title="depot_routes")

    def at(x: int, y: int) -> tuple[float, float]:
        return 10 + x * scale, 10 + y * scale

    try:
        routes = parse_output(output_str, n, k)
    except WrongAnswer:
        routes = []
    for r, route in enumerate(routes):
        if route:
            pts = [at(*depot)] + [at(*customers[c - 1][:2]) for c in route if 1 <= c <= n] + [at(*depot)]
            canvas.polyline(pts, stroke=PALETTE[1 + r % (len(PALETTE) - 1)], width=1.5)
    for x, y, d in customers:
        cx, cy = at(x, y)
        canvas.circle(cx, cy, 1.5 + d * 0.25, fill="#333333")
    dx, dy = at(*depot)
    canvas.rect(dx - 6, dy - 6, 12, 12, fill="#d00000")
    return canvas
