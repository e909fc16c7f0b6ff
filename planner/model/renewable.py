"""Variable renewable plants (solar PV, wind): capacity chosen by the model, output limited by
the hourly capacity factor.

Builds (labels of ``docs/formulation.md``): ``solar_build_cost``, ``solar_ppa_cost`` (the
``solar_`` labels name the costs of every variable renewable kind).

Block ``m.<kind>`` (``m.solar``, ``m.wind``): ``capacity_mw[s]`` between ``min_capacity_mw``
and ``max_capacity_mw``. The plant costs the same whether its output is used or curtailed, so
it registers ``cf[s, h] * capacity_mw[s]`` as available energy, which the core turns into
supply (:mod:`planner.model.available`).

Costs: built plants pay ``(capex * crf + fixed_om) * 1000 * capacity_mw * horizon_years``
(per-kW costs); PPA plants pay ``ppa_price * sum_h w_h cf[s, h] * capacity_mw[s]`` (as
produced, curtailed energy included).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.inputs.catalogue import Kind
from planner.inputs.instance import Instance
from planner.inputs.sections import capital_recovery_factor
from planner.model.core import Available, Registry


def add_plants(
    m: pyo.ConcreteModel, reg: Registry, inst: Instance, kind: Kind, plants: list[Any]
) -> None:
    """The block ``m.<kind.key>`` of ``plants`` and their terms in the registry."""
    if not plants:
        return
    key = kind.key
    b = pyo.Block()
    m.add_component(key, b)
    names = [s.name for s in plants]
    by_name = {s.name: s for s in plants}
    cf = {s.name: np.asarray(s.capacity_factor, dtype=float) for s in plants}
    w = inst.weights

    b.capacity_mw = pyo.Var(
        names, bounds=lambda _, s: (by_name[s].min_capacity_mw, by_name[s].max_capacity_mw)
    )

    for s in plants:
        cap = b.capacity_mw[s.name]
        on_site = s.delivered == "on_site"
        reg.available.append(Available(key, s.name, cap, cf[s.name], on_site=on_site))
        if on_site:
            reg.on_site.add(s.name)
        if s.procurement == "build":
            # label: solar_build_cost
            assert s.capex_usd_per_kw is not None and s.lifetime_yr is not None
            crf = capital_recovery_factor(inst.spec.finance.discount_rate, s.lifetime_yr)
            per_mw_yr = 1000.0 * s.capex_usd_per_kw * crf
            reg.add_cost(key, s.name, "capex_annuity", per_mw_yr * inst.horizon_years * cap)
            if s.fixed_om_usd_per_kw_yr > 0:
                fom = 1000.0 * s.fixed_om_usd_per_kw_yr * inst.horizon_years
                reg.add_cost(key, s.name, "fixed_om", fom * cap)
            free = per_mw_yr == 0 and s.fixed_om_usd_per_kw_yr == 0
        else:
            # label: solar_ppa_cost
            assert s.ppa_price_usd_per_mwh is not None
            produced_mwh_per_mw = float((w * cf[s.name]).sum())
            reg.add_cost(
                key, s.name, "ppa_energy", s.ppa_price_usd_per_mwh * produced_mwh_per_mw * cap
            )
            free = s.ppa_price_usd_per_mwh * produced_mwh_per_mw == 0
        if free:
            reg.add_tie_break(key, s.name, cap, "MW")
