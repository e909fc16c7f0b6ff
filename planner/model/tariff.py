"""The grid tariff's non-bypassable charges, on the metered import (``docs/formulation.md``
[tariff]).

The power balance is the buyer's *hourly matching*: a virtual PPA's energy meets the load in
the books, settled at the wholesale price ``grid.price_usd_per_mwh``. The utility's meter sees
something else: the load less what is delivered behind it. Builds (labels):

- ``metered_import_ge_net``: ``meter_mw[h] >= load[h] - unserved[h] - on_site_supply[h] +
  on_site_withdrawal[h]``, ``meter_mw >= 0`` (the charges push it down to the larger of 0 and
  the net);
- ``tariff_energy_charge``: ``energy_charge * sum_h w_h meter_mw[h]``;
- ``monthly_peak_ge_meter`` and ``tariff_demand_charge``: ``peak_mw[m] >= meter_mw[h]`` for
  every hour of month m, paid ``1000 * demand_charge * sum_m f_m peak_mw[m]`` where ``f_m`` is
  the share of month m inside the horizon;
- ``tariff_coincident_peak_charge``: ``1000 * cp_charge * Y * mean_{h in CP} meter_mw[h]``
  over the coincident-peak hours inside the horizon.

With representative periods every original hour is mapped to the modelled hour that stands for
it, so a month's peak is at least the metered import of every modelled hour representing one of
its hours. Built only when a charge is set: without one the model is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from planner.inputs.catalogue import GRID
from planner.inputs.instance import Instance
from planner.model.core import HourlyTerm, Registry, hourly_vars, linear_rows, negated, periods

KIND = GRID.key
USD_PER_KW_TO_USD_PER_MW = 1000.0

PEAK_ABOVE_VOLL = (
    "grid.coincident_peak_charge_usd_per_kw_yr: a MW imported in a coincident-peak hour costs"
)
"""How the warning that the coincident-peak charge costs more than unserved load begins."""


def original_hours(inst: Instance) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """The hours of the full horizon, the modelled hour standing for each, and the hours each
    original hour counts for (1, or a modelled hour's weight when the hours are weighted
    without a period sequence)."""
    period_hours, sequence = periods(inst)
    start = pd.Timestamp(inst.spec.time.start)
    if sequence is None:
        stamps = inst.timestamps
        weights = np.asarray(inst.weights, dtype=float)
        return stamps, np.arange(inst.hours), weights
    total = len(sequence) * period_hours
    stamps = pd.date_range(start, periods=total, freq="h")
    offset = np.arange(total) % period_hours
    rep = np.asarray(sequence, dtype=int)[np.arange(total) // period_hours]
    return stamps, rep * period_hours + offset, np.ones(total)


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    """The metered import and the tariff's charges on it (nothing without a charge)."""
    g = inst.spec.grid
    if g is None or not g.has_tariff:
        return
    b = m.tariff = pyo.Block()
    n = inst.hours
    load = np.asarray(inst.spec.demand.load_mw, dtype=float)
    b.meter_mw = pyo.Var(m.T, bounds=(0.0, None))
    meter = HourlyTerm(b.meter_mw)

    # label: metered_import_ge_net
    rows = linear_rows(
        [meter.columns(n), HourlyTerm(m.unserved_mw).columns(n)]
        + [t.columns(n) for t in reg.on_site_supply]
        + [negated(t.columns(n)) for t in reg.on_site_withdrawal]
    )
    load_list = load.tolist()
    b.meter_ge_net = pyo.Constraint(m.T, rule=lambda _, h: rows[h] >= load_list[h])
    reg.duals["metered_import"] = b.meter_ge_net
    reg.dispatch["grid_metered_import_mw"] = meter.values

    if g.energy_charge_usd_per_mwh > 0:
        # label: tariff_energy_charge
        cost = g.energy_charge_usd_per_mwh * reg.weighted_sum([meter])
        reg.add_cost(KIND, KIND, "energy_charge", cost)

    stamps, modelled, counts = original_hours(inst)
    if g.demand_charge_usd_per_kw_month > 0:
        _demand_charge(b, reg, stamps, modelled, counts, g.demand_charge_usd_per_kw_month)
    if g.coincident_peak_charge_usd_per_kw_yr > 0:
        _coincident_peak(b, reg, inst, stamps, modelled, g.coincident_peak_hours)


