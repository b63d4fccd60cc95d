"""Optional hard caps through a cgroup v2 directory delegated to us.

Set ``AGENTZOO_SANDBOX_CGROUP`` to a cgroup v2 directory this process may write (for example
one made by ``systemd-run --user --scope -p Delegate=yes``, or a directory root created under
``/sys/fs/cgroup`` with the ``memory`` and ``pids`` controllers enabled in its parent's
``cgroup.subtree_control``). Each run then gets a child cgroup with

* ``memory.max`` = the data-segment guard (``max(2·limit, limit + 512 MiB)``): a hard ceiling
  on everything the run holds in memory (tmpfs files included), enforced by the kernel's OOM
  killer; a kill counts as ``memory_exceeded``. The judgement itself stays max RSS > limit.
* ``memory.swap.max`` = 0 and ``pids.max`` = the process limit (+1 for ``sandbox-init``).

``sandbox-init`` waits on a pipe until the supervisor has moved it into the cgroup, so the
program runs inside it from its first instruction. Without the variable nothing changes.
"""

from __future__ import annotations

import itertools
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

ENV = "AGENTZOO_SANDBOX_CGROUP"
_counter = itertools.count()


def parent() -> Path | None:
    """The delegated cgroup directory from ``$AGENTZOO_SANDBOX_CGROUP`` (None when unset)."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    path = Path(raw)
    if not (path / "cgroup.procs").exists():
        raise ValueError(f"{ENV}={raw}: not a cgroup v2 directory (no cgroup.procs)")
    return path


class Cgroup:
    """One run's child cgroup: created with its limits, joined by pid, removed afterwards."""

    def __init__(self, parent: Path, *, memory_max_bytes: int | None, pids_max: int) -> None:
        """Create ``parent/agentzoo-<pid>-<n>`` and write its limits."""
        self.path = parent / f"agentzoo-{os.getpid()}-{next(_counter)}"
        self.path.mkdir()
        try:
            if memory_max_bytes is not None:
                self._write("memory.max", str(memory_max_bytes))
                self._write("memory.swap.max", "0", optional=True)
            self._write("pids.max", str(pids_max), optional=True)
        except BaseException:
            self.remove()
            raise

    def _write(self, name: str, value: str, optional: bool = False) -> None:
        target = self.path / name
        if optional and not target.exists():
            return
        target.write_text(value)

    def join(self, pid: int) -> None:
        """Move process ``pid`` (and so its future children) into this cgroup."""
        (self.path / "cgroup.procs").write_text(str(pid))

    def oom_killed(self) -> bool:
        """Whether the kernel's OOM killer acted in this cgroup (``memory.events``)."""
        try:
            events = (self.path / "memory.events").read_text()
        except OSError:
            return False
        for line in events.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip().isdigit() and int(value) > 0:
                return True
        return False

    def remove(self) -> None:
        """Remove the (by now empty) cgroup."""
        try:
            self.path.rmdir()
        except OSError as err:
            log.debug("could not remove cgroup %s: %s", self.path, err)
