"""Read a solved model back into pandas through the registry: capacities, dispatch, costs,
prices, metrics and the hourly clean supply."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from planner.inputs.instance import Instance
from planner.model.core import Registry
from planner.model.policies import baseline_emissions_t
from planner.results.caps import with_caps
from planner.results.result import Prices, Result
from planner.results.saved import hourly_frame
from planner.solver.run import SNAP_REL

G_PER_KWH_PER_T_PER_MWH = 1000.0

TIE_BREAK = "tie_break"
"""Cost component that only picks the least capacity among equal-cost optima (label
``tie_break``): not a cost of the portfolio, left out of the costs and the objective."""


def _zero_noise(frame: pd.DataFrame, noise: float) -> pd.DataFrame:
    """``frame`` with every number within ``noise`` of 0 set to 0: a curtailment computed as
    available minus generated reads 0, not ``5e-06``, when nothing is curtailed."""
    numbers = frame.select_dtypes("number")
    frame[numbers.columns] = numbers.mask(numbers.abs() <= noise, 0.0)
    return frame


def tie_break_usd(reg: Registry) -> float:
    """The value of the tie-breaking costs in a solved model (0 when there are none)."""
    return float(sum(pyo.value(c.expr) for c in reg.costs if c.component == TIE_BREAK))


def extract(
    inst: Instance,
    m: Any,
    reg: Registry,
    objective_usd: float,
    duals: dict[Any, float],
    timings: dict[str, float],
    solver_options: dict[str, Any],
    baseline: Result | None,
    model_stats: dict[str, float] | None = None,
    caps: pd.DataFrame | None = None,
) -> Result:
    """Read a solved model back into pandas through the registry; ``caps``: the capacities at
    an upper limit and their worth (:func:`planner.results.caps.cap_table`)."""
    w = inst.weights
    years = inst.horizon_years
    index = inst.timestamps

    noise_mw = SNAP_REL * max(1.0, float(np.max(inst.spec.demand.load_mw)))
    dispatch = _zero_noise(
        pd.DataFrame({name: f() for name, f in reg.dispatch.items()}, index=index), noise_mw
    )
    capacity = _zero_noise(
        pd.DataFrame([row() for row in reg.capacity]).set_index("resource"), noise_mw
    )
    if "energy_mwh" not in capacity:
        capacity["energy_mwh"] = np.nan
    for name, notes in reg.capacity_notes.items():
        for column, value in notes.items():
            capacity.loc[name, column] = value
    capacity = with_caps(capacity, caps)

    costs = pd.DataFrame(
        [
            {
                "kind": c.kind,
                "resource": c.resource,
                "component": c.component,
                "cost_usd": float(pyo.value(c.expr)),
            }
            for c in reg.costs
            if c.component != TIE_BREAK
        ]
    )
    costs["cost_usd_per_yr"] = costs["cost_usd"] / years

    balance = m.power_balance
    balance_price = np.array([duals[balance[h]] for h in range(inst.hours)]) / w
    policy_prices = {
        name: abs(duals[con])
        for name, con in reg.duals.items()
        if name not in ("power_balance", "metered_import")
    }
    policy = inst.spec.policy
    hourly_price = (
        balance_price
        + (policy.hourly_cfe_target or 0.0) * policy_prices.get("hourly_cfe_usd_per_mwh", 0.0)
        + (policy.annual_matching_fraction or 0.0)
        * policy_prices.get("annual_matching_usd_per_mwh", 0.0)
    )
    meter = getattr(getattr(m, "tariff", None), "meter_ge_net", None)
    meter_price = (
        np.array([duals[meter[h]] for h in range(inst.hours)]) / w
        if meter is not None
        else np.zeros(inst.hours)
    )
    rc = pd.DataFrame(
        [
            f(balance_price + (meter_price if name in reg.on_site else 0.0), policy_prices)
            for name, f in reg.reduced_costs.items()
        ],
        index=pd.Index(list(reg.reduced_costs), name="resource"),
        columns=["usd_per_mw_yr", "usd_per_mwh"],
        dtype=float,
    )
    prices = Prices(
        pd.Series(hourly_price, index=index, name="marginal_cost_usd_per_mwh"),
        pd.Series(policy_prices, dtype=float),
        rc,
    )

    demand_mwh = float((w * inst.spec.demand.load_mw).sum())
    curtailment_cols = [c for c in dispatch if c.endswith("_curtailment_mw")]
    emissions_loc = reg.weighted_values(reg.emissions_location_t)
    emissions_mkt = reg.weighted_values(reg.emissions_market_t)
    metrics: dict[str, float] = {
        "horizon_years": years,
        "demand_mwh": demand_mwh,
        "total_cost_usd": objective_usd,
        "total_cost_usd_per_yr": objective_usd / years,
        "cost_usd_per_mwh_load": objective_usd / demand_mwh if demand_mwh else np.nan,
        "hourly_cfe_score": (
            (reg.weighted_values(reg.clean_supply) - reg.weighted_values(reg.withdrawal))
            / demand_mwh
            if demand_mwh
            else np.nan
        ),
        "annual_match_fraction": (
            reg.weighted_values(reg.procured_clean) / demand_mwh if demand_mwh else np.nan
        ),
        "emissions_location_t": emissions_loc,
        "emissions_location_g_per_kwh": _intensity(emissions_loc, demand_mwh),
        "emissions_market_t": emissions_mkt,
        "emissions_market_g_per_kwh": _intensity(emissions_mkt, demand_mwh),
        "curtailment_mwh": float((w[:, None] * dispatch[curtailment_cols].to_numpy()).sum()),
        "unserved_mwh": float((w * dispatch["unserved_mw"].to_numpy()).sum()),
        "grid_import_mwh": _weighted_column(dispatch, "grid_import_mw", w),
        "grid_export_mwh": _weighted_column(dispatch, "grid_export_mw", w),
    }
    for name, var in reg.shortfalls.items():
        metrics[f"{name}_shortfall"] = float(var.value or 0.0)
    if baseline is not None and baseline.ok:
        assert baseline.objective_usd is not None
        base_cost = baseline.objective_usd / years
        base_emissions = baseline_emissions_t(inst)
        abated = base_emissions - emissions_loc
        extra_cost = objective_usd - baseline.objective_usd
        metrics |= {
            "baseline_total_cost_usd_per_yr": base_cost,
            "baseline_cost_usd_per_mwh_load": baseline.metrics["cost_usd_per_mwh_load"],
            "baseline_hourly_cfe_score": baseline.metrics["hourly_cfe_score"],
            "baseline_emissions_location_t": base_emissions,
            "savings_usd_per_yr": base_cost - objective_usd / years,
            "emissions_abated_t": abated,
            "abatement_cost_usd_per_t": extra_cost / abated if abated > 1e-9 else np.nan,
        }

    clean = sum((t.values() for t in reg.clean_supply), start=np.zeros(inst.hours)) - sum(
        (t.values() for t in reg.withdrawal), start=np.zeros(inst.hours)
    )
    g = inst.spec.grid
    hourly = hourly_frame(
        index,
        np.asarray(w, dtype=float),
        clean,
        None if g is None else np.asarray(g.carbon_free_share, dtype=float),
    )
    return Result(
        instance=inst,
        status="optimal",
        objective_usd=objective_usd,
        capacity=capacity,
        dispatch=dispatch,
        costs=costs,
        metrics=pd.Series(metrics, dtype=float),
        prices=prices,
        baseline=baseline,
        timings=pd.Series(timings, dtype=float),
        solver_options=solver_options,
        model_stats=pd.Series(model_stats or {}, dtype=float),
        hourly=hourly,
    )


def _intensity(emissions_t: float, demand_mwh: float) -> float:
    return emissions_t / demand_mwh * G_PER_KWH_PER_T_PER_MWH if demand_mwh else np.nan


def _weighted_column(frame: pd.DataFrame, column: str, w: np.ndarray) -> float:
    return float((w * frame[column].to_numpy()).sum()) if column in frame else 0.0
