"""MAASN-DA: multi-agent ASN actors, a value-decomposition critic, Gumbel-Softmax, and
data augmentation by an echo state network (components: paper; internals: reconstructed,
see ../shared/specs/edge_caching.md). The ablations share this trainer:

=========  =====  =========  ============
method     ASN    critic     augmentation
=========  =====  =========  ============
maasn_da   yes    QMIX/VDN   ESN
maasn      yes    QMIX/VDN   no
qmix       no     QMIX       no
vdn        no     VDN        no
iql        no     local Q_k  no
=========  =====  =========  ============

Both DA and no-DA make exactly one gradient step per real step, so a gain from DA comes
from the data and not from more updates.
"""

from __future__ import annotations

import copy
import io
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from agentzoo.progress import track
from agentzoo.seeding import rng as make_rng
from agentzoo.seeding import torch_generator
from agentzoo.systems.edge_caching import world as W
from agentzoo.systems.edge_caching.asn import (
    ASNHeads,
    MLPHeads,
    ObsParts,
    QMixer,
    VDNMixer,
    gumbel_softmax_st,
    masked,
    pb_static_features,
)
from agentzoo.systems.edge_caching.augment import Augmenter
from agentzoo.systems.edge_caching.config import Config
from agentzoo.systems.edge_caching.env import EdgeCachingEnv
from agentzoo.systems.edge_caching.evaluate import run_pb_policy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Spec:
    use_asn: bool
    mixer: str
    """``qmix``, ``vdn`` or ``none`` (independent learners)."""
    augment: bool


def spec_for(method: str, c: Config) -> Spec:
    return {
        "maasn_da": Spec(c.use_asn, c.mixer, c.augment),
        "maasn": Spec(c.use_asn, c.mixer, False),
        "qmix": Spec(False, "qmix", False),
        "vdn": Spec(False, "vdn", False),
        "iql": Spec(False, "none", False),
    }[method]


class Replay:
    """A ring buffer of joint transitions (o, s, a, r, o′, s′, done)."""

    def __init__(self, size: int, K: int, obs_dim: int, state_dim: int, B: int) -> None:
        self.size, self.n, self.i = size, 0, 0
        self.o = np.zeros((size, K, obs_dim), np.float32)
        self.o2 = np.zeros_like(self.o)
        self.s = np.zeros((size, state_dim), np.float32)
        self.s2 = np.zeros_like(self.s)
        self.a = np.zeros((size, K, B), np.int64)
        self.r = np.zeros(size, np.float32)
        self.d = np.zeros(size, np.float32)

    def add(self, o: np.ndarray, s: np.ndarray, a: np.ndarray, r: float, o2: np.ndarray,
            s2: np.ndarray, d: bool) -> None:
        j = self.i
        self.o[j], self.s[j], self.a[j], self.r[j], self.o2[j], self.s2[j], self.d[j] = (
            o, s, a, r, o2, s2, float(d))
        self.i = (j + 1) % self.size
        self.n = min(self.n + 1, self.size)

    def sample(self, idx: np.ndarray) -> list[torch.Tensor]:
        return [torch.as_tensor(x[idx]) for x in (self.o, self.s, self.a, self.r, self.o2, self.s2, self.d)]


@dataclass
class TrainLog:
    curve: list[tuple[int, float]] = field(default_factory=list)
    """(real steps, greedy eval return) points."""
    rho: list[tuple[int, float]] = field(default_factory=list)
    """(real steps, ρ_t) after each ESN refit."""
    steps_per_s: float = 0.0
    synthetic: int = 0
    failed: str | None = None
    checkpoint: bytes = b""
    esn_readout: dict[str, Any] | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)


