"""The dual feedback: real-market P&L and the predictive accuracy of the simulated trading.

Paper: agents are rewarded for "performance in real-world markets and predictive accuracy in
simulated trading". The formula is reconstructed. For each week and candidate c that Bob simulated,
with r-hat_c the (calibrated) simulated mean net return and r_c the realised one:

    R_c = lambda tanh(r_c / sigma_ref) + (1 - lambda) (1 - min(1, |r-hat_c - r_c| / sigma_ref))

r_c is the adopted strategy's real P&L, and a shadow backtest over the realised days for the others.
The reward is used three ways: exponential weights over families (s_f <- s_f + eta (R_c - mean of the
week's R)), an online
least-squares shrink factor k calibrating Bob's predictions (r-hat <- k r-hat), and one line per week
and candidate in strategy memory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from agentzoo.systems.quantagents.records import RewardRecord

K_BOUNDS = (0.0, 2.0)
K_PRIOR = 4.0
"""Pseudo-observations pulling k towards 1 (in units of sigma_ref^2)."""


def dual_reward(r_real: float, r_hat: float, lam: float = 0.5, sigma_ref: float = 0.02) -> tuple[float, float, float]:
    """(real_term, acc_term, R): both terms are bounded so neither dominates silently."""
    real_term = math.tanh(r_real / sigma_ref)
    acc_term = 1.0 - min(1.0, abs(r_hat - r_real) / sigma_ref)
    return real_term, acc_term, lam * real_term + (1 - lam) * acc_term


@dataclass
class Learner:
    """The state the rewards update: family scores s_f and the calibration k (checkpointed each week)."""

    lam: float = 0.5
    sigma_ref: float = 0.02
    eta: float = 0.5
    scores: dict[str, float] = field(default_factory=dict)
    """s_f per family (exponential weights; start at 0)."""
    sxy: float = 0.0
    sxx: float = 0.0
    """Running sums of raw r-hat * r and r-hat^2 for k."""

    @property
    def k(self) -> float:
        """k = (sum r-hat r + c) / (sum r-hat^2 + c) with c = K_PRIOR sigma_ref^2, clipped to [0, 2]."""
        c = K_PRIOR * self.sigma_ref**2
        return float(np.clip((self.sxy + c) / (self.sxx + c), *K_BOUNDS))

    def update_week(self, week: int, rows: Sequence[tuple[str, float, float, bool]]) -> list[RewardRecord]:
        """Score one week's candidates, given as (family, raw r-hat, realised r, adopted).

        s_f <- s_f + eta (R_c - mean_week R): the update is centred on the week's mean reward, so a
        family gains only by beating the others tested that week, not by being tested often (every
        accuracy term is >= 0); then k is refitted on the raw predictions (reconstructed details).
        """
        k = self.k
        out = []
        for family, r_hat_raw, r_real, adopted in rows:
            real_term, acc_term, R = dual_reward(r_real, k * r_hat_raw, self.lam, self.sigma_ref)
            out.append(RewardRecord(week, family, k * r_hat_raw, r_real, r_hat_raw, real_term, acc_term, R, adopted))
        mean = float(np.mean([x.reward for x in out])) if out else 0.0
        for rec in out:
            self.scores[rec.candidate] = self.scores.get(rec.candidate, 0.0) + self.eta * (rec.reward - mean)
            self.sxy += rec.r_hat_raw * rec.r_real
            self.sxx += rec.r_hat_raw * rec.r_hat_raw
        return out


def memory_line(rec: RewardRecord) -> str:
    """e.g. ``wk 12 momentum_reversal: predicted +1.20%, realised -0.40%, R 0.21``."""
    return (f"wk {rec.week} {rec.candidate}: predicted {100 * rec.r_hat:+.2f}%, realised {100 * rec.r_real:+.2f}%, "
            f"R {rec.reward:.2f}")


def prediction_quality(records: Sequence[RewardRecord]) -> dict[str, float]:
    """Directional hit rate of the predictions (prediction_accuracy), MAE of the calibrated ones, mean rank IC
    across a week's candidates, and the mean reward and its two terms."""
    if not records:
        return {"prediction_accuracy": math.nan, "prediction_mae": math.nan, "prediction_rank_ic": math.nan,
                "mean_reward": math.nan, "mean_real_term": math.nan, "mean_acc_term": math.nan}
    r_hat = np.array([r.r_hat for r in records])
    r = np.array([r.r_real for r in records])
    hit = float(np.mean(np.sign([x.r_hat_raw for x in records]) == np.sign(r)))  # sign(k r-hat) = sign(r-hat) for k > 0
    ics = []
    for week in sorted({x.week for x in records}):
        rows = [x for x in records if x.week == week]
        a, b = np.array([x.r_hat_raw for x in rows]), np.array([x.r_real for x in rows])
        if len(rows) >= 3 and np.ptp(a) > 0 and np.ptp(b) > 0:
            ics.append(float(stats.spearmanr(a, b).statistic))
    return {
        "prediction_accuracy": hit,
        "prediction_mae": float(np.mean(np.abs(r_hat - r))),
        "prediction_rank_ic": float(np.mean(ics)) if ics else math.nan,
        "mean_reward": float(np.mean([x.reward for x in records])),
        "mean_real_term": float(np.mean([x.real_term for x in records])),
        "mean_acc_term": float(np.mean([x.acc_term for x in records])),
    }
