"""depot_routes scorer: cost = ceil(total route length) + 10^4 per unserved customer."""

from __future__ import annotations

import math
import re

from agentzoo.systems.ale_bench.problem import WrongAnswer

UNSERVED_COST = 10_000
_INT = re.compile(r"-?\d+")


def parse_input(text: str) -> tuple[int, int, int, tuple[int, int], list[tuple[int, int, int]]]:
    v = [int(t) for t in text.split()]
    n, k, q = v[0], v[1], v[2]
    depot = (v[3], v[4])
    customers = [(v[5 + 3 * i], v[6 + 3 * i], v[7 + 3 * i]) for i in range(n)]
    return n, k, q, depot, customers


def parse_output(text: str, n: int, k: int) -> list[list[int]]:
    tokens = text.split()
    pos = 0

    def take(what: str) -> int:
        nonlocal pos
        if pos >= len(tokens):
            raise WrongAnswer(f"output ended early: expected {what}")
        tok = tokens[pos]
        pos += 1
        if not _INT.fullmatch(tok):
            raise WrongAnswer(f"{what}: {tok[:20]!r} is not an integer")
        return int(tok)

    routes = []
    for r in range(k):
        m = take(f"the length of route {r + 1}")
        if not 0 <= m <= n:
            raise WrongAnswer(f"route {r + 1}: length {m} out of range 0..{n}")
        routes.append([take(f"customer {i + 1} of route {r + 1}") for i in range(m)])
    if pos != len(tokens):
        raise WrongAnswer(f"{len(tokens) - pos} unexpected token(s) after the {k} routes")
    return routes


def route_length(route: list[int], depot: tuple[int, int], customers: list[tuple[int, int, int]]) -> float:
    length = 0.0
    px, py = depot
    for c in route:
        x, y, _ = customers[c - 1]
        length += math.sqrt(float((x - px) ** 2 + (y - py) ** 2))
        px, py = x, y
    if route:
        length += math.sqrt(float((depot[0] - px) ** 2 + (depot[1] - py) ** 2))
    return length


def score(input_str: str, output_str: str) -> tuple[int, str]:
    n, k, q, depot, customers = parse_input(input_str)
    routes = parse_output(output_str, n, k)
    seen = [False] * (n + 1)
    total = 0.0
    for r, route in enumerate(routes):
        load = 0
        for c in route:
            if not 1 <= c <= n:
                raise WrongAnswer(f"route {r + 1}: customer {c} out of range 1..{n}")
            if seen[c]:
                raise WrongAnswer(f"customer {c} is visited twice")
            seen[c] = True
            load += customers[c - 1][2]
        if load > q:
            raise WrongAnswer(f"route {r + 1}: load {load} exceeds capacity {q}")
        total += route_length(route, depot, customers)
    unserved = n - sum(seen)
    cost = math.ceil(total) + UNSERVED_COST * unserved
    return cost, f"length {total:.2f}, unserved {unserved}"
