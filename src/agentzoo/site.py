"""A static results site: ``agentzoo report --site OUT RUNDIRS...``.

``OUT/index.html`` compares every system's headline metrics (mean and 95% CI over runs,
our method next to our baselines) with what its paper reports (labelled self-reported);
``OUT/<system>.html`` has the system's full metric table, its figures, its configuration
and the provenance of its runs (versions, git sha, seeds, model spec). Figures are PNG
files under ``OUT/figures/``; nothing is fetched from the network to view the site.
Systems whose runs failed show the error instead of numbers.
"""

from __future__ import annotations

import html
import json
import logging
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from agentzoo import registry
from agentzoo.report import RunSet, _fmt, _png, find_run_dirs, load_runs, summarize, system_figures
from agentzoo.runs import Result, atomic_write_bytes, atomic_write_text, read_status

log = logging.getLogger(__name__)

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1150px; margin: 2em auto; color: #222; padding: 0 1em; }
table { border-collapse: collapse; font-size: 0.88em; margin: 1em 0; }
th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.2em 0; } img { max-width: 100%; border: 1px solid #eee; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.8em; }
.failed { color: #b00020; } .muted { color: #666; font-size: 0.85em; } nav a { margin-right: 1em; }
"""


def _page(title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body>\n{body}\n</body></html>\n")


def _cell(summary: pd.DataFrame, metric: str) -> str:
    rows = summary[summary["metric"] == metric]
    if rows.empty:
        return "–"
    row = rows.iloc[0]
    if row["n"] > 1 and math.isfinite(row["ci_low"]):
        return f"{_fmt(row['mean'])} [{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}]"
    return _fmt(row["mean"])


def _failures(paths: Iterable[Path]) -> dict[str, str]:
    """system id -> error, for run directories whose status is ``failed``."""
    out: dict[str, str] = {}
    for path in paths:
        status = read_status(path)
        if status.get("state") == "failed":
            out[str(status.get("system", path.name))] = str(status.get("error", "failed"))
    return out


def _provenance(results: Sequence[Result]) -> str:
    rows = []
    for r in sorted(results, key=lambda r: r.seed):
        versions = ", ".join(f"{k} {v}" for k, v in r.versions.items() if k in ("python", "agentzoo", "torch", "transformers", "numpy"))
        rows.append(f"<tr><td>{r.seed}</td><td>{html.escape(str(r.config.get('model', '-')))}</td>"
                    f"<td><code>{html.escape(r.git_sha or 'unknown')}</code></td>"
                    f"<td class=num>{_fmt(r.timings.get('wall_seconds', math.nan))}</td>"
                    f"<td>{html.escape(r.finished_at or '')}</td><td class=muted>{html.escape(versions)}</td></tr>")
    return ("<table><tr><th>seed</th><th>model</th><th>git sha</th><th>wall s</th><th>finished</th><th>versions</th></tr>"
            + "".join(rows) + "</table>")


def _system_page(out: Path, system: str, groups: dict[str, list[Result]], nav: str) -> None:
    info = registry.info(system) if system in registry.SYSTEMS else None
    body = [nav, f"<h1>{html.escape(system)}</h1>"]
    if info is not None:
        body.append(f"<p>{html.escape(info.title)}. Paper: <em>{html.escape(info.paper)}</em>.</p>")
        if info.paper_reported:
            body.append(f"<p class=muted>The paper reports (self-reported, not reproduced here unless the table says so): "
                        f"{html.escape(info.paper_reported)}</p>")
    for group, results in sorted(groups.items()):
        summary = summarize(results)
        body += [f"<h2>{html.escape(group)}</h2>",
                 f"<p>{len(results)} run(s). Mean and 95% CI (Student t) over runs.</p>",
                 summary.to_html(index=False, float_format=lambda v: _fmt(v), na_rep="–", border=0)]
        for name, fig in system_figures(system, results, summary):
            slug = "".join(c if c.isalnum() else "-" for c in f"{group}-{name}")
            atomic_write_bytes(out / "figures" / f"{slug}.png", _png(fig))
            body.append(f'<figure><img alt="{html.escape(name)}" src="figures/{slug}.png">'
                        f"<figcaption>{html.escape(name)}</figcaption></figure>")
        body += ["<h3>Configuration</h3>", f"<pre>{html.escape(json.dumps(results[0].config, indent=2, sort_keys=True))}</pre>",
                 "<h3>Provenance</h3>", _provenance(results)]
    atomic_write_text(out / f"{system}.html", _page(f"agentzoo: {system}", "\n".join(body)))


def write_site(paths: Iterable[str | Path], out: str | Path) -> Path:
    """Write the site for the runs under ``paths`` to ``out``; returns ``out/index.html``."""
    import matplotlib

    matplotlib.use("Agg")
    out = Path(out)
    paths = list(paths)
    runs: RunSet = load_runs(paths)
    failed = _failures(find_run_dirs(paths))
    by_system: dict[str, dict[str, list[Result]]] = {}
    for group, results in runs.by_system.items():
        by_system.setdefault(results[0].system, {})[group] = results
    ids = [s for s in registry.ids() if s in by_system or s in failed] + sorted(set(by_system) - set(registry.ids()))
    nav = "<nav><a href=index.html>index</a>" + "".join(f"<a href='{s}.html'>{s}</a>" for s in ids if s in by_system) + "</nav>"
    rows = []
    for system in ids:
        info = registry.SYSTEMS.get(system)
        paper = html.escape(info.paper) if info else ""
        reported = html.escape(info.paper_reported) if info and info.paper_reported else "–"
        if system in by_system:
            groups = by_system[system]
            _system_page(out, system, groups, nav)
            results = next(iter(groups.values()))
            summary = summarize(results)
            headline = info.headline if info and info.headline else tuple(summary["metric"].head(4))
            cells = "<br>".join(f"{html.escape(m)}: {_cell(summary, m)}" for m in headline)
            link = f"<a href='{system}.html'>{html.escape(system)}</a>"
            state = f"{sum(len(g) for g in groups.values())} run(s)"
        else:
            cells, link, state = "–", html.escape(system), f"<span class=failed>failed: {html.escape(failed[system][:300])}</span>"
        rows.append(f"<tr><td>{link}</td><td>{paper}</td><td>{state}</td><td>{cells}</td><td class=muted>{reported}</td></tr>")
    skipped = "".join(f"<li><code>{html.escape(str(p))}</code>: {html.escape(why)}</li>" for p, why in runs.skipped)
    body = ["<h1>agentzoo results</h1>",
            "<p>Our measurements (mean and 95% CI over runs) next to what each paper reports. Paper numbers are "
            "<strong>self-reported</strong> by their authors, usually on models, data and hardware we do not have "
            "here; see each system's docs for what is and is not reproduced.</p>",
            "<table><tr><th>system</th><th>paper</th><th>runs</th><th>our headline metrics (method and baselines)</th>"
            "<th>paper reports (self-reported)</th></tr>", *rows, "</table>"]
    if skipped:
        body.append(f"<h2>Incomplete runs</h2><ul>{skipped}</ul>")
    index = out / "index.html"
    atomic_write_text(index, _page("agentzoo results", "\n".join(body)))
    log.info("site written to %s", out)
    return index
