"""Reports: aggregate run directories over seeds into ``report.md`` and a self-contained ``report.html``.

``agentzoo report DIR...`` accepts run directories or folders that contain them. Runs are
grouped by system; every numeric metric gets its mean and a 95% confidence interval over
the runs (Student t, so small numbers of seeds are not overstated). Metrics that are
lists (curves, e.g. a rate per round) are drawn as mean curves with a 95% band. A system
can add its own figures through ``figures(results)`` in its module. Figures are written
as PNG files and embedded in the HTML as base64, so the page needs no network. Incomplete
or unreadable runs are listed as skipped, never silently dropped.
"""

from __future__ import annotations

import base64
import html
import io
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.runs import (
    STATUS_FILE,
    IncompleteRunError,
    Result,
    atomic_write_bytes,
    atomic_write_text,
)

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------ statistics
def mean_ci(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and the two ends of its ``confidence`` interval (Student t; NaN width for n < 2)."""
    data = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if data.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(data.mean())
    if data.size < 2:
        return mean, math.nan, math.nan
    from scipy import stats

    half = float(stats.t.ppf(0.5 + confidence / 2, data.size - 1) * data.std(ddof=1) / math.sqrt(data.size))
    return mean, mean - half, mean + half


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_curve(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 1 and all(_is_number(v) or v is None for v in value)


# ------------------------------------------------------------------------ loading
@dataclass
class RunSet:
    """The loaded runs, grouped by system, and what could not be loaded."""

    by_system: dict[str, list[Result]] = field(default_factory=dict)
    paths: dict[int, Path] = field(default_factory=dict)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def find_run_dirs(paths: Iterable[str | Path]) -> list[Path]:
    """Run directories (those holding ``status.json``) at or below each path."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist")
        if (path / STATUS_FILE).exists():
            found.append(path)
        else:
            found.extend(sorted(p.parent for p in path.rglob(STATUS_FILE)))
    return list(dict.fromkeys(found))


def load_runs(paths: Iterable[str | Path]) -> RunSet:
    """Load every complete run; group them by system and, within a system, by configuration
    (runs that differ only in ``seed`` form one group, labelled ``system [field=value, ...]``)."""
    runs = RunSet()
    loaded: dict[str, list[Result]] = {}
    for path in find_run_dirs(paths):
        try:
            result = Result.load(path)
        except (IncompleteRunError, OSError, ValueError, KeyError) as exc:
            runs.skipped.append((path, str(exc)))
            continue
        loaded.setdefault(result.system, []).append(result)
        runs.paths[id(result)] = path
    for system, results in loaded.items():
        keys = sorted({k for r in results for k in r.config} - {"seed"})
        varying = [k for k in keys if len({repr(r.config.get(k)) for r in results}) > 1]
        for result in results:
            label = ", ".join(f"{k}={result.config.get(k)}" for k in varying)
            runs.by_system.setdefault(f"{system} [{label}]" if label else system, []).append(result)
    return runs


def summarize(results: Sequence[Result]) -> pd.DataFrame:
    """One row per numeric metric: n, mean, 95% CI, std, min, max over the runs."""
    names: list[str] = []
    for result in results:
        names += [k for k, v in result.metrics.items() if _is_number(v) and k not in names]
    rows = []
    for name in names:
        values = [float(r.metrics[name]) for r in results if _is_number(r.metrics.get(name))]
        mean, low, high = mean_ci(values)
        finite = [v for v in values if math.isfinite(v)]
        rows.append({
            "metric": name, "n": len(finite), "mean": mean, "ci_low": low, "ci_high": high,
            "std": float(np.std(finite, ddof=1)) if len(finite) > 1 else math.nan,
            "min": min(finite) if finite else math.nan, "max": max(finite) if finite else math.nan,
        })
    return pd.DataFrame(rows, columns=["metric", "n", "mean", "ci_low", "ci_high", "std", "min", "max"])


# ------------------------------------------------------------------------ figures
def _curve_figures(system: str, results: Sequence[Result]) -> list[tuple[str, Any]]:
    """Mean curve with a 95% band for every list metric. A metric ``X`` with companions
    ``X_ci_low``/``X_ci_high`` (a run's own CI, e.g. a bootstrap) uses them as the band of a
    single run; the companions are not drawn on their own."""
    import matplotlib.pyplot as plt

    names: list[str] = []
    for result in results:
        names += [k for k, v in result.metrics.items() if _is_curve(v) and k not in names]
    companions = {n for n in names if "_ci_low" in n or "_ci_high" in n}
    figures = []
    for name in [n for n in names if n not in companions][:12]:
        curves = [r.metrics[name] for r in results if _is_curve(r.metrics.get(name))]
        length = max(len(c) for c in curves)
        grid = np.full((len(curves), length), np.nan)
        for i, curve in enumerate(curves):
            grid[i, : len(curve)] = [np.nan if v is None else v for v in curve]
        stats = [mean_ci(list(grid[~np.isnan(grid[:, j]), j])) for j in range(length)]
        x = np.arange(length)
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(x, [s[0] for s in stats], marker="o", label=f"mean over {len(curves)} run(s)")
        low_name, high_name = (name.replace("_by_round", "") + f"_ci_{side}_by_round" for side in ("low", "high"))
        if len(curves) > 1:
            ax.fill_between(x, [s[1] for s in stats], [s[2] for s in stats], alpha=0.25, label="95% CI over runs")
        elif _is_curve(results[0].metrics.get(low_name)) and _is_curve(results[0].metrics.get(high_name)):
            low = [np.nan if v is None else v for v in results[0].metrics[low_name]]
            high = [np.nan if v is None else v for v in results[0].metrics[high_name]]
            if len(low) == len(high) == length:
                ax.fill_between(x, low, high, alpha=0.25, label="95% CI (within the run)")
        ax.set_title(f"{system}: {name}")
        ax.set_xlabel("index")
        ax.legend()
        fig.tight_layout()
        figures.append((f"{name}", fig))
    return figures


