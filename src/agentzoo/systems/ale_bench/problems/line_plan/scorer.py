"""line_plan scorer: absolute = max(1, revenue − tardiness − σ·setup time); ranked relatively."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentzoo.systems.ale_bench.problem import WrongAnswer

_INT = re.compile(r"-?\d+")


@dataclass
class Instance:
    n_jobs: int
    n_machines: int
    horizon: int
    sigma: int
    speeds: list[int]
    setup: list[list[int]]
    jobs: list[list[int]]  # p, d, v, w, f


def parse_input(text: str) -> Instance:
    v = [int(t) for t in text.split()]
    n_jobs, n_machines, horizon, sigma = v[:4]
    speeds = v[4 : 4 + n_machines]
    pos = 4 + n_machines
    n_fam = v[pos]
    pos += 1
    setup = [v[pos + a * n_fam : pos + (a + 1) * n_fam] for a in range(n_fam)]
    pos += n_fam * n_fam
    jobs = [v[pos + 5 * j : pos + 5 * j + 5] for j in range(n_jobs)]
    return Instance(n_jobs, n_machines, horizon, sigma, speeds, setup, jobs)


def parse_output(text: str, inst: Instance) -> list[list[int]]:
    tokens = text.split()
    for tok in tokens:
        if not _INT.fullmatch(tok):
            raise WrongAnswer(f"{tok[:20]!r} is not an integer")
    values = [int(t) for t in tokens]
    pos, lines = 0, []
    for k in range(inst.n_machines):
        if pos >= len(values):
            raise WrongAnswer(f"output ended early: expected the job count of machine {k + 1}")
        m = values[pos]
        if not 0 <= m <= inst.n_jobs or pos + 1 + m > len(values):
            raise WrongAnswer(f"machine {k + 1}: bad job count {m}")
        lines.append(values[pos + 1 : pos + 1 + m])
        pos += 1 + m
    if pos != len(values):
        raise WrongAnswer(f"{len(values) - pos} unexpected token(s) after the {inst.n_machines} machines")
    return lines


def evaluate(inst: Instance, lines: list[list[int]]) -> tuple[int, int, int, int]:
    """(profit, revenue, tardiness cost, setup cost), checking the output."""
    seen = [False] * (inst.n_jobs + 1)
    revenue = tardiness = setups = 0
    for k, line in enumerate(lines):
        t, family = 0, -1
        for j in line:
            if not 1 <= j <= inst.n_jobs:
                raise WrongAnswer(f"machine {k + 1}: job {j} out of range 1..{inst.n_jobs}")
            if seen[j]:
                raise WrongAnswer(f"job {j} is scheduled twice")
            seen[j] = True
            p, d, v, w, f = inst.jobs[j - 1]
            if family >= 0 and family != f:
                t += inst.setup[family][f]
                setups += inst.setup[family][f]
            family = f
            t += (p * 100 + inst.speeds[k] - 1) // inst.speeds[k]
            if t > inst.horizon:
                raise WrongAnswer(f"machine {k + 1}: job {j} ends at {t} > horizon {inst.horizon}")
            revenue += v
            tardiness += w * max(0, t - d)
    return revenue - tardiness - inst.sigma * setups, revenue, tardiness, inst.sigma * setups


def score(input_str: str, output_str: str) -> tuple[int, str]:
    inst = parse_input(input_str)
    profit, revenue, tardiness, setup_cost = evaluate(inst, parse_output(output_str, inst))
    return max(1, profit), f"revenue {revenue}, tardiness {tardiness}, setups {setup_cost}"