def _demand_charge(
    b: pyo.Block,
    reg: Registry,
    stamps: pd.DatetimeIndex,
    modelled: np.ndarray,
    counts: np.ndarray,
    usd_per_kw_month: float,
) -> None:
    months = stamps.to_period("M")
    labels = sorted(set(months))
    position = {p: i for i, p in enumerate(labels)}
    month_of = np.fromiter((position[p] for p in months), dtype=int, count=len(months))
    # share of each month inside the horizon (a week of January pays 168/744 of its charge)
    inside = np.bincount(month_of, weights=counts, minlength=len(labels))
    share = inside / np.array([p.days_in_month * 24 for p in labels], dtype=float)
    pairs = np.unique(np.column_stack([month_of, modelled]), axis=0)

    b.month = pyo.RangeSet(0, len(labels) - 1)
    b.peak_mw = pyo.Var(b.month, bounds=(0.0, None))
    b.pairs = pyo.Set(initialize=[(int(i), int(h)) for i, h in pairs], dimen=2)
    # label: monthly_peak_ge_meter
    b.peak_ge_meter = pyo.Constraint(b.pairs, rule=lambda b, i, h: b.peak_mw[i] >= b.meter_mw[h])
    # label: tariff_demand_charge
    rate = USD_PER_KW_TO_USD_PER_MW * usd_per_kw_month
    cost = pyo.quicksum(rate * float(share[i]) * b.peak_mw[i] for i in b.month)
    reg.add_cost(KIND, KIND, "demand_charge", cost)


def _coincident_peak(
    b: pyo.Block,
    reg: Registry,
    inst: Instance,
    stamps: pd.DatetimeIndex,
    modelled: np.ndarray,
    hours: Iterable[object],
) -> None:
    g = inst.spec.grid
    assert g is not None
    position = pd.Index(stamps).get_indexer(pd.DatetimeIndex(list(hours)))
    inside = modelled[position[position >= 0]]
    if inside.size == 0:
        reg.warnings.append(
            "grid.coincident_peak_hours: none lies in the modelled horizon, so no "
            "coincident-peak charge is counted (model a horizon that holds them)"
        )
        return
    if inside.size < len(position):
        reg.warnings.append(
            f"grid.coincident_peak_hours: {len(position) - inside.size} of {len(position)} lie "
            "outside the modelled horizon; the charge is set on the mean of the others"
        )
    # label: tariff_coincident_peak_charge
    rate = USD_PER_KW_TO_USD_PER_MW * g.coincident_peak_charge_usd_per_kw_yr
    per_hour = rate * inst.horizon_years / inside.size
    voll = inst.spec.demand.value_of_lost_load_usd_per_mwh
    # a modelled hour may stand for several coincident-peak hours (representative periods):
    # a MW imported there pays the charge of each, on the energy the hour's weight stands for
    hours, count = np.unique(inside, return_counts=True)
    weights = np.asarray(inst.spec.time.weights, dtype=float)[hours]
    per_mwh = per_hour * count / weights
    if (per_mwh > voll).any():
        reg.warnings.append(
            f"{PEAK_ABOVE_VOLL} {float(per_mwh.max()):,.0f} $ per MWh, more than "
            f"demand.value_of_lost_load_usd_per_mwh ({voll:,.0f}): the plan may leave load "
            "unserved in those hours rather than import (a campus curtailing for the peaks); "
            "raise the value of lost load if it cannot"
        )
    meter = hourly_vars(b.meter_mw)
    cost = pyo.quicksum(per_hour * meter[h] for h in inside.tolist())
    reg.add_cost(KIND, KIND, "coincident_peak_charge", cost)
