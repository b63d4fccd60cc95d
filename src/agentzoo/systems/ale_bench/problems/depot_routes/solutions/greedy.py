# depot_routes, greedy: nearest neighbour, one vehicle after another.
import math
import sys


def main() -> None:
    v = list(map(int, sys.stdin.read().split()))
    n, k, q = v[0], v[1], v[2]
    xs, ys, ds = [v[3]], [v[4]], [0]
    for i in range(n):
        xs.append(v[5 + 3 * i])
        ys.append(v[6 + 3 * i])
        ds.append(v[7 + 3 * i])
    left = set(range(1, n + 1))
    out = []
    for _ in range(k):
        cur, load, route = 0, 0, []
        while True:
            best, bd = -1, math.inf
            for i in left:
                if load + ds[i] > q:
                    continue
                dist = math.hypot(xs[i] - xs[cur], ys[i] - ys[cur])
                if dist < bd or (dist == bd and i < best):
                    best, bd = i, dist
            if best < 0:
                break
            left.discard(best)
            load += ds[best]
            route.append(best)
            cur = best
        out.append(" ".join(map(str, [len(route), *route])))
    print("\n".join(out))


main()
