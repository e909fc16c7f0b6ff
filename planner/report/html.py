"""``report.html``: one self-contained page (figures embedded as base64 PNG, inline CSS, no
external URL) with the instance summary, key metrics against the baseline, every table and
every figure, units in every heading."""

from __future__ import annotations

import base64
import datetime as _dt
import html
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.formats import cell, noise_free
from planner.interrupts import atomic_write
from planner.report import figures as solve_figures
from planner.report import sweep_figures
from planner.report.style import close, png_bytes
from planner.results.folder import read_folder
from planner.results.folder_check import ResultsFolderError
from planner.results.result import Result
from planner.results.saved import SavedResult

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;
max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.9em;color:#555}.note{color:#555;font-size:.9em}
"""

TABLE_UNITS = {
    "capacity": "capacity_mw in MW, energy_mwh in MWh",
    "costs": "cost_usd in USD over the horizon, cost_usd_per_yr in USD/yr, usd_per_mwh_load in "
    "$/MWh of load",
    "metrics": "units in each metric's name (usd, mwh, t, g_per_kwh; scores and fractions 0-1)",
    "shadow_prices": "cost of tightening each policy constraint by one unit; unit in the name",
    "fusion_reduced_cost": "usd_per_mw_yr in $/MW-yr, usd_per_mwh in $/MWh (0 for offers "
    "contracted)",
    "timings": "seconds",
}


def _table(frame: pd.DataFrame | pd.Series, table_id: str, index: bool = True) -> str:
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    shown = frame.copy()
    for column in shown.select_dtypes("number"):
        shown[column] = shown[column].map(noise_free)
    text = shown.to_html(
        index=index,
        na_rep="-",
        float_format=cell,
        border=0,
        table_id=table_id,
        escape=True,
    )
    return text


def _figure(name: str, fig: Figure) -> str:
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    title = fig.axes[0].get_title() if fig.axes else name
    caption = fig.get_suptitle() or title
    close(fig)
    return (
        f'<figure id="fig-{html.escape(name)}"><img alt="{html.escape(caption)}" '
        f'src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}</figcaption></figure>'
    )


def _page(title: str, body: list[str]) -> str:
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            f"<h1>{html.escape(title)}</h1>",
            f'<p class="note">Written by planner on {stamp}. Self-contained: no network access '
            "needed.</p>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _key_metrics(d: SavedResult) -> pd.DataFrame:
    m = d.metrics
    years = float(m.get("horizon_years", np.nan))
    rows = [
        (
            "cost, M$/yr",
            m.get("total_cost_usd_per_yr", np.nan) / 1e6,
            m.get("baseline_total_cost_usd_per_yr", np.nan) / 1e6,
        ),
        (
            "cost, $/MWh of load",
            m.get("cost_usd_per_mwh_load", np.nan),
            m.get("baseline_cost_usd_per_mwh_load", np.nan),
        ),
        (
            "hourly CFE score, %",
            100 * m.get("hourly_cfe_score", np.nan),
            100 * m.get("baseline_hourly_cfe_score", np.nan),
        ),
        ("annual clean match, %", 100 * m.get("annual_match_fraction", np.nan), np.nan),
        (
            "emissions (location), kt/yr",
            m.get("emissions_location_t", np.nan) / years / 1e3,
            m.get("baseline_emissions_location_t", np.nan) / years / 1e3,
        ),
        ("emissions (location), g/kWh", m.get("emissions_location_g_per_kwh", np.nan), np.nan),
        ("emissions (market), g/kWh", m.get("emissions_market_g_per_kwh", np.nan), np.nan),
        ("grid import, GWh", m.get("grid_import_mwh", np.nan) / 1e3, np.nan),
        ("curtailment, GWh", m.get("curtailment_mwh", np.nan) / 1e3, np.nan),
        ("abatement cost, $/t CO2", m.get("abatement_cost_usd_per_t", np.nan), np.nan),
    ]
    frame = pd.DataFrame(rows, columns=["metric", "portfolio", "grid only"]).set_index("metric")
    frame["change"] = frame["portfolio"] - frame["grid only"]
    return frame


def solve_report_html(d: SavedResult) -> str:
    """The HTML text of a solve's report."""
    body = [
        "<h2>Instance</h2>",
        "<ul>"
        f"<li>name: {html.escape(d.name)}</li><li>source: {html.escape(d.source)}</li>"
        f"<li>status: {html.escape(d.status)}</li><li>hours modelled: {d.hours}</li>"
        f"<li>objective: {d.objective_usd or float('nan'):,.0f} USD over the horizon</li></ul>",
    ]
    if not d.ok:
        body.append("<p>The solve did not reach an optimum: no tables or figures.</p>")
        return _page(f"planner report: {d.name}", body)
    costs = d.costs.copy()
    demand = float(d.metrics.get("demand_mwh", np.nan))
    costs["usd_per_mwh_load"] = costs["cost_usd"] / demand
    tables = {
        "capacity": d.capacity,
        "costs": costs,
        "metrics": d.metrics.rename("value"),
        "shadow_prices": d.shadow_prices.rename("value"),
        "fusion_reduced_cost": d.fusion_reduced_cost,
        "timings": d.timings.rename("seconds"),
    }
    body += [
        "<h2>Key metrics against the grid-only baseline</h2>",
        _table(_key_metrics(d), "key_metrics"),
    ]
    for name, frame in tables.items():
        body += [
            f"<h2>{name.replace('_', ' ').capitalize()}</h2>",
            f'<p class="note">Units: {html.escape(TABLE_UNITS[name])}.</p>',
            _table(frame, name) if len(frame) else "<p>(empty)</p>",
        ]
    body.append("<h2>Figures</h2>")
    body += [_figure(name, fig) for name, fig in solve_figures.all_figures(d).items()]
    return _page(f"planner report: {d.name}", body)


