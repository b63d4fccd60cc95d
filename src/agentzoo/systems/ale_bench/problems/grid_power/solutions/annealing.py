# grid_power, simulated annealing (Python): the greedy commitment, then switch a generator on or
# off over a window, re-pricing each commitment with the ramp-aware dispatch.
# Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET (with a guard at 90% of the time limit) and
# AGENTZOO_SEED.
import math
import os
import random
import sys
import time


def main() -> None:
    start = time.perf_counter()
    v = list(map(int, sys.stdin.read().split()))
    n, horizon = v[0], v[1]
    demand = v[2 : 2 + horizon]
    units = [v[2 + horizon + 8 * i : 2 + horizon + 8 * i + 8] for i in range(n)]
    limit = float(os.environ.get("AGENTZOO_TIME_LIMIT", "2.0")) * 0.6
    budget = int(os.environ.get("AGENTZOO_ITER_BUDGET", "0")) // 2000
    rng = random.Random(int(os.environ.get("AGENTZOO_SEED", "0")))
    merit = sorted(range(n), key=lambda g: ((units[g][7] * units[g][1] + units[g][6]) / units[g][1], g))
    bycost = sorted(range(n), key=lambda g: (units[g][7], merit.index(g)))

    def runs(row: list[int]) -> list[tuple[int, int, int]]:
        out, a = [], 0
        while a < horizon:
            b = a
            while b + 1 < horizon and row[b + 1] == row[a]:
                b += 1
            out.append((row[a], a, b))
            a = b + 1
        return out

    def runs_ok(row: list[int], g: int) -> bool:
        for value, a, b in runs(row):
            if value and b < horizon - 1 and b - a + 1 < units[g][3]:
                return False
            if not value and a > 0 and b < horizon - 1 and b - a + 1 < units[g][4]:
                return False
        return True

    def fix(on: list[list[int]]) -> None:
        for g in range(n):
            while not runs_ok(on[g], g):
                for value, a, b in runs(on[g]):
                    if value and b < horizon - 1 and b - a + 1 < units[g][3]:
                        for t in range(a, min(horizon, a + units[g][3])):
                            on[g][t] = 1
                        break
                    if not value and a > 0 and b < horizon - 1 and b - a + 1 < units[g][4]:
                        for t in range(a, b + 1):
                            on[g][t] = 1
                        break

    def dispatch(on: list[list[int]]) -> tuple[int, list[list[int]]]:
        p = [[0] * n for _ in range(horizon)]
        cost = 0
        for t in range(horizon):
            lo, hi = [0] * n, [0] * n
            for g in range(n):
                if on[g][t]:
                    pmin, pmax, ramp, _u, _d, s_cost, f_cost, _c = units[g]
                    if t > 0 and on[g][t - 1]:
                        lo[g], hi[g] = max(pmin, p[t - 1][g] - ramp), min(pmax, p[t - 1][g] + ramp)
                    else:
                        lo[g], hi[g] = pmin, pmax
                        cost += s_cost
                    cost += f_cost
                    p[t][g] = lo[g]
            if sum(hi) < demand[t]:
                return -(t + 1), p
            need = max(demand[t], demand[t + 1] if t + 1 < horizon else 0) - sum(lo)
            for g in bycost:
                if need <= 0:
                    break
                if on[g][t]:
                    add = min(hi[g] - p[t][g], need)
                    p[t][g] += add
                    need -= add
            cost += sum(units[g][7] * p[t][g] for g in range(n))
        return cost, p

    on = [[0] * horizon for _ in range(n)]
    for t in range(horizon):
        cap = 0
        for g in merit:
            if cap * 100 >= demand[t] * 110:
                break
            on[g][t] = 1
            cap += units[g][1]
    fix(on)
    cur, p = dispatch(on)
    for _ in range(n * horizon):
        if cur >= 0:
            break
        pick = next((g for g in merit if not on[g][-cur - 1]), None)
        if pick is None:
            break
        on[pick][-cur - 1] = 1
        fix(on)
        cur, p = dispatch(on)
    if cur < 0:
        print("\n".join(" ".join(str(u[1]) for u in units) for _ in range(horizon)))
        return
    best, best_p = cur, p
    t0, t1, temp, it = 3000.0, 20.0, 3000.0, 0
    while True:
        progress = it / budget if budget > 0 else (time.perf_counter() - start) / limit
        if progress >= 1.0 or time.perf_counter() - start > limit * 1.5:  # time guard
            break
        temp = t0 * (t1 / t0) ** progress
        it += 1
        g, a, length, value = rng.randrange(n), rng.randrange(horizon), rng.randint(1, 12), rng.randrange(2)
        saved = list(on[g])
        for t in range(a, min(horizon, a + length)):
            on[g][t] = value
        if on[g] == saved or not runs_ok(on[g], g):
            on[g] = saved
            continue
        cost, p = dispatch(on)
        if cost < 0:
            on[g] = saved
            continue
        if cost <= cur or rng.random() < math.exp(-(cost - cur) / temp):
            cur = cost
            if cur < best:
                best, best_p = cur, p
        else:
            on[g] = saved
    print("\n".join(" ".join(map(str, row)) for row in best_p))


main()
