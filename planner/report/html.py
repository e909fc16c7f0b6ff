"""``report.html`` of a solve: one self-contained page (figures embedded as base64 PNG, inline
CSS, no script, no external URL). It opens with what to buy, what it costs and how clean, in
one paragraph (:func:`planner.results.summary.opening`), then the inputs and assumptions, the
key metrics against the grid-only baseline, every table with human labels and units
(:mod:`planner.report.labels`) and every figure. The sweep report: :mod:`planner.report.sweep_html`.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from planner.formats import num, signed
from planner.inputs.catalogue import BY_KEY
from planner.interrupts import atomic_write
from planner.report import figures as solve_figures
from planner.report import inputs
from planner.report.axes_html import pathway_html, risk_html
from planner.report.labels import labelled, metric_table
from planner.report.page import CSS, figure, page, paragraph, table
from planner.report.sweep_html import read_sweep_dir, write_sweep_report
from planner.results.folder import read_folder
from planner.results.result import Result
from planner.results.saved import SavedResult
from planner.results.summary import field_label, field_parts, opening

__all__ = ["CSS", "read_sweep_dir", "saved_of", "solve_report_html", "write_report"]
__all__ += ["write_sweep_report"]

TABLE_NOTES = {
    "capacity": "Power capacity of every resource; energy capacity of storage.",
    "costs": "Each cost over the modelled hours and per year; negative: revenue.",
    "metrics": "Every metric of the solve, in the unit of its label.",
    "shadow_prices": "What tightening each policy constraint by one unit would cost.",
    "fusion_reduced_cost": "Reduced cost of each fusion offer (0 for offers contracted).",
    "timings": "Seconds spent in each step of the solve.",
}

FIGURE_NOTES = {
    "capacity_mix": "Hatched grey: what the grid-only baseline takes.",
    "cost_breakdown": "Below zero: revenue (exports).",
    "dispatch": "Above zero: supply; below zero: storage charging and exports; line: demand.",
    "cfe_heatmap": "One cell per hour of each modelled day; 100 %: the hour is wholly clean.",
    "price_duration": "Dashed: the grid-only baseline.",
}
"""What a figure's title does not say, by the start of its name (shown as its caption)."""


def _key_metrics(d: SavedResult) -> pd.DataFrame:
    m, nan = d.metrics, np.nan
    years = float(m.get("horizon_years", nan))
    rows = [  # label, portfolio, grid only, decimals
        ("cost, M$/yr", m.get("total_cost_usd_per_yr", nan) / 1e6,
         m.get("baseline_total_cost_usd_per_yr", nan) / 1e6, 2),
        ("cost, $/MWh of load", m.get("cost_usd_per_mwh_load", nan),
         m.get("baseline_cost_usd_per_mwh_load", nan), 2),
        ("hourly CFE score, %", 100 * m.get("hourly_cfe_score", nan),
         100 * m.get("baseline_hourly_cfe_score", nan), 1),
        ("annual clean match, %", 100 * m.get("annual_match_fraction", nan), nan, 1),
        ("emissions (location), kt CO2/yr", m.get("emissions_location_t", nan) / years / 1e3,
         m.get("baseline_emissions_location_t", nan) / years / 1e3, 2),
        ("emissions (location), g/kWh", m.get("emissions_location_g_per_kwh", nan), nan, 1),
        ("emissions (market), g/kWh", m.get("emissions_market_g_per_kwh", nan), nan, 1),
        ("grid import, GWh/yr", m.get("grid_import_mwh", nan) / years / 1e3, nan, 2),
        ("curtailment, GWh/yr", m.get("curtailment_mwh", nan) / years / 1e3, nan, 2),
        ("abatement cost, $/t CO2", m.get("abatement_cost_usd_per_t", nan), nan, 1),
    ]  # fmt: skip
    return pd.DataFrame(
        [
            (label, num(v, k), num(b, k), signed(v - b, k) if np.isfinite(b) else "-")
            for label, v, b, k in rows
        ],
        columns=["metric", "portfolio", "grid only", "change"],
    )


