"""Correctness of agentzoo.tools.sandbox: exit codes, signals, pipes, limits, files, modes."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import pytest

from agentzoo.tools import _prepare, sandbox

PY = sys.executable


def test_stdin_stdout_and_exit_code(bwrap_mode: str) -> None:
    ex = sandbox.run(
        [PY, "-c", "import sys; d = sys.stdin.read(); print(d[::-1]); sys.exit(3)"],
        stdin="abc",
        time_limit_s=10,
    )
    assert ex.stdout == b"cba\n"
    assert ex.exit_code == 3 and ex.signal is None
    assert ex.status == "exit 3" and not ex.ok
    assert ex.mode == bwrap_mode == "bwrap"


def test_large_stdin_round_trips(bwrap_mode: str) -> None:
    data = bytes(range(256)) * 8192  # 2 MiB: more than any pipe buffer
    ex = sandbox.run(["cat"], stdin=data, time_limit_s=10, max_output_bytes=4 << 20)
    assert ex.ok and ex.stdout == data


def test_stderr_kept_apart(bwrap_mode: str) -> None:
    ex = sandbox.run(["sh", "-c", "echo out; echo err >&2"], time_limit_s=10)
    assert (ex.stdout, ex.stderr) == (b"out\n", b"err\n")
    assert ex.ok and ex.status == "ok"


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGABRT, signal.SIGKILL])
def test_signal_reported(bwrap_mode: str, sig: int) -> None:
    ex = sandbox.run([PY, "-c", f"import os; os.kill(os.getpid(), {int(sig)})"], time_limit_s=10)
    assert ex.signal == sig and ex.exit_code is None
    assert ex.status.startswith(f"signal {int(sig)}")


def test_cpp_exit_code_and_args(hello_cpp: Path, bwrap_mode: str) -> None:
    ex = sandbox.run(["./main", "7"], files={"main": hello_cpp}, stdin="1 2 3\n", time_limit_s=10)
    assert ex.stdout == b"sum=6\n" and ex.exit_code == 7


def test_files_are_placed(bwrap_mode: str, tmp_path: Path) -> None:
    src = tmp_path / "data.txt"
    src.write_text("from a path")
    files = {"a.txt": "text", "sub/b.bin": b"\x00\x01", "c.txt": src}
    ex = sandbox.run(
        ["sh", "-c", "cat a.txt; od -An -tx1 sub/b.bin; cat c.txt"], files=files, time_limit_s=10
    )
    assert ex.stdout.split() == [b"text", b"00", b"01", b"from", b"a", b"path"]


def test_given_workdir_is_kept(bwrap_mode: str, tmp_path: Path) -> None:
    work = tmp_path / "work"
    ex = sandbox.run(
        ["sh", "-c", "cat in.txt > out.txt; pwd"],
        files={"in.txt": "hello"},
        workdir=work,
        time_limit_s=10,
    )
    assert ex.ok, ex.stderr
    assert (work / "out.txt").read_text() == "hello"
    assert ex.stdout.strip().decode() == str(work.resolve()) == ex.workdir


def test_environment_is_clean(bwrap_mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    ex = sandbox.run(["env"], env={"MY_VAR": "1"}, time_limit_s=10)
    assert b"sk-secret" not in ex.stdout
    assert b"MY_VAR=1" in ex.stdout and b"OMP_NUM_THREADS=1" in ex.stdout


def test_numpy_importable(bwrap_mode: str) -> None:
    ex = sandbox.run(
        [PY, "-c", "import numpy as np; print(int(np.arange(5).sum()))"], time_limit_s=30
    )
    assert ex.stdout == b"10\n", ex.stderr


def test_max_rss_is_the_programs_own(hello_cpp: Path, bwrap_mode: str) -> None:
    # the supervisor holds ~200 MiB; a tiny C++ program must not be charged for it
    ballast = bytearray(b"x") * (200 << 20)
    ex = sandbox.run(["./main"], files={"main": hello_cpp}, time_limit_s=10)
    assert ex.ok and 0 < ex.max_rss_mb < 50
    assert len(ballast) == 200 << 20


def test_memory_measured_and_judged(bwrap_mode: str) -> None:
    touch = "x = bytearray(b'1') * ({mb} << 20); print(len(x) >> 20)"
    small = sandbox.run([PY, "-c", touch.format(mb=64)], memory_limit_mb=256, time_limit_s=20)
    assert small.ok and small.stdout == b"64\n"
    assert 64 <= small.max_rss_mb < 64 + 60  # touched memory plus the interpreter
    big = sandbox.run([PY, "-c", touch.format(mb=320)], memory_limit_mb=256, time_limit_s=20)
    assert big.memory_exceeded and big.status == "memory" and not big.ok
    assert big.max_rss_mb > 256


def test_cpu_limit(bwrap_mode: str) -> None:
    ex = sandbox.run([PY, "-c", "while True: pass"], cpu_limit_s=1, time_limit_s=30)
    assert ex.cpu_exceeded and not ex.timed_out
    assert ex.signal in (signal.SIGXCPU, signal.SIGKILL)
    assert ex.cpu_s >= 0.9  # rusage and the rlimit's accounting differ by a few ticks


def test_missing_program_is_a_value(bwrap_mode: str) -> None:
    ex = sandbox.run(["/no/such/program"], time_limit_s=10)
    assert ex.exit_code == 127 and b"no/such/program" in ex.stderr


def test_concurrent_runs(bwrap_mode: str) -> None:
    results: dict[int, sandbox.Execution] = {}

    def work(i: int) -> None:
        results[i] = sandbox.run(["sh", "-c", f"echo {i}; exit {i}"], time_limit_s=20)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {i: (r.stdout, r.exit_code) for i, r in results.items()} == {
        i: (f"{i}\n".encode(), i) for i in range(6)
    }


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="time_limit_s"):
        sandbox.run(["true"], time_limit_s=0)
    with pytest.raises(ValueError, match="cmd"):
        sandbox.run([], time_limit_s=1)
    with pytest.raises(ValueError, match="files"):
        sandbox.run(["true"], files={"../x": "no"}, time_limit_s=1)
    with pytest.raises(ValueError, match="sandbox mode"):
        sandbox.run(["true"], mode="docker", time_limit_s=1)  # type: ignore[arg-type]


def test_fallback_without_bwrap_warns_and_reports(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AGENTZOO_BWRAP", "none")
    monkeypatch.setenv("AGENTZOO_SANDBOX", "auto")
    monkeypatch.setattr(_prepare, "_warned", set())
    with caplog.at_level("WARNING"):
        ex = sandbox.run(["sh", "-c", "echo hi; exit 2"], time_limit_s=10)
    assert ex.mode == "rlimit" and ex.stdout == b"hi\n" and ex.exit_code == 2
    assert "SANDBOX DISABLED" in caplog.text and "not installed" in caplog.text
    with pytest.raises(sandbox.SandboxUnavailableError, match="refuses"):
        sandbox.run(["true"], mode="bwrap", time_limit_s=10)
    monkeypatch.setenv("AGENTZOO_SANDBOX", "bwrap")
    with pytest.raises(sandbox.SandboxUnavailableError):
        sandbox.run(["true"], time_limit_s=10)


INTERACTIVE = (
    "import sys\n"
    "for line in sys.stdin:\n"
    "    n = int(line)\n"
    "    if n < 0:\n"
    "        break\n"
    "    print(n * n, flush=True)\n"
    "print('bye', file=sys.stderr)\n"
)


def test_spawn_conversation(bwrap_mode: str) -> None:
    with sandbox.spawn([PY, "-c", INTERACTIVE], time_limit_s=20) as proc:
        answers = []
        for n in (3, 4, 12):
            assert proc.write(f"{n}\n")
            answers.append(int(proc.readline(timeout=10)))
        proc.write(b"-1\n")
        result = proc.close()
        assert not proc.write("5\n")  # the program is gone
    assert answers == [9, 16, 144]
    assert result.ok and result.stderr == b"bye\n" and result.stdout == b""
    assert result.mode == "bwrap" and result.max_rss_mb > 0


def test_spawn_readline_timeouts(bwrap_mode: str) -> None:
    script = "import time\nprint('first', flush=True)\ntime.sleep(60)\n"
    with sandbox.spawn([PY, "-c", script], time_limit_s=2.0) as proc:
        assert proc.readline(timeout=15) == b"first\n"
        with pytest.raises(TimeoutError):
            proc.readline(timeout=0.3)  # the per-read timeout
        with pytest.raises(TimeoutError):
            proc.readline()  # bounded by the program's time limit
        assert proc.wait(timeout=10).timed_out
    with sandbox.spawn(["printf", "a\\nb"], time_limit_s=10) as proc:
        assert [proc.readline(5), proc.readline(5), proc.readline(5)] == [b"a\n", b"b", b""]


def test_spawn_time_limit_and_kill(bwrap_mode: str) -> None:
    silent = sandbox.spawn([PY, "-c", "import time; time.sleep(60)"], time_limit_s=1.0)
    result = silent.wait(timeout=10)
    assert result.timed_out and result.wall_s < 1.5
    with sandbox.spawn([PY, "-c", "import time; time.sleep(60)"], time_limit_s=30) as proc:
        assert proc.poll() is None
        with pytest.raises(TimeoutError):
            proc.wait(timeout=0.2)
        proc.kill()
        killed = proc.wait(timeout=10)
    assert not killed.timed_out and killed.signal == signal.SIGKILL and not killed.ok


def test_sandbox_failure_is_an_error_not_a_verdict(bwrap_mode: str, tmp_path: Path) -> None:
    # a read-only bind of a path that does not exist makes bubblewrap itself fail
    with pytest.raises(sandbox.SandboxError, match="failed to start"):
        sandbox.run(["true"], ro_paths=[tmp_path / "missing"], time_limit_s=10)


def test_run_and_spawn_take_the_same_options() -> None:
    # both pass their locals() to one Setup call: their options must match each other and Setup
    import inspect

    run = inspect.signature(sandbox.run).parameters
    spawn = inspect.signature(sandbox.spawn).parameters
    setup = inspect.signature(_prepare.Setup).parameters
    options = {name: (p.default, p.annotation) for name, p in run.items() if name != "stdin"}
    assert options == {name: (p.default, p.annotation) for name, p in spawn.items()}
    assert set(options) == set(setup) - {"self"}
