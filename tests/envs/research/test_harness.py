"""The base config and setup of research-agent systems (agentzoo.envs.research.harness)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agentzoo.config import ConfigError
from agentzoo.envs.research.harness import ResearchAgentConfig, ResearchSetup


def test_base_config_validates_world_and_trainer_fields() -> None:
    config = ResearchAgentConfig()
    assert config.world_config().people == 120 and config.world_config().institutes == 10
    for field, value in (("top_k_layers", 0), ("lora_r", 0), ("micro_batch_tokens", 0), ("train_mode", "half")):
        with pytest.raises(ConfigError, match=field):
            ResearchAgentConfig(**{field: value})  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="world_people"):
        ResearchAgentConfig(world_people=0)


def test_needs_trainer_only_for_local_weights_and_learning_arms() -> None:
    oracle = SimpleNamespace(trained=False, warm=False, oracle=True)
    zero_shot = SimpleNamespace(trained=False, warm=False, oracle=False)
    warm = SimpleNamespace(trained=False, warm=True, oracle=False)
    local, chat = SimpleNamespace(model="local"), SimpleNamespace(model="openai:m@http://127.0.0.1:1/v1")
    assert ResearchSetup.needs_trainer(local, [oracle, warm])
    assert not ResearchSetup.needs_trainer(local, [oracle, zero_shot])
    assert not ResearchSetup.needs_trainer(chat, [warm])
