"""What a sandboxed run did: :class:`Execution`, and how the supervisor's raw record becomes one.

:func:`finish` waits for the supervised run, tells a sandbox that failed to start (a
:class:`~agentzoo.tools._supervise.SandboxError`) from a program that failed, and judges the
limits (:func:`verdict`). :mod:`agentzoo.tools.sandbox` re-exports :class:`Execution`.
"""

from __future__ import annotations

import math
import os
import signal
from dataclasses import dataclass

from agentzoo.tools import _prepare, _supervise
from agentzoo.tools._supervise import SandboxError


@dataclass(frozen=True)
class Execution:
    """What happened to one sandboxed run."""

    stdout: bytes
    """Standard output, at most ``max_output_bytes`` of it."""
    stderr: bytes
    """Standard error, at most ``max_output_bytes`` of it."""
    exit_code: int | None
    """Exit status when the program exited normally, None when a signal ended it."""
    signal: int | None
    """The signal that ended the program (e.g. 9 SIGKILL, 11 SIGSEGV, 24 SIGXCPU), else None."""
    wall_s: float
    """The program's wall-clock seconds, from its start to its exit (measured by sandbox-init;
    the time limit counts over the same span)."""
    cpu_s: float
    """User + system CPU seconds of the program and its waited-for children."""
    max_rss_mb: float
    """Largest resident set size of any process of the run, in MiB (from ``os.wait4``)."""
    timed_out: bool
    """The wall-clock limit was reached and the run was killed."""
    memory_exceeded: bool
    """``max_rss_mb`` exceeded ``memory_limit_mb`` (or the data-segment guard stopped it)."""
    output_truncated: bool
    """stdout or stderr reached ``max_output_bytes``; the program was stopped there."""
    cpu_exceeded: bool
    """The CPU-time rlimit ended the program (SIGXCPU, then SIGKILL)."""
    mode: str
    """``"bwrap"`` (isolated) or ``"rlimit"`` (rlimits only, no file/network isolation)."""
    workdir: str
    """The work directory as the program saw it (deleted after the run unless the caller
    passed one)."""
    elapsed_s: float = 0.0
    """Wall-clock seconds of the whole run as the caller saw it (sandbox start-up included)."""

    @property
    def ok(self) -> bool:
        """Exited with status 0 and no limit was hit."""
        return self.exit_code == 0 and not (
            self.timed_out or self.memory_exceeded or self.output_truncated or self.cpu_exceeded
        )

    @property
    def stdout_text(self) -> str:
        """stdout decoded as UTF-8 (invalid bytes replaced)."""
        return self.stdout.decode("utf-8", errors="replace")

    @property
    def stderr_text(self) -> str:
        """stderr decoded as UTF-8 (invalid bytes replaced)."""
        return self.stderr.decode("utf-8", errors="replace")

    @property
    def status(self) -> str:
        """A short verdict: ``ok``, ``timeout``, ``memory``, ``cpu``, ``output``, ``signal N``
        (``SIGNAME``) or ``exit N``."""
        if self.timed_out:
            return "timeout"
        if self.memory_exceeded:
            return "memory"
        if self.cpu_exceeded:
            return "cpu"
        if self.output_truncated:
            return "output"
        if self.signal is not None:
            return f"signal {self.signal} ({_signal_name(self.signal)})"
        return "ok" if self.exit_code == 0 else f"exit {self.exit_code}"



def finish(setup: _prepare.Setup, supervisor: _supervise.Supervisor) -> Execution:
    """Wait for ``supervisor``'s run to end and judge it (raises when the sandbox itself failed)."""
    raw = supervisor.loop()
    if supervisor.join_error is not None:
        raise SandboxError(f"could not move the run into its cgroup: {supervisor.join_error}")
    if setup.init is not None and raw.report is None and not raw.hard_killed:
        # sandbox-init always reports unless it never ran: bubblewrap itself failed
        detail = raw.stderr.decode(errors="replace").strip()[-1000:]
        raise SandboxError(
            f"the sandbox failed to start ({setup.mode} mode): {detail or 'no output'}"
        )
    return verdict(raw, setup, oom_killed=setup.oom_killed())


def verdict(raw: _supervise.Raw, setup: _prepare.Setup, *, oom_killed: bool) -> Execution:
    """The :class:`Execution` of a finished run: sandbox-init's report when there is one, else
    the outer wait status; memory and CPU verdicts from the limits."""
    mode, limits, memory_limit_mb = setup.mode, setup.limits, setup.memory_limit_mb
    report = raw.report
    if report is not None:
        exit_code, sig = report.exit_code, report.signal
        cpu_s, max_rss_kb, wall_s = report.cpu_s, report.max_rss_kb, report.wall_s
    else:  # no sandbox-init report: decode the outer status; rusage includes our own memory
        exit_code, sig = None, None
        if os.WIFSIGNALED(raw.status):
            sig = os.WTERMSIG(raw.status)
        else:
            exit_code = os.WEXITSTATUS(raw.status)
            if mode == "bwrap" and 128 < exit_code <= 128 + 64:
                # bwrap reports a child killed by signal N as exit code 128 + N (as shells do)
                sig, exit_code = exit_code - 128, None
        cpu_s, max_rss_kb, wall_s = raw.cpu_s, raw.max_rss_kb, raw.wall_s
    max_rss_mb = max_rss_kb / 1024.0
    memory_exceeded = oom_killed or (memory_limit_mb is not None and max_rss_mb > memory_limit_mb)
    # SIGXCPU comes only from RLIMIT_CPU's soft limit; SIGKILL from its hard limit one second
    # later (a program that ignores SIGXCPU), told apart from our own kills by the CPU used
    cpu_exceeded = not raw.timed_out and (
        sig == signal.SIGXCPU
        or (
            sig == signal.SIGKILL
            and not raw.output_truncated
            and cpu_s >= math.ceil(limits.cpu_limit_s) - 0.1
        )
    )
    return Execution(
        stdout=raw.stdout,
        stderr=raw.stderr,
        exit_code=exit_code,
        signal=sig,
        wall_s=wall_s,
        cpu_s=cpu_s,
        max_rss_mb=max_rss_mb,
        timed_out=raw.timed_out,
        memory_exceeded=memory_exceeded,
        output_truncated=raw.output_truncated,
        cpu_exceeded=cpu_exceeded,
        mode=mode,
        workdir=setup.inside,
        elapsed_s=raw.wall_s,
    )


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return "?"
