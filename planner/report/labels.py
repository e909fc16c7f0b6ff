"""Human labels with units for the columns of every table the reports show, in one place: the
HTML page and the Excel workbook both use :func:`label` and :func:`labelled` (the CSV files
and ``Result`` tables keep their snake_case names).

A column is named in :data:`COLUMNS`, or by a pattern: ``<resource>_capacity_mw``,
``<resource>_energy_mwh``, ``<resource>_<output>`` of the catalogue (dispatch),
``shadow_<constraint>``, ``<offer>_reduced_cost_usd_per_mwh``, a swept path such as
``policy.hourly_cfe_target``; any other name gets its words and the unit of its suffix
(:func:`planner.results.summary.field_parts`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.formats import cell, noise_free, num
from planner.inputs.catalogue import KINDS
from planner.report.style import pretty
from planner.results.saved import MARGINAL_COLUMN
from planner.results.summary import field_parts
from planner.results.warned import FIELD, warnings_of


@dataclass(frozen=True)
class Column:
    """How a column is shown: its label (with its unit), the factor from the stored unit to the
    label's, and the decimals (None: four significant digits, :func:`planner.formats.cell`)."""

    label: str
    scale: float = 1.0
    decimals: int | None = None


HORIZON = "over the modelled hours"

COLUMNS: dict[str, Column] = {
    # capacity, costs, reduced costs, timings of a solve
    "resource": Column("resource"),
    "kind": Column("kind"),
    "component": Column("cost component"),
    "capacity_mw": Column("power capacity, MW", decimals=1),
    "energy_mwh": Column("energy capacity, MWh", decimals=1),
    "cost_usd": Column(f"cost {HORIZON}, USD", decimals=0),
    "cost_usd_per_yr": Column("cost per year, M$/yr", 1e-6, 3),
    "usd_per_mwh_load": Column("cost, $/MWh of load", decimals=2),
    "usd_per_mw_yr": Column("reduced cost, $/MW-yr", decimals=0),
    "usd_per_mwh": Column("reduced cost, $/MWh", decimals=2),
    "step": Column("step"),
    "seconds": Column("time, s", decimals=3),
    # metrics (of a solve, and columns of a sweep)
    "horizon_years": Column("horizon, years", decimals=4),
    "demand_mwh": Column(f"demand {HORIZON}, MWh", decimals=0),
    "total_cost_usd": Column(f"cost {HORIZON}, USD", decimals=0),
    "objective_usd": Column(f"cost {HORIZON}, USD", decimals=0),
    "total_cost_usd_per_yr": Column("cost, M$/yr", 1e-6, 2),
    "cost_usd_per_mwh_load": Column("cost, $/MWh of load", decimals=2),
    "hourly_cfe_score": Column("hourly CFE score, %", 100, 1),
    "annual_match_fraction": Column("annual clean match, %", 100, 1),
    "emissions_location_t": Column(f"emissions (location) {HORIZON}, t CO2", decimals=0),
    "emissions_location_g_per_kwh": Column("emissions (location), g/kWh", decimals=1),
    "emissions_market_t": Column(f"emissions (market) {HORIZON}, t CO2", decimals=0),
    "emissions_market_g_per_kwh": Column("emissions (market), g/kWh", decimals=1),
    "curtailment_mwh": Column(f"curtailment {HORIZON}, MWh", decimals=1),
    "unserved_mwh": Column(f"unserved energy {HORIZON}, MWh", decimals=1),
    "grid_import_mwh": Column(f"grid import {HORIZON}, MWh", decimals=0),
    "grid_export_mwh": Column(f"grid export {HORIZON}, MWh", decimals=0),
    "baseline_total_cost_usd_per_yr": Column("grid only: cost, M$/yr", 1e-6, 2),
    "baseline_cost_usd_per_mwh_load": Column("grid only: cost, $/MWh of load", decimals=2),
    "baseline_hourly_cfe_score": Column("grid only: hourly CFE score, %", 100, 1),
    "baseline_emissions_location_t": Column(f"grid only: emissions {HORIZON}, t CO2", decimals=0),
    "emissions_abated_t": Column(f"emissions abated {HORIZON}, t CO2", decimals=0),
    "abatement_cost_usd_per_t": Column("abatement cost, $/t CO2", decimals=1),
    # sweep, frontier and break-even tables
    "point": Column("point"),
    "base": Column("base instance"),
    "scenario": Column("scenario"),
    "status": Column("status"),
    "error": Column("error"),
    "time_start": Column("start"),
    "modelled_hours": Column("modelled hours", decimals=0),
    "representative_periods": Column("representative periods"),
    "resource_kinds": Column("resource kinds"),
    FIELD: Column("warnings"),
    "key": Column("point key"),
    "wall_s": Column("wall time, s", decimals=2),
    "cfe_target_pct": Column("hourly CFE target, %", decimals=0),
    "marginal_cost_usd_per_mwh_per_pp": Column("marginal cost, $/MWh of load per pp", decimals=2),
    "marginal_cost_usd_per_clean_mwh": Column("marginal cost, $/MWh of clean energy", decimals=1),
    "offer": Column("fusion offer"),
    "breakeven_usd_per_mwh": Column("break-even price, $/MWh", decimals=1),
    "half_width_usd_per_mwh": Column("half-width, $/MWh", decimals=1),
    "contracted_at_usd_per_mwh": Column("contracted at, $/MWh", decimals=1),
    "not_contracted_at_usd_per_mwh": Column("not contracted at, $/MWh", decimals=1),
    "capacity_mw_contracted": Column("capacity contracted, MW", decimals=1),
    "ranging_estimate_usd_per_mwh": Column("ranging estimate, $/MWh", decimals=1),
    "solves": Column("solves", decimals=0),
    "note": Column("note"),
    # dispatch
    "timestamp": Column("time (local)"),
    "demand_mw": Column("demand, MW", decimals=3),
    "unserved_mw": Column("unserved, MW", decimals=3),
    MARGINAL_COLUMN: Column("marginal cost, $/MWh", decimals=2),
}
"""Columns by name; the patterns of the module doc cover the rest."""

