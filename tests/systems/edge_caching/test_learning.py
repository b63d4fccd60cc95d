"""Learning parts: Gumbel-Softmax, ASN equivariance, ESN, DA switch, NaN handling, ratios."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from agentzoo.systems.edge_caching import world as W
from agentzoo.systems.edge_caching.asn import (
    ASNHeads,
    ObsParts,
    gumbel_softmax_st,
    masked,
    pb_static_features,
)
from agentzoo.systems.edge_caching.augment import tv_error
from agentzoo.systems.edge_caching.config import Config
from agentzoo.systems.edge_caching.esn import ESN
from agentzoo.systems.edge_caching.maasn import Learner
from agentzoo.systems.edge_caching.run import sample_ratio, steps_to_reach

TINY = Config.quick().replace(
    n_users=4, slots_per_episode=5, total_env_steps=25, warmup_steps=10, batch_size=8, hidden=8,
    eval_every=20, curve_episodes=1, esn_units=10, esn_refit_every=10, esn_window=100, esn_washout=2,
)


def test_straight_through_gumbel_is_one_hot_and_passes_gradients() -> None:
    logits = torch.randn(5, 4, requires_grad=True)
    mask = torch.tensor([True, False, True, True]).expand(5, 4)
    y = gumbel_softmax_st(masked(logits, mask), 0.7, torch.Generator().manual_seed(0))
    assert torch.equal(y.sum(-1), torch.ones(5)) and set(y.detach().unique().tolist()) <= {0.0, 1.0}
    assert (y[:, 1] == 0).all()  # the masked action is never chosen
    (y * torch.arange(4.0)).sum().backward()
    assert logits.grad is not None and logits.grad.abs().sum() > 0
    assert torch.isfinite(logits.grad).all()


def test_permuting_neighbours_permutes_interactive_logits() -> None:
    scn = W.make_scenario(Config(n_edges=4, n_users=8, antennas=1))
    lay = W.layout(scn)
    torch.manual_seed(0)
    net = ASNHeads(lay, scn.K, pb_static_features(scn.catalogue.sizes, scn.catalogue.uses), 16)
    o = torch.rand(2, scn.K, lay.dim)
    perm = [2, 0, 1]
    nb = o[..., lay.self_dim:].reshape(2, scn.K, lay.n_nb, lay.nb_dim)
    o_perm = torch.cat([o[..., : lay.self_dim], nb[:, :, perm].reshape(2, scn.K, -1)], -1)
    out, out_perm = net(o), net(o_perm)
    assert torch.allclose(out[..., :3], out_perm[..., :3], atol=1e-6)  # own actions unchanged
    assert torch.allclose(out[..., 3:][..., perm], out_perm[..., 3:], atol=1e-6)
    masks = ObsParts(lay).mask(o_perm)
    assert torch.equal(ObsParts(lay).mask(o)[..., 3:][..., perm], masks[..., 3:])


def test_esn_predicts_noise_free_ar2_one_step_ahead() -> None:
    T, omega = 1200, 0.3
    y = np.zeros(T)
    y[1] = np.sin(omega)
    for t in range(2, T):  # y_t = 2cos(ω)y_{t−1} − y_{t−2}: a noise-free AR(2), a sinusoid
        y[t] = 2 * np.cos(omega) * y[t - 1] - y[t - 2]
    esn = ESN(1, 1, 100, np.random.default_rng(0), ridge=1e-6)  # spec defaults otherwise
    states = esn.run(y[:-1, None])
    esn.fit(states[:900], y[:-1, None][:900], y[1:901, None])
    pred = esn.predict(states[900:], y[900:-1, None])[:, 0]
    target = y[901:]
    nrmse = np.sqrt(np.mean((pred - target) ** 2)) / target.std()
    assert nrmse <= 0.05
    untrained = ESN(1, 1, 100, np.random.default_rng(0))
    assert np.abs(untrained.predict(states[900:], y[900:-1, None])).max() == 0  # fit did the work


def test_tv_error_known_values() -> None:
    pred = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])
    hist = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])  # cell 1 had no requests: skipped
    assert tv_error(pred, hist) == pytest.approx(0.5)


def test_rho_max_zero_reproduces_maasn_bit_for_bit() -> None:
    config = TINY.replace(rho_max=0.0)
    scn = W.make_scenario(config)
    curve = [("curve0", W.make_episode(scn, "curve0"))]
    da = Learner(scn, "maasn_da", 0)
    log_da = da.train(config.total_env_steps, curve)
    plain = Learner(scn, "maasn", 0)
    log_plain = plain.train(config.total_env_steps, curve)
    assert log_da.synthetic > 0  # the augmenter ran ...
    assert [r["reward"] for r in log_da.rows] == [r["reward"] for r in log_plain.rows]
    for a, b in zip(da.actor.parameters(), plain.actor.parameters()):
        assert torch.equal(a, b)  # ... and changed nothing


@pytest.mark.slow
def test_with_augmentation_batches_differ() -> None:
    config = TINY.replace(rho_max=0.9, total_env_steps=60)
    scn = W.make_scenario(config)
    curve = [("curve0", W.make_episode(scn, "curve0"))]
    da = Learner(scn, "maasn_da", 0)
    log = da.train(config.total_env_steps, curve)
    plain = Learner(scn, "maasn", 0)
    plain.train(config.total_env_steps, curve)
    assert log.rho and log.esn_readout is not None and log.synthetic > 0
    if max(r for _, r in log.rho) * config.batch_size >= 1:  # some synthetic rows were used
        assert any(not torch.equal(a, b) for a, b in zip(da.actor.parameters(), plain.actor.parameters()))


def test_nan_loss_stops_the_learner_and_keeps_the_heuristics(monkeypatch) -> None:
    from agentzoo.systems import edge_caching
    from agentzoo.systems.edge_caching import maasn

    monkeypatch.setattr(maasn.Learner, "update", lambda self, rho: math.nan)
    config = TINY.replace(methods=("maasn", "pb_lfu"), eval_episodes=1, heuristic_warmup_episodes=1)
    result = edge_caching.run(config)
    assert result.metrics["learner_failed_maasn"] == 1
    assert result.metrics["delay_pb_lfu"] > 0 and result.metrics["delay_maasn"] > 0
    assert result.artifacts["maasn.pt"]  # the last checkpoint is kept


def test_learner_actions_respect_masks() -> None:
    scn = W.make_scenario(TINY)
    learner = Learner(scn, "maasn", 0)
    state = W.initial_state(scn)
    cache = np.zeros_like(state.cache)
    cache[0, :5] = True
    state = W.State(cache, state.ewma, 0, state.gain_db, state.hist)
    obs = W.observe(scn, state)[None]
    mask = W.action_mask(scn, cache)
    for greedy in (True, False):
        act, _ = learner.policy(obs, greedy=greedy)
        assert np.take_along_axis(mask, act[0][..., None], axis=2).all()


def test_sample_ratio_known_answer() -> None:
    without = [(0, -10.0), (100, -8.0), (200, -6.0), (300, -5.0), (400, -5.0)]
    with_da = [(0, -10.0), (100, -5.2), (200, -5.0), (300, -5.0), (400, -5.0)]
    # threshold = -10 + 0.95 * 5 = -5.25: no-DA reaches it at 300, DA at 100
    assert steps_to_reach(without, -5.25) == 300
    ratio, auc = sample_ratio(with_da, without)
    assert ratio == pytest.approx(100 / 300)
    assert auc == pytest.approx(np.mean([0, 4.8, 5, 5, 5]) / np.mean([0, 2, 4, 5, 5]))
    assert math.isnan(sample_ratio(with_da, [(0, -5.0), (100, -6.0)])[0])


def test_greedy_operation_sums_the_fetch_sources() -> None:
    from agentzoo.systems.edge_caching.maasn import greedy_operation

    p = torch.tensor([[0.4, 0.0, 0.15, 0.25, 0.2], [0.5, 0.0, 0.1, 0.3, 0.1], [0.2, 0.5, 0.1, 0.1, 0.1]])
    act = greedy_operation(torch.log(p + 1e-12))
    assert act.tolist() == [3, 0, 1]  # fetch (0.6 > 0.4) from neighbour 0; hold; evict
