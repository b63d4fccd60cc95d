# shift_roster, greedy: day by day, staff each shift with the workers who most need shifts,
# avoiding requested days off, night-to-morning turns and long runs.
import sys


def main() -> None:
    v = list(map(int, sys.stdin.read().split()))
    n, days = v[0], v[1]
    senior, target, pref = v[2 : 2 + n], v[2 + n : 2 + 2 * n], v[2 + 2 * n : 2 + 3 * n]
    pos = 2 + 3 * n
    needs = [v[pos + 6 * d : pos + 6 * d + 6] for d in range(days)]
    pos += 6 * days
    off = set()
    for i in range(v[pos]):
        off.add((v[pos + 1 + 2 * i], v[pos + 2 + 2 * i]))
    rows = [["."] * days for _ in range(n)]
    worked, run = [0] * n, [0] * n
    for d in range(days):
        used = [False] * n

        def priority(w: int, ch: str, d: int = d) -> int:
            p = 10 * (target[w] - worked[w])
            if (w, d) in off:
                p -= 100
            if d > 0 and rows[w][d - 1] == "N" and ch != "N":
                p -= 100
            if ch == "M" and d > 0 and rows[w][d - 1] == "E":
                p -= 50
            if "MEN"[pref[w]] == ch:
                p += 5
            if run[w] >= 5:
                p -= 40
            return p

        for s, ch in enumerate("MEN"):
            need, need_senior = needs[d][2 * s], needs[d][2 * s + 1]
            picked = 0
            for pool_size, only_senior in ((need_senior, True), (need, False)):
                cands = [w for w in range(n) if not used[w] and (senior[w] or not only_senior)]
                cands.sort(key=lambda w: (-priority(w, ch), w))
                for w in cands:
                    if picked >= pool_size:
                        break
                    used[w], rows[w][d] = True, ch
                    picked += 1
        for w in range(n):
            if used[w]:
                worked[w] += 1
                run[w] += 1
            else:
                run[w] = 0
    print("\n".join("".join(r) for r in rows))


main()
