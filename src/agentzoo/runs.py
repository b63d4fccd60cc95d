"""Run records: the :class:`Result` of a run and its directory on disk.

A run directory holds::

    config.json      the system id and the full configuration
    metrics.json     the paper's metrics (numbers, or lists of numbers for curves)
    records.parquet  per-round / per-episode / per-task rows
    artifacts/       anything else the run produced (figures, meeting logs, solutions)
    run.log          the run's log
    status.json      "running" while the run is under way, "complete" once every file is written

Every file is written atomically (temporary file, fsync, rename), and ``status.json`` is
marked complete last. A run killed at any moment therefore leaves either a complete record
or one whose status is not ``complete``; :meth:`Result.load` refuses the latter with
:class:`IncompleteRunError` instead of returning half a record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import math
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

STATUS_FILE = "status.json"
ArtifactValue = bytes | str | dict[str, Any] | list[Any] | pd.DataFrame

TRACKED_PACKAGES = (
    "agentzoo",
    "numpy",
    "scipy",
    "pandas",
    "torch",
    "transformers",
    "peft",
    "gymnasium",
    "stable-baselines3",
    "pettingzoo",
    "ray",
    "arch",
    "bm25s",
)


class IncompleteRunError(RuntimeError):
    """The run directory does not hold a complete record (the run died or is still going)."""


# --------------------------------------------------------------------------- atomic files
def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; records are for everyone who may read them
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(to_jsonable(obj), indent=2, sort_keys=True, allow_nan=False) + "\n")


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def to_jsonable(obj: Any) -> Any:
    """Numpy scalars/arrays to Python, NaN/inf to ``None`` (strict JSON), recursively."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    return obj


# --------------------------------------------------------------------------- provenance
def package_versions() -> dict[str, str]:
    """Versions of Python, the platform and the installed packages that shape results."""
    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for name in TRACKED_PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    return versions


def git_sha(path: Path | None = None) -> str | None:
    """The commit of the source tree (``+dirty`` if it has uncommitted changes), if in git."""
    where = Path(path or Path(__file__).resolve().parent)
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=5
        )
        if sha.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=where, capture_output=True, text=True, timeout=5,
        )
        return sha.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- the record
@dataclass
class Result:
    """Everything a run produced.

    ``metrics`` maps a metric name to a number or a list of numbers (a curve);
    ``records`` has one row per round / episode / task; ``artifacts`` maps a relative
    file name under ``artifacts/`` to bytes, text, a JSON-serialisable object or a DataFrame.
    """

    system: str
    config: dict[str, Any]
    metrics: dict[str, Any]
    records: pd.DataFrame = field(default_factory=pd.DataFrame)
    artifacts: dict[str, ArtifactValue] = field(default_factory=dict)
    seed: int = 0
    versions: dict[str, str] = field(default_factory=package_versions)
    git_sha: str | None = field(default_factory=git_sha)
    timings: dict[str, float] = field(default_factory=dict)
    started_at: str = field(default_factory=_now)
    finished_at: str | None = None

    @classmethod
    def create(
        cls,
        system: str,
        config: Any,
        metrics: Mapping[str, Any],
        records: pd.DataFrame | None = None,
        artifacts: Mapping[str, ArtifactValue] | None = None,
        timings: Mapping[str, float] | None = None,
    ) -> Result:
        """Build a result from a system's config object (anything with ``to_dict`` and ``seed``)."""
        config_dict = config.to_dict() if hasattr(config, "to_dict") else dict(config)
        return cls(
            system=system,
            config=config_dict,
            metrics=dict(metrics),
            records=records if records is not None else pd.DataFrame(),
            artifacts=dict(artifacts or {}),
            seed=int(config_dict.get("seed", 0)),
            timings=dict(timings or {}),
            finished_at=_now(),
        )

    # ------------------------------------------------------------------ saving
    def save(self, directory: str | Path) -> Path:
        """Write the record to ``directory`` atomically; ``status.json`` is marked complete last."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        mark_status(out, "running", system=self.system)
        atomic_write_json(out / "config.json", {"system": self.system, "config": self.config})
        buffer = _parquet_bytes(self.records)
        atomic_write_bytes(out / "records.parquet", buffer)
        for name, value in self.artifacts.items():
            write_artifact(out / "artifacts", name, value)
        atomic_write_json(out / "metrics.json", self.metrics)
        mark_status(
            out,
            "complete",
            system=self.system,
            seed=self.seed,
            versions=self.versions,
            git_sha=self.git_sha,
            timings=self.timings,
            started_at=self.started_at,
            finished_at=self.finished_at or _now(),
            artifacts=sorted(self.artifacts),
        )
        return out

    @classmethod
    def load(cls, directory: str | Path) -> Result:
        """Read a complete run directory; raises :class:`IncompleteRunError` otherwise."""
        out = Path(directory)
        status = read_status(out)
        if status.get("state") != "complete":
            raise IncompleteRunError(
                f"{out} does not hold a complete run (status: {status.get('state', 'missing')})"
            )
        config = json.loads((out / "config.json").read_text())
        metrics = json.loads((out / "metrics.json").read_text())
        records = pd.read_parquet(out / "records.parquet")
        artifacts: dict[str, ArtifactValue] = {}
        for name in status.get("artifacts", []):
            artifacts[name] = read_artifact(out / "artifacts" / name)
        return cls(
            system=config["system"],
            config=config["config"],
            metrics=metrics,
            records=records,
            artifacts=artifacts,
            seed=int(status.get("seed", 0)),
            versions=status.get("versions", {}),
            git_sha=status.get("git_sha"),
            timings=status.get("timings", {}),
            started_at=status.get("started_at", ""),
            finished_at=status.get("finished_at"),
        )


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def write_artifact(directory: Path, name: str, value: ArtifactValue) -> Path:
    """Write one artifact atomically; the format follows the value's type."""
    path = directory / name
    if not path.resolve().is_relative_to(directory.resolve()):
        raise ValueError(f"artifact name {name!r} escapes the artifacts directory")
    if isinstance(value, bytes):
        atomic_write_bytes(path, value)
    elif isinstance(value, str):
        atomic_write_text(path, value)
    elif isinstance(value, pd.DataFrame):
        atomic_write_bytes(path, _parquet_bytes(value))
    else:
        atomic_write_json(path, value)
    return path


