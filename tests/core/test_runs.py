"""Run records: save/load round trip, and a writer killed mid-write leaves no corrupt record."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agentzoo.runs import IncompleteRunError, Result, atomic_write_json, read_status


def make_result(rows: int = 10, seed: int = 1) -> Result:
    frame = pd.DataFrame({"round": np.arange(rows), "reward": np.linspace(0, 1, rows), "name": ["a"] * rows})
    return Result.create(
        "toy", {"seed": seed, "n": 3}, {"accuracy": 0.75, "curve": [0.1, 0.2, np.float64(0.3)], "nan": float("nan")},
        records=frame, artifacts={"notes.txt": "hello", "table.parquet": frame.head(3),
                                  "data.json": {"x": [1, 2]}, "fig.png": b"\x89PNG\r\n"},
        timings={"wall_seconds": 1.5},
    )


def test_round_trip(tmp_path: Path):
    result = make_result()
    result.save(tmp_path / "run")
    loaded = Result.load(tmp_path / "run")
    assert loaded.system == "toy" and loaded.seed == 1 and loaded.config == {"seed": 1, "n": 3}
    assert loaded.metrics == {"accuracy": 0.75, "curve": [0.1, 0.2, 0.3], "nan": None}
    pd.testing.assert_frame_equal(loaded.records, result.records, check_dtype=False)
    assert loaded.artifacts["notes.txt"] == "hello"
    assert loaded.artifacts["data.json"] == {"x": [1, 2]}
    assert loaded.artifacts["fig.png"] == b"\x89PNG\r\n"
    pd.testing.assert_frame_equal(loaded.artifacts["table.parquet"], result.records.head(3), check_dtype=False)
    assert loaded.timings == {"wall_seconds": 1.5}
    assert "numpy" in loaded.versions and loaded.finished_at


def test_incomplete_and_unsafe_artifacts_rejected(tmp_path: Path):
    atomic_write_json(tmp_path / "status.json", {"state": "running"})
    with pytest.raises(IncompleteRunError, match="status: running"):
        Result.load(tmp_path)
    with pytest.raises(IncompleteRunError, match="status: missing"):
        Result.load(tmp_path / "nothing")
    bad = make_result()
    bad.artifacts = {"../escape.txt": "x"}
    with pytest.raises(ValueError, match="escapes"):
        bad.save(tmp_path / "run2")


WRITER = """
import sys, numpy as np, pandas as pd
from agentzoo.runs import Result
i = 0
while True:
    i += 1
    rows = 20000 + i
    frame = pd.DataFrame({"x": np.arange(rows), "y": np.random.default_rng(i).random(rows)})
    Result.create("toy", {"seed": i}, {"rows": rows, "i": i}, records=frame,
                  artifacts={"big.json": {"values": list(range(rows))}, "blob.bin": bytes(rows)}).save(sys.argv[1])
    print(i, flush=True)
"""


def test_killed_writer_never_leaves_a_corrupt_record(tmp_path: Path):
    out = tmp_path / "run"
    outcomes = {"complete": 0, "incomplete": 0}
    for attempt in range(6):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(out)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        proc.stdout.readline()  # at least one complete save happened
        time.sleep(0.05 + 0.07 * attempt)  # kill at different moments of a save
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        status = read_status(out)
        assert status.get("state") in {"running", "complete"}
        for name in ("config.json", "metrics.json", "status.json", "artifacts/big.json"):
            if (out / name).exists():
                json.loads((out / name).read_text())  # every visible JSON file parses
        if status["state"] == "complete":
            loaded = Result.load(out)
            assert len(loaded.records) == loaded.metrics["rows"]
            assert len(loaded.artifacts["big.json"]["values"]) == loaded.metrics["rows"]
            outcomes["complete"] += 1
        else:
            with pytest.raises(IncompleteRunError):
                Result.load(out)
            outcomes["incomplete"] += 1
    assert sum(outcomes.values()) == 6
