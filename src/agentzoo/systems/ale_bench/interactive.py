"""Interactive problems: relay between the sandboxed program and a trusted judge on the host.

The program's stdin and stdout are two FIFOs in its work directory (``in.fifo``, ``out.fifo``);
the problem's own ``judge_class`` (:func:`interact`) or an official ``tester`` binary
(:func:`interact_official`) talks to them from this process. Reads and writes wait at most until
the run ends, so a program that never flushes gets TLE, not a hang.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

from agentzoo.systems.ale_bench.problem import Final, Problem, WrongAnswer
from agentzoo.systems.ale_bench.verdicts import Verdict
from agentzoo.tools import compile as cc
from agentzoo.tools import sandbox

Launch = Callable[[cc.Program, str], sandbox.Execution]
"""Runs a program in the sandbox with a given host work directory, under the judge's limits."""
Outcome = tuple[sandbox.Execution, str, Verdict | None, str, int]
"""(execution, transcript, verdict or None when the judge did not decide, message, score)."""


def interact(problem: Problem, program: cc.Program, input_str: str, launch: Launch,
             output_cap: int) -> Outcome:
    """Relay between the sandboxed program (through two FIFOs) and the trusted judge."""
    try:
        judge = problem.judge_class(input_str)
        first = judge.start()
    except Exception as err:
        raise sandbox.SandboxError(f"interactive judge failed to start: {err!r}") from err
    work = tempfile.mkdtemp(prefix="agentzoo-ale-io-")
    box: dict[str, Any] = {}
    done = threading.Event()
    to_prog, from_prog = os.path.join(work, "in.fifo"), os.path.join(work, "out.fifo")
    thread = _fifo_run(program, work, launch, box, done)
    wfd = os.open(to_prog, os.O_RDWR | os.O_NONBLOCK)
    rfd = os.open(from_prog, os.O_RDWR | os.O_NONBLOCK)
    transcript: list[str] = []
    verdict: Verdict | None = None
    message, score, size = "", 0, 0
    try:
        _write_all(wfd, first.encode(), done)
        buffer = b""
        while verdict is None:
            chunk = _read_some(rfd, done)
            if chunk is None:  # the program ended
                break
            buffer += chunk
            size += len(chunk)
            if size > output_cap:
                verdict, message = Verdict.RUNTIME_ERROR, "output cap exceeded"
                break
            while b"\n" in buffer and verdict is None:
                raw, buffer = buffer.split(b"\n", 1)
                line = raw.decode("utf-8", errors="replace").strip()
                if not line:
                    continue
                transcript.append(line)
                try:
                    reply = judge.step(line)
                except WrongAnswer as err:
                    verdict, message = Verdict.WRONG_ANSWER, str(err)
                    break
                except Exception as err:
                    verdict, message = Verdict.INTERNAL_ERROR, f"judge crashed: {err!r}"
                    break
                if isinstance(reply, Final):
                    verdict, message, score = Verdict.ACCEPTED, reply.message, reply.score
                else:
                    _write_all(wfd, reply.encode(), done)
    finally:
        for fd in (wfd, rfd):
            with contextlib.suppress(OSError):
                os.close(fd)
        thread.join()
        shutil.rmtree(work, ignore_errors=True)
    if "error" in box:
        raise sandbox.SandboxError(f"interactive run failed: {box['error']!r}")
    ex: sandbox.Execution = box["ex"]
    if verdict is Verdict.INTERNAL_ERROR:
        raise sandbox.SandboxError(message)
    if verdict is not None:
        # the judge decided (answer or wrong answer): a SIGPIPE or exit status after that
        # does not change the verdict, but limits (TLE/MLE) still take precedence
        ex = _clear_exit(ex)
    return ex, "\n".join(transcript), verdict, message, score


