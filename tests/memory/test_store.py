"""VectorStore: known-answer cosine search, filters, persistence, locking and crash safety."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from agentzoo.memory import HashEmbedder, MemoryItem, StoreError, StoreLockedError, VectorStore


def vec(*xs: float) -> np.ndarray:
    return np.array(xs, dtype=np.float32)


def test_add_returns_what_was_stored_and_query_known_cosines(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "m.db")
    stored = store.add([
        MemoryItem("a", kind="task", payload={"family": "x"}, embedding=vec(1, 0, 0)),
        MemoryItem("b", kind="task", payload={"family": "y"}, embedding=vec(3, 4, 0)),  # stored normalised
        MemoryItem("c", kind="subtask", payload={"family": "x"}, embedding=vec(0, 0, 2)),
    ])
    assert [r.text for r in stored] == ["a", "b", "c"]
    np.testing.assert_allclose(stored[1].embedding, [0.6, 0.8, 0.0], atol=1e-7)
    assert stored[0].payload == {"family": "x"} and stored[2].kind == "subtask"
    hits = store.query(vec(1, 1, 0), k=3)
    # cos((1,1,0),(1,0,0)) = 1/sqrt2 = 0.7071; with (0.6,0.8,0): 1.4/sqrt2 = 0.9899; with (0,0,1): 0
    assert [r.text for r, _ in hits] == ["b", "a", "c"]
    np.testing.assert_allclose([s for _, s in hits], [1.4 / np.sqrt(2), 1 / np.sqrt(2), 0.0], atol=1e-6)


def test_where_filters_columns_payload_and_lists(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "m.db")
    store.add([
        MemoryItem("a", kind="task", namespace="train", payload={"family": "x"}, embedding=vec(1, 0)),
        MemoryItem("b", kind="task", namespace="test", payload={"family": "y"}, embedding=vec(1, 0.1)),
        MemoryItem("c", kind="subtask", namespace="train", payload={"family": "z"}, embedding=vec(1, 0.2)),
    ])
    assert [r.text for r, _ in store.query(vec(1, 0), k=5, where={"namespace": "train"})] == ["a", "c"]
    assert [r.text for r, _ in store.query(vec(1, 0), k=5, where={"family": ["y", "z"]})] == ["b", "c"]
    assert store.query(vec(1, 0), k=5, where={"kind": "task", "family": "z"}) == []
    assert store.count({"namespace": "train"}) == 2
    assert store.delete(where={"namespace": "test"}) == 1
    assert [r.text for r in store.records()] == ["a", "c"]
    with pytest.raises(StoreError):
        store.delete()


def test_same_item_gets_same_id_and_is_not_duplicated(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "m.db")
    first = store.add([MemoryItem("x", embedding=vec(1, 0))])
    second = store.add([MemoryItem("x", embedding=vec(1, 0))])
    assert first[0].id == second[0].id and store.count() == 1


def test_reopen_gives_identical_results_and_jsonl_roundtrip(tmp_path: Path) -> None:
    embedder = HashEmbedder(dim=64)
    path = tmp_path / "m.db"
    texts = ["create a calendar event", "send an email to Bob", "append a row to the sheet", "write a word file"]
    with VectorStore(path, embedder=embedder) as store:
        store.add([MemoryItem(t, payload={"i": i}) for i, t in enumerate(texts)])
        before = [(r.id, s) for r, s in store.query("email Bob", k=4)]
        exported = store.export_jsonl(tmp_path / "m.jsonl")
    with VectorStore(path, embedder=embedder) as store:
        after = [(r.id, s) for r, s in store.query("email Bob", k=4)]
    assert before == after and exported == 4
    with VectorStore(tmp_path / "copy.db", embedder=embedder) as copy:
        copy.import_jsonl(tmp_path / "m.jsonl")
        assert [(r.id, s) for r, s in copy.query("email Bob", k=4)] == before
    assert before[0][1] == pytest.approx(max(s for _, s in before))


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "m.db")
    store.add([MemoryItem("a", embedding=vec(1, 0, 0))])
    with pytest.raises(StoreError, match="3-d"):
        store.add([MemoryItem("b", embedding=vec(1, 0))])
    with pytest.raises(StoreError, match="zero"):
        store.add([MemoryItem("b", embedding=vec(0, 0, 0))])
    with pytest.raises(StoreError, match="JSON"):
        store.add([MemoryItem("b", payload={"x": object()}, embedding=vec(0, 1, 0))])
    with pytest.raises(StoreError, match="no embedder"):
        store.query("text")
    assert store.count() == 1  # nothing of the failed adds was written
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\nnot json\n')
    with pytest.raises(StoreError, match=r"bad\.jsonl:2"):
        VectorStore(tmp_path / "n.db", embedder=HashEmbedder(dim=8)).import_jsonl(bad)
    (tmp_path / "garbage.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a usable"):
        VectorStore(tmp_path / "garbage.db")


def test_locked_database_times_out_without_partial_write(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    store = VectorStore(path, timeout=0.2)
    store.add([MemoryItem("kept", embedding=vec(1, 0))])
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # hold the write lock
    try:
        with pytest.raises(StoreLockedError, match="locked"):
            store.add([MemoryItem(f"new {i}", embedding=vec(1, i)) for i in range(5)])
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert [r.text for r in store.records()] == ["kept"]
    store.add([MemoryItem("after", embedding=vec(0, 1))])  # the store still works
    assert store.count() == 2


WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    from agentzoo.memory import MemoryItem, VectorStore
    store = VectorStore(sys.argv[1])
    rng = np.random.default_rng(0)
    batch = 0
    while True:
        items = [MemoryItem(f"item {batch}-{j}", payload={"batch": batch},
                            embedding=rng.normal(size=16).astype("float32")) for j in range(200)]
        records = store.add(items)
        print(batch, len(records), flush=True)  # printed only after the commit returned
        batch += 1
    """
)


def test_killed_writer_loses_no_committed_entries(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    child = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")})
    committed = []
    assert child.stdout is not None
    deadline = time.monotonic() + 120
    while len(committed) < 5 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        committed.append(int(line.split()[0]))
    os.kill(child.pid, signal.SIGKILL)  # mid-way through a later batch, most likely
    child.wait()
    assert len(committed) >= 5, "the writer did not get going"
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    store = VectorStore(path)
    batches: dict[int, int] = {}
    for record in store.records():
        batches[record.payload["batch"]] = batches.get(record.payload["batch"], 0) + 1
    for batch in committed:
        assert batches.get(batch) == 200, f"committed batch {batch} lost entries"
    assert all(n == 200 for n in batches.values()), "a half-written batch survived"
    assert json.loads(json.dumps(sorted(batches)))[: len(committed)] == committed
