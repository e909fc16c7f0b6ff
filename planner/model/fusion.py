"""Fusion PPA offers: contracted capacity and hourly delivery.

Builds (labels of ``docs/formulation.md``): ``fusion_available``, ``fusion_gen_le_available``,
``fusion_gen_ge_min_take``, ``fusion_energy_cost``, ``fusion_capacity_charge``.

Block ``m.fusion``:

- ``capacity_mw[o]``, ``min_capacity_mw <= capacity_mw[o] <= max_capacity_mw``: contracted MW
  of offer o;
  ``a[o, h]`` is its availability, 0 before the commercial operation date.

A take-or-pay offer without minimum take costs the same whether its energy is used or not:
it registers ``a[o, h] * capacity_mw[o]`` as available energy, which the core turns into
supply (:mod:`planner.model.available`). Every other offer ("dispatched": as-available, or
with a minimum take) gets, for the hours where ``a > 0`` (elsewhere the bound 0):

- ``generation_mw[o, h] >= 0``: energy taken in hour h;
- ``gen_le_available[o, h]``: ``generation_mw[o, h] <= a[o, h] * capacity_mw[o]``;
- ``gen_ge_min_take[o, h]``: ``generation_mw[o, h] >= f_o * a[o, h] * capacity_mw[o]``
  (only for offers with a minimum take fraction ``f_o > 0``).

Costs: take-or-pay pays ``price * sum_h w_h a[o, h] * capacity_mw[o]`` (used or not);
as-available pays ``price * sum_h w_h generation_mw[o, h]``; both pay
``capacity_charge * capacity_mw[o] * horizon_years``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.inputs.catalogue import FUSION
from planner.inputs.fusion import FusionOffer
from planner.inputs.instance import Instance
from planner.model.core import Available, HourlyTerm, Registry, var_values

KIND = FUSION.key


def available(offer: FusionOffer, inst: Instance) -> np.ndarray:
    """Deliverable share of contracted MW each hour (label ``fusion_available``)."""
    # label: fusion_available
    a = np.asarray(offer.availability, dtype=float).copy()
    if offer.commercial_operation_date is not None:
        a[inst.timestamps < offer.commercial_operation_date] = 0.0
    return a


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    offers = inst.spec.fusion
    if not offers:
        return
    b = m.fusion = pyo.Block()
    names = [o.name for o in offers]
    by_name = {o.name: o for o in offers}
    avail = {o.name: available(o, inst) for o in offers}
    w = inst.weights

    b.capacity_mw = pyo.Var(
        names, bounds=lambda _, o: (by_name[o].min_capacity_mw, by_name[o].max_capacity_mw)
    )

    dispatched = [o.name for o in offers if _is_dispatched(o)]

    def gen_bounds(_: Any, o: str, h: int) -> tuple[float, float | None]:
        return (0.0, None) if avail[o][h] > 0 else (0.0, 0.0)

    b.generation_mw = pyo.Var(dispatched, m.T, bounds=gen_bounds)

    # label: fusion_gen_le_available
    def gen_le_available(b: Any, o: str, h: int) -> Any:
        a = avail[o][h]
        if a <= 0:
            return pyo.Constraint.Skip
        return b.generation_mw[o, h] <= float(a) * b.capacity_mw[o]

    b.gen_le_available = pyo.Constraint(dispatched, m.T, rule=gen_le_available)

    take = [o.name for o in offers if o.min_take_fraction > 0]
    if take:
        # label: fusion_gen_ge_min_take
        def gen_ge_min_take(b: Any, o: str, h: int) -> Any:
            a = avail[o][h]
            if a <= 0:
                return pyo.Constraint.Skip
            share = float(by_name[o].min_take_fraction * a)
            return b.generation_mw[o, h] >= share * b.capacity_mw[o]

        b.gen_ge_min_take = pyo.Constraint(take, m.T, rule=gen_ge_min_take)

    for o in offers:
        cap = b.capacity_mw[o.name]
        on_site = o.delivered == "on_site"
        if on_site:
            reg.on_site.add(o.name)
        if _is_dispatched(o):
            gen = HourlyTerm(b.generation_mw, o.name)
            reg.supply.append(gen)
            if on_site:
                reg.on_site_supply.append(gen)
            if FUSION.carbon_free:
                reg.clean_supply.append(gen)
            if FUSION.procured:
                reg.procured_clean.append(gen)
            _register_results(reg, b, o.name, avail[o.name])
        else:
            reg.available.append(Available(KIND, o.name, cap, avail[o.name], on_site=on_site))
        # label: fusion_energy_cost
        capacity_cost = o.capacity_charge_usd_per_mw_yr
        if o.contract_type == "take_or_pay":
            available_mwh_per_mw = float((w * avail[o.name]).sum())
            energy = o.energy_price_usd_per_mwh * available_mwh_per_mw * cap
            capacity_cost += o.energy_price_usd_per_mwh * available_mwh_per_mw
        else:
            energy = reg.weighted_sum([HourlyTerm(b.generation_mw, o.name)]) * (
                o.energy_price_usd_per_mwh
            )
        reg.add_cost(KIND, o.name, "energy", energy)
        # label: fusion_capacity_charge
        if o.capacity_charge_usd_per_mw_yr > 0:
            charge = o.capacity_charge_usd_per_mw_yr * inst.horizon_years * cap
            reg.add_cost(KIND, o.name, "capacity_charge", charge)
        if capacity_cost == 0:  # contracted MW cost nothing: any contract up to the cap is optimal
            reg.add_tie_break(KIND, o.name, cap, "MW")
        reg.reduced_costs[o.name] = partial(_reduced_cost, o, avail[o.name], inst)


def _is_dispatched(offer: FusionOffer) -> bool:
    """Whether the offer needs its own hourly generation variable (see the module doc)."""
    return offer.contract_type == "as_available" or offer.min_take_fraction > 0


def _reduced_cost(
    offer: FusionOffer,
    avail: np.ndarray,
    inst: Instance,
    hourly_usd_per_mwh: np.ndarray,
    policy_prices: dict[str, float],
) -> tuple[float, float]:
    """Cost of one more contracted MW minus the value of its energy at the optimum's prices.

    Fusion energy is credited, per MWh, the hour's marginal cost plus the shadow prices of
    the policies it counts toward (hourly CFE and annual matching). The buyer takes the
    energy only where that credit beats its energy price (as-available) or is positive
    (take-or-pay), except for the minimum take. This is the LP reduced cost of
    ``capacity_mw`` priced with the smallest valid duals of ``gen_le_available``, so it does
    not depend on which of several optimal duals an interior-point solve returns.
    Returns ($/MW-yr, $/MWh of deliverable energy).
    """
    w = inst.weights
    credit = (
        hourly_usd_per_mwh
        + policy_prices.get("hourly_cfe_usd_per_mwh", 0.0)
        + policy_prices.get("annual_matching_usd_per_mwh", 0.0)
    )
    take_or_pay = offer.contract_type == "take_or_pay"
    net = credit if take_or_pay else credit - offer.energy_price_usd_per_mwh
    f = offer.min_take_fraction
    value = float((w * avail * (f * net + (1 - f) * np.maximum(net, 0.0))).sum())
    deliverable_mwh = float((w * avail).sum())
    cost = offer.capacity_charge_usd_per_mw_yr * inst.horizon_years
    if take_or_pay:
        cost += offer.energy_price_usd_per_mwh * deliverable_mwh
    reduced = cost - value
    per_mwh = reduced / deliverable_mwh if deliverable_mwh > 0 else float("nan")
    return reduced / inst.horizon_years, per_mwh


def _register_results(reg: Registry, b: Any, name: str, avail: np.ndarray) -> None:
    cap = b.capacity_mw[name]
    gen = HourlyTerm(b.generation_mw, name)
    reg.dispatch[f"{name}_generation_mw"] = gen.values
    reg.dispatch[f"{name}_curtailment_mw"] = lambda: np.maximum(
        avail * cap.value - var_values(b.generation_mw, name), 0.0
    )
    reg.capacity.append(lambda: {"resource": name, "kind": KIND, "capacity_mw": cap.value})
