"""Everything a sandboxed run needs before it starts, and the clean-up after it.

:class:`Setup` resolves the mode, validates the limits, creates the work directory (or plans a
private tmpfs one), places the files, leases an unprivileged uid, and builds the command line;
:meth:`Setup.close` gives it all back. :mod:`agentzoo.tools.sandbox` uses it for both
:func:`~agentzoo.tools.sandbox.run` and :func:`~agentzoo.tools.sandbox.spawn`.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from agentzoo.tools import _cgroup, _helper, _launch, _supervise, _uids
from agentzoo.tools._launch import Limits

log = logging.getLogger("agentzoo.tools.sandbox")

FileContent = bytes | str | os.PathLike[str]
_MIB = 1 << 20
_warned: set[str] = set()
_warn_lock = threading.Lock()


class Setup:
    """One run's mode, limits, work directory, files and uid (see the module docstring)."""

    def __init__(
        self,
        cmd: Sequence[str | os.PathLike[str]],
        *,
        files: Mapping[str, FileContent] | None,
        workdir: str | os.PathLike[str] | None,
        time_limit_s: float,
        memory_limit_mb: float | None,
        cpu_limit_s: float | None,
        max_processes: int,
        max_output_bytes: int,
        network: bool,
        env: Mapping[str, str] | None,
        mode: str | None,
        max_file_bytes: int,
        memory_guard: bool,
        ro_paths: Sequence[str | os.PathLike[str]],
        tmp_size_mb: float,
    ) -> None:
        """Validate and prepare; on any error nothing is left behind."""
        _check_limits(time_limit_s, memory_limit_mb, cpu_limit_s, max_processes, max_output_bytes)
        self.cmd = [os.fspath(c) for c in cmd]
        if not self.cmd:
            raise ValueError("cmd: must name a program")
        self.mode, self.bwrap, reason = _launch.resolve_mode(mode)
        if self.mode == "rlimit" and reason:
            warn_once(
                reason,
                "SANDBOX DISABLED: %s. Running with rlimits only: the program can read and write "
                "your files and use the network. Install bubblewrap, or set AGENTZOO_SANDBOX=bwrap "
                "to refuse unsandboxed runs.",
            )
        self.time_limit_s = time_limit_s
        self.memory_limit_mb = memory_limit_mb
        self.max_output_bytes = max_output_bytes
        self.network = network
        self.ro_paths = [os.fspath(p) for p in ro_paths]
        self.limits = Limits(
            cpu_limit_s=cpu_limit_s if cpu_limit_s is not None else math.ceil(time_limit_s) + 1,
            max_processes=max_processes,
            max_file_bytes=max_file_bytes,
            data_limit_bytes=_data_guard(memory_limit_mb) if memory_guard else None,
            tmp_size_bytes=int(tmp_size_mb * _MIB),
        )
        self.init = _helper.init_path()
        self.keep = workdir is not None
        self.work: Path | None = None  # host work dir; None: a private tmpfs inside bwrap
        self.placed: list[_launch.Placed] = []
        self._owner: os.stat_result | None = None
        self.cgroup: _cgroup.Cgroup | None = None
        self._lease = _uids.lease_uid()
        self.uid = self._lease.__enter__()
        try:
            self._prepare(files or {}, workdir)
            cgroup_parent = _cgroup.parent()
            if cgroup_parent is not None and self.init is None:
                warn_once(
                    "cgroup",
                    "%s is set but sandbox-init is unavailable: no cgroup caps",
                    _cgroup.ENV,
                )
            elif cgroup_parent is not None:
                self.cgroup = _cgroup.Cgroup(
                    cgroup_parent,
                    memory_max_bytes=self.limits.data_limit_bytes,
                    pids_max=self.limits.max_processes + 1,
                )
            self.inside = str(self.work) if self.work is not None else _launch.WORK_INSIDE
            self.env = _launch.sandbox_env(Path(self.inside), self.mode, env)
        except BaseException:
            self.close()
            raise

    def _prepare(
        self, files: Mapping[str, FileContent], workdir: str | os.PathLike[str] | None
    ) -> None:
        if workdir is None and self.mode == "bwrap":
            self.placed = place_files(files)
        else:
            work = (
                Path(workdir)
                if workdir is not None
                else Path(tempfile.mkdtemp(prefix="agentzoo-sbx-"))
            )
            self.work = work
            work.mkdir(parents=True, exist_ok=True)
            self.work = work = work.resolve()
            self._owner = work.stat()
        self.read_all = False
        if (
            self.mode == "rlimit"
            and self.uid is not None
            and not _reachable(self.cmd[0], self.work)
        ):
            if self.init is not None:
                # e.g. the venv's Python under /root/.pyenv: keep the uid (so the process limit
                # holds and root's files stay unwritable) and let it read (CAP_DAC_READ_SEARCH)
                self.read_all = True
            else:
                warn_once(
                    f"uid:{self.cmd[0]}",
                    "rlimit mode: %s is not accessible to an unprivileged user, so it runs as "
                    "root, where the kernel does not enforce the process limit",
                    self.cmd[0],
                )
                self.uid = None
        if self.mode == "rlimit" and self.uid is None and os.geteuid() != 0:
            # RLIMIT_NPROC counts every task of this user: allow the program its share on top
            extra = _uids.user_process_count(os.getuid())
            self.limits = replace(self.limits, max_processes=self.limits.max_processes + extra)
        if self.mode == "rlimit" and self.uid is not None:
            # processes of a run whose supervisor died (bwrap mode needs no such sweep: the
            # namespace dies with it); we hold this uid's lock, so they are no one else's
            _uids.kill_uid(self.uid)
        if self.work is not None:
            write_files(self.work, files, self.uid)
            if self.uid is not None:
                os.chown(self.work, self.uid, self.uid)

    def argv(self, status_fd: int, wait_fd: int | None) -> list[str]:
        """The full command line, with ``sandbox-init`` reporting on ``status_fd`` (and
        waiting on ``wait_fd`` until it is in its cgroup)."""
        if self.init is not None:
            inner = _launch.init_argv(
                _launch.INIT_INSIDE if self.mode == "bwrap" else self.init,
                self.limits,
                uid=self.uid,
                status_fd=status_fd,
                pdeathsig=self.mode == "rlimit",
                kill_all=self.mode == "bwrap" or self.uid is not None,
                wait_fd=wait_fd,
                read_all=self.read_all,
            )
        else:
            inner = _launch.rlimit_argv(self.limits, uid=self.uid, pdeathsig=self.mode == "rlimit")
        if self.mode == "rlimit":
            return [*inner, *self.cmd]
        assert self.bwrap is not None
        outer = _launch.bwrap_argv(
            self.bwrap,
            self.work,
            network=self.network,
            tmp_size_bytes=self.limits.tmp_size_bytes,
            uid=self.uid,
            ro_paths=self.ro_paths,
            init=self.init,
            placed=self.placed,
        )
        return [*outer, *inner, *self.cmd]

    def supervisor(self, stdin: bytes | None, *, interactive: bool) -> _supervise.Supervisor:
        """Start the process."""
        return _supervise.Supervisor(
            self.argv,
            env=self.env,
            cwd=self.work or Path("/"),
            stdin=stdin,
            interactive=interactive,
            time_limit_s=self.time_limit_s,
            max_output_bytes=self.max_output_bytes,
            bwrap=self.mode == "bwrap",
            has_init=self.init is not None,
            sweep_uid=self.uid if self.mode == "rlimit" else None,
            pass_fds=[p.fd for p in self.placed if p.fd is not None],
            join=self.cgroup.join if self.cgroup is not None else None,
        )

    def oom_killed(self) -> bool:
        """Whether the run's cgroup (if any) had a process OOM-killed."""
        return self.cgroup is not None and self.cgroup.oom_killed()

    def close(self) -> None:
        """Close memfds, remove the cgroup, give the uid back, restore or delete the work dir."""
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        for item in self.placed:
            if item.fd is not None:
                with contextlib.suppress(OSError):
                    os.close(item.fd)
        self.placed = []
        if self.work is not None:
            if self.keep and self._owner is not None:
                with contextlib.suppress(OSError):
                    os.chown(self.work, self._owner.st_uid, self._owner.st_gid)
            elif not self.keep:
                shutil.rmtree(self.work, ignore_errors=True)
        self._lease.__exit__(None, None, None)