def read_artifact(path: Path) -> ArtifactValue:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".json":
        loaded: dict[str, Any] | list[Any] = json.loads(path.read_text())
        return loaded
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def mark_status(directory: Path, state: str, **info: Any) -> None:
    """Record the run's state (``running``, ``complete`` or ``failed``) atomically."""
    atomic_write_json(Path(directory) / STATUS_FILE, {"state": state, "updated_at": _now(), **info})


def read_status(directory: Path) -> dict[str, Any]:
    path = Path(directory) / STATUS_FILE
    if not path.exists():
        return {}
    try:
        status: dict[str, Any] = json.loads(path.read_text())
        return status
    except json.JSONDecodeError:  # cannot happen with atomic writes, but never trust a file
        return {"state": "corrupt"}


def is_complete(directory: Path) -> bool:
    return read_status(directory).get("state") == "complete"


# --------------------------------------------------------------------------- running
@contextlib.contextmanager
def log_to_file(path: Path, level: int = logging.INFO) -> Iterator[None]:
    """Send the ``agentzoo`` loggers' output to ``path`` while the block runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    logger = logging.getLogger("agentzoo")
    old_level = logger.level
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        handler.close()


def execute(system_id: str, config: Any, out: str | Path) -> Result:
    """Run a registered system with ``config`` and save its record to ``out``.

    The directory is marked ``running`` first, the log goes to ``out/run.log``, and a
    crash marks it ``failed`` with the error message before re-raising.
    """
    from agentzoo import registry

    system = registry.load(system_id)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    mark_status(out, "running", system=system_id, seed=getattr(config, "seed", 0))
    atomic_write_json(out / "config.json", {"system": system_id, "config": config.to_dict()})
    start = time.perf_counter()
    with log_to_file(out / "run.log"):
        log.info("running %s with seed %s into %s", system_id, getattr(config, "seed", 0), out)
        try:
            result = system.run(config)
        except BaseException as exc:
            mark_status(out, "failed", system=system_id, error=f"{type(exc).__name__}: {exc}")
            log.exception("run failed")
            raise
        result.timings.setdefault("wall_seconds", time.perf_counter() - start)
        result.save(out)
        log.info("saved complete record to %s", out)
    return result
