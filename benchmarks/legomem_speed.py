"""LEGOMem speed: prefix-cached option scoring, vector-store queries, embedding throughput.

    .venv/bin/python benchmarks/legomem_speed.py [--repeats 5] [--units 10000] [--threads 1] [--out FILE]

1. Scoring 16 candidate values for one agent prompt with the embedded SmolLM2-135M, in one
   process, interleaved, median of ``--repeats``: the scorer legomem uses (the core
   ``choice_logprobs``: the prompt runs once through the prefix KV cache, the 16 options form one
   batch on top of it) with an empty cache, the same with the agent's previous prompt cached (the
   step-by-step case), and the baseline of 16 separate full forwards (prompt + one option, cache
   cleared each time); the scores must agree.
2. ``VectorStore.query`` over ``--units`` stored units (384-d, exact cosine): median latency,
   with and without a metadata filter, plus the add throughput.
3. all-MiniLM-L6-v2 embedding throughput (texts/s, batch 64).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np


def scoring(repeats: int) -> dict[str, float]:
    from agentzoo.envs.office import ACTIONS
    from agentzoo.llm import load_model, system, user
    from agentzoo.systems.legomem.scoring import option_logprobs

    model = load_model("local", cache=False)
    observation = "(1, 1): Item\t(1, 2): Quantity\t\n" + "".join(f"({r}, 1): item{r}\t({r}, 2): {r * 7}\t\n"
                                                                 for r in range(2, 12))
    messages = [system("You are the excel agent of an office team. Today is 2024-05-01 (Wednesday), 09:00 AM."),
                user("Task: Look up the quantity for toner in inventory.xlsx and email it to Tom.\n\n"
                     "Your subtask: Read data/inventory.xlsx and find the quantity for toner\n\n"
                     f"Your actions so far:\n1. read_file(file_path='data/inventory.xlsx') -> {observation}\n\n"
                     "Choose the value of text.")]
    options = [f"item{r}" for r in range(2, 12)] + ["toner", "Tom", "quantity", "77", "inventory", "done"]
    assert len(options) == 16 and ("excel", "set_cell") in ACTIONS
    prompt_tokens = len(model.encode_prompt(messages))  # type: ignore[attr-defined]
    cache = model.prefix_cache  # type: ignore[attr-defined]
    # the same agent one step earlier: the history so far without the last question
    earlier = [messages[0], user(messages[1]["content"].rsplit("\n\n", 1)[0])]
    cold, warm, separate, diffs = [], [], [], []
    option_logprobs(model, messages, options)  # warm-up
    for _ in range(repeats):
        cache.clear()
        start = time.perf_counter()
        a = option_logprobs(model, messages, options)
        cold.append(time.perf_counter() - start)
        cache.clear()
        option_logprobs(model, earlier, options[:2])
        start = time.perf_counter()
        option_logprobs(model, messages, options)
        warm.append(time.perf_counter() - start)
        b = []
        start = time.perf_counter()
        for option in options:  # the baseline: one full forward of prompt + option per option
            cache.clear()
            b += model.choice_logprobs(messages, [option])
        separate.append(time.perf_counter() - start)
        diffs.append(max(abs(x - y) for x, y in zip(a, b, strict=True)))
    return {"prompt_tokens": prompt_tokens, "options": len(options),
            "prefix_cached_median_s": statistics.median(cold),
            "prefix_cached_history_warm_median_s": statistics.median(warm),
            "separate_forwards_median_s": statistics.median(separate),
            "speedup": statistics.median(separate) / statistics.median(cold),
            "speedup_history_warm": statistics.median(separate) / statistics.median(warm),
            "max_abs_score_diff": max(diffs)}


def store(units: int, queries: int = 200) -> dict[str, float]:
    from agentzoo.memory import MemoryItem, VectorStore

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(units, 384)).astype(np.float32)
    with tempfile.TemporaryDirectory() as scratch:
        db = VectorStore(Path(scratch) / "bench.sqlite")
        start = time.perf_counter()
        db.add(MemoryItem(f"unit {i}", kind="task" if i % 4 == 0 else "subtask", namespace="bench",
                          payload={"agent": ["excel", "email", "word", "calendar"][i % 4]}, embedding=vectors[i])
               for i in range(units))
        add_seconds = time.perf_counter() - start
        db.query(vectors[0], k=3)  # loads the matrix cache
        plain, filtered = [], []
        for q in rng.normal(size=(queries, 384)).astype(np.float32):
            start = time.perf_counter()
            db.query(q, k=3)
            plain.append(time.perf_counter() - start)
            start = time.perf_counter()
            db.query(q, k=3, where={"namespace": "bench", "kind": "subtask", "agent": "email"})
            filtered.append(time.perf_counter() - start)
        db.close()
    return {"units": units, "add_units_per_s": units / add_seconds, "query_median_ms": statistics.median(plain) * 1e3,
            "filtered_query_median_ms": statistics.median(filtered) * 1e3}


def embedding(n: int = 512) -> dict[str, float]:
    from agentzoo.memory import get_embedder

    embedder = get_embedder("minilm")
    texts = [f"Look up the quantity for item {i} in sheet {i % 7}.xlsx and email it to person {i % 11}."
             for i in range(n)]
    embedder.embed(texts[:16])
    start = time.perf_counter()
    embedder.embed(texts)
    return {"texts": n, "texts_per_s": n / (time.perf_counter() - start)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: leave the default)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    results = {"load_average": os.getloadavg(), "cpus": os.cpu_count(), "scoring": scoring(args.repeats),
               "store": store(args.units), "embedding": embedding()}
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
