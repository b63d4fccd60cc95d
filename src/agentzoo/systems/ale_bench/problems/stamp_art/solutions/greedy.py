# stamp_art, greedy: scan cells in raster order; at each wrong cell, try every shape with its
# first inked cell on it in the target colour, and keep the best positive gain.
import sys


def main() -> None:
    lines = sys.stdin.read().split("\n")
    h, w, _c, m, k = map(int, lines[0].split())
    pos, shapes, firsts = 1, [], []
    for _ in range(m):
        sh, _sw = map(int, lines[pos].split())
        mask = lines[pos + 1 : pos + 1 + sh]
        cells = [(a, b) for a, row in enumerate(mask) for b, ch in enumerate(row) if ch == "#"]
        a0, b0 = cells[0]
        firsts.append((a0, b0))
        shapes.append([(a - a0, b - b0) for a, b in cells])
        pos += 1 + sh
    target = [[int(ch) for ch in lines[pos + i]] for i in range(h)]
    canvas = [[0] * w for _ in range(h)]
    out: list[str] = []
    for i in range(h):
        for j in range(w):
            if len(out) == k:
                break
            col = target[i][j]
            if canvas[i][j] == col:
                continue
            best, best_m = 0, -1
            for s, offsets in enumerate(shapes):
                gain = 0
                for da, db in offsets:
                    y, x = i + da, j + db
                    if 0 <= y < h and 0 <= x < w:
                        t = target[y][x]
                        gain += (col == t) - (canvas[y][x] == t)
                if gain > best:
                    best, best_m = gain, s
            if best_m < 0:
                continue
            for da, db in shapes[best_m]:
                y, x = i + da, j + db
                if 0 <= y < h and 0 <= x < w:
                    canvas[y][x] = col
            a0, b0 = firsts[best_m]  # the printed position is the mask's top-left corner
            out.append(f"{best_m} {i - a0} {j - b0} {col}")
    print(len(out))
    print("\n".join(out))


main()
