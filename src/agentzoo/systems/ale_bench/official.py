"""A loader for the user's own copy of the official ALE-Bench data (never shipped with agentzoo).

The official problems, statements, tools and human standings are AtCoder material under
CC-BY-ND-4.0: agentzoo ships none of it, caches nothing of it inside the package and copies none
of it into run directories. Point ``official_data_dir`` (or ``$ALE_BENCH_DATA``) at a folder laid
out like the authors' Hugging Face dataset::

    {problem_id}.zip            {problem_id}/data.json, statement_en.md, statement_ja.md,
                                example_input.txt, example_output.txt, standings_scores(_lite).csv,
                                relative_results(_lite).csv (relative problems), performance.csv,
                                images/, tools/ (the official Rust gen, tester, vis)
    problem_ids.txt, problem_ids_lite.txt, schedule.csv, ranking.csv

The Rust tools come from the user's prebuilt ``{problem_id}/tools/target/release/{gen,tester,vis}``
beside the zip, else ``cargo build --release --offline`` in a temporary extraction (needs a
vendored crate cache), else a clear error. Scores are read from the **tester's** own stderr
(``Score = N``), never from the program's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from agentzoo.systems.ale_bench.judge import Result, Verdict
from agentzoo.systems.ale_bench.problem import WrongAnswer
from agentzoo.systems.ale_bench.scoring import (
    Contest,
    RankPerformanceMap,
    RelativeResults,
    RelativeScoreType,
    Standings,
)

ENV_VAR = "ALE_BENCH_DATA"
_SCORE = re.compile(r"Score = (\d+)")
REQUIRED_MEMBERS = ("data.json", "statement_en.md", "standings_scores.csv", "standings_scores_lite.csv",
                    "performance.csv")


class OfficialDataError(ValueError):
    """The user's official data is missing or malformed (the message names what is wrong)."""


def data_dir(official_data_dir: str | Path | None = None) -> Path:
    path = official_data_dir or os.environ.get(ENV_VAR)
    if not path:
        raise OfficialDataError(f"no official ALE-Bench data: pass official_data_dir or set ${ENV_VAR}")
    root = Path(path).expanduser()
    if not root.is_dir():
        raise OfficialDataError(f"official data directory {root} does not exist")
    return root


def list_problem_ids(official_data_dir: str | Path | None = None, lite_version: bool = False) -> list[str]:
    root = data_dir(official_data_dir)
    listing = root / ("problem_ids_lite.txt" if lite_version else "problem_ids.txt")
    if listing.is_file():
        return [line.strip() for line in listing.read_text().splitlines() if line.strip()]
    return sorted(p.stem for p in root.glob("*.zip"))


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@dataclass
class OfficialArchive:
    """The parsed contents of ``{problem_id}.zip`` (kept in memory; tools extracted on demand)."""

    problem_id: str
    metadata: dict[str, Any]
    constraints: dict[str, Any]
    seeds: dict[str, list[int]]
    statement: str
    example_input: str
    example_output: str
    standings: dict[bool, list[tuple[int, int]]]
    relative: dict[bool, list[list[int]]]
    performance: list[tuple[int, int]]
    zip_path: Path


def read_archive(zip_path: str | Path, problem_id: str) -> OfficialArchive:
    """Parse an official problem zip like the authors' ``load_problem`` (members under
    ``{problem_id}/``); a missing member raises :class:`OfficialDataError` naming it."""
    zip_path = Path(zip_path)
    if not zip_path.is_file():
        raise OfficialDataError(f"{zip_path} not found")
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as err:
        raise OfficialDataError(f"{zip_path.name} is not a zip archive: {err}") from err
    with archive:
        names = set(archive.namelist())
        prefix = f"{problem_id}/" if any(n.startswith(f"{problem_id}/") for n in names) else ""

        def read(member: str, required: bool = True) -> str:
            if prefix + member not in names:
                if required:
                    raise OfficialDataError(f"{zip_path.name}: {prefix}{member} is missing")
                return ""
            return archive.read(prefix + member).decode("utf-8")

        for member in REQUIRED_MEMBERS:
            read(member)
        data = json.loads(read("data.json"))
        metadata = data["metadata"]
        if metadata.get("problem_id") != problem_id:
            raise OfficialDataError(f"{zip_path.name}: data.json is for {metadata.get('problem_id')!r}, not {problem_id!r}")
        standings = {lite: sorted((int(r["rank"]), int(r["score"])) for r in _csv_rows(read(f"standings_scores{'_lite' if lite else ''}.csv")))
                     for lite in (False, True)}
        relative: dict[bool, list[list[int]]] = {}
        if "relative_score_type" in metadata:
            for lite in (False, True):
                rows = _csv_rows(read(f"relative_results{'_lite' if lite else ''}.csv"))
                columns = list(rows[0].keys()) if rows else []
                relative[lite] = [[int(r[c]) for r in rows] for c in columns]
        performance = sorted((int(r["rank"]), int(r["performance"])) for r in _csv_rows(read("performance.csv")))
        return OfficialArchive(
            problem_id, metadata, data.get("constraints", {}), data.get("seeds", {}), read("statement_en.md"),
            read("example_input.txt", False), read("example_output.txt", False), standings, relative,
            performance, zip_path,
        )


