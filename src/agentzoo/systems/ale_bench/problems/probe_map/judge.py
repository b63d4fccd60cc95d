"""probe_map interactive judge: answers noisy readings and exact drills, then scores the answer.

Runs on the host as trusted code. The noise of the i-th reading is the i-th draw of
PCG32(noise_seed, NOISE_STREAM), so a transcript replays to the same score (scorer.py and the
C++ twin scorer.cpp do exactly that).
"""

from __future__ import annotations

import re

from agentzoo.systems.ale_bench.problem import Final, WrongAnswer
from agentzoo.systems.ale_bench.rng import PCG32

NOISE_STREAM = 0x7E57
DRILL_COST = 10
MISS_COST = 1000
_INT = re.compile(r"-?\d+")


def _ints(tokens: list[str], what: str) -> list[int]:
    for tok in tokens:
        if not _INT.fullmatch(tok):
            raise WrongAnswer(f"{what}: {tok[:20]!r} is not an integer")
    return [int(t) for t in tokens]


class Judge:
    """One interaction: ``start()`` gives the program its first line, ``step(line)`` answers."""

    def __init__(self, input_str: str) -> None:
        v = [int(t) for t in input_str.split()]
        self.n, self.d, self.limit, noise_seed = v[0], v[1], v[2], v[3]
        self.deposits = {(v[4 + 2 * i], v[5 + 2 * i]) for i in range(self.d)}
        self.rng = PCG32(noise_seed, NOISE_STREAM)
        self.queries = self.drills = 0
        self.finished = False

    def start(self) -> str:
        return f"{self.n} {self.d} {self.limit}\n"

    def _cell(self, tokens: list[str], what: str) -> tuple[int, int]:
        if len(tokens) != 2:
            raise WrongAnswer(f"{what}: expected two coordinates, got {len(tokens)} token(s)")
        x, y = _ints(tokens, what)
        if not (0 <= x < self.n and 0 <= y < self.n):
            raise WrongAnswer(f"{what}: ({x}, {y}) is outside the {self.n}x{self.n} field")
        return x, y

    def _count(self) -> None:
        if self.queries + self.drills > self.limit:
            raise WrongAnswer(f"query limit exceeded: more than {self.limit} readings and drills")

    def step(self, line: str) -> str | Final:
        if self.finished:
            raise WrongAnswer("output after the answer")
        parts = line.split()
        if not parts:
            raise WrongAnswer("empty command")
        cmd, args = parts[0], parts[1:]
        if cmd == "q":
            x, y = self._cell(args, "q")
            self.queries += 1
            self._count()
            count = sum((x + dx, y + dy) in self.deposits for dx in (-1, 0, 1) for dy in (-1, 0, 1))
            u = self.rng.below(20)  # noise: -1 w.p. 3/20, +1 w.p. 3/20
            noise = -1 if u < 3 else (1 if u >= 17 else 0)
            return f"{max(0, count + noise)}\n"
        if cmd == "d":
            x, y = self._cell(args, "d")
            self.drills += 1
            self._count()
            return "1\n" if (x, y) in self.deposits else "0\n"
        if cmd == "a":
            if not args:
                raise WrongAnswer("a: expected the number of deposits")
            k = _ints(args[:1], "a")[0]
            if k < 0 or len(args) != 1 + 2 * k:
                raise WrongAnswer(f"a: k = {k} needs {2 * k} coordinates, got {len(args) - 1}")
            answer = set()
            for i in range(k):
                cell = self._cell(args[1 + 2 * i : 3 + 2 * i], f"a (cell {i + 1})")
                if cell in answer:
                    raise WrongAnswer(f"a: cell {cell} is listed twice")
                answer.add(cell)
            self.finished = True
            missed, false = len(self.deposits - answer), len(answer - self.deposits)
            cost = self.queries + DRILL_COST * self.drills + MISS_COST * (missed + false)
            return Final(cost, f"readings {self.queries}, drills {self.drills}, missed {missed}, false {false}")
        raise WrongAnswer(f"unknown command {cmd[:20]!r}; expected q, d or a")
