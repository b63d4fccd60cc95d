"""Supervise one sandboxed process: feed stdin, collect capped output, enforce the wall limit,
kill everything of the run, reap it, and read ``sandbox-init``'s status report.

One ``selectors`` loop per run waits on the pipes and on a pidfd of the process, so nothing
polls and concurrent runs in threads do not interfere.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from agentzoo.tools import _uids

_GRACE_S = 0.25
"""After the program exits, how long to keep draining pipes held open by leftovers."""
_HARD_KILL_AFTER_S = 1.0
"""After a timeout, how long the init may take to kill and reap the run before it is killed."""
STARTUP_ALLOWANCE_S = 5.0
"""How long the sandbox may take to start the program (the time limit counts from then)."""


class SandboxError(RuntimeError):
    """The sandbox itself failed to start (not the program: its failures are in Execution)."""


@dataclass(frozen=True)
class Report:
    """``sandbox-init``'s status line: how the program ended and what it used."""

    exit_code: int | None
    signal: int | None
    cpu_s: float
    max_rss_kb: int
    wall_s: float
    """The program's own wall-clock time, fork to exit."""
    exec_errno: int | None


@dataclass(frozen=True)
class Raw:
    """What the supervisor saw."""

    status: int
    """Wait status of the process we started (bwrap, or the init in rlimit mode)."""
    cpu_s: float
    """CPU seconds of that process and its waited-for descendants (``os.wait4``)."""
    max_rss_kb: int
    """``ru_maxrss`` from ``os.wait4`` (includes the supervisor's memory at spawn time)."""
    report: Report | None
    """The init's report (None without ``sandbox-init`` or when it was killed)."""
    stdout: bytes
    stderr: bytes
    wall_s: float
    timed_out: bool
    output_truncated: bool
    hard_killed: bool
    """The init itself had to be killed (it did not finish within a second of a stop)."""


