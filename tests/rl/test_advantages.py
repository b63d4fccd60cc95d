from __future__ import annotations

import numpy as np
import pytest

from agentzoo.rl.advantages import (
    group_normalize,
    inherit_from_parent,
    pooled_by_role,
    roots_only,
    zero_variance_groups,
)
from agentzoo.rl.rollout import Rollout


def test_group_normalize_hand_made_group() -> None:
    assert group_normalize([1, 0, 0, 1]) == pytest.approx([1, -1, -1, 1], abs=1e-5)
    # population std: r = (3, 1) -> mean 2, std 1 -> (1, -1); second group centred separately
    a = group_normalize([3, 1, 5, 5, 2], ["a", "a", "b", "b", "b"])
    std_b = np.std([5, 5, 2])
    assert a[:2] == pytest.approx([1, -1], abs=1e-5)
    assert a[2:] == pytest.approx([(5 - 4) / std_b, (5 - 4) / std_b, (2 - 4) / std_b], abs=1e-5)


def test_equal_rewards_give_zero_and_are_counted() -> None:
    r = [0.5, 0.5, 1.0, 0.0]
    g = ["x", "x", "y", "y"]
    a = group_normalize(r, g)
    assert a[:2].tolist() == [0.0, 0.0]
    assert zero_variance_groups(r, g) == 1
    assert group_normalize([2.0, 1.0], scale="none").tolist() == [0.5, -0.5]


def _tree(group: str, k: int, reward: float, children: int, role: str = "sys1") -> list[Rollout]:
    root = Rollout(f"{group}-{k}", None, group, "sys2", reward=reward)
    return [root] + [Rollout(f"{group}-{k}-{j}", root.id, group, role) for j in range(children)]


def test_pooled_by_role_spec_example() -> None:
    # G=2, r=(1,0), m=(3,1): A2=(1,-1), A1=(0.577,0.577,0.577,-1.732)
    rollouts = _tree("q", 0, 1.0, 3) + _tree("q", 1, 0.0, 1)
    stats = pooled_by_role(rollouts)
    sys2 = [r.advantage for r in rollouts if r.role == "sys2"]
    sys1 = [r.advantage for r in rollouts if r.role == "sys1"]
    assert sys2 == pytest.approx([1, -1], abs=1e-3)
    assert sys1 == pytest.approx([0.577, 0.577, 0.577, -1.732], abs=1e-3)
    assert all(r.reward == 1.0 for r in rollouts[1:4])
    assert stats.groups == 1 and stats.zero_variance_groups == 0
    assert stats.rows_per_role == {"sys2": 2, "sys1": 4}


def test_pools_are_per_group_and_role() -> None:
    rollouts = _tree("a", 0, 1.0, 1) + _tree("a", 1, 0.0, 1) + _tree("b", 0, 1.0, 2) + _tree("b", 1, 1.0, 0)
    stats = pooled_by_role(rollouts)
    assert stats.zero_variance_groups == 1
    b_children = [r for r in rollouts if r.group_id == "b" and r.role == "sys1"]
    assert [r.advantage for r in b_children] == [0.0, 0.0]


def test_inherit_from_parent_is_bit_identical() -> None:
    rollouts = _tree("q", 0, 1.0, 2, "worker") + _tree("q", 1, 0.0, 3, "worker") + _tree("q", 2, 0.5, 0)
    rng = np.random.default_rng(0)
    shuffled = [rollouts[i] for i in rng.permutation(len(rollouts))]
    inherit_from_parent(shuffled)
    by_id = {r.id: r for r in rollouts}
    for r in rollouts:
        if r.parent_id is not None:
            assert r.advantage == by_id[r.parent_id].advantage
    roots = [r.advantage for r in rollouts if r.parent_id is None]
    assert roots == pytest.approx(group_normalize([1.0, 0.0, 0.5]).tolist())


def test_roots_only_and_bad_parent() -> None:
    rollouts = _tree("q", 0, 1.0, 2) + _tree("q", 1, 0.0, 0)
    roots_only(rollouts)
    assert [r.advantage for r in rollouts[1:3]] == [0.0, 0.0]
    orphan = [Rollout("x", "missing", "q", "sys1")]
    with pytest.raises(ValueError, match="unknown parent"):
        pooled_by_role(orphan)
    with pytest.raises(ValueError, match="unknown parent"):
        inherit_from_parent(orphan)
