"""grid_power input generator: generators with limits and costs, a daily demand curve, and the
per-interval LP-relaxation lower bound LB on the cost (PCG32 only; LB in exact rationals)."""

from __future__ import annotations

from fractions import Fraction

from agentzoo.systems.ale_bench.rng import PCG32

STREAM = 0x6A1D
INTERVALS = 96


def lower_bound(demand: list[int], units: list[list[int]]) -> int:
    """Σ_t min cost to serve D_t with on/off relaxed to [0, 1] and Pmin to 0: merit order by
    average cost c + F/Pmax, filled fractionally (startups ignored)."""
    order = sorted(units, key=lambda u: Fraction(u[7] * u[1] + u[6], u[1]))
    total = Fraction(0)
    for d in demand:
        rest = d
        for u in order:
            x = min(u[1], rest)
            total += Fraction(x * (u[7] * u[1] + u[6]), u[1])
            rest -= x
            if rest == 0:
                break
    return int(total)  # floor (total is positive)


def generate(seed: int, **kw: int) -> str:
    rng = PCG32(seed, STREAM)
    n = int(kw.get("G", rng.randint(5, 20)))
    units = []
    for _ in range(n):
        pmax = rng.randint(50, 400)
        pmin = pmax * rng.randint(20, 50) // 100
        ramp = max(1, pmax * rng.randint(15, 60) // 100)
        units.append([pmin, pmax, ramp, rng.randint(1, 8), rng.randint(1, 8),
                      rng.randint(0, 2000), rng.randint(10, 300), rng.randint(5, 60)])
    cap = sum(u[1] for u in units)
    base, peak = cap * rng.randint(25, 40) // 100, cap * rng.randint(55, 75) // 100
    levels = [base + (peak - base) * rng.randint(0, 100) // 100 for _ in range(INTERVALS // 12 + 1)]
    demand = []
    for t in range(INTERVALS):
        i, r = divmod(t, 12)
        d = levels[i] + (levels[i + 1] - levels[i]) * r // 12 + rng.randint(-(cap // 100), cap // 100)
        demand.append(min(cap * 80 // 100, max(1, d)))
    lines = [f"{n} {INTERVALS}", " ".join(map(str, demand))]
    lines += [" ".join(map(str, u)) for u in units]
    lines.append(str(lower_bound(demand, units)))
    return "\n".join(lines) + "\n"
