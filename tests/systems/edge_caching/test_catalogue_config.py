"""Catalogues (sizes, sharing, JSON) and clear errors for invalid scenario parameters."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.config import ConfigError
from agentzoo.systems.edge_caching.catalogue import (
    cnn_catalogue,
    llm_catalogue,
    load_catalogue,
)
from agentzoo.systems.edge_caching.config import Config


def test_default_cnn_catalogue_has_32_distinct_pbs() -> None:
    cat = cnn_catalogue(2, 3)
    assert cat.n_models == 6 and cat.n_blocks == 32
    assert cat.model_sizes.min() == pytest.approx(99e6, rel=0.02)  # ~98 MB backbone + head
    # task j freezes f_j = 5, 6, 7 PBs: the frozen backbone PBs are shared by the tasks
    assert cat.uses[:3].all(axis=0)[:5].all() and cat.shared.sum() == 2 * 6


def test_two_models_sharing_f_pbs_occupy_shared_plus_specific() -> None:
    cat = cnn_catalogue(1, 2)  # f = 5 and 6
    union = cat.uses[0] | cat.uses[1]
    shared = cat.uses[0] & cat.uses[1]
    assert shared.sum() == 5
    pb_bytes = cat.sizes[union].sum()
    assert pb_bytes == pytest.approx(cat.sizes[shared].sum() + cat.sizes[union & ~shared].sum())
    whole_bytes = cat.model_sizes[0] + cat.model_sizes[1]
    assert whole_bytes - pb_bytes == pytest.approx(cat.sizes[shared].sum())


def test_llm_catalogue_sizes() -> None:
    cat = llm_catalogue(1, 3)
    assert cat.n_blocks == 8 + 3
    assert cat.sizes[:8].sum() == pytest.approx(2e9)
    assert 20e6 <= cat.sizes[8:].min() and cat.sizes[8:].max() <= 60e6


def test_json_round_trip(tmp_path) -> None:
    cat = cnn_catalogue(2, 2)
    cat.save(tmp_path / "cat.json")
    back = load_catalogue(tmp_path / "cat.json")
    assert back.names == cat.names and np.array_equal(back.uses, cat.uses)
    assert np.allclose(back.sizes, cat.sizes)
    config = Config(catalogue_file=tmp_path / "cat.json", tasks_per_backbone=1)
    assert config.catalogue_file is not None


def test_corrupt_catalogue_file_is_a_config_error(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"blocks": [{"name": "a", "bytes": 5}], "models": [{"name": "m", "blocks": ["zz"]}]}')
    with pytest.raises(ConfigError, match="catalogue_file"):
        load_catalogue(bad)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity_frac": 1e-4}, "capacity_frac"),  # C_k below the smallest PB
        ({"zipf_alpha": -0.5}, "zipf_alpha"),
        ({"catalogue_file": "/nonexistent/catalogue.json"}, "catalogue_file"),
        ({"n_edges": 0}, "n_edges"),
        ({"antennas": 0}, "antennas"),
        ({"methods": ("maasn_da", "magic")}, "methods"),
        ({"csi_error": 1.5}, "csi_error"),
        ({"p_request": 0.0}, "p_request"),
    ],
)
def test_invalid_scenario_parameters_fail_with_the_field_named(changes, field) -> None:
    with pytest.raises(ConfigError) as err:
        Config(**changes)
    assert err.value.field == field
    assert field in str(err.value)


def test_presets_are_valid() -> None:
    assert Config.quick().n_users == 6
    assert Config.paper().n_edges == 7
