"""Console summary of a result: aligned tables that fit an 80-column terminal."""

from __future__ import annotations

import textwrap

import numpy as np

from planner.formats import num as _fmt
from planner.results.saved import SavedResult

WIDTH = 78


def _rule() -> str:
    return "  " + "-" * (WIDTH - 2)


def summary_text(res: SavedResult) -> str:
    """Capacity mix, costs, CFE score and emissions, with the grid-only baseline beside them."""
    hours = int(res.inputs.get("modelled_hours", res.hours))
    lines = [f"Instance {res.name} ({res.source}): {hours} h, status {res.status}"]
    if not res.ok:
        if res.message is not None:
            lines += ["", "Diagnosis"] + _wrap(res.message)
        return "\n".join(lines + _warnings(res))
    m = res.metrics
    lines += ["", "Capacity", f"  {'resource':<30}{'kind':<12}{'MW':>18}{'MWh':>18}", _rule()]
    for name, item in res.capacity.iterrows():
        lines.append(
            f"  {str(name)[:29]:<30}{str(item['kind']):<12}{_fmt(item['capacity_mw']):>18}"
            f"{_fmt(item['energy_mwh']):>18}"
        )
    has_base = res.baseline is not None and "baseline_total_cost_usd_per_yr" in m
    head = f"  {'':<34}{'portfolio':>14}"
    if has_base:
        head += f"{'grid only':>14}{'change':>14}"
    lines += ["", "Key figures", head, _rule()]

    def row(label: str, value: float, base: float | None = None, digits: int = 1) -> None:
        text = f"  {label:<34}{_fmt(value, digits):>14}"
        if has_base and base is not None:
            text += f"{_fmt(base, digits):>14}{_fmt(value - base, digits):>14}"
        lines.append(text.rstrip())

    years = m["horizon_years"]
    row(
        "cost, M$/yr",
        m["total_cost_usd_per_yr"] / 1e6,
        m.get("baseline_total_cost_usd_per_yr", np.nan) / 1e6,
        2,
    )
    row(
        "cost, $/MWh of load",
        m["cost_usd_per_mwh_load"],
        m.get("baseline_cost_usd_per_mwh_load"),
        2,
    )
    row(
        "hourly CFE score, %",
        100 * m["hourly_cfe_score"],
        100 * m.get("baseline_hourly_cfe_score", np.nan),
    )
    row("annual clean match, %", 100 * m["annual_match_fraction"], 0.0 if has_base else None)
    row(
        "emissions (location), kt/yr",
        m["emissions_location_t"] / years / 1e3,
        m.get("baseline_emissions_location_t", np.nan) / years / 1e3,
        2,
    )
    row("emissions (location), g/kWh", m["emissions_location_g_per_kwh"])
    row("emissions (market), g/kWh", m["emissions_market_g_per_kwh"])
    row("grid import, GWh", m["grid_import_mwh"] / 1e3, None, 2)
    row("curtailment, GWh", m["curtailment_mwh"] / 1e3, None, 2)
    row("unserved energy, MWh", m["unserved_mwh"], None, 1)
    if has_base:
        lines += [
            "",
            f"  savings vs grid only: {_fmt(m['savings_usd_per_yr'] / 1e6, 2)} M$/yr; "
            f"abatement cost: {_fmt(m['abatement_cost_usd_per_t'], 1)} $/t CO2",
        ]
    if len(res.shadow_prices):
        lines += [
            "",
            "Shadow prices",
            f"  {'constraint (unit in the name)':<34}{'value':>14}",
            _rule(),
        ]
        for name, value in res.shadow_prices.items():
            lines.append(f"  {str(name)[:33]:<34}{_fmt(value, 2):>14}")
    t = res.timings
    lines += [
        "",
        "Timings, s: " + ", ".join(f"{k.removesuffix('_s')} {v:.2f}" for k, v in t.items()),
    ]
    return "\n".join(lines + _warnings(res))


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False
    )


def _warnings(res: SavedResult) -> list[str]:
    """Conditioning warnings (docs/reliability.md), if any."""
    if not res.warnings:
        return []
    out = ["", "Warnings"]
    for text in res.warnings:
        out += _wrap(text)
    return out
