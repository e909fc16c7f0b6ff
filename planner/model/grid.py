"""The grid connection: hourly imports and optional exports.

Builds (labels of ``docs/formulation.md``): ``grid_import_le_limit``, ``grid_export_le_limit``,
``grid_export_le_share``, ``grid_energy_cost``, ``grid_export_revenue``.

Block ``m.grid``:

- ``import_mw[h]``, ``0 <= import_mw <= import_limit_mw`` (a bound);
- ``export_mw[h]``, ``0 <= export_mw <= export_limit_mw`` (only with an export price);
- ``export_le_share``: ``sum_h w_h export_mw[h] <= s * sum_h w_h load[h]``.

Registers imports as supply, exports as withdrawal, ``cfe[h] * import_mw[h]`` as clean supply,
``ci[h] * import_mw[h]`` as location-based emissions and ``ci[h] * (import - export)`` as
market-based emissions.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from planner.inputs.catalogue import GRID
from planner.inputs.instance import Instance
from planner.model.core import HourlyTerm, Registry

KIND = GRID.key


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    g = inst.spec.grid
    if g is None:
        return
    b = m.grid = pyo.Block()
    w = inst.weights
    price = np.asarray(g.price_usd_per_mwh, dtype=float)
    ci = np.asarray(g.carbon_intensity_t_per_mwh, dtype=float)
    cfe = np.asarray(g.carbon_free_share, dtype=float)

    # label: grid_import_le_limit (a variable bound)
    b.import_mw = pyo.Var(m.T, bounds=(0.0, g.import_limit_mw))
    imp = HourlyTerm(b.import_mw)
    reg.supply.append(imp)
    reg.clean_supply.append(HourlyTerm(b.import_mw, coef=cfe))
    reg.emissions_location_t.append(HourlyTerm(b.import_mw, coef=ci))
    reg.emissions_market_t.append(HourlyTerm(b.import_mw, coef=ci))
    # label: grid_energy_cost
    reg.add_cost(KIND, KIND, "energy", reg.weighted_sum([HourlyTerm(b.import_mw, coef=price)]))
    reg.dispatch["grid_import_mw"] = imp.values
    reg.capacity.append(
        lambda: {"resource": KIND, "kind": KIND, "capacity_mw": float(imp.values().max())}
    )

    if g.export_price_usd_per_mwh is None:
        reg.dispatch["grid_export_mw"] = lambda: np.zeros(inst.hours)
        return
    export_price = np.asarray(g.export_price_usd_per_mwh, dtype=float)
    # label: grid_export_le_limit (a variable bound)
    b.export_mw = pyo.Var(m.T, bounds=(0.0, g.export_limit_mw))
    exp = HourlyTerm(b.export_mw)
    reg.withdrawal.append(exp)
    reg.emissions_market_t.append(HourlyTerm(b.export_mw, coef=-ci))
    # label: grid_export_revenue
    reg.add_cost(
        KIND,
        KIND,
        "export_revenue",
        -reg.weighted_sum([HourlyTerm(b.export_mw, coef=export_price)]),
    )
    # label: grid_export_le_share
    demand_mwh = float((w * inst.spec.demand.load_mw).sum())
    b.export_le_share = pyo.Constraint(
        expr=reg.weighted_sum([exp]) <= g.export_max_share_of_demand * demand_mwh
    )
    reg.dispatch["grid_export_mw"] = exp.values
