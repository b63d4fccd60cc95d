"""shift_roster scorer: coverage is hard (else WRONG_ANSWER); cost = 1 + weighted soft violations."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from agentzoo.systems.ale_bench.problem import WrongAnswer

SHIFTS = "MEN"
W_OVER, W_REQUEST, W_NIGHT_REST, W_EVENING_REST, W_RUN, W_FAIR, W_PREF = 2, 6, 8, 4, 3, 2, 1
MAX_RUN = 5


@dataclass
class Instance:
    n: int
    days: int
    senior: list[int]
    target: list[int]
    pref: list[int]  # preferred shift 0/1/2 = M/E/N
    needs: list[list[int]]  # per day: n_M s_M n_E s_E n_N s_N
    requests: list[tuple[int, int]]


def parse_input(text: str) -> Instance:
    v = [int(t) for t in text.split()]
    n, days = v[0], v[1]
    senior, target, pref = v[2 : 2 + n], v[2 + n : 2 + 2 * n], v[2 + 2 * n : 2 + 3 * n]
    pos = 2 + 3 * n
    needs = [v[pos + 6 * d : pos + 6 * d + 6] for d in range(days)]
    pos += 6 * days
    p = v[pos]
    requests = [(v[pos + 1 + 2 * i], v[pos + 2 + 2 * i]) for i in range(p)]
    return Instance(n, days, senior, target, pref, needs, requests)


def parse_output(text: str, inst: Instance) -> list[str]:
    rows = text.split()
    if len(rows) != inst.n:
        raise WrongAnswer(f"expected {inst.n} rows (one per worker), got {len(rows)}")
    for w, row in enumerate(rows):
        if len(row) != inst.days or any(ch not in ".MEN" for ch in row):
            raise WrongAnswer(f"row {w + 1}: expected {inst.days} characters from '.MEN', got {row[:40]!r}")
    return rows


def row_cost(row: str, target: int, pref: int, requested: set[int]) -> int:
    cost = W_REQUEST * sum(1 for d in requested if row[d] != ".")
    for a, b in itertools.pairwise(row):
        if a == "N" and b in "ME":
            cost += W_NIGHT_REST
        elif a == "E" and b == "M":
            cost += W_EVENING_REST
    cost += W_PREF * sum(1 for ch in row if ch != "." and ch != SHIFTS[pref])
    run = 0
    for ch in row + ".":
        if ch == ".":
            cost += W_RUN * max(0, run - MAX_RUN)
            run = 0
        else:
            run += 1
    worked = sum(1 for ch in row if ch != ".")
    return cost + W_FAIR * abs(worked - target)


def score(input_str: str, output_str: str) -> tuple[int, str]:
    inst = parse_input(input_str)
    rows = parse_output(output_str, inst)
    over = 0
    for d in range(inst.days):
        for s, ch in enumerate(SHIFTS):
            staff = [w for w in range(inst.n) if rows[w][d] == ch]
            need, need_senior = inst.needs[d][2 * s], inst.needs[d][2 * s + 1]
            seniors = sum(inst.senior[w] for w in staff)
            if len(staff) < need or seniors < need_senior:
                raise WrongAnswer(
                    f"day {d}, shift {ch}: {len(staff)} staff ({seniors} senior), "
                    f"needs {need} ({need_senior} senior)"
                )
            over += len(staff) - need
    requested: list[set[int]] = [set() for _ in range(inst.n)]
    for w, d in inst.requests:
        requested[w].add(d)
    soft = sum(row_cost(rows[w], inst.target[w], inst.pref[w], requested[w]) for w in range(inst.n))
    return 1 + W_OVER * over + soft, f"over-staffing {over}, soft {soft}"