def _check_limits(
    time_limit_s: float,
    memory_limit_mb: float | None,
    cpu_limit_s: float | None,
    max_processes: int,
    max_output_bytes: int,
) -> None:
    if not time_limit_s > 0:
        raise ValueError(f"time_limit_s: must be > 0, got {time_limit_s}")
    if memory_limit_mb is not None and not memory_limit_mb > 0:
        raise ValueError(f"memory_limit_mb: must be > 0 or None, got {memory_limit_mb}")
    if cpu_limit_s is not None and not cpu_limit_s > 0:
        raise ValueError(f"cpu_limit_s: must be > 0 or None, got {cpu_limit_s}")
    if max_processes < 1:
        raise ValueError(f"max_processes: must be >= 1, got {max_processes}")
    if max_output_bytes < 0:
        raise ValueError(f"max_output_bytes: must be >= 0, got {max_output_bytes}")


def _data_guard(memory_limit_mb: float | None) -> int | None:
    if memory_limit_mb is None:
        return None
    return int(max(2 * memory_limit_mb, memory_limit_mb + 512) * _MIB)


def _relative(name: str) -> Path:
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ValueError(f"files: {name!r} must be a relative path inside the work directory")
    return rel


def place_files(files: Mapping[str, FileContent]) -> list[_launch.Placed]:
    """Files for a private tmpfs work dir: host paths are bound read-only (no copy), bytes and
    text travel in memfds that bubblewrap copies in."""
    placed: list[_launch.Placed] = []
    try:
        for name, content in files.items():
            dest = str(_relative(name))
            if isinstance(content, bytes | str):
                fd = os.memfd_create("agentzoo-file", os.MFD_CLOEXEC)
                placed.append(_launch.Placed(dest, fd=fd))
                view = memoryview(content.encode() if isinstance(content, str) else content)
                while view:
                    view = view[os.write(fd, view) :]
                os.lseek(fd, 0, os.SEEK_SET)
            else:
                source = os.path.realpath(content)
                if not os.path.isfile(source):
                    raise FileNotFoundError(f"files: {name!r}: {source} is not a file")
                placed.append(_launch.Placed(dest, source=source))
    except BaseException:
        for item in placed:
            if item.fd is not None:
                os.close(item.fd)
        raise
    return placed


def write_files(work: Path, files: Mapping[str, FileContent], uid: int | None) -> None:
    """Create ``files`` in a host work directory (owned by ``uid`` when given)."""
    for name, content in files.items():
        rel = _relative(name)
        target = work / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        elif isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            shutil.copyfile(content, target)
            shutil.copymode(content, target)
        if uid is not None:
            os.chown(target, uid, uid)
            for parent in rel.parents:
                if str(parent) != ".":
                    os.chown(work / parent, uid, uid)


def _reachable(program: str, work: Path | None) -> bool:
    if "/" not in program:
        found = shutil.which(program, path="/usr/local/bin:/usr/bin:/bin")
        return found is not None and _uids.reachable_by_others(found)
    if work is not None and not os.path.isabs(program):
        return True  # a file of the work dir, which the run's uid owns
    return _uids.reachable_by_others(program)


def warn_once(key: str, message: str, *args: object) -> None:
    """Log ``message`` at WARNING the first time ``key`` is seen, at DEBUG afterwards."""
    with _warn_lock:
        first = key not in _warned
        _warned.add(key)
    log.log(logging.WARNING if first else logging.DEBUG, message, *(args or (key,)))
