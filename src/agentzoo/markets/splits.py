"""Walk-forward splits in sessions: (train, gap, val, gap, test) folds and a final held-out window.

Fold k starts at session k * test_days; the last fold's test window is followed by a gap and the
**held-out** window, which :class:`Holdout` lets a run read once (a second read raises unless
``allow_retest=True``), so a final result cannot be tuned on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from agentzoo.markets.data import Bars


class HoldoutReadError(RuntimeError):
    """The held-out window was read a second time."""


@dataclass(frozen=True)
class Window:
    """Sessions [start, stop) of a Bars object."""

    start: int
    stop: int

    @property
    def days(self) -> int:
        return self.stop - self.start

    def of(self, bars: Bars) -> Bars:
        return bars.days(self.start, self.stop)


@dataclass(frozen=True)
class Fold:
    """One walk-forward fold; windows in sessions, separated by gaps."""

    index: int
    train: Window
    val: Window
    test: Window


class Holdout:
    """The final held-out window; :meth:`read` works once unless ``allow_retest``."""

    def __init__(self, window: Window, allow_retest: bool = False) -> None:
        self.window = window
        self.allow_retest = allow_retest
        self.reads = 0

    def read(self, bars: Bars, context_days: int = 0) -> Bars:
        """The held-out sessions, preceded by up to ``context_days`` earlier sessions (indicator warm-up)."""
        if self.reads and not self.allow_retest:
            raise HoldoutReadError(f"the held-out window {self.window} was already read once")
        self.reads += 1
        return bars.days(max(0, self.window.start - context_days), self.window.stop)


def walk_forward(n_days: int, *, n_folds: int, train_days: int, val_days: int, test_days: int,
                 gap_days: int = 1, holdout_days: int = 0, allow_retest: bool = False) -> tuple[list[Fold], Holdout | None]:
    """Folds rolled forward by ``test_days`` and the held-out window after a gap.

    Raises ``ValueError`` when the plan needs more than ``n_days`` sessions.
    """
    for name, value in (("n_folds", n_folds), ("train_days", train_days), ("val_days", val_days), ("test_days", test_days)):
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    if gap_days < 0 or holdout_days < 0:
        raise ValueError("gap_days and holdout_days must be >= 0")
    span = train_days + gap_days + val_days + gap_days + test_days
    folds = []
    for k in range(n_folds):
        s = k * test_days
        train = Window(s, s + train_days)
        val = Window(train.stop + gap_days, train.stop + gap_days + val_days)
        test = Window(val.stop + gap_days, val.stop + gap_days + test_days)
        folds.append(Fold(k, train, val, test))
    end = (n_folds - 1) * test_days + span
    holdout = None
    if holdout_days:
        holdout = Holdout(Window(end + gap_days, end + gap_days + holdout_days), allow_retest)
        end = holdout.window.stop
    if end > n_days:
        raise ValueError(f"the walk-forward plan needs {end} sessions, the data has {n_days}")
    return folds, holdout


def required_days(*, n_folds: int, train_days: int, val_days: int, test_days: int, gap_days: int,
                  holdout_days: int) -> int:
    """Sessions the plan of :func:`walk_forward` needs."""
    end = (n_folds - 1) * test_days + train_days + 2 * gap_days + val_days + test_days
    return end + (gap_days + holdout_days if holdout_days else 0)