class Supervisor:
    """One supervised process. :meth:`loop` runs until everything of the run is gone.

    In batch mode the supervisor feeds ``stdin`` and collects stdout; in interactive mode the
    caller owns :attr:`stdin` and :attr:`stdout` (and the loop, run in a thread, handles
    stderr, the deadline and reaping). :meth:`stop` may be called from any thread.
    """

    def __init__(
        self,
        make_argv: Callable[[int, int | None], list[str]],
        *,
        env: dict[str, str],
        cwd: Path,
        stdin: bytes | None,
        interactive: bool,
        time_limit_s: float,
        max_output_bytes: int,
        bwrap: bool,
        has_init: bool,
        sweep_uid: int | None,
        pass_fds: Sequence[int] = (),
        join: Callable[[int], None] | None = None,
    ) -> None:
        """Start ``make_argv(status_fd, wait_fd)`` in a new session (``pass_fds`` are
        inherited). With ``join``, the init waits on ``wait_fd`` until ``join(init_pid)``
        (moving it into a cgroup) has been called."""
        self.interactive = interactive
        self.max_output_bytes = max_output_bytes
        self.bwrap, self.has_init, self.sweep_uid = bwrap, has_init, sweep_uid
        self._stdin_data = memoryview(stdin or b"")
        status_r, status_w = os.pipe()
        info_r = info_w = -1
        self._join = join
        self._go_w = -1
        go_r = -1
        if join is not None:
            go_r, self._go_w = os.pipe()
        argv = make_argv(status_w, go_r if go_r >= 0 else None)
        passed = [status_w, *([go_r] if go_r >= 0 else [])]
        if bwrap:
            info_r, info_w = os.pipe()
            argv = [argv[0], "--info-fd", str(info_w), *argv[1:]]
            passed.append(info_w)
        self._wake_r, self._wake_w = os.pipe()  # lets stop() interrupt the loop from a thread
        self.start = time.perf_counter()
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE if (stdin or interactive) else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                env=env,
                start_new_session=True,
                pass_fds=[*passed, *pass_fds],
            )
        except OSError as err:
            for fd in (status_r, info_r, self._wake_r, self._wake_w, self._go_w):
                if fd >= 0:
                    os.close(fd)
            raise SandboxError(f"could not start {argv[0]}: {err}") from err
        finally:
            for fd in passed:
                os.close(fd)
        self.time_limit_s = time_limit_s
        # with sandbox-init the limit counts from the program's start, which it reports; until
        # then the sandbox gets STARTUP_ALLOWANCE_S to come up
        self.deadline = self.start + time_limit_s + (STARTUP_ALLOWANCE_S if has_init else 0.0)
        self.started = False
        self._status_r, self._info_r = status_r, info_r
        self._stop_requested = False
        self._wake_lock = threading.Lock()
        self._closed = False
        # the init process: ours in rlimit mode; pid 1 of the namespace (from --info-fd) with bwrap
        self._init_pid: int | None = None if bwrap else self.proc.pid
        self._init_fd: int | None = None
        self.join_error: BaseException | None = None
        self._hard_killed = False
        if self._init_pid is not None:
            self._release(self._init_pid)

    def _release(self, init_pid: int) -> None:
        """Move the init into the cgroup, then let it start the program."""
        if self._join is None or self._go_w < 0:
            return
        try:
            self._join(init_pid)
            os.write(self._go_w, b"g")
        except OSError as err:  # the run must not start outside its cgroup
            self.join_error = err
            self._hard_kill()
        finally:
            os.close(self._go_w)
            self._go_w = -1

    @property
    def stdin(self) -> IO[bytes]:
        """The program's standard input (interactive mode)."""
        assert self.proc.stdin is not None
        return self.proc.stdin

    @property
    def stdout(self) -> IO[bytes]:
        """The program's standard output (interactive mode)."""
        assert self.proc.stdout is not None
        return self.proc.stdout

    def stop(self) -> None:
        """Ask the loop to kill the run now (thread-safe)."""
        self._stop_requested = True
        with self._wake_lock:  # never write to the fd number once closed (it may be reused)
            if not self._closed:
                with contextlib.suppress(OSError):
                    os.write(self._wake_w, b"x")

    def _hard_kill(self) -> None:
        self._hard_killed = True
        if self._init_fd is not None:
            # pid 1 of the namespace: the kernel kills every process in it before pid 1 can
            # be reaped, so once bwrap (its parent) exits nothing of the run is left
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self._init_fd, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def _kill_program(self) -> None:
        # kill the program but let the init reap it, clean up, and report its rusage
        if self.has_init and self._init_pid is not None:
            for child in _children(self._init_pid):
                with contextlib.suppress(OSError):
                    os.kill(child, signal.SIGKILL)
        else:
            self._hard_kill()

    def loop(self) -> Raw:
        """Supervise until the process has exited and its output is drained; reap it."""
        proc = self.proc
        pidfd = os.pidfd_open(proc.pid)
        out = {"stdout": bytearray(), "stderr": bytearray()}
        info, report = bytearray(), bytearray()
        timed_out = truncated = exited = False
        stop_at: float | None = None
        end = 0.0
        sel = selectors.DefaultSelector()
        assert proc.stdout is not None and proc.stderr is not None
        streams = {proc.stderr.fileno(): "stderr"}
        if not self.interactive:
            streams[proc.stdout.fileno()] = "stdout"
        readers = [*streams, self._status_r, self._wake_r, *([self._info_r] if self.bwrap else [])]
        for fd in readers:
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        sel.register(pidfd, selectors.EVENT_READ)
        pending = self._stdin_data
        if proc.stdin is not None and not self.interactive:
            os.set_blocking(proc.stdin.fileno(), False)
            sel.register(proc.stdin.fileno(), selectors.EVENT_WRITE)
        try:
            while streams or not exited:
                now = time.perf_counter()
                if (
                    not exited
                    and stop_at is None
                    and (now >= self.deadline or self._stop_requested)
                ):
                    timed_out = now >= self.deadline
                    stop_at = now
                    self._kill_program()
                if exited:
                    wait = end + _GRACE_S - now
                    if wait <= 0:
                        break
                elif stop_at is not None:
                    if now - stop_at > _HARD_KILL_AFTER_S:
                        self._hard_kill()
                    else:
                        self._kill_program()  # children forked since the last round
                    wait = 0.05
                else:
                    wait = self.deadline - now
                for key, mask in sel.select(timeout=max(0.0, wait)):
                    fd = int(key.fd)
                    if fd == pidfd:
                        exited = True
                        end = time.perf_counter()
                        sel.unregister(pidfd)
                        if not self.bwrap:  # leftovers in the session, or under the run's own uid
                            with contextlib.suppress(OSError):
                                os.killpg(proc.pid, signal.SIGKILL)
                            if self.sweep_uid is not None:
                                _uids.kill_uid(self.sweep_uid)
                    elif fd == self._wake_r:
                        with contextlib.suppress(OSError):
                            os.read(fd, 64)
                    elif fd in (self._info_r, self._status_r):
                        chunk = os.read(fd, 4096)
                        (info if fd == self._info_r else report).extend(chunk)
                        if fd == self._status_r and not self.started:
                            started = _START.search(report)
                            if started:  # same clock: CLOCK_MONOTONIC
                                self.started = True
                                self.deadline = float(started.group(1)) + self.time_limit_s
                        if fd == self._info_r and (not chunk or _CHILD_PID.search(info)):
                            sel.unregister(fd)
                            self._init_pid, self._init_fd = _open_init(bytes(info), proc.pid)
                            if self._init_pid is not None:
                                self._release(self._init_pid)
                            if stop_at is not None:  # the kill came before we knew pid 1
                                self._kill_program()
                        elif not chunk:
                            sel.unregister(fd)
                    elif mask & selectors.EVENT_WRITE:
                        try:
                            pending = pending[os.write(fd, pending[:65536]) :]
                        except BlockingIOError:
                            pass
                        except OSError:  # the program closed its stdin
                            pending = pending[:0]
                        if not pending:
                            sel.unregister(fd)
                            assert proc.stdin is not None
                            proc.stdin.close()
                    else:
                        try:
                            chunk = os.read(fd, 1 << 16)
                        except BlockingIOError:
                            continue
                        if not chunk:
                            sel.unregister(fd)
                            del streams[fd]
                            continue
                        buf = out[streams[fd]]
                        room = self.max_output_bytes - len(buf)
                        buf += chunk[:room]
                        if len(chunk) > room and not truncated:
                            truncated = True
                            if not exited and stop_at is None:
                                stop_at = time.perf_counter()
                                self._kill_program()
            _, status, rusage = os.wait4(proc.pid, 0)
            proc.returncode = status  # we reaped it: keep Popen from ever waiting on a stale pid
            with contextlib.suppress(BlockingIOError, OSError):
                report.extend(os.read(self._status_r, 4096))
        finally:
            sel.close()
            with self._wake_lock:
                self._closed = True
                for maybe_fd in (
                    pidfd,
                    self._status_r,
                    self._info_r,
                    self._init_fd,
                    self._wake_r,
                    self._wake_w,
                ):
                    if maybe_fd is not None and maybe_fd >= 0:
                        with contextlib.suppress(OSError):
                            os.close(maybe_fd)
            owned = [proc.stderr] if self.interactive else [proc.stdin, proc.stdout, proc.stderr]
            for stream in owned:
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            if proc.returncode is None:  # an exception above: leave nothing running
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
                with contextlib.suppress(OSError):
                    os.wait4(proc.pid, 0)
                proc.returncode = -9
        return Raw(
            status=status,
            cpu_s=rusage.ru_utime + rusage.ru_stime,
            max_rss_kb=int(rusage.ru_maxrss),
            report=parse_report(bytes(report)),
            stdout=bytes(out["stdout"]),
            stderr=bytes(out["stderr"]),
            wall_s=end - self.start,
            timed_out=timed_out,
            output_truncated=truncated,
            hard_killed=self._hard_killed,
        )