def interact_official(problem: Problem, program: cc.Program, input_str: str, time_limit: float,
                      launch: Launch) -> Outcome:
    """Official reactive problems: the user's ``tester`` (trusted, on the host) talks to the
    sandboxed program through the FIFOs; its own stderr carries ``Score = N``."""
    from agentzoo.systems.ale_bench.official import parse_tester_score

    work = tempfile.mkdtemp(prefix="agentzoo-ale-io-")
    box: dict[str, Any] = {}
    done = threading.Event()
    thread = _fifo_run(program, work, launch, box, done)
    try:
        tester = subprocess.run(
            [str(cast(Any, problem).tool("tester")), sys.executable, "-c", _RELAY],
            cwd=work, input=input_str.encode(), capture_output=True, timeout=time_limit + 10,
        )
    except subprocess.TimeoutExpired:
        tester = None
    finally:
        thread.join()
        shutil.rmtree(work, ignore_errors=True)
    if "error" in box:
        raise sandbox.SandboxError(f"interactive run failed: {box['error']!r}")
    ex: sandbox.Execution = box["ex"]
    if tester is None:
        raise sandbox.SandboxError("the official tester did not finish")
    try:
        score, message = parse_tester_score(tester.stderr.decode(errors="replace"))
        verdict = Verdict.ACCEPTED
    except WrongAnswer as err:
        score, message, verdict = 0, str(err), Verdict.WRONG_ANSWER
    return _clear_exit(ex), tester.stdout.decode(errors="replace"), verdict, message, score


def _fifo_run(program: cc.Program, work: str, launch: Launch, box: dict[str, Any],
              done: threading.Event) -> threading.Thread:
    """Make the FIFOs and start the program on them in a thread (its :class:`Execution` or its
    error lands in ``box``; ``done`` is set when it has ended)."""
    for name in ("in.fifo", "out.fifo"):
        os.mkfifo(os.path.join(work, name))
        os.chmod(os.path.join(work, name), 0o666)
    relayed = cc.Program(program.language, program.source_hash,
                         ("/bin/sh", "-c", 'exec "$0" "$@" < in.fifo > out.fifo', *program.argv),
                         program.files)

    def runner() -> None:
        try:
            box["ex"] = launch(relayed, work)
        except BaseException as err:  # surfaced by the caller
            box["error"] = err
        finally:
            done.set()

    thread = threading.Thread(target=runner, daemon=True)
    thread.start()
    return thread


_RELAY = """
import os, sys, threading
def pump():  # tester -> program
    with open("in.fifo", "wb", buffering=0) as dst:
        while chunk := os.read(0, 65536):
            try:
                dst.write(chunk)
            except BrokenPipeError:
                break
threading.Thread(target=pump, daemon=True).start()
with open("out.fifo", "rb", buffering=0) as src:  # program -> tester, until the program ends
    while chunk := src.read(65536):
        os.write(1, chunk)
os._exit(0)
"""
"""Stands in for the program under the official tester: relays to the sandboxed program's FIFOs
and exits as soon as the program closes its output (trusted code, on the host)."""


def _clear_exit(ex: sandbox.Execution) -> sandbox.Execution:
    """Forget a SIGPIPE/non-zero exit that came after the judge had decided."""
    if ex.timed_out or ex.memory_exceeded or ex.cpu_exceeded:
        return ex
    return replace(ex, exit_code=0, signal=None, output_truncated=False)


def _write_all(fd: int, data: bytes, done: threading.Event) -> None:
    view = memoryview(data)
    while view:
        if done.is_set():
            return
        _, writable, _ = select.select([], [fd], [], 0.05)
        if writable:
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                continue


def _read_some(fd: int, done: threading.Event) -> bytes | None:
    """Some bytes the program wrote, or None once it has ended and nothing is left."""
    while True:
        finished = done.is_set()
        readable, _, _ = select.select([fd], [], [], 0.0 if finished else 0.05)
        if readable:
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                chunk = b""
            if chunk:
                return chunk
        if finished:
            return None

