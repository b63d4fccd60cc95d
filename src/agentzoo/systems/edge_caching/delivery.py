"""Download delay of one slot: multicast groups, CoMP broadcast schedule, cloud misses, outage.

A *unit* is what is broadcast as one piece: a PB under fine-grained caching, a whole model
under ``whole_model`` caching. For every requested unit b (spec, "CoMP broadcast"):

* G_b = users who need it, S_b = ENs caching it; a unit cached nowhere is fetched from the
  cloud (one link, fetches in schedule order, overlapping earlier broadcasts) to the EN
  with the best worst-user channel, and goes on air once it arrives;
* R_b = B·log2(1 + SNR_rate), SNR_rate = min_{u∈G_b} |ĥ_uᴴw_b|² (worst user, estimated CSI);
  airtime 8·s_b/R_b; units are broadcast one at a time in schedule order;
* a user whose *true* SNR is below SNR_rate is in outage and gets the unit again by unicast
  MRT after the broadcast phase (8·s_b/R_u at its true SNR);
* D_u = finish time of the last unit of u's model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from agentzoo.systems.edge_caching import beamforming as bf


@dataclass(frozen=True)
class Radio:
    """Radio and migration constants of a scenario (channels are noise-normalised)."""

    bandwidth_hz: float
    P: np.ndarray
    """Per-EN power P_k in watts, shape (K,)."""
    cloud_bps: float
    cloud_latency_s: float
    backhaul_bps: float
    csi_error: float = 0.0
    schedule: str = "group_size"


@dataclass
class SlotDelivery:
    """What one slot's delivery produced."""

    delay: np.ndarray
    """D_u in seconds for each user (NaN where u requested nothing), shape (U,)."""
    outages: int = 0
    """(user, unit) pairs in outage (re-sent by unicast)."""
    receptions: int = 0
    """(user, unit) pairs delivered by broadcast."""
    cloud_misses: int = 0
    """Units fetched from the cloud during the slot."""
    bf_fallbacks: int = 0
    """Beamforming solves that failed and used MRT."""
    airtime: dict[int, float] = field(default_factory=dict)
    """Broadcast airtime of each unit sent (s)."""


def rate(bandwidth_hz: float, snr: np.ndarray | float) -> np.ndarray:
    """Shannon rate B·log2(1 + SNR) in bit/s."""
    return bandwidth_hz * np.log2(1.0 + np.asarray(snr, dtype=float))


def deliver(
    sizes: np.ndarray,
    groups: np.ndarray,
    holders: np.ndarray,
    h_hat: np.ndarray,
    h: np.ndarray,
    radio: Radio,
    beamformer: str = "mrt",
    rng: np.random.Generator | None = None,
) -> SlotDelivery:
    """Broadcast every requested unit; ``sizes`` (n,) bytes, ``groups`` (n, U), ``holders`` (n, K)."""
    U = groups.shape[1]
    wanted = np.asarray(groups.any(axis=1)) if groups.size else np.zeros(0, bool)
    delay = np.where(groups.any(axis=0), 0.0, np.nan)
    out = SlotDelivery(delay)
    ids = np.flatnonzero(wanted)
    if len(ids) == 0:
        return out
    G = groups[ids]
    S = holders[ids].copy()
    # A unit cached nowhere is fetched to the EN with the best worst-user large-scale channel.
    miss = np.asarray(~S.any(axis=1))
    if miss.any():
        gain = (np.abs(h_hat) ** 2).sum(axis=2)  # (U, K)
        for i in np.flatnonzero(miss):
            S[i, np.argmax(gain[G[i]].min(axis=0))] = True
    out.cloud_misses = int(miss.sum())
    # Beamformers and the SNR each rate is set from.
    if beamformer == "mrt":
        W = bf.mrt_batch(h_hat, G, S, radio.P)
        snr_hat = bf.snr(h_hat, W)
        snr_rate = np.where(G, snr_hat, np.inf).min(axis=1)
    else:
        beams = []
        for n in range(len(ids)):
            members = np.flatnonzero(G[n])
            if beamformer == "sdr":
                beam = bf.sdr(h_hat[members], S[n], radio.P, rng or np.random.default_rng(0))
            elif beamformer == "robust":
                beam = bf.robust(h_hat[members], S[n], radio.P, radio.csi_error)
            else:
                raise ValueError(f"unknown beamformer {beamformer!r}; allowed: mrt, sdr, robust")
            out.bf_fallbacks += int(beam.fallback)
            beams.append(beam)
        W = np.stack([b.w for b in beams])
        snr_rate = np.array([b.snr_rate for b in beams])
    R = rate(radio.bandwidth_hz, snr_rate)
    airtime = np.divide(8.0 * sizes[ids], R, out=np.full(len(ids), np.inf), where=R > 0)
    # Schedule: decreasing |G_b|, smaller first on ties; or Smith's rule |G_b|/airtime.
    n_members = G.sum(axis=1)
    if radio.schedule == "smith":
        order = np.lexsort((sizes[ids], -n_members / airtime))
    else:
        order = np.lexsort((sizes[ids], -n_members))
    clock = 0.0
    cloud_free = 0.0
    finish = np.zeros(U)
    for i in order:
        start = clock
        if miss[i]:  # the cloud link serves misses one after the other, from t = 0
            cloud_free += radio.cloud_latency_s + 8.0 * sizes[ids[i]] / radio.cloud_bps
            start = max(start, cloud_free)
        clock = start + airtime[i]
        out.airtime[int(ids[i])] = float(airtime[i])
        finish[G[i]] = np.maximum(finish[G[i]], clock)
    # Outage: the true SNR falls below the SNR the rate was set from.
    snr_true = bf.snr(h, W)  # (n, U)
    in_outage = G & (snr_true < snr_rate[:, None] * (1 - 1e-9))
    out.outages = int(in_outage.sum())
    out.receptions = int(G.sum())
    for i in order:  # unicast MRT retransmissions after the broadcast phase
        for u in np.flatnonzero(in_outage[i]):
            w_u = bf.scale_per_en(h_hat[u], S[i], radio.P)
            r_u = float(rate(radio.bandwidth_hz, bf.snr(h[u : u + 1], w_u)[0]))
            clock += 8.0 * sizes[ids[i]] / max(r_u, 1e-9)
            finish[u] = max(finish[u], clock)
    out.delay = np.where(groups.any(axis=0), finish, np.nan)
    return out


