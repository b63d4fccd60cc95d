"""ATP benchmark: the full protocols with the embedded model, and the speed of forced choice.

    .venv/bin/python benchmarks/atp.py [--preset cpu] [--model local] [--data ../shared/data/atp]
                                       [--out runs/bench/atp] [--skip-speed] [--skip-protocol]

1. Speed (side by side, one process): a 6-round SA episode in choice mode on 16 items
   (a) batched with the prefix KV cache, (b) batched, recomputing every prompt (cache off),
   (c) with the cache but one item at a time.
2. Protocol: ``agentzoo run atp --preset cpu --sa-arms atp,control`` (64 items x 6 rounds x the two
   arms of the issue, ``--sa-arms`` adds the ablations; and the MA grid
   k in {2,4,6,8} x 7 games x 8 agents x 3 rounds plus no_peers), with the positive control.
   With ``--model openai:MODEL@URL --preset paper --data DIR`` the same script runs the paper's
   setting against a server.

Prints a JSON summary and writes the run directory; the numbers go into docs/atp.md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def speed(model_spec: str, items: int = 16, rounds: int = 6) -> dict[str, float]:
    from agentzoo.llm import load_model
    from agentzoo.llm.prefix_cache import PrefixCache
    from agentzoo.systems.atp import sa
    from agentzoo.systems.atp.decide import Decider
    from agentzoo.systems.atp.scenarios import embedded_sa_items

    model = load_model(model_spec, cache=False)
    chosen = embedded_sa_items("test")[:items]
    arm = sa.Arm("atp", "all_unsupervised", 5)

    def episode(batched: bool, cache_bytes: int) -> float:
        model.prefix_cache = PrefixCache(max_bytes=cache_bytes)  # type: ignore[attr-defined]
        decider = Decider(model, "choice", "sample", seed=0)
        start = time.perf_counter()
        if batched:
            sa.run_arm(chosen, arm, decider, rounds, seed=0)
        else:
            for item in chosen:
                sa.run_arm([item], arm, decider, rounds, seed=0)
        return time.perf_counter() - start

    episode(True, 512 * 2**20)  # warm-up
    cached = episode(True, 512 * 2**20)
    recompute = episode(True, 0)
    one_by_one = episode(False, 512 * 2**20)
    return {
        "items": items, "rounds": rounds,
        "seconds_batched_prefix_cache": cached, "seconds_batched_recompute": recompute,
        "seconds_one_by_one_prefix_cache": one_by_one,
        "speedup_prefix_cache": recompute / cached, "speedup_batching": one_by_one / cached,
    }


def protocol(preset: str, model: str, data: str, out: Path, sa_arms: tuple[str, ...]) -> dict[str, object]:
    from agentzoo.runs import execute
    from agentzoo.systems import atp

    config = atp.Config.preset(preset).replace(model=model, data=data, sa_arms=sa_arms)
    start = time.perf_counter()
    result = execute("atp", config, out)
    keys = [k for k in result.metrics if not k.endswith("_ci_low_by_round") and not k.endswith("_ci_high_by_round")]
    summary = {k: result.metrics[k] for k in keys}
    summary["wall_seconds"] = time.perf_counter() - start
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="cpu")
    parser.add_argument("--model", default="local")
    parser.add_argument("--data", default="embedded")
    parser.add_argument("--out", type=Path, default=Path("runs/bench/atp"))
    parser.add_argument("--sa-arms", default="atp,control",
                        help="SA arms (the issue's protocol: atp,control; add no_feedback,no_history for the ablations)")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-protocol", action="store_true")
    args = parser.parse_args()
    report: dict[str, object] = {}
    if not args.skip_speed and args.model.startswith("local"):
        report["speed"] = speed(args.model)
        print(json.dumps(report["speed"], indent=2), flush=True)
    if not args.skip_protocol:
        report["protocol"] = protocol(args.preset, args.model, args.data, args.out, tuple(args.sa_arms.split(",")))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmark.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
