"""The report sections of the scenario and pathway axes: each outcome of a plan under delivery
risk with the hedging figures (EVPI, VSS), and each period of a pathway with its capacities."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.report.labels import labelled
from planner.report.page import figure, paragraph, table
from planner.report.style import new_figure, resource_colours
from planner.results.saved import SavedResult


def _money_per_yr(value: float | None, years: float) -> str:
    if value is None or not math.isfinite(value):
        return "not evaluated" if value is None or math.isnan(value) else "infinite"
    return f"{value / years / 1e6:,.3f} M$/yr"


def risk_html(d: SavedResult) -> list[str]:
    """Delivery risk: the outcomes, the figures, a bar chart of each outcome's cost."""
    if d.scenarios is None or d.risk is None:
        return []
    f = d.risk["figures"]
    s = d.risk["settings"]
    years = float(f.get("horizon_years", 1.0))
    measure = (
        f"expected cost + {s['weight']:g} x CVaR at {s['alpha']:g}"
        if s["measure"] == "cvar"
        else "expected cost"
    )
    figures = pd.DataFrame(
        {
            "figure": ["expected cost", "CVaR", "objective minimised", "EVPI", "VSS"],
            "value": [
                _money_per_yr(f.get(k), years)
                for k in ("expected_cost_usd", "cvar_usd", "objective_usd", "evpi_usd", "vss_usd")
            ],
            "meaning": [
                "the probability-weighted cost of the plan",
                f"the mean cost of the worst {1 - s['alpha']:.0%} of outcomes",
                measure,
                "what knowing the outcome before signing would be worth",
                "what planning for the risk saves against the on-time plan",
            ],
        }
    )
    body = [
        "<h2>Delivery risk: the plan in each outcome</h2>",
        paragraph(
            f"The capacities above are signed before the outcome is known, minimising {measure}; "
            f"targets hold {s['targets'].replace('_', ' ')}. Each outcome's own costs, CFE score "
            "and the recourse it buys afterwards:",
            "note",
        ),
        table(labelled(d.scenarios.reset_index(), text=True), "scenarios"),
        table(figures, "hedging"),
        *(paragraph(f"Note: {n}", "note") for n in d.risk.get("notes", [])),
        figure("scenario_costs", _scenario_costs(d.scenarios)),
    ]
    return body


def _scenario_costs(scenarios: pd.DataFrame) -> Figure:
    fig, ax = new_figure(7.0, 3.2)
    names = [str(n) for n in scenarios.index]
    cost = scenarios["cost_usd_per_yr"].to_numpy(dtype=float) / 1e6
    ax.bar(names, cost, color="#7b3fa0")
    for x, (c, p) in enumerate(zip(cost, scenarios["probability"], strict=True)):
        ax.annotate(f"p = {p:.0%}", (x, c), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("cost, M$/yr")
    ax.set_title("Cost of the plan in each outcome")
    return fig


def pathway_html(d: SavedResult) -> list[str]:
    """A pathway: the periods, the capacity in each, and a figure of both."""
    if d.pathway is None or d.pathway_capacity is None:
        return []
    npv = "" if d.npv_usd is None else f" Net present cost {d.npv_usd / 1e6:,.1f} M$."
    body = [
        "<h2>Pathway: every investment period</h2>",
        paragraph(
            "The tables above are the first period's. Each period's yearly cost, cost per MWh of "
            f"its load and hourly CFE score, and the capacity in place in each period.{npv}",
            "note",
        ),
        table(labelled(d.pathway.reset_index(), text=True), "pathway"),
        table(_capacity_table(d.pathway_capacity), "pathway_capacity"),
        figure("pathway_capacity", _capacity_figure(d)),
    ]
    return body


def _capacity_table(capacity: pd.DataFrame) -> pd.DataFrame:
    out = capacity.copy()
    out.columns = [str(c) for c in out.columns]
    out = out.map(lambda v: f"{v:,.1f}" if isinstance(v, (int, float)) and np.isfinite(v) else "")
    return out.reset_index().rename(columns={"resource": "resource, MW"})


def _capacity_figure(d: SavedResult) -> Figure:
    assert d.pathway_capacity is not None and d.pathway is not None
    capacity = d.pathway_capacity.drop(index=["grid"], errors="ignore")
    years = [str(c) for c in capacity.columns]
    kinds = {str(n): str(k) for n, k in d.capacity["kind"].items()} if "kind" in d.capacity else {}
    colours = resource_colours({str(n): kinds.get(str(n), "fusion") for n in capacity.index})
    fig, ax = new_figure(7.0, 3.6)
    bottom = np.zeros(len(years))
    for name, row in capacity.iterrows():
        values = np.nan_to_num(row.to_numpy(dtype=float))
        ax.bar(years, values, bottom=bottom, label=str(name), color=colours[str(name)])
        bottom += values
    ax.set_ylabel("capacity, MW")
    ax.set_title("Capacity in place in each period")
    ax.legend(fontsize=8, ncol=2)
    return fig
