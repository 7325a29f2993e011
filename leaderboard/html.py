"""The static HTML leaderboard: one self-contained page, readable from ``file://`` offline.

Modelled on MLCommons AlgoPerf's results pages: a sortable table per (suite, tier, level), the
aggregate first, and under every row where its number came from (entry point, package and code
version, protocol hash, seeds, compute, verification, the records). No CDN, no fonts, no server:
the style and the sorting script are inline and the figures are embedded as data URIs. Every
string from a record goes through :func:`html.escape`.
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from teachbench.harness.storage import atomic_write
from teachbench.leaderboard.figures import teacher_colour
from teachbench.leaderboard.report import Report
from teachbench.leaderboard.tables import AGGREGATE, BLOCK, caption

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1400px;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table.lb{border-collapse:collapse;font-size:.85em;margin:1em 0;width:100%}
table.lb th,table.lb td{border-bottom:1px solid #e3e3e3;padding:.3em .5em;text-align:right;
vertical-align:top}
table.lb th:first-child,table.lb td:first-child{text-align:left}
table.lb th{cursor:pointer;background:#f4f4f4;position:sticky;top:0;user-select:none}
table.lb th[aria-sort=ascending]::after{content:" \\25B2"}
table.lb th[aria-sort=descending]::after{content:" \\25BC"}
.ci{color:#666;font-size:.85em}.best{font-weight:bold}
.badge{border-radius:3px;padding:0 .4em;font-size:.8em;white-space:nowrap}
.verified{background:#d9f0d3;color:#1b5e20}.unverified{background:#eee;color:#555}
button.prov{border:0;background:none;color:#0366d6;cursor:pointer;font-size:.9em;padding:0}
tr.prov td{background:#fafafa;text-align:left;font-size:.85em}
dl{display:grid;grid-template-columns:max-content auto;gap:.1em .8em;margin:.3em 0}
dt{color:#666}dd{margin:0;word-break:break-all}
figure{margin:1.5em 0}figure img{max-width:min(100%,1000px);border:1px solid #eee}
figcaption{font-size:.85em;color:#555}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em}
"""

SCRIPT = """
document.querySelectorAll('table.lb').forEach(function(table){
  table.querySelectorAll('th').forEach(function(th, col){
    th.addEventListener('click', function(){
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function(o){o.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.querySelectorAll('tr.row'));
      rows.sort(function(a, b){
        var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (isNaN(nx) || isNaN(ny)) ? String(x).localeCompare(String(y)) : nx - ny;
        return asc ? c : -c;
      });
      rows.forEach(function(r){
        var details = r.nextElementSibling;  // each row's provenance row moves with it
        body.appendChild(r); body.appendChild(details);
      });
    });
  });
});
document.querySelectorAll('button.prov').forEach(function(button){
  button.addEventListener('click', function(){
    var details = button.closest('tr').nextElementSibling;
    details.hidden = !details.hidden;
    button.textContent = details.hidden ? 'show' : 'hide';
  });
});
"""

FIGURE_TITLES = {
    "iqm": "IQM with 95% stratified-bootstrap confidence intervals, per challenge and aggregated",
    "poi": "Probability of improvement of the row teacher over the column teacher",
    "profiles": "Performance profiles: fraction of runs x challenges above each score",
    "curves": "Sample-efficiency curves: IQM of % mastered over training, pointwise 95% CI",
    "radar": "TeachMyAgent's view: mean score over Random's, * = Welch's t-test p < 0.05",
    "curriculum": "Curricula: where the teacher sampled tasks over training",
}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cell(row: pd.Series, best: float) -> str:
    if row["n_runs"] == 0:
        text = "n/a" if row["n_not_applicable"] and not row["n_failed"] else "--"
        return f'<td data-sort="-1">{text}</td>'
    mark = ' class="best"' if row["iqm"] == best else ""
    return (
        f'<td data-sort="{row["iqm"]:.6f}"><span{mark}>{row["iqm"]:.1f}</span> '
        f'<span class="ci">[{row["iqm_low"]:.1f}, {row["iqm_high"]:.1f}]</span></td>'
    )


def _seeds(seeds: Sequence[int]) -> str:
    return ", ".join(str(s) for s in sorted(set(seeds)))


def _provenance(runs: pd.DataFrame, out_dir: Path) -> str:
    """The row's evidence: what ran, under which protocol, on what, and where the records are."""
    ok = runs[runs["status"] == "ok"]
    folders = sorted({os.path.relpath(Path(f).parent, out_dir) for f in runs["record_file"]})
    links = " ".join(
        f'<a href="{_e(Path(f).as_posix())}/">{_e(Path(f).as_posix())}</a>' for f in folders[:12]
    )
    more = f" (+{len(folders) - 12} more)" if len(folders) > 12 else ""
    items = {
        "entry point": ", ".join(sorted(set(runs["entry_point"]))),
        "package": "teachbench " + ", ".join(sorted(set(runs["package_version"]))),
        "code version": ", ".join(sorted(set(runs["code_version"]) - {""})) or "unknown",
        "git commit": ", ".join(sorted(set(runs["git_commit"]) - {""}))[:80] or "unknown",
        "protocol hash": ", ".join(sorted(set(runs["protocol_hash"])))[:200],
        "seeds": _seeds(runs["seed"]),
        "env steps": f"{int(ok['env_steps'].sum()):,}",
        "wall time": f"{ok['wall_s'].sum():.0f} s over {len(ok)} ok runs",
        "device": ", ".join(sorted(set(runs["device"]) - {""})) or "unknown",
    }
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items.items())
    return f"<dl>{body}<dt>records</dt><dd>{links}{more}</dd></dl>"


