"""Networks of the learners: ASN heads, MLP heads, QMIX/VDN mixers, masked Gumbel-Softmax.

ASN (Wang et al., ICLR 2020, arXiv 1907.11461) separates an agent's *own* actions from
actions aimed at another entity. Here an EN's own actions on PB b are hold/evict/fetch from
the cloud; fetching b *from neighbour j* is interactive:

* e_k = MLP(o_k^self), e_{k,b} = MLP([e_k, x_b]) shared over b;
* own logits: Linear(e_{k,b}); interactive logit (b, j): ⟨e_{k,b}, φ(o_k^{j,b})⟩/√H with
  φ shared over neighbours, so the heads are equivariant to the neighbours' order.

Parameters are shared across ENs, which get a one-hot id in o_k^self.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from agentzoo.systems.edge_caching.world import ObsLayout

NEG = -1e9
"""Masked logits use −1e9, not −inf (−inf gives NaNs in Gumbel-Softmax)."""


def mlp(n_in: int, hidden: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, n_out))


class ObsParts:
    """Split a batch of flat observations (N, K, dim) into self, per-PB and neighbour parts."""

    def __init__(self, lay: ObsLayout) -> None:
        self.lay = lay

    def self_part(self, o: torch.Tensor) -> torch.Tensor:
        return o[..., : self.lay.self_dim]

    def own_cache(self, o: torch.Tensor) -> torch.Tensor:
        return o[..., : self.lay.B]

    def own_demand(self, o: torch.Tensor) -> torch.Tensor:
        B, M = self.lay.B, self.lay.M
        return o[..., B + 1 + M : 2 * B + 1 + M]

    def neighbours(self, o: torch.Tensor) -> torch.Tensor:
        """(N, K, J, B, 3): cache_j(b), demand_j(b), R_bh(k, j) for every neighbour j and PB b."""
        lay = self.lay
        nb = o[..., lay.self_dim :].reshape(*o.shape[:-1], lay.n_nb, lay.nb_dim)
        cache = nb[..., : lay.B]
        rbh = nb[..., lay.B : lay.B + 1].expand_as(cache)
        demand = nb[..., lay.B + 1 :]
        return torch.stack([cache, demand, rbh], dim=-1)

    def mask(self, o: torch.Tensor) -> torch.Tensor:
        """Valid actions (N, K, B, 3 + J) from the cache bits in the observation."""
        c = self.own_cache(o) > 0.5
        cols = [torch.ones_like(c), c, ~c]
        if self.lay.n_nb:
            nb_cache = self.neighbours(o)[..., 0] > 0.5  # (N, K, J, B)
            cols += [~c & nb_cache[..., j, :] for j in range(self.lay.n_nb)]
        return torch.stack(cols, dim=-1)


class ASNHeads(nn.Module):
    """Per-PB action values (logits or Q) with the action-semantics structure.

    For speed on CPU the per-PB layers are one wide layer each, and the concatenations
    [e_k, x_b] are computed as sums of separate linear maps (the same function class).
    """

    def __init__(self, lay: ObsLayout, n_agents: int, pb_static: np.ndarray, hidden: int) -> None:
        super().__init__()
        self.parts = ObsParts(lay)
        self.K, self.H = n_agents, hidden
        d_x = pb_static.shape[1]
        self.x_b: torch.Tensor
        self.register_buffer("x_b", torch.as_tensor(pb_static, dtype=torch.float32))
        self.enc_self = mlp(lay.self_dim + n_agents, hidden, hidden)  # e_k = MLP(o_k^self)
        self.pb_from_agent = nn.Linear(hidden, hidden)  # e_{k,b} = ReLU(A e_k + C [x_b, c_kb, d_kb])
        self.pb_from_block = nn.Linear(d_x + 2, hidden, bias=False)
        self.own = nn.Linear(hidden, 3)
        self.phi_nb = nn.Linear(3, hidden)  # φ(o_k^{j,b}) = ReLU(D [c_jb, d_jb, R_bh] + E x_b)
        self.phi_block = nn.Linear(d_x, hidden, bias=False)

    def forward(self, o: torch.Tensor) -> torch.Tensor:
        N, K, _ = o.shape
        B = self.parts.lay.B
        ids = torch.eye(K, device=o.device).expand(N, K, K)
        e_k = self.enc_self(torch.cat([self.parts.self_part(o), ids], -1))  # (N, K, H)
        block = torch.cat([self.x_b.expand(N, K, B, -1),
                           self.parts.own_cache(o).unsqueeze(-1),
                           self.parts.own_demand(o).unsqueeze(-1)], -1)
        e_kb = torch.relu(self.pb_from_agent(e_k).unsqueeze(2) + self.pb_from_block(block))
        own = self.own(e_kb)  # (N, K, B, 3): hold, evict, fetch from the cloud
        if self.parts.lay.n_nb == 0:
            return own
        nb = self.parts.neighbours(o)  # (N, K, J, B, 3)
        phi = torch.relu(self.phi_nb(nb) + self.phi_block(self.x_b))  # (N, K, J, B, H)
        inter = (e_kb.unsqueeze(2) * phi).sum(-1).transpose(2, 3) / math.sqrt(self.H)
        return torch.cat([own, inter], -1)  # (N, K, B, 3 + J)


class MLPHeads(nn.Module):
    """The ablation without ASN: one MLP from the whole observation to every head's values."""

    def __init__(self, lay: ObsLayout, n_agents: int, hidden: int, n_actions: int) -> None:
        super().__init__()
        self.B, self.A = lay.B, n_actions
        self.net = mlp(lay.dim + n_agents, hidden, lay.B * n_actions)

    def forward(self, o: torch.Tensor) -> torch.Tensor:
        N, K, _ = o.shape
        ids = torch.eye(K, device=o.device).expand(N, K, K)
        return self.net(torch.cat([o, ids], -1)).reshape(N, K, self.B, self.A)


