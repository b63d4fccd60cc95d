"""probe_map visualiser: the field with true deposits (dark), readings (shade), drills (crosses)
and the answer (rings: green correct, red false)."""

from __future__ import annotations

from agentzoo.systems.ale_bench.vis import Canvas


def render(input_str: str, output_str: str) -> Canvas:
    v = [int(t) for t in input_str.split()]
    n, d = v[0], v[1]
    deposits = {(v[4 + 2 * i], v[5 + 2 * i]) for i in range(d)}
    cell = max(8, 600 // n)
    canvas = Canvas(20 + n * cell, 20 + n * cell, title="probe_map")
    queried, drilled, answer = set(), set(), set()
    for line in output_str.splitlines():
        parts = line.split()
        try:
            if parts[:1] == ["q"]:
                queried.add((int(parts[1]), int(parts[2])))
            elif parts[:1] == ["d"]:
                drilled.add((int(parts[1]), int(parts[2])))
            elif parts[:1] == ["a"]:
                answer = {(int(parts[2 + 2 * i]), int(parts[3 + 2 * i])) for i in range(int(parts[1]))}
        except (IndexError, ValueError):
            continue
    for x in range(n):
        for y in range(n):
            fill = "#333333" if (x, y) in deposits else ("#cfe3ff" if (x, y) in queried else "#f7f7f7")
            canvas.rect(10 + y * cell, 10 + x * cell, cell - 1, cell - 1, fill=fill)
            cx, cy = 10 + y * cell + cell / 2, 10 + x * cell + cell / 2
            if (x, y) in drilled:
                canvas.line(cx - cell / 3, cy - cell / 3, cx + cell / 3, cy + cell / 3, stroke="#f58231", width=2)
                canvas.line(cx - cell / 3, cy + cell / 3, cx + cell / 3, cy - cell / 3, stroke="#f58231", width=2)
            if (x, y) in answer:
                canvas.circle(cx, cy, cell / 2.5, stroke="#2ca02c" if (x, y) in deposits else "#d62728", width=2)
    return canvas
