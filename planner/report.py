"""Console summary of a result (80 columns)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from planner.results import Result


def _fmt(value: float, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def summary_text(res: Result) -> str:
    """Capacity mix, costs, CFE score and emissions, with the grid-only baseline beside them."""
    inst = res.instance
    lines = [f"Instance {inst.name} ({inst.source}): {inst.hours} h, status {res.status}"]
    if not res.ok:
        return "\n".join(lines)
    m = res.metrics
    lines += ["", "Capacity", f"  {'resource':<20}{'kind':<10}{'MW':>12}{'MWh':>14}"]
    for name, row in res.capacity.iterrows():
        lines.append(
            f"  {str(name):<20}{row['kind']:<10}{_fmt(row['capacity_mw']):>12}"
            f"{_fmt(row['energy_mwh']):>14}"
        )
    has_base = res.baseline is not None and "baseline_total_cost_usd_per_yr" in m
    head = f"  {'':<34}{'portfolio':>16}" + (f"{'grid only':>16}" if has_base else "")
    lines += ["", "Key figures", head]

    def row(label: str, value: float, base: float | None = None, digits: int = 1) -> None:
        text = f"  {label:<34}{_fmt(value, digits):>16}"
        if has_base:
            text += f"{_fmt(base, digits) if base is not None else '':>16}"
        lines.append(text)

    row("cost, M$/yr", m["total_cost_usd_per_yr"] / 1e6, m.get("baseline_total_cost_usd_per_yr", np.nan) / 1e6, 2)
    row("cost, $/MWh of load", m["cost_usd_per_mwh_load"], m.get("baseline_cost_usd_per_mwh_load"), 2)
    row("hourly CFE score, %", 100 * m["hourly_cfe_score"], 100 * m.get("baseline_hourly_cfe_score", np.nan))
    row("annual clean match, %", 100 * m["annual_match_fraction"], 0.0 if has_base else None)
    years = m["horizon_years"]
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
    if len(res.prices.policy):
        lines += ["", "Shadow prices"]
        for name, value in res.prices.policy.items():
            lines.append(f"  {name:<34}{_fmt(value, 2):>16}")
    t = res.timings
    lines += [
        "",
        "Timings, s: " + ", ".join(f"{k.removesuffix('_s')} {v:.2f}" for k, v in t.items()),
    ]
    return "\n".join(lines)