def result_tables(d: SavedResult) -> dict[str, pd.DataFrame]:
    """The tables of an optimal solve, labelled and formatted, by id (also the Excel sheets'
    names): capacity, costs, metrics, shadow_prices, fusion_reduced_cost, timings."""
    costs = d.costs.copy()
    costs["usd_per_mwh_load"] = costs["cost_usd"] / float(d.metrics.get("demand_mwh", np.nan))
    costs["component"] = costs["component"].map(lambda c: field_parts(str(c))[0])
    shadow = pd.DataFrame(
        {
            "constraint": [field_label(str(n)) for n in d.shadow_prices.index],
            "shadow price": [num(v, 2) for v in d.shadow_prices],
        }
    )
    steps = [field_parts(str(k).removesuffix("_s"))[0] for k in d.timings.index]
    timings = pd.DataFrame({"step": steps, "seconds": d.timings.to_numpy(dtype=float)})
    return {
        "capacity": labelled(d.capacity.reset_index(), text=True),
        "costs": labelled(costs, text=True),
        "metrics": metric_table(d.metrics, text=True),
        "shadow_prices": shadow,
        "fusion_reduced_cost": labelled(d.fusion_reduced_cost.reset_index(), text=True),
        "timings": labelled(timings, text=True),
    }


def inputs_html(d: SavedResult) -> list[str]:
    """The inputs and assumptions: the facts, each kind's resources and their costs, the
    sources the instance file cites, the hourly series and the overrides."""
    body = ["<h2>Inputs and assumptions</h2>", table(inputs.facts_table(d), "inputs")]
    resources = inputs.resource_tables(d)
    if resources:
        body.append("<h3>Resources and their costs</h3>")
    for kind, frame in resources.items():
        title = BY_KEY[kind].title if kind in BY_KEY else kind
        body += [
            paragraph(title[:1].upper() + title[1:], "note"),
            table(frame, f"resources_{kind}"),
        ]
    sources = inputs.sources_table(d)
    body.append("<h3>Sources of prices and costs cited in the instance file</h3>")
    if len(sources):
        body.append(table(sources, "sources"))
    else:
        body.append(paragraph(f"{d.source}: not found here, or it cites no source.", "note"))
    body += [
        "<h3>Hourly series: where each comes from</h3>",
        table(inputs.series_table(d), "series", warn=frozenset({"not stated"})),
    ]
    header = inputs.file_header(d)
    if header:
        body += [
            paragraph(f"What {d.source} says of its data, in its opening comments:", "note"),
            f'<div class="quote">{html.escape(header)}</div>',
        ]
    body += ["<h3>Overrides applied</h3>", table(inputs.overrides_table(d), "overrides")]
    return body


def _note(name: str, notes: dict[str, str]) -> str | None:
    return next((text for start, text in notes.items() if name.startswith(start)), None)


def solve_report_html(d: SavedResult) -> str:
    """The HTML text of a solve's report."""
    body = [
        '<h2 id="in-short">What to buy, what it costs, how clean</h2>',
        paragraph(opening(d), "opening"),
        *inputs_html(d),
    ]
    if not d.ok:
        text = d.diagnosis_text or d.message or "No diagnosis was recorded."
        body += ["<h2>Diagnosis</h2>", f'<div class="quote">{html.escape(text)}</div>']
        return page(f"planner report: {d.name}", body)
    body += [
        "<h2>Key metrics against the grid-only baseline</h2>",
        table(_key_metrics(d), "key_metrics"),
    ]
    body += risk_html(d) + pathway_html(d)
    for name, frame in result_tables(d).items():
        body += [
            f"<h2>{name.replace('_', ' ').capitalize()}</h2>",
            paragraph(TABLE_NOTES[name], "note"),
            table(frame, name),
        ]
    body.append("<h2>Figures</h2>")
    for name, fig in solve_figures.all_figures(d).items():
        body.append(figure(name, fig, _note(name, FIGURE_NOTES)))
    return page(f"planner report: {d.name}", body)


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
