"""Solar PV: capacity chosen by the model, output limited by the hourly capacity factor.

Builds (labels of ``docs/formulation.md``): ``solar_gen_le_available``, ``solar_build_cost``,
``solar_ppa_cost``.

Block ``m.solar``:

- ``capacity_mw[s]``, ``0 <= capacity_mw[s] <= max_capacity_mw``;
- ``generation_mw[s, h] >= 0``: energy used (not curtailed) in hour h;
- ``gen_le_available[s, h]``: ``generation_mw[s, h] <= cf[s, h] * capacity_mw[s]``; hours
  with ``cf = 0`` get the bound ``generation_mw = 0`` instead of a row.

Costs: built plants pay ``(capex * crf + fixed_om) * 1000 * capacity_mw * horizon_years``
(per-kW costs); PPA plants pay ``ppa_price * sum_h w_h cf[s, h] * capacity_mw[s]`` (as
produced, curtailed energy included).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.inputs.common import capital_recovery_factor
from planner.inputs.instance import Instance
from planner.model.core import HourlyTerm, Registry, var_values

KIND = "solar"


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    plants = inst.spec.solar
    if not plants:
        return
    b = m.solar = pyo.Block()
    names = [s.name for s in plants]
    by_name = {s.name: s for s in plants}
    cf = {s.name: np.asarray(s.capacity_factor, dtype=float) for s in plants}
    w = inst.weights

    b.capacity_mw = pyo.Var(names, bounds=lambda _, s: (0.0, by_name[s].max_capacity_mw))
    b.generation_mw = pyo.Var(
        names, m.T, bounds=lambda _, s, h: (0.0, None) if cf[s][h] > 0 else (0.0, 0.0)
    )

    # label: solar_gen_le_available
    def gen_le_available(b: Any, s: str, h: int) -> Any:
        if cf[s][h] <= 0:
            return pyo.Constraint.Skip
        return b.generation_mw[s, h] <= float(cf[s][h]) * b.capacity_mw[s]

    b.gen_le_available = pyo.Constraint(names, m.T, rule=gen_le_available)

    for s in plants:
        gen = HourlyTerm(b.generation_mw, s.name)
        reg.supply.append(gen)
        reg.clean_supply.append(gen)
        reg.procured_clean.append(gen)
        cap = b.capacity_mw[s.name]
        if s.procurement == "build":
            # label: solar_build_cost
            assert s.capex_usd_per_kw is not None and s.lifetime_yr is not None
            crf = capital_recovery_factor(inst.spec.finance.discount_rate, s.lifetime_yr)
            per_mw_yr = 1000.0 * s.capex_usd_per_kw * crf
            reg.add_cost(KIND, s.name, "capex_annuity", per_mw_yr * inst.horizon_years * cap)
            if s.fixed_om_usd_per_kw_yr > 0:
                fom = 1000.0 * s.fixed_om_usd_per_kw_yr * inst.horizon_years
                reg.add_cost(KIND, s.name, "fixed_om", fom * cap)
        else:
            # label: solar_ppa_cost
            assert s.ppa_price_usd_per_mwh is not None
            produced_mwh_per_mw = float((w * cf[s.name]).sum())
            reg.add_cost(KIND, s.name, "ppa_energy", s.ppa_price_usd_per_mwh * produced_mwh_per_mw * cap)
        _register_results(reg, b, s.name, cf[s.name])


def _register_results(reg: Registry, b: Any, name: str, cf: np.ndarray) -> None:
    cap = b.capacity_mw[name]
    reg.dispatch[f"{name}_generation_mw"] = HourlyTerm(b.generation_mw, name).values
    reg.dispatch[f"{name}_curtailment_mw"] = lambda: np.maximum(
        cf * cap.value - var_values(b.generation_mw, name), 0.0
    )
    reg.capacity.append(lambda: {"resource": name, "kind": KIND, "capacity_mw": cap.value})
