# probe_map, trivial: answer at once with no deposits.
n, d, limit = map(int, input().split())
print("a 0", flush=True)