def _verified(runs: pd.DataFrame) -> str:
    if "verified" in runs and runs["verified"].all():
        return '<span class="badge verified" title="re-run by teachbench verify">verified</span>'
    return '<span class="badge unverified" title="no passing teachbench verify">unverified</span>'


def _block_table(report: Report, key: tuple, rows: pd.DataFrame, out_dir: Path) -> str:
    where = dict(zip(BLOCK, key, strict=True))
    runs = report.runs
    runs = runs[(runs[BLOCK] == pd.Series(where)).all(axis=1)]
    challenges = sorted(rows.loc[~rows["is_aggregate"], "challenge"].unique())
    columns = [AGGREGATE, *challenges]
    best = {
        c: rows.loc[
            (rows["challenge"] == c) & (rows["is_aggregate"] == (c == AGGREGATE)), "iqm"
        ].max()
        for c in columns
    }
    aggregate = rows[rows["is_aggregate"]].set_index("teacher")
    teachers = sorted(
        aggregate.index,
        key=lambda t: (-(aggregate.loc[t, "iqm"] if aggregate.loc[t, "n_runs"] else -1), t),
    )
    head = "".join(
        f"<th>{_e(c)}</th>"
        for c in ["Teacher", "Status", *columns, "Runs ok/failed/n.a.", "Provenance"]
    )
    body = []
    for teacher in teachers:
        mine = rows[rows["teacher"] == teacher]
        cells = []
        for c in columns:
            match = mine[(mine["challenge"] == c) & (mine["is_aggregate"] == (c == AGGREGATE))]
            cells.append(
                _cell(match.iloc[0], best[c]) if len(match) else '<td data-sort="-1">--</td>'
            )
        cell_rows = mine[~mine["is_aggregate"]]
        counts = "/".join(
            str(int(cell_rows[c].sum())) for c in ["n_runs", "n_failed", "n_not_applicable"]
        )
        teacher_runs = runs[runs["teacher"] == teacher]
        body.append(
            f'<tr class="row"><td data-sort="{_e(teacher)}">{_swatch(teacher)}{_e(teacher)}</td>'
            f'<td data-sort="{_e(_verified(teacher_runs))}">{_verified(teacher_runs)}</td>'
            + "".join(cells)
            + f'<td data-sort="{int(cell_rows["n_runs"].sum())}">{counts}</td>'
            + '<td><button class="prov" type="button">show</button></td></tr>'
            + f'<tr class="prov" hidden><td colspan="{len(columns) + 4}">'
            + f"{_provenance(teacher_runs, out_dir)}</td></tr>"
        )
    title = " / ".join(_e(v) for v in key)
    return (
        f'<h2 id="{_e("-".join(map(str, key)))}">{title}</h2>'
        f"<p>{_e(caption(report.table, key))}</p>"
        f'<table class="lb"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _swatch(teacher: str) -> str:
    return f'<span class="swatch" style="background:{teacher_colour(teacher)}"></span>'


def _figure(path: Path) -> str:
    kind = path.stem.split("-")[-1]
    data = base64.b64encode(path.read_bytes()).decode()
    title = FIGURE_TITLES.get(kind, path.stem)
    pdf = path.with_suffix(".pdf").name
    return (
        f'<figure><img alt="{_e(title)}" src="data:image/png;base64,{data}">'
        f'<figcaption>{_e(title)} (<a href="{_e(pdf)}">PDF</a>)</figcaption></figure>'
    )


def page(report: Report, out_dir: Path, figures: Sequence[Path]) -> str:
    """The whole page as text; ``figures`` are the PNG/PDF files written for it."""
    blocks = list(report.table.groupby(BLOCK, sort=False))
    nav = " · ".join(
        f'<a href="#{_e("-".join(map(str, k)))}">{" / ".join(_e(v) for v in k)}</a>'
        for k, _ in blocks
    )
    tables = "".join(_block_table(report, key, rows, out_dir) for key, rows in blocks)
    pngs = [p for p in figures if p.suffix == ".png" and not p.stem.endswith("-1col")]
    settings = report.settings
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>teachbench leaderboard</title><style>{STYLE}</style></head><body>"
        "<h1>teachbench leaderboard</h1>"
        f"<p>{len(report.runs)} run records; statistics of {_e(settings['metric'])} with "
        f"{settings['reps']} stratified-bootstrap resamples (seed {settings['seed']}). "
        "Click a column header to sort. A row is <em>verified</em> when "
        "<code>teachbench verify</code> re-ran seeds of its submission and got its records.</p>"
        f'<nav>{nav}</nav>{tables}<h2 id="figures">Figures</h2>'
        + "".join(_figure(p) for p in pngs)
        + f"<script>{SCRIPT}</script></body></html>"
    )


def write_page(report: Report, path: Path, figures: Sequence[Path]) -> Path:
    """Write :func:`page` to ``path`` and return it."""
    atomic_write(path, page(report, path.parent, figures).encode())
    return path
