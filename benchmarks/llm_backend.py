"""Measure the local LLM backend side by side with transformers' own ``generate``.

    .venv/bin/python benchmarks/llm_backend.py [--repeats 3] [--max-tokens 48]

Reports: load time of the cached embedded model in a fresh process (the CLI's second
invocation), greedy tokens/s at batch 1 and batch 8 for our KV-cache decoding loop and
for ``model.generate`` on the same prompts, and forced-choice latency. Prints a JSON
object; the numbers go into docs/llm.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

PROMPTS = [
    "What is the capital of France? Answer in one word.",
    "Write a short poem about the sea.",
    "Explain what a matching in a bipartite graph is.",
    "List three uses of a paperclip.",
    "Why is the sky blue?",
    "Give me a recipe for pancakes.",
    "What is 17 times 3?",
    "Describe a cat in two sentences.",
]


def fresh_process_load_seconds() -> float:
    code = (
        "import time; t=time.perf_counter(); from agentzoo.llm import load_model; "
        "load_model('local', cache=False); print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=48)
    args = parser.parse_args()

    import torch

    from agentzoo.llm import load_model, user

    cli_start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "agentzoo", "llm", "--no-cache", "--max-tokens", "8",
                    "What is the capital of France? Answer in one word."], capture_output=True, check=True)
    cli_seconds = time.perf_counter() - cli_start
    loads = [fresh_process_load_seconds() for _ in range(args.repeats)]
    model = load_model("local", cache=False)
    tok, net = model.tokenizer, model.model  # type: ignore[attr-defined]

    def ours(prompts: list[str]) -> tuple[float, int]:
        t = time.perf_counter()
        replies = model.chat_batch([[user(p)] for p in prompts], max_tokens=args.max_tokens)
        return time.perf_counter() - t, sum(r.completion_tokens for r in replies)

    def hf_generate(prompts: list[str]) -> tuple[float, int]:
        tok.padding_side = "left"
        texts = [tok.apply_chat_template([{"role": "user", "content": p}], add_generation_prompt=True, tokenize=False)
                 for p in prompts]
        batch = tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        t = time.perf_counter()
        with torch.no_grad():
            out = net.generate(**batch, max_new_tokens=args.max_tokens, do_sample=False, pad_token_id=tok.pad_token_id)
        seconds = time.perf_counter() - t
        new = out[:, batch["input_ids"].shape[1]:]
        tokens = int(sum(int((row != tok.pad_token_id).sum()) for row in new))
        return seconds, tokens

    results: dict[str, object] = {"cli_llm_seconds_total": cli_seconds, "load_seconds_fresh_process": loads}
    ours([PROMPTS[0]])  # warm-up
    for batch in (1, 8):
        prompts = PROMPTS[:batch]
        for name, fn in (("agentzoo", ours), ("hf_generate", hf_generate)):
            rates = []
            for _ in range(args.repeats):
                seconds, tokens = fn(prompts)
                rates.append(tokens / seconds)
            results[f"{name}_tokens_per_s_batch{batch}"] = statistics.median(rates)
    choice = []
    for _ in range(args.repeats * 3):
        t = time.perf_counter()
        model.choice_logprobs([user("Is the sky blue? Answer yes or no.")], ["yes", "no"])
        choice.append(time.perf_counter() - t)
    results["choice_logprobs_seconds_two_options"] = statistics.median(choice)
    results["torch_threads"] = torch.get_num_threads()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
