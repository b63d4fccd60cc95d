# grid_power, greedy: merit-order commitment to 110% of demand, minimum up/down repair, ramp-aware
# dispatch by marginal cost with one interval of look-ahead; start one more generator where
# supply falls short; all-on if still infeasible.
import sys


def read() -> tuple[int, int, list[int], list[list[int]]]:
    v = list(map(int, sys.stdin.read().split()))
    g, t = v[0], v[1]
    return g, t, v[2 : 2 + t], [v[2 + t + 8 * i : 2 + t + 8 * i + 8] for i in range(g)]


def fix_runs(on: list[list[int]], units: list[list[int]], horizon: int) -> None:
    for g, unit in enumerate(units):
        up, down = unit[3], unit[4]
        changed = True
        while changed:
            changed = False
            a = 0
            while a < horizon:
                b = a
                while b + 1 < horizon and on[g][b + 1] == on[g][a]:
                    b += 1
                length = b - a + 1
                if on[g][a] and b < horizon - 1 and length < up:
                    for t in range(a, min(horizon, a + up)):
                        on[g][t] = 1
                    changed = True
                elif not on[g][a] and a > 0 and b < horizon - 1 and length < down:
                    for t in range(a, b + 1):
                        on[g][t] = 1
                    changed = True
                a = b + 1


def dispatch(on: list[list[int]], units: list[list[int]], demand: list[int],
             bycost: list[int]) -> tuple[int, list[list[int]] | None]:
    """(cost, outputs) or (-(t+1), None) when supply cannot reach demand at interval t."""
    n, horizon = len(units), len(demand)
    p = [[0] * n for _ in range(horizon)]
    cost = 0
    for t in range(horizon):
        lo, hi = [0] * n, [0] * n
        for g in range(n):
            if not on[g][t]:
                continue
            pmin, pmax, ramp, _u, _d, s_cost, f_cost, _c = units[g]
            if t > 0 and on[g][t - 1]:
                lo[g], hi[g] = max(pmin, p[t - 1][g] - ramp), min(pmax, p[t - 1][g] + ramp)
            else:
                lo[g], hi[g] = pmin, pmax
                cost += s_cost
            cost += f_cost
            p[t][g] = lo[g]
        if sum(hi) < demand[t]:
            return -(t + 1), None
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


def solve(n: int, horizon: int, demand: list[int], units: list[list[int]],
          margin: int = 110) -> tuple[list[list[int]], list[list[int]], list[int], list[int]]:
    merit = sorted(range(n), key=lambda g: ((units[g][7] * units[g][1] + units[g][6]) / units[g][1], g))
    bycost = sorted(range(n), key=lambda g: (units[g][7], merit.index(g)))
    on = [[0] * horizon for _ in range(n)]
    for t in range(horizon):
        cap = 0
        for g in merit:
            if cap * 100 >= demand[t] * margin:
                break
            on[g][t] = 1
            cap += units[g][1]
    fix_runs(on, units, horizon)
    cost, p = dispatch(on, units, demand, bycost)
    for _ in range(n * horizon):
        if cost >= 0:
            break
        t = -cost - 1
        pick = next((g for g in merit if not on[g][t]), None)
        if pick is None:
            break
        on[pick][t] = 1
        fix_runs(on, units, horizon)
        cost, p = dispatch(on, units, demand, bycost)
    if cost < 0:
        on = [[1] * horizon for _ in range(n)]
        p = [[u[1] for u in units] for _ in range(horizon)]
    assert p is not None
    return on, p, merit, bycost


def main() -> None:
    n, horizon, demand, units = read()
    _on, p, _m, _b = solve(n, horizon, demand, units)
    print("\n".join(" ".join(map(str, row)) for row in p))


if __name__ == "__main__":
    main()
