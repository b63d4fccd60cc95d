"""Fixtures for MARS tests: one torch thread, and a tiny random Llama saved with SmolLM2's tokenizer,
so the whole pipeline (rendering, generation, warm start, GRPO, evaluation) runs in seconds."""

from agentzoo.rl.testing import one_thread, smol_tokenizer, tiny_model_dir

__all__ = ["one_thread", "smol_tokenizer", "tiny_model_dir"]
