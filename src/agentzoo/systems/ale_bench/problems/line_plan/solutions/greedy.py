# line_plan, greedy: jobs by due date; each goes to the machine where appending it gains most.
import sys


def main() -> None:
    v = list(map(int, sys.stdin.read().split()))
    n, k, horizon, sigma = v[0], v[1], v[2], v[3]
    speeds = v[4 : 4 + k]
    nf = v[4 + k]
    setup = v[5 + k : 5 + k + nf * nf]
    base = 5 + k + nf * nf
    jobs = [v[base + 5 * j : base + 5 * j + 5] for j in range(n)]
    t, fam = [0] * k, [-1] * k
    lines: list[list[int]] = [[] for _ in range(k)]
    for j in sorted(range(n), key=lambda j: (jobs[j][1], j)):
        p, d, val, w, f = jobs[j]
        best, best_m, best_end = 0, -1, 0
        for m in range(k):
            st = setup[fam[m] * nf + f] if fam[m] >= 0 else 0
            end = t[m] + st + (p * 100 + speeds[m] - 1) // speeds[m]
            if end > horizon:
                continue
            gain = val - w * max(0, end - d) - sigma * st
            if gain > best:
                best, best_m, best_end = gain, m, end
        if best_m >= 0:
            t[best_m], fam[best_m] = best_end, f
            lines[best_m].append(j + 1)
    print("\n".join(" ".join(map(str, [len(x), *x])) for x in lines))


main()