def saved_of(source: Result | SavedResult | str | Path) -> SavedResult:
    """The saved form of a Result, a SavedResult, or a results folder."""
    if isinstance(source, SavedResult):
        return source
    if isinstance(source, (str, Path)):
        return read_folder(source)
    return source.saved()


def write_report(source: Result | SavedResult | str | Path, path: str | Path) -> Path:
    """Write the report of a Result, a SavedResult or a ``Result.to_dir`` folder to ``path``."""
    d = saved_of(source)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = solve_report_html(d)
    atomic_write(path, lambda p: Path(p).write_text(text, encoding="utf-8"))
    return path


def read_sweep_dir(
    folder: str | Path,
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, pd.DataFrame | None]:
    """The sweep table, frontier and break-even tables of an output folder (None if absent);
    a file that cannot be read, is empty or lacks its columns raises
    :class:`~planner.results.folder_check.ResultsFolderError` with every problem."""
    folder = Path(folder)
    problems: list[str] = []
    tables = [
        _sweep_table(folder / name, columns, problems) for name, columns in SWEEP_TABLES.items()
    ]
    if problems:
        raise ResultsFolderError(problems)
    table, front, be = tables
    return table, front, be


SWEEP_TABLES = {
    "results.parquet": ("point", "status"),
    "frontier.csv": ("cfe_target_pct", "status"),
    "breakeven.csv": ("offer", "breakeven_usd_per_mwh"),
}
"""The tables of a sweep folder and the columns each must have."""


def _sweep_table(path: Path, columns: tuple[str, ...], problems: list[str]) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        problems.append(f"{path}: cannot be read ({reason})")
        return None
    missing = [c for c in columns if c not in frame]
    if missing:
        problems.append(f"{path}: missing column(s) {', '.join(map(repr, missing))}")
    elif not len(frame):
        problems.append(f"{path}: holds no rows")
    return frame


def sweep_summary_columns(table: pd.DataFrame) -> list[str]:
    params = sweep_figures.swept_parameters(table)
    capacity = [
        c
        for c in table
        if c.endswith(("_capacity_mw", "_energy_mwh")) and not c.startswith("grid_")
    ]
    shadow = [c for c in table if c.startswith("shadow_")]
    cols = [
        "point",
        *params,
        "status",
        "cost_usd_per_mwh_load",
        "total_cost_usd_per_yr",
        "hourly_cfe_score",
        "emissions_location_g_per_kwh",
        *capacity,
        *shadow,
    ]
    return list(dict.fromkeys(c for c in cols if c in table))


def write_sweep_report(folder: str | Path, path: str | Path | None = None) -> Path:
    """Write ``report.html`` for a sweep, frontier or break-even output folder."""
    folder = Path(folder)
    table, front, be = read_sweep_dir(folder)
    body = [f'<p class="note">Output folder: {html.escape(str(folder))}</p>']
    if table is not None:
        n_ok = int((table["status"] == "optimal").sum())
        params = sweep_figures.swept_parameters(table)
        body += [
            "<h2>Sweep</h2>",
            f"<p>{len(table)} points, {n_ok} optimal; swept: "
            f"{html.escape(', '.join(params) or 'nothing')}.</p>",
            '<p class="note">Units in each column name: cost in $/MWh of load or USD/yr, scores '
            "0-1, capacities in MW and MWh, shadow prices per unit of the constraint.</p>",
            _table(table[sweep_summary_columns(table)], "sweep_results", index=False),
        ]
    if front is not None:
        body += [
            "<h2>Frontier</h2>",
            '<p class="note">Units in each column name; pp = percentage point.</p>',
            _table(front, "frontier", index=False),
        ]
    if be is not None:
        body += [
            "<h2>Break-even</h2>",
            '<p class="note">Prices in $/MWh, capacity in MW.</p>',
            _table(be, "breakeven", index=False),
        ]
    body.append("<h2>Figures</h2>")
    body += [_figure(n, f) for n, f in sweep_figures.sweep_figures(table, front, be).items()]
    out = Path(path) if path is not None else folder / "report.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    text = _page(f"planner sweep report: {folder.name}", body)
    atomic_write(out, lambda p: Path(p).write_text(text, encoding="utf-8"))
    return out
