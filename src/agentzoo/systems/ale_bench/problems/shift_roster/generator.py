"""shift_roster input generator: workers, seniority, daily staffing needs, targets and day-off
requests; every day is coverable by construction (PCG32 only)."""

from __future__ import annotations

from agentzoo.systems.ale_bench.rng import PCG32

STREAM = 0x5F1F7
DAYS = 28


def generate(seed: int, **kw: int) -> str:
    rng = PCG32(seed, STREAM)
    n = int(kw.get("W", rng.randint(20, 60)))
    senior = [1 if rng.below(100) < 35 else 0 for _ in range(n)]
    while sum(senior) < 6:
        senior[rng.below(n)] = 1
    n_senior = sum(senior)
    needs = []
    for d in range(DAYS):
        total = n * rng.randint(45, 65) // 100
        if d % 7 >= 5:
            total = total * 7 // 10
        counts = [max(1, total * 40 // 100), max(1, total * 35 // 100)]
        counts.append(max(1, total - counts[0] - counts[1]))
        seniors = [rng.randint(1, max(1, c // 3)) for c in counts]
        while sum(seniors) > n_senior:
            i = seniors.index(max(seniors))
            seniors[i] -= 1
        needs.append([v for pair in zip(counts, seniors) for v in pair])
    avg = (sum(sum(row[0::2]) for row in needs) + n // 2) // n
    targets = [min(DAYS, max(0, avg + rng.randint(-4, 4))) for _ in range(n)]
    prefs = [rng.below(3) for _ in range(n)]
    requests: list[tuple[int, int]] = []
    seen = set()
    for _ in range(rng.randint(2 * n, 5 * n)):
        pair = (rng.below(n), rng.below(DAYS))
        if pair not in seen:
            seen.add(pair)
            requests.append(pair)
    lines = [f"{n} {DAYS}", " ".join(map(str, senior)), " ".join(map(str, targets)), " ".join(map(str, prefs))]
    lines += [" ".join(map(str, row)) for row in needs]
    lines.append(str(len(requests)))
    lines += [f"{w} {d}" for w, d in requests]
    return "\n".join(lines) + "\n"
