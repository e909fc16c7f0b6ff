"""Storage: power and energy capacities chosen separately, cyclic state of charge.

Builds (labels of ``docs/formulation.md``): ``storage_charge_le_power``,
``storage_discharge_le_power``, ``storage_soc_le_energy``, ``storage_soc_balance``,
``storage_energy_ge_min_duration``, ``storage_energy_le_max_duration``, ``storage_cost``.

Block ``m.storage``:

- ``power_mw[k]``, ``energy_mwh[k]``: capacities (bounds ``min_power_mw``..``max_power_mw`` and
  ``min_energy_mwh``..``max_energy_mwh``);
- ``charge_mw[k, h]``, ``discharge_mw[k, h]``, ``soc_mwh[k, h]``, all >= 0;
- ``charge_le_power``, ``discharge_le_power``: ``charge_mw, discharge_mw <= power_mw``;
- ``soc_le_energy``: ``soc_mwh <= energy_mwh``;
- ``soc_balance``: ``soc[h] = (1 - sd) * soc[h-1] + eta_c * charge[h] - discharge[h] / eta_d``
  with ``h - 1`` of the first hour being the last hour (cyclic), one-hour steps;
- ``energy_ge_min_duration`` / ``energy_le_max_duration``:
  ``d_min * power_mw <= energy_mwh <= d_max * power_mw``.

Costs: ``(1000 * (power_capex * crf + fixed_om) * power_mw + 1000 * energy_capex * crf *
energy_mwh) * horizon_years``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.inputs.catalogue import STORAGE
from planner.inputs.instance import Instance
from planner.inputs.sections import capital_recovery_factor
from planner.model.core import (
    TIE_BREAK_USD_PER_MWH,
    HourlyTerm,
    Registry,
    hourly_vars,
    linear_rows,
    periods,
    var_values,
)

KIND = STORAGE.key


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    units = inst.spec.storage
    if not units:
        return
    b = m.storage = pyo.Block()
    names = [k.name for k in units]
    by_name = {k.name: k for k in units}
    period_hours, sequence = periods(inst)

    b.power_mw = pyo.Var(
        names, bounds=lambda _, k: (by_name[k].min_power_mw, by_name[k].max_power_mw)
    )
    b.energy_mwh = pyo.Var(
        names, bounds=lambda _, k: (by_name[k].min_energy_mwh, by_name[k].max_energy_mwh)
    )
    b.charge_mw = pyo.Var(names, m.T, bounds=(0.0, None))
    b.discharge_mw = pyo.Var(names, m.T, bounds=(0.0, None))

    n = inst.hours
    ones = np.ones(n)
    charge = {k: hourly_vars(b.charge_mw, k) for k in names}
    discharge = {k: hourly_vars(b.discharge_mw, k) for k in names}

    # label: storage_charge_le_power
    rows = _at_most(charge, b.power_mw)
    b.charge_le_power = pyo.Constraint(names, m.T, rule=_indexed(rows, "<="))
    # label: storage_discharge_le_power
    rows = _at_most(discharge, b.power_mw)
    b.discharge_le_power = pyo.Constraint(names, m.T, rule=_indexed(rows, "<="))

    coef = {
        k.name: (1.0 - k.self_discharge_per_h, k.charge_efficiency, 1.0 / k.discharge_efficiency)
        for k in units
    }

    def flow(k: str) -> list[tuple[np.ndarray, list[Any]]]:
        """Columns of the energy stored in each hour: eta_c * charge - discharge / eta_d."""
        _, eta_c, inv_eta_d = coef[k]
        return [(eta_c * ones, charge[k]), (-inv_eta_d * ones, discharge[k])]

    if sequence is None:
        _cyclic_soc(m, b, names, coef, flow, period_hours)
    else:
        _linked_soc(m, b, names, coef, flow, period_hours, sequence)

    # label: storage_energy_ge_min_duration
    with_min = [k.name for k in units if k.min_duration_h > 0]
    b.energy_ge_min_duration = pyo.Constraint(
        with_min, rule=lambda b, k: b.energy_mwh[k] >= by_name[k].min_duration_h * b.power_mw[k]
    )
    # label: storage_energy_le_max_duration
    with_max = [k.name for k in units if k.max_duration_h is not None]
    b.energy_le_max_duration = pyo.Constraint(
        with_max, rule=lambda b, k: b.energy_mwh[k] <= by_name[k].max_duration_h * b.power_mw[k]
    )

    # label: storage_cost
    rate = inst.spec.finance.discount_rate
    for k in units:
        crf = capital_recovery_factor(rate, k.lifetime_yr)
        years = inst.horizon_years
        power_capex = 1000.0 * k.power_capex_usd_per_kw * crf * years
        energy_capex = 1000.0 * k.energy_capex_usd_per_kwh * crf * years
        reg.add_cost(
            KIND,
            k.name,
            "capex_annuity",
            power_capex * b.power_mw[k.name] + energy_capex * b.energy_mwh[k.name],
        )
        if k.fixed_om_usd_per_kw_yr > 0:
            fom = 1000.0 * k.fixed_om_usd_per_kw_yr * years
            reg.add_cost(KIND, k.name, "fixed_om", fom * b.power_mw[k.name])
        if power_capex == 0 and k.fixed_om_usd_per_kw_yr == 0:
            reg.add_tie_break(KIND, k.name, b.power_mw[k.name], "MW")
        if energy_capex == 0:
            reg.add_tie_break(KIND, k.name, b.energy_mwh[k.name], "MWh")
        if power_capex == 0 and energy_capex == 0 and k.fixed_om_usd_per_kw_yr == 0:
            # label: tie_break (throughput of a free store)
            throughput = reg.weighted_sum([HourlyTerm(b.discharge_mw, k.name)])
            reg.add_cost(KIND, k.name, "tie_break", TIE_BREAK_USD_PER_MWH * throughput)

        discharged = HourlyTerm(b.discharge_mw, k.name)
        charged = HourlyTerm(b.charge_mw, k.name)
        reg.supply.append(discharged)
        if STORAGE.carbon_free:  # net of charging: charged energy is withdrawn from the bus
            reg.clean_supply.append(discharged)
        reg.withdrawal.append(charged)
        if k.delivered == "on_site":
            reg.on_site_supply.append(discharged)
            reg.on_site_withdrawal.append(charged)
            reg.on_site.add(k.name)
        _register_results(reg, b, k.name)


def _cyclic_soc(
    m: pyo.ConcreteModel,
    b: Any,
    names: list[str],
    coef: dict[str, tuple[float, float, float]],
    flow: Any,
    period_hours: int,
) -> None:
    """State of charge cyclic over each period (the whole horizon without periods)."""
    b.soc_mwh = pyo.Var(names, m.T, bounds=(0.0, None))

    n = len(m.T)
    ones = np.ones(n)
    soc = {k: hourly_vars(b.soc_mwh, k) for k in names}

    # label: storage_soc_le_energy
    b.soc_le_energy = pyo.Constraint(names, m.T, rule=_indexed(_at_most(soc, b.energy_mwh), "<="))

    # label: storage_soc_balance -- soc[h] - keep * soc[prev(h)] - flow[h] == 0
    hours = np.arange(n)
    prev = np.where(hours % period_hours == 0, hours + period_hours - 1, hours - 1)
    rows = {}
    for k in names:
        previous = [soc[k][p] for p in prev]
        stored = [(-c, v) for c, v in flow(k)]
        rows[k] = linear_rows([(ones, soc[k]), (-coef[k][0] * ones, previous), *stored])
    b.soc_balance = pyo.Constraint(names, m.T, rule=_indexed(rows, "=="))
    b.soc_report = lambda k: var_values(b.soc_mwh, k)


def _linked_soc(
    m: pyo.ConcreteModel,
    b: Any,
    names: list[str],
    coef: dict[str, tuple[float, float, float]],
    flow: Any,
    period_hours: int,
    sequence: list[int],
) -> None:
    """Representative periods linked through the original sequence of periods.

    Kotzur et al. (2018): the state of charge of original period d at hour t of its
    representative period c(d) is ``inter[d] + intra[c, t]``. ``intra`` starts from 0 at each
    representative period; ``inter`` carries energy from one original period to the next.
    """
    n_periods = m.T.last() // period_hours + 1
    end = {p: p * period_hours + period_hours - 1 for p in range(n_periods)}
    b.P = pyo.RangeSet(0, n_periods - 1)
    b.D = pyo.RangeSet(0, len(sequence) - 1)
    b.intra_soc_mwh = pyo.Var(names, m.T)
    b.intra_max_mwh = pyo.Var(names, b.P, bounds=(0.0, None))
    b.intra_min_mwh = pyo.Var(names, b.P, bounds=(None, 0.0))
    b.inter_soc_mwh = pyo.Var(names, b.D, bounds=(0.0, None))

    # label: storage_intra_soc_balance -- intra[h] - keep * intra[h-1] - flow[h] == 0
    # (without the keep term in the first hour of each period)
    n = len(m.T)
    ones = np.ones(n)
    hours = np.arange(n)
    first_hour = hours % period_hours == 0
    rows = {}
    for k in names:
        intra = hourly_vars(b.intra_soc_mwh, k)
        previous = [intra[max(h - 1, 0)] for h in range(n)]
        keep = np.where(first_hour, 0.0, coef[k][0])
        stored = [(-c, v) for c, v in flow(k)]
        rows[k] = linear_rows([(ones, intra), (-keep, previous), *stored])
    b.intra_soc_balance = pyo.Constraint(names, m.T, rule=_indexed(rows, "=="))

    # label: storage_intra_soc_range
    b.intra_le_max = pyo.Constraint(
        names,
        m.T,
        rule=lambda b, k, h: b.intra_soc_mwh[k, h] <= b.intra_max_mwh[k, h // period_hours],
    )
    b.intra_ge_min = pyo.Constraint(
        names,
        m.T,
        rule=lambda b, k, h: b.intra_soc_mwh[k, h] >= b.intra_min_mwh[k, h // period_hours],
    )

    # label: storage_inter_soc_link
    def inter_link(b: Any, k: str, d: int) -> Any:
        keep = coef[k][0] ** period_hours
        nxt = (d + 1) % len(sequence)
        return (
            b.inter_soc_mwh[k, nxt]
            == keep * b.inter_soc_mwh[k, d] + b.intra_soc_mwh[k, end[sequence[d]]]
        )

    b.inter_soc_link = pyo.Constraint(names, b.D, rule=inter_link)

    # label: storage_inter_soc_bounds
    b.inter_plus_max_le_energy = pyo.Constraint(
        names,
        b.D,
        rule=lambda b, k, d: (
            b.inter_soc_mwh[k, d] + b.intra_max_mwh[k, sequence[d]] <= b.energy_mwh[k]
        ),
    )
    b.inter_plus_min_ge_zero = pyo.Constraint(
        names,
        b.D,
        rule=lambda b, k, d: b.inter_soc_mwh[k, d] + b.intra_min_mwh[k, sequence[d]] >= 0,
    )

    first = {c: sequence.index(c) for c in set(sequence)}

    def report(k: str) -> Any:
        """State of charge in each modelled hour, at the first occurrence of its period."""
        intra = var_values(b.intra_soc_mwh, k)
        occurrence = np.array([first.get(h // period_hours, 0) for h in range(len(intra))])
        inter = np.array([b.inter_soc_mwh[k, d].value for d in range(len(sequence))])
        return inter[occurrence] + intra

    b.soc_report = report


def _at_most(hourly: dict[str, list[Any]], cap: Any) -> dict[str, list[Any]]:
    """Bodies ``hourly[k][h] - cap[k]`` (of rows ``<= 0``), per storage k and hour h."""
    out = {}
    for k, column in hourly.items():
        ones = np.ones(len(column))
        out[k] = linear_rows([(ones, column), (-ones, [cap[k]] * len(column))])
    return out


def _indexed(rows: dict[str, list[Any]], sense: str) -> Any:
    """Rule of a constraint indexed by (storage, hour): body ``rows[k][h]``, right-hand side 0."""
    if sense == "==":
        return lambda _, k, h: rows[k][h] == 0.0
    return lambda _, k, h: rows[k][h] <= 0.0


def _register_results(reg: Registry, b: Any, name: str) -> None:
    reg.dispatch[f"{name}_charge_mw"] = HourlyTerm(b.charge_mw, name).values
    reg.dispatch[f"{name}_discharge_mw"] = HourlyTerm(b.discharge_mw, name).values
    reg.dispatch[f"{name}_soc_mwh"] = lambda: b.soc_report(name)
    power, energy = b.power_mw[name], b.energy_mwh[name]
    reg.capacity.append(
        lambda: {
            "resource": name,
            "kind": KIND,
            "capacity_mw": power.value,
            "energy_mwh": energy.value,
        }
    )