@dataclass
class OfficialBoard:
    """The human standings of an official problem, ranked with the authors' logic unchanged."""

    standings: Standings
    performance: RankPerformanceMap

    def rank(self, result: Result) -> tuple[Result, int, int]:
        if self.standings.relative_results is not None:
            rank, perf_rank, per_case = self.standings.relative_rank(result.case_scores())
            cases = tuple(replace(c, relative_score=v) for c, v in zip(result.case_results, per_case))
            result = replace(result, case_results=cases)
        else:
            rank, perf_rank = self.standings.absolute_rank(result.overall_absolute_score)
        return result, rank, self.performance.performance(perf_rank)


@dataclass
class OfficialProblem:
    """An official problem adapted to the judge and the session (same attributes as ``Problem``)."""

    archive: OfficialArchive
    tools_dir: Path
    _inputs: dict[int, str] = field(default_factory=dict)

    # metadata ------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.archive.problem_id

    @property
    def title(self) -> str:
        return str(self.archive.metadata.get("title", self.id))

    @property
    def type(self) -> str:
        return "interactive" if self.archive.metadata.get("problem_type") == "reactive" else "batch"

    @property
    def score_type(self) -> str:
        return str(self.archive.metadata.get("score_type", "maximize"))

    @property
    def maximize(self) -> bool:
        return self.score_type == "maximize"

    @property
    def time_limit_s(self) -> float:
        return float(self.archive.constraints.get("time_limit", 2.0))

    @property
    def memory_limit_mib(self) -> int:
        return int(self.archive.constraints.get("memory_limit", 1 << 30)) >> 20

    @property
    def duration_hours(self) -> float:
        m = self.archive.metadata
        try:
            start, end = dt.datetime.fromisoformat(m["start_at"]), dt.datetime.fromisoformat(m["end_at"])
            return (end - start).total_seconds() / 3600
        except (KeyError, ValueError):
            return 4.0

    statement = property(lambda self: self.archive.statement)
    fail_cost = 0
    relative_score_type = property(lambda self: self.archive.metadata.get("relative_score_type"))
    relative_max_score = property(lambda self: self.archive.metadata.get("relative_max_score"))

    def public_seeds(self, lite: bool = False) -> tuple[int, ...]:
        return tuple(self.archive.seeds["public_lite" if lite else "public"])

    def private_seeds(self, lite: bool = False) -> tuple[int, ...]:
        return tuple(self.archive.seeds["private_lite" if lite else "private"])

    # tools ---------------------------------------------------------------------------------
    def tool(self, name: str) -> Path:
        path = self.tools_dir / name
        if not path.is_file():
            raise OfficialDataError(f"{self.id}: the official tool {name!r} is missing in {self.tools_dir}")
        return path

    def generate(self, seed: int, **kwargs: Any) -> str:
        if kwargs:
            raise ValueError("official generators take no keyword arguments here")
        if seed not in self._inputs:
            with tempfile.TemporaryDirectory(prefix="agentzoo-ale-gen-") as work:
                Path(work, "seeds.txt").write_text(f"{seed}\n")
                done = subprocess.run([str(self.tool("gen")), "seeds.txt"], cwd=work, capture_output=True, timeout=60)
                produced = sorted(Path(work, "in").glob("*.txt"))
                if done.returncode != 0 or not produced:
                    raise RuntimeError(f"{self.id} gen failed on seed {seed}: {done.stderr.decode(errors='replace')[:300]}")
                self._inputs[seed] = produced[0].read_text()
        return self._inputs[seed]

    def scorer(self, input_str: str, output_str: str) -> tuple[int, str]:
        """Batch problems: the official tester on (input, output); 'Score = N' on its stderr."""
        with tempfile.TemporaryDirectory(prefix="agentzoo-ale-tester-") as work:
            Path(work, "in.txt").write_text(input_str)
            Path(work, "out.txt").write_text(output_str)
            done = subprocess.run([str(self.tool("tester")), "in.txt", "out.txt"], cwd=work,
                                  capture_output=True, timeout=120)
        return parse_tester_score(done.stderr.decode(errors="replace"))

    def render(self, input_str: str, output_str: str) -> Any:
        raise NotImplementedError("official visualisers are HTML/SVG tools of the user's copy; not wrapped here")

    @cached_property
    def boards(self) -> dict[bool, OfficialBoard]:
        out = {}
        for lite in (False, True):
            rel = None
            if self.relative_score_type:
                rel = RelativeResults(self.archive.relative[lite], RelativeScoreType(self.relative_score_type),
                                      int(self.relative_max_score))
            out[lite] = OfficialBoard(Standings(self.archive.standings[lite], rel),
                                      RankPerformanceMap(self.archive.performance))
        return out


