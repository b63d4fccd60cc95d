"""Multi-role RL for tool-using LLM agents (shared by ``mars`` and ``matpo``).

* :mod:`~agentzoo.rl.rollout` — segments with loss masks, rollouts with parent links, trees;
* :mod:`~agentzoo.rl.engine` — token-in/token-out rollout engines (local torch, vLLM);
* :mod:`~agentzoo.rl.policy` — dialogues rendered to exact tokens, token and chat policies;
* :mod:`~agentzoo.rl.advantages` — GRPO group normalisation, MARS pools, MATPO inheritance;
* :mod:`~agentzoo.rl.loss` — PPO-clip (dual clip, aggregations, normalisers), k3 KL, DPO, NLL;
* :mod:`~agentzoo.rl.packing` — first-fit-decreasing and friends; :mod:`~agentzoo.rl.balance`;
* :mod:`~agentzoo.rl.trainer` — top-k / LoRA / full updates with completion-only log-probs;
* :mod:`~agentzoo.rl.sft` — SFT / RFT warm start; :mod:`~agentzoo.rl.grpo` — the loop;
* :mod:`~agentzoo.rl.tiny` — a tiny random model and toy task for tests.

torch, transformers (and peft for LoRA) are needed: ``pip install 'agentzoo[rl]'``.
"""

from agentzoo.rl.advantages import (
    AdvantageStats,
    group_normalize,
    inherit_from_parent,
    pooled_by_role,
    roots_only,
    zero_variance_groups,
)
from agentzoo.rl.balance import balance
from agentzoo.rl.packing import ffd, next_fit, pack, per_item, split_long
from agentzoo.rl.rollout import Rollout, RolloutTree, Segment, TrainRow, flatten

__all__ = [
    "AdvantageStats",
    "Rollout",
    "RolloutTree",
    "Segment",
    "TrainRow",
    "balance",
    "ffd",
    "flatten",
    "group_normalize",
    "inherit_from_parent",
    "next_fit",
    "pack",
    "per_item",
    "pooled_by_role",
    "roots_only",
    "split_long",
    "zero_variance_groups",
]