def _metric_figure(system: str, results: Sequence[Result], summary: pd.DataFrame) -> Any | None:
    import matplotlib.pyplot as plt

    if summary.empty:
        return None
    shown = summary.head(24)
    fig, axes = plt.subplots(math.ceil(len(shown) / 4), min(4, len(shown)),
                             figsize=(3.2 * min(4, len(shown)), 2.4 * math.ceil(len(shown) / 4)),
                             squeeze=False)
    for ax, (_, row) in zip(axes.flat, shown.iterrows(), strict=False):
        values = [float(r.metrics[row["metric"]]) for r in results if _is_number(r.metrics.get(row["metric"]))]
        ax.scatter(np.zeros(len(values)), values, alpha=0.6, s=14)
        if math.isfinite(row["ci_low"]):
            ax.errorbar([0.3], [row["mean"]], yerr=[[row["mean"] - row["ci_low"]], [row["ci_high"] - row["mean"]]],
                        fmt="o", color="black", capsize=4)
        ax.set_title(str(row["metric"]), fontsize=8)
        ax.set_xticks([])
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(shown):]:
        ax.axis("off")
    fig.suptitle(f"{system}: metrics per run (dots) and mean with 95% CI")
    fig.tight_layout()
    return fig


def system_figures(system: str, results: Sequence[Result], summary: pd.DataFrame) -> list[tuple[str, Any]]:
    """Generic figures plus the system's own (``figures(results)`` in its module)."""
    figures: list[tuple[str, Any]] = []
    metric_fig = _metric_figure(system, results, summary)
    if metric_fig is not None:
        figures.append(("metrics", metric_fig))
    figures += _curve_figures(system, results)
    from agentzoo import registry

    if system in registry.SYSTEMS and registry.status(system) == "implemented":
        try:
            extra = registry.load(system).figures
            if extra is not None:
                figures += list(extra(list(results)))
        except Exception as exc:  # a broken plot must not lose the rest of the report
            log.warning("figures() of %s failed: %s", system, exc)
    return figures


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


# ------------------------------------------------------------------------ writing
def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "–" if not math.isfinite(value) else f"{value:.4g}"
    return str(value)


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def write_report(paths: Iterable[str | Path], out: str | Path) -> Path:
    """Aggregate the runs under ``paths`` into ``out/report.md`` and ``out/report.html``."""
    import matplotlib

    matplotlib.use("Agg")
    out = Path(out)
    runs = load_runs(paths)
    md: list[str] = ["# agentzoo report", ""]
    body: list[str] = []
    if not runs.by_system:
        md.append("No complete runs found.")
    for group, results in sorted(runs.by_system.items()):
        system = results[0].system
        summary = summarize(results)
        seeds = sorted({r.seed for r in results})
        md += [f"## {group}", "", f"{len(results)} run(s), seeds {seeds}.", "",
               "Mean and 95% confidence interval (Student t) over runs:", "", _markdown_table(summary), ""]
        body += [f"<h2>{html.escape(group)}</h2>",
                 f"<p>{len(results)} run(s), seeds {html.escape(str(seeds))}. Mean and 95% CI (Student t) over runs.</p>",
                 summary.to_html(index=False, float_format=lambda v: _fmt(v), na_rep="–", border=0)]
        for name, fig in system_figures(system, results, summary):
            png = _png(fig)
            slug = "".join(c if c.isalnum() else "-" for c in f"{group}-{name}")
            atomic_write_bytes(out / "figures" / f"{slug}.png", png)
            md += [f"![{system} {name}](figures/{slug}.png)", ""]
            body.append(f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,'
                        f'{base64.b64encode(png).decode()}"><figcaption>{html.escape(name)}</figcaption></figure>')
        provenance = sorted({(r.git_sha or "unknown", r.config.get("model", "-")) for r in results})
        md += ["Provenance (git sha, model): " + ", ".join(f"{s} / {m}" for s, m in provenance), ""]
        body.append(f"<p class=small>Provenance (git sha, model): {html.escape(str(provenance))}</p>")
    if runs.skipped:
        md += ["## Skipped runs", ""] + [f"- `{p}`: {why}" for p, why in runs.skipped] + [""]
        body.append("<h2>Skipped runs</h2><ul>" + "".join(
            f"<li><code>{html.escape(str(p))}</code>: {html.escape(why)}</li>" for p, why in runs.skipped) + "</ul>")
    atomic_write_text(out / "report.md", "\n".join(md))
    page = _HTML.format(body="\n".join(body) or "<p>No complete runs found.</p>")
    atomic_write_text(out / "report.html", page)
    log.info("report written to %s", out)
    return out / "report.md"


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>agentzoo report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.9em; margin: 1em 0; }}
th, td {{ padding: 0.25em 0.7em; border-bottom: 1px solid #ddd; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
figure {{ margin: 1em 0; }} img {{ max-width: 100%; }} .small {{ font-size: 0.8em; color: #666; }}
</style></head><body>
<h1>agentzoo report</h1>
{body}
</body></html>
"""
