"""grid_power scorer: a feasible unit-commitment schedule scores round(10^8 · LB / cost)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentzoo.systems.ale_bench.problem import WrongAnswer

_INT = re.compile(r"-?\d+")


@dataclass
class Instance:
    n: int
    t: int
    demand: list[int]
    units: list[list[int]]  # Pmin Pmax R U Dn S F c
    lb: int


def parse_input(text: str) -> Instance:
    v = [int(x) for x in text.split()]
    n, t = v[0], v[1]
    demand = v[2 : 2 + t]
    units = [v[2 + t + 8 * g : 2 + t + 8 * g + 8] for g in range(n)]
    return Instance(n, t, demand, units, v[2 + t + 8 * n])


def parse_output(text: str, inst: Instance) -> list[list[int]]:
    tokens = text.split()
    if len(tokens) != inst.n * inst.t:
        raise WrongAnswer(f"expected {inst.t} lines of {inst.n} integers, got {len(tokens)} tokens")
    for tok in tokens:
        if not _INT.fullmatch(tok):
            raise WrongAnswer(f"{tok[:20]!r} is not an integer")
    return [[int(tokens[t * inst.n + g]) for g in range(inst.n)] for t in range(inst.t)]


def runs(on: list[bool]) -> list[tuple[bool, int, int]]:
    """Maximal runs (value, first, last) of a boolean sequence."""
    out, start = [], 0
    for i in range(1, len(on) + 1):
        if i == len(on) or on[i] != on[start]:
            out.append((on[start], start, i - 1))
            start = i
    return out


def evaluate(inst: Instance, p: list[list[int]]) -> tuple[int, int, int, int]:
    """(cost, fixed, energy, startup), checking every constraint."""
    fixed = energy = startup = 0
    for g, (pmin, pmax, ramp, up, down, s_cost, f_cost, c) in enumerate(inst.units):
        on = [p[t][g] > 0 for t in range(inst.t)]
        for t in range(inst.t):
            x = p[t][g]
            if x != 0 and not pmin <= x <= pmax:
                raise WrongAnswer(f"interval {t}, generator {g}: output {x} not 0 and not in [{pmin}, {pmax}]")
            if t > 0 and on[t] and on[t - 1] and abs(x - p[t - 1][g]) > ramp:
                raise WrongAnswer(f"interval {t}, generator {g}: ramp {abs(x - p[t - 1][g])} > {ramp}")
            if on[t]:
                fixed += f_cost
                energy += c * x
                if t == 0 or not on[t - 1]:
                    startup += s_cost
        for value, first, last in runs(on):
            length = last - first + 1
            if value and last < inst.t - 1 and length < up:
                raise WrongAnswer(f"generator {g}: on for {length} < {up} intervals from {first}")
            if not value and first > 0 and last < inst.t - 1 and length < down:
                raise WrongAnswer(f"generator {g}: off for {length} < {down} intervals from {first}")
    for t in range(inst.t):
        supply = sum(p[t])
        if supply < inst.demand[t]:
            raise WrongAnswer(f"interval {t}: supply {supply} < demand {inst.demand[t]}")
    return fixed + energy + startup, fixed, energy, startup


def score(input_str: str, output_str: str) -> tuple[int, str]:
    inst = parse_input(input_str)
    cost, fixed, energy, startup = evaluate(inst, parse_output(output_str, inst))
    return (2 * 10**8 * inst.lb + cost) // (2 * cost), f"cost {cost} (fixed {fixed}, energy {energy}, startup {startup}), LB {inst.lb}"
