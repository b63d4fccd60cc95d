# probe_map, greedy: read the centre of every 3x3 block (twice if the first reading is 0) and
# drill every cell of the blocks that read positive.
def ask(line: str) -> int:
    print(line, flush=True)
    return int(input())


n, d, limit = map(int, input().split())
found = []
for bx in range(0, n, 3):
    for by in range(0, n, 3):
        cx, cy = min(bx + 1, n - 1), min(by + 1, n - 1)
        r = ask(f"q {cx} {cy}")
        if r == 0:
            r = ask(f"q {cx} {cy}")
        if r > 0:
            for x in range(bx, min(bx + 3, n)):
                for y in range(by, min(by + 3, n)):
                    if ask(f"d {x} {y}"):
                        found.append((x, y))
print("a", len(found), " ".join(f"{x} {y}" for x, y in found), flush=True)