class QMixer(nn.Module):
    """QMIX monotonic mixing (Rashid et al., arXiv 1803.11485): |W| from hypernetworks of s."""

    def __init__(self, n_agents: int, state_dim: int, embed: int = 32) -> None:
        super().__init__()
        self.K, self.E = n_agents, embed
        self.w1 = nn.Linear(state_dim, n_agents * embed)
        self.b1 = nn.Linear(state_dim, embed)
        self.w2 = nn.Linear(state_dim, embed)
        self.v = nn.Sequential(nn.Linear(state_dim, embed), nn.ReLU(), nn.Linear(embed, 1))

    def forward(self, q: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        w1 = self.w1(s).abs().view(-1, self.K, self.E)
        hidden = torch.nn.functional.elu(torch.bmm(q.unsqueeze(1), w1).squeeze(1) + self.b1(s))
        return (hidden * self.w2(s).abs()).sum(-1) + self.v(s).squeeze(-1)


class VDNMixer(nn.Module):
    """VDN (Sunehag et al., arXiv 1706.05296): Q_tot = Σ_k Q_k."""

    def forward(self, q: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        return q.sum(-1)


def masked(logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return torch.where(mask, logits, torch.full_like(logits, NEG))


def gumbel_softmax_st(
    logits: torch.Tensor, tau: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Straight-through Gumbel-Softmax (Jang et al., arXiv 1611.01144): one-hot forward,
    the soft sample's gradient backward."""
    u = torch.rand(logits.shape, generator=generator, device=logits.device).clamp(1e-10, 1 - 1e-10)
    y = torch.softmax((logits - torch.log(-torch.log(u))) / tau, dim=-1)
    hard = torch.nn.functional.one_hot(y.argmax(-1), y.shape[-1]).to(y.dtype)
    return hard - y.detach() + y


def pb_static_features(sizes: np.ndarray, uses: np.ndarray) -> np.ndarray:
    """x_b: normalised log size, shared flag, fraction of models using b, shape (B, 3)."""
    log_s = np.log(sizes)
    span = max(float(log_s.max() - log_s.min()), 1e-9)
    n_use = uses.sum(axis=0)
    return np.stack([(log_s - log_s.min()) / span, (n_use > 1).astype(float),
                     n_use / uses.shape[0]], axis=1).astype(np.float32)
