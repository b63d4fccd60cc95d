# line_plan, simulated annealing (Python): due-date greedy start, then insert, remove and move
# jobs. Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET and AGENTZOO_SEED.
import math
import os
import random
import sys
import time


def main() -> None:
    start = time.perf_counter()
    v = list(map(int, sys.stdin.read().split()))
    n, k, horizon, sigma = v[0], v[1], v[2], v[3]
    speeds = v[4 : 4 + k]
    nf = v[4 + k]
    setup = v[5 + k : 5 + k + nf * nf]
    base = 5 + k + nf * nf
    jobs = [v[base + 5 * j : base + 5 * j + 5] for j in range(n)]
    pt = [[(jobs[j][0] * 100 + speeds[m] - 1) // speeds[m] for m in range(k)] for j in range(n)]
    limit = float(os.environ.get("AGENTZOO_TIME_LIMIT", "2.0")) * 0.6
    budget = int(os.environ.get("AGENTZOO_ITER_BUDGET", "0"))
    rng = random.Random(int(os.environ.get("AGENTZOO_SEED", "0")))

    def evaluate(m: int, seq: list[int]) -> int | None:
        t, fam, profit = 0, -1, 0
        for j in seq:
            _p, d, val, w, f = jobs[j]
            if fam >= 0 and fam != f:
                t += setup[fam * nf + f]
                profit -= sigma * setup[fam * nf + f]
            fam = f
            t += pt[j][m]
            if t > horizon:
                return None
            profit += val - w * max(0, t - d)
        return profit

    lines: list[list[int]] = [[] for _ in range(k)]
    t, fam = [0] * k, [-1] * k
    out = []
    for j in sorted(range(n), key=lambda j: (jobs[j][1], j)):
        _p, d, val, w, f = jobs[j]
        best, best_m, best_end = 0, -1, 0
        for m in range(k):
            st = setup[fam[m] * nf + f] if fam[m] >= 0 else 0
            end = t[m] + st + pt[j][m]
            if end <= horizon and val - w * max(0, end - d) - sigma * st > best:
                best, best_m, best_end = val - w * max(0, end - d) - sigma * st, m, end
        if best_m >= 0:
            t[best_m], fam[best_m] = best_end, f
            lines[best_m].append(j)
        else:
            out.append(j)
    values = [evaluate(m, lines[m]) or 0 for m in range(k)]
    cur = best_total = sum(values)
    best_lines = [list(x) for x in lines]
    t0, t1, temp, it = 40.0, 0.5, 40.0, 0
    while True:
        if it % 64 == 0:
            progress = it / budget if budget > 0 else (time.perf_counter() - start) / limit
            if progress >= 1.0 or time.perf_counter() - start > limit * 1.5:  # time guard
                break
            temp = t0 * (t1 / t0) ** progress
        it += 1
        mv = rng.random()
        if mv < 0.3 and out:
            oi, m = rng.randrange(len(out)), rng.randrange(k)
            seq = list(lines[m])
            seq.insert(rng.randrange(len(seq) + 1), out[oi])
            nv = evaluate(m, seq)
            if nv is None:
                continue
            delta = nv - values[m]
            if delta >= 0 or rng.random() < math.exp(delta / temp):
                lines[m], values[m] = seq, nv
                cur += delta
                out[oi] = out[-1]
                out.pop()
        elif mv < 0.4:
            m = rng.randrange(k)
            if not lines[m]:
                continue
            seq = list(lines[m])
            j = seq.pop(rng.randrange(len(seq)))
            nv = evaluate(m, seq) or 0
            delta = nv - values[m]
            if delta >= 0 or rng.random() < math.exp(delta / temp):
                lines[m], values[m] = seq, nv
                cur += delta
                out.append(j)
        else:
            m1, m2 = rng.randrange(k), rng.randrange(k)
            if not lines[m1]:
                continue
            a = list(lines[m1])
            j = a.pop(rng.randrange(len(a)))
            b = a if m1 == m2 else list(lines[m2])
            b.insert(rng.randrange(len(b) + 1), j)
            nb = evaluate(m2, b)
            na = nb if m1 == m2 else evaluate(m1, a)
            if na is None or nb is None:
                continue
            delta = nb - values[m1] if m1 == m2 else na + nb - values[m1] - values[m2]
            if delta >= 0 or rng.random() < math.exp(delta / temp):
                lines[m1], values[m1] = a, na
                lines[m2], values[m2] = b, nb
                cur += delta
        if cur > best_total:
            best_total, best_lines = cur, [list(x) for x in lines]
    print("\n".join(" ".join(map(str, [len(x), *[j + 1 for j in x]])) for x in best_lines))


main()
