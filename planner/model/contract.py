"""Firm offers under one contract model (fusion, and the clean-firm technologies): contracted
capacity, hourly delivery, residual emissions, penalties.

Builds (labels of ``docs/formulation.md``): ``fusion_available``, ``fusion_gen_le_available``,
``fusion_gen_ge_min_take``, ``fusion_energy_cost``, ``fusion_capacity_charge``,
``firm_fuel_cost``, ``firm_delivery_penalty``, ``firm_residual_emissions`` (the ``fusion_``
labels name the contract of every kind that uses it).

Block ``m.<kind>`` (``m.fusion``, ``m.clean_firm``):

- ``capacity_mw[o]``, ``min_capacity_mw <= capacity_mw[o] <= max_capacity_mw``: contracted MW;
  ``a[o, h]`` the deliverable share (base availability x schedule,
  :func:`planner.inputs.schedule.offer_shares`).

A take-or-pay offer without minimum take, fuel or emissions costs the same whether its energy
is used or not: it registers ``a[o, h] * capacity_mw[o]`` as available energy, which the core
turns into supply (:mod:`planner.model.available`). Every other offer ("dispatched") gets, for
the hours where ``a > 0`` (elsewhere the bound 0):

- ``generation_mw[o, h] >= 0``: energy taken in hour h;
- ``gen_le_available[o, h]``: ``generation_mw[o, h] <= a[o, h] * capacity_mw[o]``;
- ``gen_ge_min_take[o, h]``: ``generation_mw[o, h] >= f_o * a[o, h] * capacity_mw[o]``
  (only for offers with a minimum take fraction ``f_o > 0``).

Costs: take-or-pay pays ``price * sum_h w_h a[o, h] * capacity_mw[o]`` (used or not);
as-available pays ``price * sum_h w_h generation_mw[o, h]``; both pay
``capacity_charge * capacity_mw[o] * horizon_years``; fuel is paid per MWh generated; the
seller pays the delivery penalty on the contracted energy it does not deliver.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.inputs.catalogue import Kind
from planner.inputs.contract import ContractOffer
from planner.inputs.instance import Instance
from planner.inputs.schedule import offer_shares
from planner.model.core import Available, HourlyTerm, Registry, var_values


def _clean_share(o: ContractOffer) -> float:
    return float(getattr(o, "clean_share", 1.0))


def _residual(o: ContractOffer) -> float:
    return float(getattr(o, "residual_emissions_t_per_mwh", 0.0))


def _fuel(o: ContractOffer) -> float:
    return float(getattr(o, "fuel_cost_usd_per_mwh", 0.0))


def is_dispatched(offer: ContractOffer) -> bool:
    """Whether the offer needs its own hourly generation variable (see the module doc)."""
    return (
        offer.contract_type == "as_available"
        or offer.min_take_fraction > 0
        or _fuel(offer) > 0
        or _residual(offer) > 0
        or _clean_share(offer) < 1
    )


def add_offers(
    m: pyo.ConcreteModel, reg: Registry, inst: Instance, kind: Kind, offers: list[Any]
) -> None:
    """The block ``m.<kind.key>`` of ``offers`` and their terms in the registry."""
    if not offers:
        return
    b = pyo.Block()
    m.add_component(kind.key, b)
    names = [o.name for o in offers]
    by_name = {o.name: o for o in offers}
    stamps = inst.timestamps
    shares = {o.name: offer_shares(o, inst.spec, stamps) for o in offers}
    # label: fusion_available
    avail = {name: s[0] for name, s in shares.items()}
    w = inst.weights

    b.capacity_mw = pyo.Var(
        names, bounds=lambda _, o: (by_name[o].min_capacity_mw, by_name[o].max_capacity_mw)
    )
    dispatched = [o.name for o in offers if is_dispatched(o)]

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
        _register_offer(m, b, reg, inst, kind, o, shares[o.name], w)


def _register_offer(
    m: pyo.ConcreteModel,
    b: Any,
    reg: Registry,
    inst: Instance,
    kind: Kind,
    o: Any,
    shares: tuple[np.ndarray, np.ndarray],
    w: np.ndarray,
) -> None:
    avail, contracted = shares
    cap = b.capacity_mw[o.name]
    on_site = o.delivered == "on_site"
    if on_site:
        reg.on_site.add(o.name)
    clean = _clean_share(o)
    if is_dispatched(o):
        gen = HourlyTerm(b.generation_mw, o.name)
        reg.supply.append(gen)
        if on_site:
            reg.on_site_supply.append(gen)
        if kind.carbon_free and clean > 0:
            scaled = HourlyTerm(b.generation_mw, o.name, coef=np.full(inst.hours, clean))
            reg.clean_supply.append(scaled)
            if kind.procured:
                reg.procured_clean.append(scaled)
        if _residual(o) > 0:
            # label: firm_residual_emissions
            emitted = HourlyTerm(b.generation_mw, o.name, coef=np.full(inst.hours, _residual(o)))
            reg.emissions_location_t.append(emitted)
            reg.emissions_market_t.append(emitted)
        if _fuel(o) > 0:
            # label: firm_fuel_cost
            reg.add_cost(kind.key, o.name, "fuel", _fuel(o) * reg.weighted_sum([gen]))
        _register_results(reg, kind, b, o.name, avail)
    else:
        reg.available.append(Available(kind.key, o.name, cap, avail, on_site=on_site))
    # label: fusion_energy_cost
    capacity_cost = o.capacity_charge_usd_per_mw_yr
    if o.contract_type == "take_or_pay":
        available_mwh_per_mw = float((w * avail).sum())
        energy = o.energy_price_usd_per_mwh * available_mwh_per_mw * cap
        capacity_cost += o.energy_price_usd_per_mwh * available_mwh_per_mw
    else:
        energy = (
            reg.weighted_sum([HourlyTerm(b.generation_mw, o.name)]) * o.energy_price_usd_per_mwh
        )
    reg.add_cost(kind.key, o.name, "energy", energy)
    # label: fusion_capacity_charge
    if o.capacity_charge_usd_per_mw_yr > 0:
        charge = o.capacity_charge_usd_per_mw_yr * inst.horizon_years * cap
        reg.add_cost(kind.key, o.name, "capacity_charge", charge)
    short_mwh_per_mw = float((w * (contracted - avail)).sum())
    if o.delivery_penalty_usd_per_mwh > 0 and short_mwh_per_mw > 0:
        # label: firm_delivery_penalty
        received = o.delivery_penalty_usd_per_mwh * short_mwh_per_mw
        reg.add_cost(kind.key, o.name, "delivery_penalty", -received * cap)
        capacity_cost -= received
    if capacity_cost == 0:  # contracted MW cost nothing: any contract up to the cap is optimal
        reg.add_tie_break(kind.key, o.name, cap, "MW")
    reg.reduced_costs[o.name] = partial(_reduced_cost, o, avail, contracted, inst)
    hours = float(w.sum())
    reg.capacity_notes[o.name] = {
        "annual_availability": float((w * avail).sum()) / hours if hours else float("nan")
    }


def _reduced_cost(
    offer: Any,
    avail: np.ndarray,
    contracted: np.ndarray,
    inst: Instance,
    hourly_usd_per_mwh: np.ndarray,
    policy_prices: dict[str, float],
) -> tuple[float, float]:
    """Cost of one more contracted MW minus the value of its energy at the optimum's prices.

    Energy is credited, per MWh, the hour's marginal cost plus the shadow prices of the
    policies it counts toward (hourly CFE and annual matching, for its clean share). The buyer
    takes the energy only where that credit beats its price and fuel (as-available; fuel for
    take-or-pay) or is positive (take-or-pay), except for the minimum take. This is the LP
    reduced cost of ``capacity_mw`` priced with the smallest valid duals of
    ``gen_le_available``, so it does not depend on which of several optimal duals an
    interior-point solve returns. Returns ($/MW-yr, $/MWh of deliverable energy).
    """
    w = inst.weights
    clean = _clean_share(offer)
    credit = hourly_usd_per_mwh + clean * (
        policy_prices.get("hourly_cfe_usd_per_mwh", 0.0)
        + policy_prices.get("annual_matching_usd_per_mwh", 0.0)
    )
    take_or_pay = offer.contract_type == "take_or_pay"
    net = credit - _fuel(offer) - (0.0 if take_or_pay else offer.energy_price_usd_per_mwh)
    f = offer.min_take_fraction
    value = float((w * avail * (f * net + (1 - f) * np.maximum(net, 0.0))).sum())
    deliverable_mwh = float((w * avail).sum())
    cost = offer.capacity_charge_usd_per_mw_yr * inst.horizon_years
    if take_or_pay:
        cost += offer.energy_price_usd_per_mwh * deliverable_mwh
    cost -= offer.delivery_penalty_usd_per_mwh * float((w * (contracted - avail)).sum())
    reduced = cost - value
    per_mwh = reduced / deliverable_mwh if deliverable_mwh > 0 else float("nan")
    return reduced / inst.horizon_years, per_mwh


def _register_results(reg: Registry, kind: Kind, b: Any, name: str, avail: np.ndarray) -> None:
    cap = b.capacity_mw[name]
    gen = HourlyTerm(b.generation_mw, name)
    reg.dispatch[f"{name}_generation_mw"] = gen.values
    reg.dispatch[f"{name}_curtailment_mw"] = lambda: np.maximum(
        avail * cap.value - var_values(b.generation_mw, name), 0.0
    )
    reg.capacity.append(lambda: {"resource": name, "kind": kind.key, "capacity_mw": cap.value})
