# probe_map, simulated annealing (Python): read every cell once, fit deposit layouts to the
# readings by annealing with two restarts, then verify candidates by drilling, and drill around
# readings that prove a deposit is still missing.
# Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET (with a guard at 90% of the time limit) and
# AGENTZOO_SEED.
import math
import os
import random
import sys
import time


def ask(line: str) -> int:
    print(line, flush=True)
    return int(sys.stdin.readline())


def main() -> None:
    start = time.perf_counter()
    n, d, _limit = map(int, sys.stdin.readline().split())
    budget = int(os.environ.get("AGENTZOO_ITER_BUDGET", "0")) // 20
    rng = random.Random(int(os.environ.get("AGENTZOO_SEED", "0")))
    pen = [[0.0] * 12 for _ in range(10)]
    for c in range(10):
        for r in range(12):
            p = (0.85 if r == 0 else 0.15 if r == 1 else 0.0) if c == 0 else (0.7 if r == c else 0.15 if abs(r - c) == 1 else 0.0)
            pen[c][r] = -math.log(p) if p > 0 else 12.0 + 4.0 * abs(r - c)
    readings = [min(11, ask(f"q {c // n} {c % n}")) for c in range(n * n)]
    near = []
    for c in range(n * n):
        x, y = divmod(c, n)
        near.append([a * n + b for a in range(x - 1, x + 2) for b in range(y - 1, y + 2) if 0 <= a < n and 0 <= b < n])
    restarts = 2
    limit = float(os.environ.get("AGENTZOO_TIME_LIMIT", "2.0")) * 0.6 - (time.perf_counter() - start)
    votes = [0] * (n * n)
    for _ in range(restarts):
        t_run = time.perf_counter()
        dep = [False] * (n * n)
        pos: list[int] = []
        while len(pos) < d:
            c = rng.randrange(n * n)
            if not dep[c]:
                dep[c] = True
                pos.append(c)
        cnt = [0] * (n * n)
        for c in pos:
            for a in near[c]:
                cnt[a] += 1
        cur = sum(pen[min(cnt[c], 9)][readings[c]] for c in range(n * n))
        best, best_pos = cur, list(pos)
        it, temp = 0, 2.0
        while True:
            if it % 64 == 0:
                progress = it / (budget / restarts) if budget > 0 else (time.perf_counter() - t_run) / (limit / restarts)
                if progress >= 1.0 or time.perf_counter() - start > limit * 1.5:  # time guard
                    break
                temp = 2.0 * (0.05 / 2.0) ** progress
            it += 1
            i = rng.randrange(d)
            src = pos[i]
            if rng.random() < 0.5:
                x, y = src // n + rng.randint(-1, 1), src % n + rng.randint(-1, 1)
                if not (0 <= x < n and 0 <= y < n):
                    continue
                dst = x * n + y
            else:
                dst = rng.randrange(n * n)
            if dep[dst]:
                continue
            area = set(near[src]) | set(near[dst])
            before = sum(pen[min(cnt[c], 9)][readings[c]] for c in area)
            for a in near[src]:
                cnt[a] -= 1
            for a in near[dst]:
                cnt[a] += 1
            delta = sum(pen[min(cnt[c], 9)][readings[c]] for c in area) - before
            if delta <= 0 or rng.random() < math.exp(-delta / temp):
                dep[src], dep[dst], pos[i] = False, True, dst
                cur += delta
                if cur < best - 1e-9:
                    best, best_pos = cur, list(pos)
            else:
                for a in near[dst]:
                    cnt[a] -= 1
                for a in near[src]:
                    cnt[a] += 1
        for c in best_pos:
            votes[c] += 1
    known = [-1] * (n * n)
    found = 0
    empty_agreed = []
    for want in range(restarts, 0, -1):
        for c in range(n * n):
            if votes[c] == want and found < d:
                known[c] = ask(f"d {c // n} {c % n}")
                found += known[c]
                if not known[c] and want == restarts:
                    empty_agreed.append(c)
    for c in empty_agreed:
        for a in near[c]:
            if found >= d:
                break
            if known[a] < 0:
                known[a] = ask(f"d {a // n} {a % n}")
                found += known[a]
    # a reading r >= 2 means at least r - 1 deposits around the cell (the noise is at most 1):
    # while fewer are known there, drill its unknown neighbours
    changed = True
    while changed and found < d:
        changed = False
        for c in range(n * n):
            if found >= d:
                break
            if readings[c] - 1 > sum(known[a] == 1 for a in near[c]):
                for a in near[c]:
                    if known[a] < 0 and found < d:
                        known[a] = ask(f"d {a // n} {a % n}")
                        found += known[a]
                        changed = True
                        if readings[c] - 1 <= sum(known[b] == 1 for b in near[c]):
                            break
    ans = [c for c in range(n * n) if known[c] == 1]
    print("a", len(ans), " ".join(f"{c // n} {c % n}" for c in ans), flush=True)


main()
