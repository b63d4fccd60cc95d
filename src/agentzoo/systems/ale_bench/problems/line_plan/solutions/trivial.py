# line_plan, trivial: job j goes to machine j mod K, in index order, if it still fits the horizon.
import sys


def main() -> None:
    v = list(map(int, sys.stdin.read().split()))
    n, k, horizon = v[0], v[1], v[2]
    speeds = v[4 : 4 + k]
    nf = v[4 + k]
    setup = v[5 + k : 5 + k + nf * nf]
    jobs = v[5 + k + nf * nf :]
    t, fam = [0] * k, [-1] * k
    lines: list[list[int]] = [[] for _ in range(k)]
    for j in range(n):
        p, f = jobs[5 * j], jobs[5 * j + 4]
        m = j % k
        end = t[m] + (setup[fam[m] * nf + f] if fam[m] >= 0 else 0) + (p * 100 + speeds[m] - 1) // speeds[m]
        if end <= horizon:
            t[m], fam[m] = end, f
            lines[m].append(j + 1)
    print("\n".join(" ".join(map(str, [len(x), *x])) for x in lines))


main()
