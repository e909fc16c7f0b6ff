"""Clean-energy policies. Each reads only registry terms, never a resource's internals.

Builds (labels of ``docs/formulation.md``): ``annual_matching``, ``hourly_cfe_target``,
``emissions_cap``, ``market_based_net_zero``; each with a shortfall variable priced in the
objective when the policy's penalty is set (soft target), none otherwise (hard target).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.inputs.instance import Instance
from planner.model.core import Registry


def baseline_emissions_t(inst: Instance) -> float:
    """Location-based emissions of the grid-only baseline over the horizon, t.

    The baseline imports the whole load up to the import limit (label ``baseline_emissions``).
    """
    # label: baseline_emissions
    g = inst.spec.grid
    if g is None:
        return 0.0
    load = np.asarray(inst.spec.demand.load_mw)
    if g.import_limit_mw is not None:
        load = np.minimum(load, g.import_limit_mw)
    return float((inst.weights * np.asarray(g.carbon_intensity_t_per_mwh) * load).sum())


def _shortfall(
    m: pyo.ConcreteModel, reg: Registry, name: str, penalty: float | None, unit: str
) -> Any:
    """Shortfall variable of a target: priced if soft, fixed at 0 if hard.

    A hard target keeps its (fixed) variable so that its row is never a constant expression,
    e.g. annual matching without any clean resource is reported as infeasible by the solver.
    """
    var = pyo.Var(bounds=(0.0, None if penalty is not None else 0.0))
    m.add_component(f"{name}_shortfall_{unit}", var)
    reg.shortfalls[name] = var
    if penalty is not None:
        reg.add_cost("policy", name, "shortfall_penalty", penalty * var)
    return var


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    p = inst.spec.policy
    demand_mwh = float((inst.weights * np.asarray(inst.spec.demand.load_mw)).sum())

    if p.annual_matching_fraction is not None:
        # label: annual_matching -- sum_h w_h procured_clean_h + shortfall >= f * sum_h w_h load_h
        short = _shortfall(m, reg, "annual_matching", p.annual_matching_penalty_usd_per_mwh, "mwh")
        m.annual_matching = pyo.Constraint(
            expr=reg.weighted_sum(reg.procured_clean) + short
            >= p.annual_matching_fraction * demand_mwh
        )
        reg.duals["annual_matching_usd_per_mwh"] = m.annual_matching

    if p.hourly_cfe_target is not None:
        # label: hourly_cfe_target -- sum_h w_h (clean_supply_h - withdrawal_h) + shortfall
        #                    >= x * sum_h w_h load_h
        short = _shortfall(m, reg, "hourly_cfe", p.hourly_cfe_penalty_usd_per_mwh, "mwh")
        m.hourly_cfe_target = pyo.Constraint(
            expr=reg.weighted_sum(reg.clean_supply) - reg.weighted_sum(reg.withdrawal) + short
            >= p.hourly_cfe_target * demand_mwh
        )
        reg.duals["hourly_cfe_usd_per_mwh"] = m.hourly_cfe_target

    cap_t = None
    if p.emissions_cap_t_per_yr is not None:
        cap_t = p.emissions_cap_t_per_yr * inst.horizon_years
    elif p.emissions_cap_fraction_of_baseline is not None:
        cap_t = p.emissions_cap_fraction_of_baseline * baseline_emissions_t(inst)
    if cap_t is not None:
        # label: emissions_cap -- sum_h w_h emissions_location_h - shortfall <= cap
        short = _shortfall(m, reg, "emissions_cap", p.emissions_cap_penalty_usd_per_t, "t")
        m.emissions_cap = pyo.Constraint(
            expr=reg.weighted_sum(reg.emissions_location_t) - short <= cap_t
        )
        reg.duals["emissions_cap_usd_per_t"] = m.emissions_cap

    if p.market_based_net_zero:
        # label: market_based_net_zero -- sum_h w_h emissions_market_h - shortfall <= 0
        short = _shortfall(
            m, reg, "market_net_zero", p.market_based_net_zero_penalty_usd_per_t, "t"
        )
        m.market_based_net_zero = pyo.Constraint(
            expr=reg.weighted_sum(reg.emissions_market_t) - short <= 0.0
        )
        reg.duals["market_based_net_zero_usd_per_t"] = m.market_based_net_zero
