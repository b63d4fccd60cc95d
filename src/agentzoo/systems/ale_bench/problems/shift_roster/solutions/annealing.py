# shift_roster, simulated annealing (Python): priority-greedy start, then swap two workers' assignments
# on a day or change one assignment, keeping coverage feasible.
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
    n, days = v[0], v[1]
    senior, target, pref = v[2 : 2 + n], v[2 + n : 2 + 2 * n], v[2 + 2 * n : 2 + 3 * n]
    pos = 2 + 3 * n
    needs = [v[pos + 6 * d : pos + 6 * d + 6] for d in range(days)]
    pos += 6 * days
    req = [[False] * days for _ in range(n)]
    for i in range(v[pos]):
        req[v[pos + 1 + 2 * i]][v[pos + 2 + 2 * i]] = True
    limit = float(os.environ.get("AGENTZOO_TIME_LIMIT", "2.0")) * 0.6
    budget = int(os.environ.get("AGENTZOO_ITER_BUDGET", "0"))
    rng = random.Random(int(os.environ.get("AGENTZOO_SEED", "0")))
    grid = [[0] * days for _ in range(n)]  # 0 off, 1 M, 2 E, 3 N; start: the priority greedy
    worked, run = [0] * n, [0] * n
    for d in range(days):
        used = [False] * n
        for s in range(3):

            def priority(w: int, s: int = s, d: int = d) -> int:
                p = 10 * (target[w] - worked[w]) - 100 * req[w][d] + 5 * (pref[w] == s) - 40 * (run[w] >= 5)
                if d > 0 and grid[w][d - 1] == 3 and s != 2:
                    p -= 100
                if s == 0 and d > 0 and grid[w][d - 1] == 2:
                    p -= 50
                return p

            picked = 0
            for quota, only_senior in ((needs[d][2 * s + 1], True), (needs[d][2 * s], False)):
                cands = sorted((w for w in range(n) if not used[w] and (senior[w] or not only_senior)),
                               key=lambda w: (-priority(w), w))
                for w in cands:
                    if picked >= quota:
                        break
                    used[w], grid[w][d] = True, s + 1
                    picked += 1
        for w in range(n):
            worked[w] += used[w]
            run[w] = run[w] + 1 if used[w] else 0

    def rowcost(w: int) -> int:
        r, c, run, worked = grid[w], 0, 0, 0
        for d in range(days):
            if r[d]:
                worked += 1
                run += 1
                c += 6 * req[w][d] + (r[d] != pref[w] + 1)
            else:
                c += 3 * max(0, run - 5)
                run = 0
            if d + 1 < days:
                if r[d] == 3 and r[d + 1] in (1, 2):
                    c += 8
                elif r[d] == 2 and r[d + 1] == 1:
                    c += 4
        return c + 3 * max(0, run - 5) + 2 * abs(worked - target[w])

    cnt = [[0] * 4 for _ in range(days)]
    scnt = [[0] * 4 for _ in range(days)]
    for w in range(n):
        for d in range(days):
            cnt[d][grid[w][d]] += 1
            scnt[d][grid[w][d]] += senior[w]
    rc = [rowcost(w) for w in range(n)]
    cur = sum(rc)
    best, best_grid = cur, [list(r) for r in grid]
    t0, t1, temp, it = 2.0, 0.1, 2.0, 0  # cooler than the C++ version: far fewer iterations
    while True:
        if it % 64 == 0:
            progress = it / budget if budget > 0 else (time.perf_counter() - start) / limit
            if progress >= 1.0 or time.perf_counter() - start > limit * 1.5:  # time guard
                break
            temp = t0 * (t1 / t0) ** progress
        it += 1
        d = rng.randrange(days)
        if rng.random() < 0.5:
            a, b = rng.randrange(n), rng.randrange(n)
            x, y = grid[a][d], grid[b][d]
            if x == y:
                continue
            if senior[a] != senior[b]:
                if x and scnt[d][x] - senior[a] + senior[b] < needs[d][2 * x - 1]:
                    continue
                if y and scnt[d][y] - senior[b] + senior[a] < needs[d][2 * y - 1]:
                    continue
            grid[a][d], grid[b][d] = y, x
            na, nb = rowcost(a), rowcost(b)
            delta = na + nb - rc[a] - rc[b]
            if delta <= 0 or rng.random() < math.exp(-delta / temp):
                rc[a], rc[b] = na, nb
                cur += delta
                scnt[d][x] += senior[b] - senior[a]
                scnt[d][y] += senior[a] - senior[b]
            else:
                grid[a][d], grid[b][d] = x, y
        else:
            w, y = rng.randrange(n), rng.randrange(4)
            x = grid[w][d]
            if x == y:
                continue
            if x and (cnt[d][x] - 1 < needs[d][2 * x - 2] or scnt[d][x] - senior[w] < needs[d][2 * x - 1]):
                continue
            grid[w][d] = y
            nw = rowcost(w)
            delta = nw - rc[w] + 2 * ((y != 0) - (x != 0))
            if delta <= 0 or rng.random() < math.exp(-delta / temp):
                rc[w] = nw
                cur += delta
                cnt[d][x] -= 1
                scnt[d][x] -= senior[w]
                cnt[d][y] += 1
                scnt[d][y] += senior[w]
            else:
                grid[w][d] = x
        if cur < best:
            best, best_grid = cur, [list(r) for r in grid]
    print("\n".join("".join(".MEN"[x] for x in row) for row in best_grid))


main()