_CHILD_PID = re.compile(rb'"child-pid"\s*:\s*(\d+)\s*[,}]')
_REPORT = re.compile(rb"^(exit|signal) (\d+) ([\d.]+) ([\d.]+) (\d+) ([\d.]+)$", re.MULTILINE)
_ERROR = re.compile(rb"^error (\d+)$", re.MULTILINE)
_START = re.compile(rb"^start ([\d.]+)$", re.MULTILINE)


def parse_report(data: bytes) -> Report | None:
    """Parse ``sandbox-init``'s status lines (None when there is no final line)."""
    found = _REPORT.search(data)
    if not found:
        return None
    kind, number = found.group(1), int(found.group(2))
    error = _ERROR.search(data)
    return Report(
        exit_code=number if kind == b"exit" else None,
        signal=number if kind == b"signal" else None,
        cpu_s=float(found.group(3)) + float(found.group(4)),
        max_rss_kb=int(found.group(5)),
        wall_s=float(found.group(6)),
        exec_errno=int(error.group(1)) if error else None,
    )


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _open_init(info: bytes, bwrap_pid: int) -> tuple[int | None, int | None]:
    """pid and pidfd of the sandbox's pid 1, from bwrap's ``{"child-pid": N}``; checked to be
    a child of our (not yet reaped) bwrap, so a recycled pid is never signalled."""
    found = _CHILD_PID.search(info)
    if not found:
        return None, None
    pid = int(found.group(1))
    try:
        fd = os.pidfd_open(pid)
    except OSError:
        return None, None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        ppid = -1
    if ppid != bwrap_pid:
        os.close(fd)
        return None, None
    return pid, fd
