# depot_routes, simulated annealing (Python): sweep start, then 2-opt, relocate and swap moves.
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
    n, k, q = v[0], v[1], v[2]
    xs, ys, ds = [v[3]], [v[4]], [0]
    for i in range(n):
        xs.append(v[5 + 3 * i])
        ys.append(v[6 + 3 * i])
        ds.append(v[7 + 3 * i])
    limit = float(os.environ.get("AGENTZOO_TIME_LIMIT", "2.0")) * 0.6
    budget = int(os.environ.get("AGENTZOO_ITER_BUDGET", "0"))
    rng = random.Random(int(os.environ.get("AGENTZOO_SEED", "0")))
    dist = [[math.hypot(xs[a] - xs[b], ys[a] - ys[b]) for b in range(n + 1)] for a in range(n + 1)]
    order = sorted(range(1, n + 1), key=lambda c: math.atan2(ys[c] - ys[0], xs[c] - xs[0]))
    routes: list[list[int]] = [[] for _ in range(k)]
    load = [0] * k
    unserved = []
    r = 0
    for c in order:
        while r < k and load[r] + ds[c] > q:
            r += 1
        if r < k:
            routes[r].append(c)
            load[r] += ds[c]
        else:
            unserved.append(c)
    # unserved customers stay unserved (each costs 10^4); insertion is left to the C++ version

    def node(route: list[int], i: int) -> int:
        return route[i] if 0 <= i < len(route) else 0

    t0, t1, temp, progress = 60.0, 0.3, 60.0, 0.0
    it = 0
    while True:
        if it % 64 == 0:
            progress = it / budget if budget > 0 else (time.perf_counter() - start) / limit
            if progress >= 1.0 or time.perf_counter() - start > limit * 1.5:  # time guard
                break
            temp = t0 * (t1 / t0) ** progress
        it += 1
        mv = rng.random()
        if mv < 0.45:
            route = routes[rng.randrange(k)]
            m = len(route)
            if m < 2:
                continue
            i, j = sorted(rng.sample(range(m), 2))
            a, b = node(route, i - 1), node(route, j + 1)
            delta = dist[a][route[j]] + dist[route[i]][b] - dist[a][route[i]] - dist[route[j]][b]
            if delta <= 0 or rng.random() < math.exp(-delta / temp):
                route[i : j + 1] = route[i : j + 1][::-1]
        elif mv < 0.8:
            r1, r2 = rng.randrange(k), rng.randrange(k)
            src, dst = routes[r1], routes[r2]
            if not src:
                continue
            i = rng.randrange(len(src))
            c = src[i]
            if r1 != r2 and load[r2] + ds[c] > q:
                continue
            a, b = node(src, i - 1), node(src, i + 1)
            rem = dist[a][b] - dist[a][c] - dist[c][b]
            src.pop(i)
            pos = rng.randrange(len(dst) + 1)
            a, b = node(dst, pos - 1), node(dst, pos)
            delta = rem + dist[a][c] + dist[c][b] - dist[a][b]
            if delta <= 0 or rng.random() < math.exp(-delta / temp):
                dst.insert(pos, c)
                load[r1] -= ds[c]
                load[r2] += ds[c]
            else:
                src.insert(i, c)
        else:
            r1, r2 = rng.randrange(k), rng.randrange(k)
            x, y = routes[r1], routes[r2]
            if r1 == r2 or not x or not y:
                continue
            i, j = rng.randrange(len(x)), rng.randrange(len(y))
            a, b = x[i], y[j]
            if load[r1] - ds[a] + ds[b] > q or load[r2] - ds[b] + ds[a] > q:
                continue
            p1, n1, p2, n2 = node(x, i - 1), node(x, i + 1), node(y, j - 1), node(y, j + 1)
            delta = (dist[p1][b] + dist[b][n1] - dist[p1][a] - dist[a][n1]
                     + dist[p2][a] + dist[a][n2] - dist[p2][b] - dist[b][n2])
            if delta <= 0 or rng.random() < math.exp(-delta / temp):
                x[i], y[j] = b, a
                load[r1] += ds[b] - ds[a]
                load[r2] += ds[a] - ds[b]
    print("\n".join(" ".join(map(str, [len(r), *r])) for r in routes))


main()
