"""agentzoo's problem format: a directory with ``problem.toml``, a statement, and trusted Python.

``problems/<id>/`` holds::

    problem.toml    metadata, limits, seeds, scoring (fields in REQUIRED_FIELDS)
    statement.md    task, input/output format, constraints, scoring, an example
    generator.py    generate(seed, **kw) -> str, drawing only from rng.PCG32
    scorer.py       score(input, output) -> (int, str), raising WrongAnswer(msg)
    judge.py        interactive problems only: Judge(input).start() / .step(line)
    vis.py          render(input, output) -> vis.Canvas
    solutions/      trivial/greedy/annealing .py and .cpp, skeleton.cpp, scorer.cpp (test twin)

For interactive problems the "output" scored by ``scorer.py`` is the transcript of the lines
the program wrote; the scorer replays it through the judge. The generator, scorer, judge and
visualiser are trusted code and run on the host, never inside the sandbox.
"""

from __future__ import annotations

import hashlib
import importlib
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

PROBLEMS_DIR = Path(__file__).resolve().parent / "problems"
REQUIRED_FIELDS = (
    "id", "title", "type", "score_type", "time_limit_s", "memory_limit_mib", "duration_hours",
    "public_seeds", "private_seeds", "input_sha256",
)
REQUIRED_FILES = ("problem.toml", "statement.md", "generator.py", "scorer.py")


class ProblemFormatError(ValueError):
    """A problem directory is incomplete or malformed (the message names what is missing)."""


class WrongAnswer(Exception):
    """Raised by a scorer or judge for an invalid output; the message is shown to the agent."""


@dataclass(frozen=True)
class Final:
    """What an interactive judge returns once the program has answered."""

    score: int
    message: str = ""


def parse_seeds(spec: str | list[int]) -> tuple[int, ...]:
    """``"0-49"``, ``"0-4,10,12-13"`` or a list of ints → a tuple of seeds."""
    if isinstance(spec, list):
        return tuple(int(s) for s in spec)
    seeds: list[int] = []
    for part in str(spec).split(","):
        part = part.strip()
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        seeds.extend(range(int(lo), int(hi) + 1) if sep else [int(lo)])
    return tuple(seeds)


@dataclass(frozen=True)
class Problem:
    """One problem of our format, loaded from its directory."""

    id: str
    title: str
    type: Literal["batch", "interactive"]
    score_type: Literal["minimize", "maximize"]
    time_limit_s: float
    memory_limit_mib: int
    duration_hours: float
    public_seeds_full: tuple[int, ...]
    private_seeds_full: tuple[int, ...]
    public_seeds_lite: tuple[int, ...]
    private_seeds_lite: tuple[int, ...]
    input_sha256: dict[int, str]
    statement: str
    directory: Path
    fail_cost: int = 0
    """Minimise problems: the cost charged for a case that is not ACCEPTED."""
    relative_score_type: str | None = None
    relative_max_score: int | None = None
    query_limit: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ trusted code
    def _module(self, name: str) -> ModuleType:
        """Import ``<directory>/<name>.py`` as a submodule of a package made for this directory
        (so problem files may import each other relatively: ``from .scorer import ...``)."""
        path = self.directory / f"{name}.py"
        if not path.is_file():
            raise ProblemFormatError(f"problem {self.id!r}: {path.name} is missing in {self.directory}")
        package = "agentzoo_ale_problem_" + hashlib.sha1(str(self.directory).encode()).hexdigest()[:12]
        if package not in sys.modules:
            module = ModuleType(package)
            module.__path__ = [str(self.directory)]
            sys.modules[package] = module
        return importlib.import_module(f"{package}.{name}")

    @cached_property
    def generator(self) -> Callable[..., str]:
        fn: Callable[..., str] = self._module("generator").generate
        return fn

    @cached_property
    def scorer(self) -> Callable[[str, str], tuple[int, str]]:
        fn: Callable[[str, str], tuple[int, str]] = self._module("scorer").score
        return fn

    @cached_property
    def judge_class(self) -> Any:
        """The interactive judge class (interactive problems only)."""
        return self._module("judge").Judge

    def render(self, input_str: str, output_str: str) -> Any:
        """The visualiser's canvas for an input and an output (or transcript)."""
        return self._module("vis").render(input_str, output_str)

    def generate(self, seed: int, **kwargs: Any) -> str:
        return self.generator(int(seed), **kwargs)

    # ------------------------------------------------------------------ metadata
    @property
    def maximize(self) -> bool:
        return self.score_type == "maximize"

    def public_seeds(self, lite: bool = False) -> tuple[int, ...]:
        return self.public_seeds_lite if lite else self.public_seeds_full

    def private_seeds(self, lite: bool = False) -> tuple[int, ...]:
        return self.private_seeds_lite if lite else self.private_seeds_full

    def solution(self, name: str) -> Path:
        """A file of ``solutions/`` (``greedy.cpp``, ``skeleton.cpp`` ...)."""
        path = self.directory / "solutions" / name
        if not path.is_file():
            raise ProblemFormatError(f"problem {self.id!r}: solutions/{name} is missing")
        return path

    @property
    def example_input(self) -> str:
        return self.generate(0)


