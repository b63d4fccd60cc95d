"""The ``agentzoo`` command: list, run, sweep, report, llm.

``agentzoo run SYSTEM`` takes ``--preset``, ``--seed``, ``--out``, ``--model`` and one
option per field of the system's ``Config`` (``--n-agents 20``), generated from the
dataclass with its field docstrings as help. Unknown systems, unknown fields and bad
values fail at once with a message that names what is allowed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import difflib
import json
import logging
import sys
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agentzoo import registry
from agentzoo.config import (
    ConfigError,
    SystemConfig,
    apply_overrides,
    describe_type,
    field_docs,
)

log = logging.getLogger("agentzoo.cli")


class CLIError(Exception):
    """A usage error: printed without a traceback, exit status 2."""


def _setup_logging(verbose: bool) -> None:
    from rich.console import Console
    from rich.logging import RichHandler

    level = logging.DEBUG if verbose else logging.INFO
    handler = RichHandler(console=Console(stderr=True), show_path=False, rich_tracebacks=False, markup=False)
    handler.setLevel(level)
    root = logging.getLogger("agentzoo")
    root.setLevel(level)
    for old in [h for h in root.handlers if isinstance(h, RichHandler)]:  # main() called again in-process
        root.removeHandler(old)
    root.addHandler(handler)
    root.propagate = False


# ------------------------------------------------------------------------ list
def cmd_list(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="agentzoo systems")
    for column in ("id", "title", "paper", "status"):
        table.add_column(column, overflow="fold")
    for sid in registry.ids():
        entry = registry.info(sid)
        table.add_row(sid, entry.title, entry.paper, registry.status(sid))
    Console(width=args.width).print(table)
    return 0


# ------------------------------------------------------------------------ run
def _config_parser(system_id: str, config_cls: type[SystemConfig]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"agentzoo run {system_id}",
        description=f"{registry.info(system_id).paper}\n\nConfig fields (defaults of the quick preset shown by --show-config):",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--preset", choices=config_cls.presets(), default="quick", help="starting point for the config")
    parser.add_argument("--out", type=Path, help="run directory (default: runs/SYSTEM/TIMESTAMP-seedN)")
    parser.add_argument("--show-config", action="store_true", help="print the resulting config and exit")
    docs = field_docs(config_cls)
    hints = typing.get_type_hints(config_cls)
    group = parser.add_argument_group("config fields")
    for f in dataclasses.fields(config_cls):
        flag = "--" + f.name.replace("_", "-")
        help_text = docs.get(f.name, "").replace("%", "%%")
        group.add_argument(flag, dest=f.name, metavar=describe_type(hints[f.name]).upper()[:40],
                           help=help_text or None, default=None)
    return parser


def _unknown_error(system_id: str, unknown: Sequence[str], config_cls: type[SystemConfig]) -> CLIError:
    allowed = ["--preset", "--out", "--show-config"] + [
        "--" + f.name.replace("_", "-") for f in dataclasses.fields(config_cls)
    ]
    first = next((u for u in unknown if u.startswith("--")), unknown[0])
    near = difflib.get_close_matches(first.split("=")[0], allowed, n=1)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return CLIError(
        f"unknown option {first!r} for {system_id}{hint}; allowed: {', '.join(allowed)}"
    )


def build_config(system_id: str, argv: Sequence[str]) -> tuple[SystemConfig, argparse.Namespace]:
    """Parse ``argv`` (everything after the system id) into the system's config."""
    system = registry.load(system_id)
    parser = _config_parser(system_id, system.Config)
    ns, unknown = parser.parse_known_args(list(argv))
    if unknown:
        raise _unknown_error(system_id, unknown, system.Config)
    config = system.Config.preset(ns.preset)
    overrides = {
        f.name: getattr(ns, f.name) for f in dataclasses.fields(system.Config)
        if getattr(ns, f.name) is not None
    }
    config = apply_overrides(config, overrides)
    model = getattr(config, "model", None)
    if isinstance(model, str):
        from agentzoo.llm import LLMError, check_spec

        try:
            check_spec(model)
        except LLMError as exc:
            raise ConfigError("model", str(exc)) from None
    return config, ns


