"""Walk-forward folds with gaps and a read-once held-out window."""

from __future__ import annotations

import pytest

from agentzoo.markets import splits, synth


def test_fold_layout_quick_plan():
    folds, holdout = splits.walk_forward(30, n_folds=2, train_days=10, val_days=3, test_days=3,
                                         gap_days=1, holdout_days=4)
    f0, f1 = folds
    assert (f0.train.start, f0.train.stop, f0.val.start, f0.val.stop, f0.test.start, f0.test.stop) == (0, 10, 11, 14, 15, 18)
    assert (f1.train.start, f1.test.stop) == (3, 21)
    assert holdout is not None and (holdout.window.start, holdout.window.stop) == (22, 26)
    assert splits.required_days(n_folds=2, train_days=10, val_days=3, test_days=3, gap_days=1, holdout_days=4) == 26
    for f in folds:  # no window overlaps another within a fold; test never before val
        assert f.train.stop < f.val.start and f.val.stop < f.test.start


def test_too_short_data_is_an_error():
    with pytest.raises(ValueError, match="needs 26 sessions"):
        splits.walk_forward(25, n_folds=2, train_days=10, val_days=3, test_days=3, gap_days=1, holdout_days=4)


def test_holdout_is_read_once():
    bars = synth.minute_bars(1, 8, seed=0, bar_minutes=30)
    _, holdout = splits.walk_forward(8, n_folds=1, train_days=2, val_days=1, test_days=1, gap_days=1, holdout_days=1)
    assert holdout is not None
    part = holdout.read(bars)
    assert part.n_days == 1 and part.time[0] == bars.time[bars.day_starts[holdout.window.start]]
    with pytest.raises(splits.HoldoutReadError):
        holdout.read(bars)
    again = splits.Holdout(holdout.window, allow_retest=True)
    again.read(bars)
    again.read(bars)
