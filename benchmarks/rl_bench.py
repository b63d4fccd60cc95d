"""Speed and memory of the RL core on the embedded SmolLM2-135M-Instruct (CPU).

Measured side by side in one invocation (each memory case in its own fresh process, so
peak RSS is that case's alone):

1. peak RSS of one training forward+backward at 16×384 tokens (64 trained tokens per row):
   the completion-only log-prob path (:meth:`Trainer.token_logprobs`) vs a full-vocabulary
   fp32 ``log_softmax`` over every position (spec target: ≤ 1/3), each without and with
   activation checkpointing of the trainable layers;
2. seconds per training step at 16×192 tokens: top-6 layers vs full fine-tune (target ≥ 3×),
   and LoRA r=16 for reference;
3. generation tokens/s at batch 8 vs batch 1, 64 new tokens (target ≥ 5×).

    .venv/bin/python benchmarks/rl_bench.py --out runs/bench/rl_bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

MEMORY_CASES = ("memory-completion", "memory-full", "memory-completion-ckpt", "memory-full-ckpt")


def _model() -> Any:
    from agentzoo.llm.local import LocalChatModel

    return LocalChatModel.load(None)


def _rows(n: int, length: int, trained: int, vocab: int, seed: int = 0) -> list[Any]:
    import numpy as np

    from agentzoo.rl.rollout import TrainRow

    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        ids = tuple(int(x) for x in rng.integers(100, vocab - 100, length))
        mask = tuple([False] * (length - trained) + [True] * trained)
        old = tuple([-2.0] * length)
        rows.append(TrainRow(ids, mask, old, float(rng.normal()), "sys2"))
    return rows


def case_memory(path: str, checkpointing: bool) -> dict[str, float]:
    """One forward+backward of 16×384 tokens with top-6 layers trainable."""
    import torch

    from agentzoo.rl.trainer import Trainer, TrainerConfig

    chat = _model()
    trainer = Trainer(chat.model, TrainerConfig(mode="topk", top_k_layers=6, micro_batch_tokens=16 * 384,
                                                activation_checkpointing=checkpointing))
    chat.model.train()
    rows = _rows(16, 384, 64, len(chat.tokenizer))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    if path == "completion":
        trainer.ppo_step(rows, apply=False)
    else:  # the naive path: full-vocabulary log_softmax at every position, then gather
        ids = torch.tensor([r.ids for r in rows])
        logits = chat.model(input_ids=ids).logits.float()
        logp = torch.log_softmax(logits[:, :-1], dim=-1).gather(-1, ids[:, 1:, None])[..., 0]
        mask = torch.tensor([r.mask[1:] for r in rows])
        loss = -(logp * mask).sum() / mask.sum()
        loss.backward()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"peak_rss_mb": peak, "model_rss_mb": base, "extra_rss_mb": peak - base, "seconds": time.perf_counter() - start}


def case_speed(repeats: int) -> dict[str, float]:
    from agentzoo.rl.trainer import Trainer, TrainerConfig

    out: dict[str, float] = {}
    for mode in ("topk", "full", "lora"):
        chat = _model()
        trainer = Trainer(chat.model, TrainerConfig(mode=mode, top_k_layers=6, lora_r=16, lora_alpha=32,  # type: ignore[arg-type]
                                                    micro_batch_tokens=16 * 192))
        rows = _rows(16, 192, 64, len(chat.tokenizer))
        trainer.ppo_step(rows)  # warm-up
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            trainer.ppo_step(rows)
            times.append(time.perf_counter() - start)
        out[f"train_step_seconds_{mode}"] = min(times)
    out["topk_speedup_vs_full"] = out["train_step_seconds_full"] / out["train_step_seconds_topk"]
    chat = _model()
    from agentzoo.rl.engine import LocalEngine

    engine = LocalEngine(chat)
    prompt = chat.encode_prompt([{"role": "user", "content": "Write a short story about a lighthouse keeper."}])
    for batch in (1, 8):
        best = 0.0
        for r in range(repeats):
            start = time.perf_counter()
            gens = engine.generate([prompt] * batch, max_new_tokens=64, temperature=1.0, seed=r)
            tokens = sum(len(g.ids) for g in gens)
            best = max(best, tokens / (time.perf_counter() - start))
        out[f"generation_tokens_per_second_batch{batch}"] = best
    out["batch8_speedup"] = out["generation_tokens_per_second_batch8"] / out["generation_tokens_per_second_batch1"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=[*MEMORY_CASES, "speed"], help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("runs/bench/rl_bench.json"))
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    if args.case:
        if args.case.startswith("memory"):
            result = case_memory(args.case.split("-")[1], args.case.endswith("-ckpt"))
        else:
            result = case_speed(args.repeats)
        print(json.dumps(result))
        return
    results: dict[str, Any] = {"threads": args.threads, "load_before": os.getloadavg()[0], "cpus": os.cpu_count()}
    for case in (*MEMORY_CASES, "speed"):
        proc = subprocess.run([sys.executable, __file__, "--case", case, "--repeats", str(args.repeats),
                               "--threads", str(args.threads)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            results[case] = {"error": proc.stderr[-2000:]}
            continue
        results[case] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(case, results[case], flush=True)
    for suffix in ("", "-ckpt"):
        completion, full = results.get(f"memory-completion{suffix}", {}), results.get(f"memory-full{suffix}", {})
        if "extra_rss_mb" in completion and "extra_rss_mb" in full:
            results[f"peak_rss_ratio{suffix}"] = completion["peak_rss_mb"] / full["peak_rss_mb"]
            results[f"extra_rss_ratio{suffix}"] = completion["extra_rss_mb"] / full["extra_rss_mb"]
    results["load_after"] = os.getloadavg()[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