def cmd_run(args: argparse.Namespace, rest: Sequence[str]) -> int:
    from agentzoo.runs import execute

    system_id = args.system
    registry.info(system_id)  # unknown id -> ConfigError naming the allowed ids
    rest = list(rest)
    if args.seed is not None:
        rest += ["--seed", str(args.seed)]
    if args.model is not None:
        config_cls = registry.load(system_id).Config
        if "model" not in {f.name for f in dataclasses.fields(config_cls)}:
            raise CLIError(f"{system_id} uses no LLM; --model does not apply")
        rest += ["--model", args.model]
    config, ns = build_config(system_id, rest)
    if ns.show_config:
        print(config.to_json())
        return 0
    out = ns.out or Path("runs") / system_id / (
        dt.datetime.now().strftime("%Y%m%d-%H%M%S") + f"-seed{config.seed}"
    )
    result = execute(system_id, config, out)
    print(json.dumps(_headline(result.metrics), indent=2))
    print(f"saved to {out}")
    return 0


def _headline(metrics: dict[str, Any], limit: int = 40) -> dict[str, Any]:
    shown = {}
    for key, value in list(metrics.items())[:limit]:
        if isinstance(value, list) and len(value) > 8:
            value = [*value[:8], "..."]
        shown[key] = value
    return shown


# ------------------------------------------------------------------------ sweep
def _parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if ".." in part:
            lo, hi = part.split("..")
            seeds.extend(range(int(lo), int(hi) + 1))
        elif part:
            seeds.append(int(part))
    if not seeds:
        raise CLIError(f"--seeds {text!r} names no seed; use e.g. 0..4 or 0,1,2")
    return seeds


def _grid_variants(base: SystemConfig, grid: Sequence[str]) -> list[dict[str, str]]:
    """``["n_agents=10,20", "solver=ilp,greedy"]`` -> the cartesian product as override dicts."""
    import itertools

    axes: list[tuple[str, list[str]]] = []
    names = {f.name for f in dataclasses.fields(base)}
    for spec in grid:
        field_name, sep, values = spec.partition("=")
        field_name = field_name.strip().replace("-", "_")
        if not sep or not values.strip():
            raise CLIError(f"--grid {spec!r}: expected FIELD=V1,V2,...")
        if field_name not in names:
            raise ConfigError(field_name, f"unknown field; allowed: {', '.join(sorted(names))}")
        axes.append((field_name, [v.strip() for v in values.split(",") if v.strip()]))
    return [dict(zip([a for a, _ in axes], combo, strict=True)) for combo in itertools.product(*[v for _, v in axes])]


def cmd_sweep(args: argparse.Namespace, rest: Sequence[str]) -> int:
    from agentzoo.parallel import Job, run_jobs
    from agentzoo.report import write_report

    base, ns = build_config(args.system, rest)
    out = ns.out or Path("runs") / f"sweep-{args.system}-{dt.datetime.now():%Y%m%d-%H%M%S}"
    jobs = []
    for variant in _grid_variants(base, args.grid or []):
        name = "-".join(f"{k}={v}" for k, v in variant.items())
        config = apply_overrides(base, variant)
        for seed in _parse_seeds(args.seeds):
            folder = f"{name}-seed{seed}" if name else f"seed{seed}"
            jobs.append(Job(args.system, config.replace(seed=seed), out / folder))
    outcomes = run_jobs(jobs, executor=args.executor, max_workers=args.workers, address=args.address)
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        log.error("%s failed: %s", outcome.out, outcome.error)
    done = [o.out for o in outcomes if o.ok]
    if done:
        report = write_report(done, out / "report")
        print(f"report: {report}")
    return 1 if failed else 0


# ------------------------------------------------------------------------ report
def cmd_report(args: argparse.Namespace) -> int:
    from agentzoo.report import write_report

    out = args.out or (args.dirs[0] if len(args.dirs) == 1 else Path("runs") / "report")
    path = write_report(args.dirs, out)
    print(f"wrote {path} and {path.with_suffix('.html')}")
    if args.site is not None:
        from agentzoo.site import write_site

        print(f"wrote {write_site(args.dirs, args.site)}")
    return 0


