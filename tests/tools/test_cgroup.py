"""The optional cgroup cap: plumbing checked against a stand-in directory.

A real cgroup v2 hierarchy is not writable on the development machine (its cgroups belong to
the host), so these tests check what can be checked without one: the child cgroup, its
limits, that sandbox-init joins before the program starts, and failure handling.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agentzoo.tools import _cgroup, sandbox


@pytest.fixture
def fake_cgroup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    parent = tmp_path / "delegated"
    parent.mkdir()
    (parent / "cgroup.procs").write_text("")
    monkeypatch.setenv(_cgroup.ENV, str(parent))
    return parent


def test_run_joins_a_child_cgroup_with_limits(bwrap_mode: str, fake_cgroup: Path) -> None:
    ex = sandbox.run(["sh", "-c", "echo in"], memory_limit_mb=256, time_limit_s=20)
    assert ex.ok and ex.stdout == b"in\n"
    (child,) = [p for p in fake_cgroup.iterdir() if p.is_dir()]
    assert (child / "memory.max").read_text() == str(768 << 20)  # max(2*256, 256+512) MiB
    assert int((child / "cgroup.procs").read_text()) > 1  # sandbox-init's host pid


def test_join_failure_refuses_to_run(
    bwrap_mode: str, fake_cgroup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: _cgroup.Cgroup, pid: int) -> None:
        raise PermissionError("cgroup.procs: permission denied")

    monkeypatch.setattr(_cgroup.Cgroup, "join", fail)
    with pytest.raises(sandbox.SandboxError, match="cgroup"):
        sandbox.run(["sh", "-c", "echo never"], time_limit_s=20)


def test_oom_kill_is_read_from_memory_events(tmp_path: Path) -> None:
    group = _cgroup.Cgroup(tmp_path, memory_max_bytes=1 << 20, pids_max=4)
    assert not group.oom_killed()
    (group.path / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert group.oom_killed()


def test_bad_cgroup_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(_cgroup.ENV, str(tmp_path))
    with pytest.raises(ValueError, match="not a cgroup v2 directory"):
        sandbox.run(["true"], time_limit_s=5)
