"""Shared fixtures of the ALE-Bench tests: compiled C++ twins and a judge on the lite seeds."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from agentzoo.systems.ale_bench.problem import PROBLEMS_DIR

PROBLEMS = ("depot_routes", "shift_roster", "stamp_art", "grid_power", "probe_map", "line_plan")


@pytest.fixture(scope="session")
def gxx() -> str:
    path = shutil.which("g++")
    if path is None:
        pytest.skip("g++ is not installed")
    return path


def build(gxx: str, source: Path, out_dir: Path, name: str) -> Path:
    """Compile a trusted test helper (a C++ twin) directly with g++."""
    binary = out_dir / name
    subprocess.run([gxx, "-std=gnu++20", "-O2", f"-I{PROBLEMS_DIR / '_common'}", "-o", str(binary), str(source)],
                   check=True, capture_output=True, timeout=300)
    return binary
