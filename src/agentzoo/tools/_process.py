"""A sandboxed program the caller converses with: :class:`Process`, made by
:func:`agentzoo.tools.sandbox.spawn` (and re-exported there)."""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
from typing import IO

from agentzoo.tools import _prepare, _supervise
from agentzoo.tools._execution import Execution, finish


class Process:
    """A sandboxed program the caller talks to through its stdin and stdout.

    :meth:`write` sends (and flushes), :meth:`readline` receives a line with a timeout that
    never runs past the program's time limit (an interactive judge's per-read timeout).
    :attr:`stdin` and :attr:`stdout` are the raw binary pipes for other protocols (use either
    them or :meth:`readline` for reading, not both: it keeps its own buffer). The wall-clock
    limit, rlimits, stderr cap and clean-up work as in :func:`run`; :meth:`wait` returns the
    :class:`Execution` (its ``stdout`` is empty: the caller read it). Use it as a context
    manager: leaving the block kills the program if it still runs.
    """

    def __init__(self, setup: _prepare.Setup, supervisor: _supervise.Supervisor) -> None:
        """Start supervising (use :func:`spawn`, not this)."""
        self._setup = setup
        self._supervisor = supervisor
        self._result: Execution | None = None
        self._error: BaseException | None = None
        self._buffer = bytearray()
        self._thread = threading.Thread(target=self._watch, name="agentzoo-sandbox", daemon=True)
        self._thread.start()

    def write(self, data: bytes | str) -> bool:
        """Send ``data`` (text is UTF-8 encoded) and flush; False when the program has closed
        its input or ended."""
        try:
            self.stdin.write(data.encode() if isinstance(data, str) else data)
            self.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            return False
        return True

    def readline(self, timeout: float | None = None) -> bytes:
        """The next line of output (with its newline; what is left at end of output; ``b""``
        at end of output). Raises ``TimeoutError`` when no full line arrives within
        ``timeout`` seconds or before the program's time limit, whichever comes first."""
        fd = self.stdout.fileno()
        limit = None if timeout is None else time.perf_counter() + timeout
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self._buffer[: newline + 1])
                del self._buffer[: newline + 1]
                return line
            now = time.perf_counter()
            until = (
                self._supervisor.deadline
                if limit is None
                else min(limit, self._supervisor.deadline)
            )
            if now >= until and self._thread.is_alive():
                raise TimeoutError("no complete line of output before the timeout")
            ready, _, _ = select.select(
                [fd], [], [], max(0.0, until - now) if self._thread.is_alive() else 0.05
            )
            if not ready:
                if not self._thread.is_alive():  # ended without a final newline
                    rest, self._buffer = bytes(self._buffer), bytearray()
                    return rest
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                rest, self._buffer = bytes(self._buffer), bytearray()
                return rest
            self._buffer += chunk

    @property
    def stdin(self) -> IO[bytes]:
        """The program's standard input."""
        return self._supervisor.stdin

    @property
    def stdout(self) -> IO[bytes]:
        """The program's standard output."""
        return self._supervisor.stdout

    @property
    def deadline(self) -> float:
        """``time.perf_counter()`` value at which the run is killed (for per-read timeouts)."""
        return self._supervisor.deadline

    def _watch(self) -> None:
        setup = self._setup
        try:
            self._result = finish(setup, self._supervisor)
        except BaseException as err:  # surfaced by wait()
            self._error = err
        finally:
            setup.close()

    def poll(self) -> Execution | None:
        """The result if the run is over (program exited and reaped), else None."""
        return self._result if not self._thread.is_alive() else None

    def kill(self) -> None:
        """Stop the program now (it is reported as killed, not as timed out)."""
        self._supervisor.stop()

    def wait(self, timeout: float | None = None) -> Execution:
        """Wait for the program to end (at the latest at its time limit) and return the
        result; ``TimeoutError`` if ``timeout`` seconds pass first."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the sandboxed program is still running after {timeout} s")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def close(self) -> Execution:
        """Close stdin (the program sees end of input), wait, close stdout; the result."""
        with contextlib.suppress(OSError):
            self.stdin.close()
        result = self.wait()
        with contextlib.suppress(OSError):
            self.stdout.close()
        return result

    def __enter__(self) -> Process:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread.is_alive():
            self.kill()
        with contextlib.suppress(OSError):
            self.stdin.close()
        self._thread.join()
        with contextlib.suppress(OSError):
            self.stdout.close()
