# stamp_art, simulated annealing (Python): raster greedy start, then re-anchor, shift, recolour
# and append stamps with per-cell cover lists. Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET
# and AGENTZOO_SEED.
import math
import os
import random
import sys
import time


def main() -> None:
    start = time.perf_counter()
    lines = sys.stdin.read().split("\n")
    h, w, n_col, m, k = map(int, lines[0].split())
    pos, shapes, dims = 1, [], []
    for _ in range(m):
        sh, sw = map(int, lines[pos].split())
        mask = lines[pos + 1 : pos + 1 + sh]
        shapes.append([(a, b) for a, row in enumerate(mask) for b, ch in enumerate(row) if ch == "#"])
        dims.append((sh, sw))
        pos += 1 + sh
    target = [int(ch) for i in range(h) for ch in lines[pos + i]]
    limit = float(os.environ.get("AGENTZOO_TIME_LIMIT", "2.0")) * 0.6
    budget = int(os.environ.get("AGENTZOO_ITER_BUDGET", "0"))
    rng = random.Random(int(os.environ.get("AGENTZOO_SEED", "0")))

    def cells(s: tuple[int, int, int, int]) -> list[int]:
        return [(s[1] + a) * w + s[2] + b for a, b in shapes[s[0]]
                if 0 <= s[1] + a < h and 0 <= s[2] + b < w]

    stamps: list[tuple[int, int, int, int]] = []
    canvas = [0] * (h * w)
    for cell in range(h * w):
        if len(stamps) == k:
            break
        col = target[cell]
        if canvas[cell] == col:
            continue
        best, best_s = 0, None
        for s in range(m):
            a0, b0 = shapes[s][0]
            cand = (s, cell // w - a0, cell % w - b0, col)
            gain = sum((col == target[c]) - (canvas[c] == target[c]) for c in cells(cand))
            if gain > best:
                best, best_s = gain, cand
        if best_s is not None:
            stamps.append(best_s)
            for c in cells(best_s):
                canvas[c] = col
    cover: list[list[int]] = [[] for _ in range(h * w)]
    for i, stamp in enumerate(stamps):
        for c in cells(stamp):
            cover[c].append(i)

    def colour(c: int) -> int:
        return stamps[max(cover[c])][3] if cover[c] else 0

    matched = sum(colour(c) == target[c] for c in range(h * w))
    best_matched, best_stamps = matched, list(stamps)
    t0, t1, temp, it = 1.5, 0.05, 1.5, 0
    while stamps:
        if it % 64 == 0:
            progress = it / budget if budget > 0 else (time.perf_counter() - start) / limit
            if progress >= 1.0 or time.perf_counter() - start > limit * 1.5:  # time guard
                break
            temp = t0 * (t1 / t0) ** progress
        it += 1
        i = rng.randrange(len(stamps))
        old = stamps[i]
        mv = rng.random()
        if mv < 0.5:
            cell = rng.randrange(h * w)
            for _ in range(20):
                if colour(cell) != target[cell]:
                    break
                cell = rng.randrange(h * w)
            s = rng.randrange(m)
            a, b = rng.choice(shapes[s])
            new = (s, cell // w - a, cell % w - b, target[cell])
        elif mv < 0.8:
            new = (old[0], old[1] + rng.randint(-1, 1), old[2] + rng.randint(-1, 1), old[3])
        else:
            new = (old[0], old[1], old[2], rng.randrange(n_col))
        sh, sw = dims[new[0]]
        if new == old or not (-(sh - 1) <= new[1] <= h - 1 and -(sw - 1) <= new[2] <= w - 1):
            continue
        old_cells, new_cells = cells(old), cells(new)
        touched = set(old_cells) | set(new_cells)
        before = sum(colour(c) == target[c] for c in touched)
        for c in old_cells:
            cover[c].remove(i)
        stamps[i] = new
        for c in new_cells:
            cover[c].append(i)
        delta = sum(colour(c) == target[c] for c in touched) - before
        if delta >= 0 or rng.random() < math.exp(delta / temp):
            matched += delta
            if matched > best_matched:
                best_matched, best_stamps = matched, list(stamps)
        else:
            for c in new_cells:
                cover[c].remove(i)
            stamps[i] = old
            for c in old_cells:
                cover[c].append(i)
    print(len(best_stamps))
    print("\n".join(" ".join(map(str, s)) for s in best_stamps))


main()
