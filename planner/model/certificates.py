"""Hourly energy attribute certificates: bought per hour, they re-label fossil grid imports.

Builds (labels of ``docs/formulation.md``): ``certificates_le_grid_fossil``,
``certificates_le_volume``, ``certificates_cost``.

Block ``m.certificates``: ``claim_mw[c, h]`` (bounded by ``max_mw``), with

- ``le_volume[c]``: ``sum_h w_h claim_mw[c, h] <= max_volume_mwh_per_yr * horizon_years``;
- ``le_grid_fossil[h]``: ``sum_c claim_mw[c, h] <= (1 - cfe[h]) * import_mw[h]``: only the
  fossil part of the hour's import can be re-labelled, so the hourly score never exceeds what
  the buyer draws.

Registers each claim as clean supply and procured clean energy (not as supply: no energy
flows), and ``-ci[h] * claim`` as market-based emissions; location-based emissions are unchanged.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.inputs.catalogue import CERTIFICATES
from planner.inputs.instance import Instance
from planner.model.core import HourlyTerm, Registry, hourly_vars, linear_rows, var_values

KIND = CERTIFICATES.key


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    items = inst.spec.certificates
    g = inst.spec.grid
    if not items or g is None:  # without a grid the instance is refused (checks.py)
        return
    b = m.certificates = pyo.Block()
    names = [c.name for c in items]
    by_name = {c.name: c for c in items}
    n = inst.hours
    b.claim_mw = pyo.Var(names, m.T, bounds=lambda _, c, h: (0.0, by_name[c].max_mw))

    # label: certificates_le_volume
    def le_volume(b: Any, c: str) -> Any:
        volume = by_name[c].max_volume_mwh_per_yr * inst.horizon_years
        return reg.weighted_sum([HourlyTerm(b.claim_mw, c)]) <= volume

    b.le_volume = pyo.Constraint(names, rule=le_volume)

    # label: certificates_le_grid_fossil
    fossil = 1.0 - np.asarray(g.carbon_free_share, dtype=float)
    rows = linear_rows(
        [(np.ones(n), hourly_vars(b.claim_mw, c)) for c in names]
        + [(-fossil, hourly_vars(m.grid.import_mw))]
    )
    b.le_grid_fossil = pyo.Constraint(m.T, rule=lambda _, h: rows[h] <= 0.0)

    ci = np.asarray(g.carbon_intensity_t_per_mwh, dtype=float)
    for c in items:
        claim = HourlyTerm(b.claim_mw, c.name)
        reg.clean_supply.append(claim)
        reg.procured_clean.append(claim)
        reg.emissions_market_t.append(HourlyTerm(b.claim_mw, c.name, coef=-ci))
        # label: certificates_cost
        price = np.asarray(c.price_usd_per_mwh, dtype=float)
        cost = reg.weighted_sum([HourlyTerm(b.claim_mw, c.name, coef=price)])
        reg.add_cost(KIND, c.name, "certificates", cost)
        reg.dispatch[f"{c.name}_claim_mw"] = claim.values
        reg.capacity.append(partial(_peak_row, b, c.name))


def _peak_row(b: Any, name: str) -> dict[str, Any]:
    """Capacity row of a certificate: the most bought in one hour, MWh/h."""
    return {
        "resource": name,
        "kind": KIND,
        "capacity_mw": float(var_values(b.claim_mw, name).max()),
    }
