"""Shared test fixtures: the ../shared data folder and a scratch cache dir."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository (real data from public projects)."""
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip(f"{path} not found (tests read real data from ../shared/data)")
    return path