def deliver_unicast(
    sizes: np.ndarray,
    need: np.ndarray,
    cache: np.ndarray,
    cell: np.ndarray,
    h_hat: np.ndarray,
    h: np.ndarray,
    radio: Radio,
) -> SlotDelivery:
    """Each EN serves its own users by per-EN ZF unicast (no CoMP, no broadcast).

    ``need`` (B, U): the PBs each user needs; ``cache`` (K, B). The ENs use orthogonal
    sub-bands of B/K (reuse K, so no inter-cell interference); within a cell the ZF beams
    leave only the residual interference of the CSI error. A PB missing at the serving EN
    comes over the backhaul from an EN that caches it, else from the cloud; a user receives
    its PBs one after the other at its rate (set from the true SINR, so no outage:
    optimistic for unicast).
    """
    U = need.shape[1]
    K = cache.shape[0]
    delay = np.full(U, np.nan)
    out = SlotDelivery(delay)
    active = need.any(axis=0)
    beams = {}
    for k in range(K):
        users = np.flatnonzero((cell == k) & active)
        if len(users):
            beams[k] = (users, bf.zf_beams(h_hat[users, k, :], float(radio.P[k])))
    for k, (users, Wk) in beams.items():
        A = np.abs(h[users, k, :].conj() @ Wk) ** 2  # A[u, v] = |h_{u,k}ᴴ w_v|²
        signal = np.diag(A)
        # noise-normalised over the full band: a sub-band of B/K has K times less noise
        r = rate(radio.bandwidth_hz / K, signal / (1.0 / K + A.sum(axis=1) - signal))
        cloud_free = 0.0
        arrival: dict[int, float] = {}
        for b in map(int, np.flatnonzero(need[:, users].any(axis=1))):
            if cache[k, b]:
                arrival[b] = 0.0
            elif cache[:, b].any():
                arrival[b] = 8.0 * sizes[b] / radio.backhaul_bps
            else:
                cloud_free += radio.cloud_latency_s + 8.0 * sizes[b] / radio.cloud_bps
                arrival[b] = cloud_free
                out.cloud_misses += 1
        for i, u in enumerate(users):
            t = 0.0
            for b in sorted(map(int, np.flatnonzero(need[:, u])), key=lambda b: arrival[b]):
                t = max(t, arrival[b]) + 8.0 * sizes[b] / max(float(r[i]), 1e-9)
            delay[u] = t
            out.receptions += int(need[:, u].sum())
    out.delay = delay
    return out
