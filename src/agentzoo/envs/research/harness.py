"""What systems that train one LLM as research agents in this world share (``mars``, ``matpo``).

* :class:`ResearchAgentConfig` — the base of their configs: the world's size and the trainer's
  resources (micro-batches, threads, checkpoints);
* :class:`ResearchSetup` — a run's world and its model as a policy: the embedded model (or
  ``local:PATH``) as a token policy with a trainer, a chat server as a text policy, or the
  system's gold program (``scripted:gold``) / random policy (``scripted:random``) for tests.

A system subclasses both: its config adds the method's fields and ``trainer_config()``, its
setup names its gold program (``ORACLE``) and its random policy (``RANDOM``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, Protocol, Self, TypeVar

from agentzoo.config import SystemConfig, require
from agentzoo.envs.research import Question, ResearchWorld, WorldConfig
from agentzoo.rl.policy import ChatPolicy, ChatRenderer, Policy, TokenPolicy, approx_count


@dataclass(frozen=True)
class ResearchAgentConfig(SystemConfig):
    """Base of the configs of research-agent systems: what is trained, world size, trainer resources."""

    train_mode: Literal["topk", "lora", "full"] = "topk"
    """What is trained: the top-k decoder layers + final norm, LoRA adapters, or everything."""
    top_k_layers: int = 6
    """k in ``topk`` mode."""
    lora_r: int = 16
    """LoRA rank r (alpha = 2r) in ``lora`` mode."""
    world_people: int = 120
    """World size: people."""
    world_companies: int = 60
    """World size: companies."""
    world_cities: int = 40
    """World size: cities."""
    world_papers: int = 80
    """World size: papers."""
    micro_batch_tokens: int = 3072
    """Padded tokens per forward/backward pass of the trainer."""
    checkpoint_dir: str = ""
    """Where per-arm GRPO checkpoints go; a rerun with the same directory resumes ('' = none)."""
    threads: int = 0
    """torch CPU threads (0 = leave torch's default)."""

    def __post_init__(self) -> None:
        require(self.train_mode in ("topk", "lora", "full"), "train_mode", "allowed: topk, lora, full")
        for name in ("top_k_layers", "lora_r", "micro_batch_tokens"):
            require(getattr(self, name) >= 1, name, f"must be >= 1, got {getattr(self, name)}")
        self.world_config()  # validates the world sizes

    def world_config(self) -> WorldConfig:
        try:
            return WorldConfig(people=self.world_people, companies=self.world_companies, cities=self.world_cities,
                               papers=self.world_papers, institutes=max(3, self.world_cities // 4))
        except ValueError as exc:
            require(False, "world_people", str(exc))
            raise

    def use_threads(self) -> None:
        """Sets torch's CPU threads when ``threads`` is set."""
        if self.threads:
            import torch

            torch.set_num_threads(self.threads)


class AgentConfig(Protocol):
    """What :class:`ResearchSetup` reads of a system's config (a :class:`ResearchAgentConfig`)."""

    @property
    def seed(self) -> int: ...

    @property
    def model(self) -> str:
        """``local``, ``local:PATH``, ``openai:MODEL@URL``, ``scripted:gold`` or ``scripted:random``."""

    @property
    def search_top_k(self) -> int: ...

    @property
    def result_tokens(self) -> tuple[int, int]: ...

    def world_config(self) -> WorldConfig: ...

    def trainer_config(self) -> Any:
        """The :class:`~agentzoo.rl.trainer.TrainerConfig` of local training."""


C = TypeVar("C", bound=AgentConfig)


@dataclass
class ResearchSetup(Generic[C]):
    """Everything a run shares: the world, the model as a policy and (local weights) the trainer."""

    ORACLE: ClassVar[Callable[..., Policy]]
    """The system's gold program: ``ORACLE(questions, count, renderer)`` is a policy."""
    RANDOM: ClassVar[Callable[[], Policy]]
    """The system's random policy (``scripted:random``)."""

    config: C
    """The system's config (with ``model``, ``search_top_k``, ``result_tokens`` and ``trainer_config()``)."""
    world: ResearchWorld
    policy: Policy
    count: Callable[[str], int]
    """Token counter of context budgets (exact for local weights, else :func:`approx_count`)."""
    chat: Any = None
    """The :class:`~agentzoo.llm.local.LocalChatModel` whose weights are trained (local weights only)."""
    renderer: ChatRenderer | None = None
    trainer: Any = None
    """A :class:`~agentzoo.rl.trainer.Trainer` (local weights and ``train`` only)."""

    @staticmethod
    def needs_trainer(config: Any, arms: Iterable[Any]) -> bool:
        """Local weights and an arm (``trained``, ``warm``, ``oracle`` settings) that trains or starts
        from a warm start."""
        return config.model.startswith("local") and any((a.trained or a.warm) and not a.oracle for a in arms)

    @classmethod
    def build(cls, config: C, *, train: bool = True, **extra: Any) -> Self:
        """The world of ``config`` and its ``model`` (``extra``: the subclass's own fields)."""
        world = ResearchWorld.build(config.world_config(), config.seed, top_k=config.search_top_k,
                                    page_tokens=config.result_tokens)
        kind, _, rest = config.model.partition(":")
        if kind == "local":
            from agentzoo.llm.local import LocalChatModel
            from agentzoo.rl.engine import LocalEngine
            from agentzoo.rl.trainer import Trainer

            chat = LocalChatModel.load(rest or None, seed=config.seed)
            renderer = ChatRenderer(chat.tokenizer)
            trainer = Trainer(chat.model, config.trainer_config(), pad_id=chat.tokenizer.pad_token_id) if train else None
            return cls(config, world, TokenPolicy(LocalEngine(chat), renderer), renderer.count, chat, renderer, trainer,
                       **extra)
        if config.model == "scripted:gold":
            setup = cls(config, world, cls.RANDOM(), approx_count, **extra)
            setup.policy = setup.oracle()
            return setup
        if config.model == "scripted:random":
            return cls(config, world, cls.RANDOM(), approx_count, **extra)
        from agentzoo.llm import load_model

        return cls(config, world, ChatPolicy(load_model(config.model, seed=config.seed)), approx_count, **extra)

    def oracle(self) -> Policy:
        """The system's gold program as a policy (the ``oracle`` arm, the warm-start teacher), with this
        setup's token counts."""
        return self.ORACLE(self.all_questions(), self.count, self.renderer)

    def all_questions(self) -> list[Question]:
        """Every question of the bank, all splits (what the gold program may be asked)."""
        return [q for qs in self.world.questions.questions.values() for q in qs]

    def held_out(self, split: str, qtypes: tuple[str, ...], n: int) -> list[Question]:
        """The fixed ``split`` questions of each type (``n`` per type), as in :meth:`QuestionBank.held_out`."""
        return [q for t in qtypes for q in self.world.questions.held_out(split, t, n, self.config.seed)]

    def weights_changed(self) -> None:
        """Tell the chat model that the trainer changed its weights (drops cached generations)."""
        if self.chat is not None:
            self.chat.mark_weights_changed()
