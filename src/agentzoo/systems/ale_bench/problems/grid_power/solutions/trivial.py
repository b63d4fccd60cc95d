# grid_power, trivial: every generator on at Pmax in every interval.
import sys

v = list(map(int, sys.stdin.read().split()))
g, t = v[0], v[1]
pmax = [v[2 + t + 8 * i + 1] for i in range(g)]
print("\n".join(" ".join(map(str, pmax)) for _ in range(t)))