class Learner:
    """One learner (MAASN-DA or an ablation) on one scenario."""

    def __init__(self, scn: W.Scenario, method: str, seed: int) -> None:
        self.scn, self.c, self.method = scn, scn.config, method
        self.spec = spec_for(method, self.c)
        self.lay = W.layout(scn)
        self.parts = ObsParts(self.lay)
        K, A, H = scn.K, scn.n_actions, self.c.hidden
        state_dim = K * self.lay.dim + K * scn.catalogue.n_models
        static = pb_static_features(scn.catalogue.sizes, scn.catalogue.uses)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(make_rng(seed, "learner-init").integers(2**31)))

            def heads() -> torch.nn.Module:
                if self.spec.use_asn:
                    return ASNHeads(self.lay, K, static, H)
                return MLPHeads(self.lay, K, H, A)

            self.actor, self.critic = heads(), heads()
            self.mixer: torch.nn.Module | None = (
                QMixer(K, state_dim) if self.spec.mixer == "qmix"
                else VDNMixer() if self.spec.mixer == "vdn" else None
            )
        self.t_actor, self.t_critic = copy.deepcopy(self.actor), copy.deepcopy(self.critic)
        self.t_mixer = copy.deepcopy(self.mixer)
        critic_params = list(self.critic.parameters()) + (
            list(self.mixer.parameters()) if self.mixer is not None else [])
        self.opt_a = torch.optim.Adam(self.actor.parameters(), lr=self.c.lr_actor)
        self.opt_c = torch.optim.Adam(critic_params, lr=self.c.lr_critic)
        self.gen = torch_generator(seed, "gumbel")
        self.np_rng = make_rng(seed, "learner")
        self.real = Replay(self.c.replay_size, K, self.lay.dim, state_dim, self.lay.B)
        self.syn = Replay(self.c.replay_size, K, self.lay.dim, state_dim, self.lay.B)
        self.temp = self.c.temp_start

    # ------------------------------------------------------------------ acting
    def policy(self, obs: np.ndarray, greedy: bool, generator: torch.Generator | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Masked actions for a batch of joint observations (N, K, dim) -> (N, K, B) and priorities."""
        with torch.no_grad():
            o = torch.as_tensor(obs, dtype=torch.float32)
            logits = masked(self.actor(o), self.parts.mask(o))
            if greedy:
                act = greedy_operation(logits)
            else:
                act = gumbel_softmax_st(logits, 1.0, generator or self.gen).argmax(-1)
            prio = torch.gather(logits, -1, act.unsqueeze(-1)).squeeze(-1)
        return act.numpy(), prio.numpy()

    def act_fn(self, state: W.State, peek: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Greedy policy on a world state (for evaluation)."""
        act, prio = self.policy(W.observe(self.scn, state)[None], greedy=True)
        return act[0], prio[0]

    # ------------------------------------------------------------------ learning
    def _joint_q(self, critic: torch.nn.Module, mixer: torch.nn.Module | None, o: torch.Tensor,
                 s: torch.Tensor, onehot: torch.Tensor) -> torch.Tensor:
        q_k = (critic(o) * onehot).sum(dim=(-1, -2))  # Q_k = Σ_b Q_{k,b}(o_k, a_{k,b})
        return q_k if mixer is None else mixer(q_k, s)  # Q_tot = mix(Q_1..Q_K; s)

    def update(self, rho: float) -> float:
        c = self.c
        n_syn = round(rho * c.batch_size) if self.syn.n >= c.batch_size else 0
        idx_r = self.np_rng.integers(self.real.n, size=c.batch_size - n_syn)
        batch = self.real.sample(idx_r)
        if n_syn:
            extra = self.syn.sample(self.np_rng.integers(self.syn.n, size=n_syn))
            batch = [torch.cat([x, y]) for x, y in zip(batch, extra)]
        o, s, a, r, o2, s2, d = batch
        A = self.scn.n_actions
        with torch.no_grad():  # y = r + γ Q_tot⁻(s′, ā′), ā′ from the masked target actors
            logits2 = masked(self.t_actor(o2), self.parts.mask(o2))
            a2 = gumbel_softmax_st(logits2, self.temp, self.gen)
            q2 = self._joint_q(self.t_critic, self.t_mixer, o2, s2, a2)
            if self.mixer is None:
                y = r[:, None] + c.gamma * (1 - d[:, None]) * q2
            else:
                y = r + c.gamma * (1 - d) * q2
        q = self._joint_q(self.critic, self.mixer, o, s, torch.nn.functional.one_hot(a, A).float())
        loss_c = torch.nn.functional.mse_loss(q, y)
        self.opt_c.zero_grad()
        loss_c.backward()
        torch.nn.utils.clip_grad_norm_(self.opt_c.param_groups[0]["params"], 10.0)
        self.opt_c.step()
        # actor: −Q_tot(s, Gumbel-ST actions of every agent) − β·entropy (FACMAC style)
        mask = self.parts.mask(o)
        logits = masked(self.actor(o), mask)
        a_st = gumbel_softmax_st(logits, self.temp, self.gen)
        q_pi = self._joint_q(self.critic, self.mixer, o, s, a_st)
        p = torch.softmax(logits, -1)
        entropy = -(p * torch.log(p + 1e-12)).sum(-1).sum(-1).mean()
        loss_a = -q_pi.mean() - c.entropy_beta * entropy
        self.opt_a.zero_grad()
        loss_a.backward()
        torch.nn.utils.clip_grad_norm_(self.actor.parameters(), 10.0)
        self.opt_a.step()
        self.critic.zero_grad(set_to_none=True)
        with torch.no_grad():
            pairs = [(self.actor, self.t_actor), (self.critic, self.t_critic)]
            if self.mixer is not None and self.t_mixer is not None:
                pairs.append((self.mixer, self.t_mixer))
            for net, tgt in pairs:
                for pt, pn in zip(tgt.parameters(), net.parameters()):
                    pt.mul_(1 - c.tau_soft).add_(c.tau_soft * pn)
        return float(loss_c.item() + loss_a.item())

    # ------------------------------------------------------------------ the loop
    def train(self, total_steps: int, curve_eps: list[tuple[str, W.Episode]]) -> TrainLog:
        c, scn = self.c, self.scn
        env = EdgeCachingEnv(c.replace(obs_mode="flat", action_mode="factored"), scenario=scn,
                             beamformer=c.bf_train)
        aug = Augmenter(scn, self, make_rng(c.seed, "augment")) if self.spec.augment else None
        out = TrainLog()
        obs_d, _ = env.reset(seed=1_000_000 + c.seed)
        rho = 0.0
        start = time.perf_counter()
        for step in track(range(total_steps), f"training {self.method}"):
            if step % c.eval_every == 0:
                out.curve.append((step, self.greedy_return(curve_eps)))
                out.checkpoint = self.checkpoint()
            self.temp = c.temp_start + (c.temp_end - c.temp_start) * step / max(total_steps, 1)
            raw = env.s
            obs = np.stack([obs_d[a] for a in env.possible_agents])
            st = env.state()
            if step < c.warmup_steps:
                mask = W.action_mask(scn, raw.cache)
                act = (self.np_rng.uniform(size=mask.shape) * mask).argmax(-1)
                prio = self.np_rng.uniform(size=act.shape)
            else:
                a_b, p_b = self.policy(obs[None], greedy=False)
                act, prio = a_b[0], p_b[0]
            tr = W.apply_actions(scn, raw.cache, act, prio)
            executed = executed_actions(act, raw.cache, tr.cache, scn)
            requests = env.episode.requests[raw.t] if env.episode is not None else None
            obs2_d, rew, _, trunc, info = env.step(dict(zip(env.possible_agents, executed)))
            done = any(trunc.values())
            obs2 = np.stack([obs2_d[a] for a in env.possible_agents])
            self.real.add(obs, st, executed, rew["en_0"], obs2, env.state(), done)
            out.rows.append({"method": self.method, "step": step, "reward": rew["en_0"],
                             "delay": info["en_0"]["delay"], "rho": rho})
            if aug is not None and requests is not None:
                aug.observe(raw, requests, tr.cache, tr.backhaul_s, info["en_0"]["cost"])
                if step % c.esn_refit_every == c.esn_refit_every - 1:
                    rho = aug.refit()
                    out.rho.append((step + 1, rho))
                if aug.ready and step >= c.warmup_steps:
                    out.synthetic += aug.generate(self.syn, c.syn_per_real)
            if step >= c.warmup_steps and self.real.n >= c.batch_size:
                loss = self.update(rho)
                if not np.isfinite(loss):
                    out.failed = f"non-finite loss at step {step}"
                    log.error("%s: %s; keeping the last checkpoint", self.method, out.failed)
                    self.restore(out.checkpoint)
                    break
            obs_d = env.reset()[0] if done else obs2_d
        out.steps_per_s = (len(out.rows)) / max(time.perf_counter() - start, 1e-9)
        if aug is not None:
            out.esn_readout = aug.readout()
        if out.failed is None:
            out.curve.append((total_steps, self.greedy_return(curve_eps)))
            out.checkpoint = self.checkpoint()
        return out

    def greedy_return(self, episodes: list[tuple[str, W.Episode]]) -> float:
        ev = run_pb_policy(self.scn, self.method, self.act_fn, episodes, self.c.bf_train)
        f = ev.frame()
        return float(-(f.groupby("episode")["cost"].sum()).mean() / self.scn.d_ref)

    def checkpoint(self) -> bytes:
        buf = io.BytesIO()
        state = {"actor": self.actor.state_dict(), "critic": self.critic.state_dict()}
        if self.mixer is not None:
            state["mixer"] = self.mixer.state_dict()
        torch.save(state, buf)
        return buf.getvalue()

    def restore(self, blob: bytes) -> None:
        if not blob:
            return
        state = torch.load(io.BytesIO(blob), weights_only=True)
        self.actor.load_state_dict(state["actor"])
        self.critic.load_state_dict(state["critic"])
        if self.mixer is not None and "mixer" in state:
            self.mixer.load_state_dict(state["mixer"])


def greedy_operation(logits: torch.Tensor) -> torch.Tensor:
    """The deterministic policy: the most probable *operation* (hold, evict, fetch), then the
    most probable source of a fetch. A plain argmax would favour hold whenever the fetch
    probability is split over the cloud and several neighbours."""
    p = torch.softmax(logits, -1)
    p_fetch = p[..., W.FETCH_CLOUD :].sum(-1)
    op = torch.stack([p[..., W.HOLD], p[..., W.EVICT], p_fetch], -1).argmax(-1)
    source = W.FETCH_CLOUD + p[..., W.FETCH_CLOUD :].argmax(-1)
    return torch.where(op == 2, source, op)


def executed_actions(act: np.ndarray, before: np.ndarray, after: np.ndarray,
                     scn: W.Scenario) -> np.ndarray:
    """The actions that took effect: out-of-mask actions and rejected fetches become holds."""
    valid = np.take_along_axis(W.action_mask(scn, before), act[..., None], axis=2)[..., 0]
    done = np.where(act == W.EVICT, ~after, np.where(act >= W.FETCH_CLOUD, after, True))
    return np.where(valid & done, act, W.HOLD)
