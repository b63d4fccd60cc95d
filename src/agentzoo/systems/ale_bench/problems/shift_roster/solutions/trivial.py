# shift_roster, trivial: each day, fill every shift's seniors then its headcount in index order.
import sys


def main() -> None:
    v = list(map(int, sys.stdin.read().split()))
    n, days = v[0], v[1]
    senior = v[2 : 2 + n]
    pos = 2 + 3 * n  # skip targets and preferences
    rows = [["."] * days for _ in range(n)]
    for d in range(days):
        need = v[pos + 6 * d : pos + 6 * d + 6]
        used = [False] * n
        for s, ch in enumerate("MEN"):
            count = seniors = 0
            for w in range(n):
                if seniors < need[2 * s + 1] and senior[w] and not used[w]:
                    used[w], rows[w][d] = True, ch
                    seniors += 1
                    count += 1
            for w in range(n):
                if count < need[2 * s] and not used[w]:
                    used[w], rows[w][d] = True, ch
                    count += 1
    print("\n".join("".join(r) for r in rows))


main()
