# depot_routes, trivial: first fit in index order; each route visits its customers by index.
import sys


def main() -> None:
    v = list(map(int, sys.stdin.read().split()))
    n, k, q = v[0], v[1], v[2]
    demand = [v[7 + 3 * i] for i in range(n)]
    routes: list[list[int]] = [[] for _ in range(k)]
    load = [0] * k
    for i in range(n):
        for r in range(k):
            if load[r] + demand[i] <= q:
                load[r] += demand[i]
                routes[r].append(i + 1)
                break
    print("\n".join(" ".join(map(str, [len(r), *r])) for r in routes))


main()