def parse_tester_score(stderr: str) -> tuple[int, str]:
    """The score on the tester's last ``Score = N`` line (WRONG_ANSWER when there is none or N = 0
    with an error message before it)."""
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    if not lines:
        raise WrongAnswer("the tester printed no score")
    m = _SCORE.search(lines[-1])
    if m is None:
        raise WrongAnswer(lines[-1][:300])
    if int(m[1]) == 0 and len(lines) > 1:
        raise WrongAnswer(" ".join(lines[:-1])[:300])
    return int(m[1]), lines[-1]


def _tools(root: Path, archive: OfficialArchive) -> Path:
    prebuilt = root / archive.problem_id / "tools" / "target" / "release"
    if (prebuilt / "gen").is_file():
        return prebuilt
    cargo = shutil.which("cargo")
    if cargo is None:
        raise OfficialDataError(
            f"{archive.problem_id}: no prebuilt tools at {prebuilt} and no cargo to build them; build the "
            "official Rust tools of your copy (cargo build --release in its tools/ folder) and place "
            f"gen/tester/vis in {prebuilt}"
        )
    work = Path(tempfile.mkdtemp(prefix=f"agentzoo-ale-{archive.problem_id}-"))
    with zipfile.ZipFile(archive.zip_path) as z:
        members = [n for n in z.namelist() if "/tools/" in f"/{n}"]
        z.extractall(work, members)
    tools = next(work.rglob("Cargo.toml")).parent
    done = subprocess.run([cargo, "build", "--release", "--offline"], cwd=tools, capture_output=True, timeout=1800)
    if done.returncode != 0:
        raise OfficialDataError(f"{archive.problem_id}: cargo build --offline failed (no vendored crates?): "
                                f"{done.stderr.decode(errors='replace')[-400:]}")
    return tools / "target" / "release"


def load_problem(problem_id: str, official_data_dir: str | Path | None = None) -> OfficialProblem:
    root = data_dir(official_data_dir)
    archive = read_archive(root / f"{problem_id}.zip", problem_id)
    return OfficialProblem(archive, _tools(root, archive))


def load_schedule(official_data_dir: str | Path | None = None) -> dict[str, Contest]:
    """``schedule.csv``: problem_id → (end time in Asia/Tokyo, weight), for :func:`scoring.rating`."""
    path = data_dir(official_data_dir) / "schedule.csv"
    if not path.is_file():
        raise OfficialDataError(f"{path} not found")
    out = {}
    for row in _csv_rows(path.read_text()):
        end = dt.datetime.fromisoformat(row["end_at"])
        if end.tzinfo is None:
            end = end.replace(tzinfo=dt.timezone(dt.timedelta(hours=9)))
        out[row["problem_id"]] = Contest(end, float(row["weight"]))
    return out


def load_ranking(official_data_dir: str | Path | None = None, minimum_participation: int = 5) -> list[tuple[float, int]]:
    """``ranking.csv`` users with at least ``minimum_participation`` contests: (avg_perf, rating)."""
    path = data_dir(official_data_dir) / "ranking.csv"
    if not path.is_file():
        raise OfficialDataError(f"{path} not found")
    return [(float(r["avg_perf"]), int(r["rating"])) for r in _csv_rows(path.read_text())
            if int(r["competitions"]) >= minimum_participation]


__all__ = ["OfficialDataError", "OfficialProblem", "Verdict", "list_problem_ids", "load_problem",
           "load_ranking", "load_schedule", "parse_tester_score", "read_archive"]