def cmd_tour(args: argparse.Namespace) -> int:
    from agentzoo.tour import run_tour

    systems = [s.strip() for s in args.systems.split(",") if s.strip()] if args.systems else None
    start = dt.datetime.now()
    stops = run_tour(args.out, systems, seed=args.seed, model=args.model, timeout_s=args.timeout)
    for stop in stops:
        print(f"{stop.system:15s} {stop.state:8s} {stop.seconds:8.1f}s  {stop.error[:100]}")
    minutes = (dt.datetime.now() - start).total_seconds() / 60
    print(f"tour finished in {minutes:.1f} min; site: {args.out / 'site' / 'index.html'}")
    return 1 if any(s.state in ("failed", "timeout") for s in stops) else 0


# ------------------------------------------------------------------------ llm
def cmd_llm(args: argparse.Namespace) -> int:
    import time

    from agentzoo.llm import load_model, user

    start = time.perf_counter()
    model = load_model(args.model, cache=False if args.no_cache else None)
    loaded = time.perf_counter() - start
    completion = model.chat(
        [user(args.prompt)], max_tokens=args.max_tokens, temperature=args.temperature, seed=args.seed
    )
    elapsed = time.perf_counter() - start - loaded
    print(completion.text)
    log.info(
        "model %s loaded in %.2fs; %d prompt + %d completion tokens in %.2fs (%s)",
        args.model, loaded, completion.prompt_tokens, completion.completion_tokens, elapsed,
        "cached" if completion.cached else completion.finish_reason,
    )
    return 0


# ------------------------------------------------------------------------ main
def make_parser() -> argparse.ArgumentParser:
    from agentzoo import __version__
    from agentzoo.llm import SPEC_HELP

    parser = argparse.ArgumentParser(prog="agentzoo", description="Ten multi-agent systems on one core.")
    parser.add_argument("--version", action="version", version=f"agentzoo {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="list the systems")
    p.add_argument("--width", type=int, default=None, help="table width (default: terminal)")

    p = sub.add_parser("run", help="run one system; `agentzoo run SYSTEM --help` lists its fields",
                       add_help=False, allow_abbrev=False)  # `--mode` must not be taken for `--model`
    p.add_argument("system", help=f"one of: {', '.join(registry.ids())}")
    p.add_argument("--seed", type=int, default=None, help="the run's seed")
    p.add_argument("--model", default=None, help=f"model spec: {SPEC_HELP}")

    p = sub.add_parser("sweep", help="run one system over several seeds, locally or on Ray",
                       add_help=False)
    p.add_argument("system", help=f"one of: {', '.join(registry.ids())}")
    p.add_argument("--seeds", default="0..2", help="seeds, e.g. 0..4 or 0,2,5")
    p.add_argument("--executor", choices=("local", "ray"), default="local")
    p.add_argument("--workers", type=int, default=None, help="parallel jobs (default: CPU count)")
    p.add_argument("--address", default=None, help="Ray cluster address (default: start a local instance)")
    p.add_argument("--grid", action="append", metavar="FIELD=V1,V2",
                   help="also sweep a config field over values (repeatable: the cartesian product)")

    p = sub.add_parser("tour", help="the quick preset of every system, then the results site (resumes)")
    p.add_argument("--out", type=Path, default=Path("runs/tour"))
    p.add_argument("--systems", default=None, help="comma-separated ids (default: every implemented system)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model", default=None, help="model spec for the systems that use an LLM (default: each system's own)")
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per system")

    p = sub.add_parser("report", help="aggregate run directories into report.md and report.html")
    p.add_argument("dirs", nargs="+", type=Path, help="run directories (or folders of them)")
    p.add_argument("--out", type=Path, default=None, help="where to write the report")
    p.add_argument("--site", type=Path, default=None, help="also write the static results site to this folder")

    p = sub.add_parser("llm", help="one-shot chat to check that a backend works")
    p.add_argument("prompt")
    p.add_argument("--model", default="local", help=f"model spec: {SPEC_HELP}")
    p.add_argument("--max-tokens", type=int, default=64)
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-cache", action="store_true", help="bypass the response cache")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = make_parser()
    args, rest = parser.parse_known_args(argv)
    _setup_logging(args.verbose)
    try:
        if args.command in {"run", "sweep"}:
            return cmd_run(args, rest) if args.command == "run" else cmd_sweep(args, rest)
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        handlers = {"list": cmd_list, "report": cmd_report, "llm": cmd_llm, "tour": cmd_tour}
        return handlers[args.command](args)
    except (CLIError, ConfigError) as exc:
        print(f"agentzoo: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("agentzoo: interrupted", file=sys.stderr)
        return 130