OUTPUTS = {o.suffix: o for k in KINDS for o in k.outputs}


def column(name: str) -> Column:
    """How column ``name`` is shown."""
    if name in COLUMNS:
        return COLUMNS[name]
    if "." in name:
        return Column(pretty(name))
    for suffix, what, unit in (
        ("_capacity_mw", "capacity", "MW"),
        ("_energy_mwh", "energy", "MWh"),
    ):
        if name.endswith(suffix):
            return Column(f"{name.removesuffix(suffix)} {what}, {unit}", decimals=1)
    if name.startswith("shadow_"):
        words, unit, scale = field_parts(name.removeprefix("shadow_"))
        return Column(f"shadow price: {words}, {unit}".rstrip(", "), scale, 2)
    if name.endswith("_reduced_cost_usd_per_mwh"):
        return Column(f"{name.removesuffix('_reduced_cost_usd_per_mwh')} reduced cost, $/MWh", 1, 2)
    for suffix, output in OUTPUTS.items():
        if name.endswith(f"_{suffix}"):
            unit = "MWh" if output.role == "state" else "MW"
            return Column(f"{name.removesuffix(f'_{suffix}')} {output.label}, {unit}", decimals=3)
    words, unit, scale = field_parts(name)
    return Column(f"{words}, {unit}" if unit else words, scale)


def label(name: str) -> str:
    """The label of column ``name``, with its unit."""
    return column(name).label


def _shown(value: Any, col: Column) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(float(value)):
            return "-"
        v = noise_free(float(value)) * col.scale
        return cell(v) if col.decimals is None else num(v, col.decimals)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return str(value)


def _kinds_text(value: Any) -> Any:
    """``{"helion": "fusion"}`` as ``helion: fusion``."""
    try:
        kinds = json.loads(str(value))
    except ValueError:
        return value
    return ", ".join(f"{k}: {v}" for k, v in kinds.items()) if isinstance(kinds, dict) else value


def labelled(frame: pd.DataFrame, text: bool = False) -> pd.DataFrame:
    """``frame`` with labelled columns and values in the labels' units; with ``text``, every
    value formatted for a page (solver noise 0, the column's decimals, ``-`` when missing)."""
    out = {}
    for name in frame.columns:
        col = column(str(name))
        values = frame[name]
        if name == "resource_kinds":
            values = values.map(_kinds_text)
        elif name == FIELD:  # a JSON list: its texts, one after the other
            values = values.map(lambda v: "; ".join(warnings_of(v)))
        if text:
            out[col.label] = [_shown(v, col) for v in values]
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[col.label] = values.astype(float) * col.scale
        else:
            out[col.label] = values
    return pd.DataFrame(out, index=frame.index)


def metric_table(metrics: pd.Series, text: bool = False) -> pd.DataFrame:
    """The metrics as (metric, value) rows, each in the unit of its label; the saving against
    the grid alone reads as an extra cost when negative (never ``savings: -31.75``)."""
    rows = []
    for name, value in metrics.items():
        col = column(str(name))
        if name == "savings_usd_per_yr":
            extra = -float(value)
            words = "extra cost" if extra > 0 else "saving"
            col = Column(f"{words} against the grid alone, M$/yr", 1e-6, 2)
            value = abs(extra)
        rows.append((col.label, _shown(value, col) if text else float(value) * col.scale))
    return pd.DataFrame(rows, columns=["metric", "value"])