def load_problem(directory: str | Path) -> Problem:
    """Load and validate one problem directory (raises :class:`ProblemFormatError`)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ProblemFormatError(f"{directory} is not a problem directory")
    for name in REQUIRED_FILES:
        if not (directory / name).is_file():
            raise ProblemFormatError(f"{directory.name}: {name} is missing")
    try:
        meta = tomllib.loads((directory / "problem.toml").read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ProblemFormatError(f"{directory.name}/problem.toml is not valid TOML: {err}") from err
    missing = [f for f in REQUIRED_FIELDS if f not in meta]
    if missing:
        raise ProblemFormatError(f"{directory.name}/problem.toml lacks field(s): {', '.join(missing)}")
    if meta["type"] not in ("batch", "interactive"):
        raise ProblemFormatError(f"{directory.name}: type must be batch or interactive, got {meta['type']!r}")
    if meta["score_type"] not in ("minimize", "maximize"):
        raise ProblemFormatError(f"{directory.name}: score_type must be minimize or maximize")
    if meta["type"] == "interactive" and not (directory / "judge.py").is_file():
        raise ProblemFormatError(f"{directory.name}: interactive problems need judge.py")
    if meta["score_type"] == "minimize" and "fail_cost" not in meta:
        raise ProblemFormatError(f"{directory.name}/problem.toml lacks field(s): fail_cost (minimize)")
    if "relative_score_type" in meta and "relative_max_score" not in meta:
        raise ProblemFormatError(f"{directory.name}/problem.toml lacks field(s): relative_max_score")
    public = parse_seeds(meta["public_seeds"])
    private = parse_seeds(meta["private_seeds"])
    if set(public) & set(private):
        raise ProblemFormatError(f"{directory.name}: public and private seeds overlap")
    known = {*REQUIRED_FIELDS, "fail_cost", "relative_score_type", "relative_max_score",
             "public_seeds_lite", "private_seeds_lite", "query_limit"}
    return Problem(
        id=str(meta["id"]),
        title=str(meta["title"]),
        type=meta["type"],
        score_type=meta["score_type"],
        time_limit_s=float(meta["time_limit_s"]),
        memory_limit_mib=int(meta["memory_limit_mib"]),
        duration_hours=float(meta["duration_hours"]),
        public_seeds_full=public,
        private_seeds_full=private,
        public_seeds_lite=parse_seeds(meta.get("public_seeds_lite", list(public[:5]))),
        private_seeds_lite=parse_seeds(meta.get("private_seeds_lite", list(private[:50]))),
        input_sha256={int(k): str(v) for k, v in dict(meta["input_sha256"]).items()},
        statement=(directory / "statement.md").read_text(encoding="utf-8"),
        directory=directory.resolve(),
        fail_cost=int(meta.get("fail_cost", 0)),
        relative_score_type=meta.get("relative_score_type"),
        relative_max_score=meta.get("relative_max_score"),
        query_limit=meta.get("query_limit"),
        extra={k: v for k, v in meta.items() if k not in known},
    )


def problem_ids(problems_dir: str | Path | None = None) -> list[str]:
    """Ids of the problem directories under ``problems_dir`` (default: the shipped six)."""
    root = Path(problems_dir) if problems_dir else PROBLEMS_DIR
    return sorted(p.name for p in root.iterdir() if (p / "problem.toml").is_file())


def get_problem(problem_id: str, problems_dir: str | Path | None = None) -> Problem:
    root = Path(problems_dir) if problems_dir else PROBLEMS_DIR
    ids = problem_ids(root)
    if problem_id not in ids:
        raise ValueError(f"unknown problem {problem_id!r}; allowed: {', '.join(ids)}")
    return load_problem(root / problem_id)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
