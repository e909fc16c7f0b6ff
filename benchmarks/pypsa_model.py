"""The planner's LP of an instance, written in PyPSA: the reference of `benchmarks/vs_pypsa.py`.

Needs the optional ``bench`` extra (``pip install -c constraints.txt -e '.[bench]'``); the
package itself never imports PyPSA.

One bus ``dc`` carries the datacenter's load; every term of docs/formulation.md becomes a
PyPSA component or a linopy constraint added before the solve:

- ``unserved``: a generator at the value of lost load (label ``unserved_energy``);
- ``grid_import``: a generator of ``import_limit_mw`` at the hourly price
  (``grid_import_le_limit``, ``grid_energy_cost``); ``grid_export``: a generator with
  ``p_min_pu = -1, p_max_pu = 0`` at the hourly export price (``grid_export_le_limit``,
  ``grid_export_revenue``), and the custom row ``grid_export_le_share``;
- each fusion offer: an extendable generator with ``p_max_pu`` = its availability (0 before
  its commercial operation date), ``p_min_pu`` = min take x availability; take-or-pay pays
  ``price x deliverable MWh per MW`` as a capital cost (used or curtailed), as-available pays
  the price as a marginal cost; both pay the capacity charge (``fusion_*``);
- each solar plant: an extendable generator with ``p_max_pu`` = its capacity factor and the
  build annuity + fixed O&M, or the PPA price x produced MWh per MW, as capital cost
  (curtailed energy is paid, ``solar_*``);
- each storage unit: a store (cyclic, ``standing_loss`` = self-discharge, the energy annuity)
  on its own bus, a charge link (efficiency eta_c, the power annuity and fixed O&M) and a
  discharge link (efficiency eta_d) whose ``p_nom`` is tied to ``power / eta_d`` so that the
  power delivered to ``dc`` is at most the storage power; min and max duration as custom rows
  (``storage_*``);
- ``hourly_cfe_target`` and ``annual_matching`` as custom rows on linopy's variables, hard,
  or soft with a shortfall variable priced at the penalty (``policies``);
- a grid tariff: the metered import (load less unserved and on-site supply, plus on-site
  charging), its energy charge, monthly peaks and coincident-peak charge (``tariff``).

Only what the shipped instances use is written: every hour modelled once (weights 1, no
representative periods), fusion, solar, storage and the grid (no clean-firm, wind or
certificate sections, no emissions cap, no fuel, delivery penalty or partial clean share, no
free capacity: the planner's tie-breaking cost); anything else raises :class:`Unsupported`
rather than build another LP.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pypsa

from planner.inputs.instance import Instance
from planner.inputs.schedule import offer_shares
from planner.inputs.sections import capital_recovery_factor


class Unsupported(ValueError):
    """An instance feature this PyPSA model does not write."""


def _check(inst: Instance) -> None:
    spec = inst.spec
    problems = []
    if inst.is_aggregated or getattr(spec.time, "period_hours", None):
        problems.append("representative periods")
    if not np.allclose(inst.weights, 1.0):
        problems.append("hour weights other than 1")
    g = spec.grid
    if g is None:
        problems.append("no grid")
    p = spec.policy
    if p.emissions_cap_t_per_yr is not None or p.emissions_cap_fraction_of_baseline is not None:
        problems.append("an emissions cap")
    if p.market_based_net_zero:
        problems.append("market-based net zero")
    for section in ("clean_firm", "wind", "certificates"):
        if getattr(spec, section, None):
            problems.append(section)
    for o in spec.fusion:
        extras = (
            "fuel_cost_usd_per_mwh",
            "residual_emissions_t_per_mwh",
            "delivery_penalty_usd_per_mwh",
        )
        if any(getattr(o, f, 0.0) for f in extras) or getattr(o, "clean_share", 1.0) != 1.0:
            problems.append(f"fusion[{o.name}] fuel, residual emissions, penalty or clean share")
    if problems:
        raise Unsupported(f"{inst.name}: the PyPSA model does not write {', '.join(problems)}")


def build_network(inst: Instance) -> pypsa.Network:
    """The instance as a PyPSA network (policies are added by :func:`add_policies`)."""
    _check(inst)
    spec = inst.spec
    years = inst.horizon_years
    rate = spec.finance.discount_rate
    n = pypsa.Network()
    snapshots = pd.RangeIndex(inst.hours, name="snapshot")
    n.set_snapshots(snapshots)
    load = np.asarray(spec.demand.load_mw, dtype=float)
    n.add("Bus", "dc")
    n.add("Load", "datacenter", bus="dc", p_set=pd.Series(load, index=snapshots))
    n.add(
        "Generator",
        "unserved",
        bus="dc",
        p_nom=float(load.max()) * 10.0 + 1.0,
        marginal_cost=spec.demand.value_of_lost_load_usd_per_mwh,
    )

    g = spec.grid
    assert g is not None
    import_mw = g.import_limit_mw if g.import_limit_mw is not None else 10.0 * float(load.max())
    n.add(
        "Generator",
        "grid_import",
        bus="dc",
        p_nom=float(import_mw),
        marginal_cost=pd.Series(np.asarray(g.price_usd_per_mwh, dtype=float), index=snapshots),
    )
    if g.export_price_usd_per_mwh is not None:
        export_mw = g.export_limit_mw if g.export_limit_mw is not None else 10.0 * import_mw
        n.add(
            "Generator",
            "grid_export",
            bus="dc",
            p_nom=float(export_mw),
            p_min_pu=-1.0,
            p_max_pu=0.0,
            marginal_cost=pd.Series(
                np.asarray(g.export_price_usd_per_mwh, dtype=float), index=snapshots
            ),
        )

    for o in spec.fusion:
        a = offer_shares(o, inst.spec, inst.timestamps)[0]
        deliverable_mwh_per_mw = float(a.sum())
        capital = o.capacity_charge_usd_per_mw_yr * years
        marginal = 0.0
        if o.contract_type == "take_or_pay":
            capital += o.energy_price_usd_per_mwh * deliverable_mwh_per_mw
        else:
            marginal = o.energy_price_usd_per_mwh
        if capital == 0:
            raise Unsupported(f"fusion[{o.name}] costs nothing per MW (planner: tie_break)")
        n.add(
            "Generator",
            o.name,
            bus="dc",
            p_nom_extendable=True,
            p_nom_min=o.min_capacity_mw,
            p_nom_max=o.max_capacity_mw,
            p_max_pu=pd.Series(a, index=snapshots),
            p_min_pu=pd.Series(o.min_take_fraction * a, index=snapshots),
            capital_cost=capital,
            marginal_cost=marginal,
        )

    for s in spec.solar:
        cf = np.asarray(s.capacity_factor, dtype=float)
        if s.procurement == "build":
            assert s.capex_usd_per_kw is not None and s.lifetime_yr is not None
            crf = capital_recovery_factor(rate, s.lifetime_yr)
            capital = 1000.0 * (s.capex_usd_per_kw * crf + s.fixed_om_usd_per_kw_yr) * years
        else:
            assert s.ppa_price_usd_per_mwh is not None
            capital = s.ppa_price_usd_per_mwh * float(cf.sum())
        if capital == 0:
            raise Unsupported(f"solar[{s.name}] costs nothing per MW (planner: tie_break)")
        n.add(
            "Generator",
            s.name,
            bus="dc",
            p_nom_extendable=True,
            p_nom_min=s.min_capacity_mw,
            p_nom_max=s.max_capacity_mw,
            p_max_pu=pd.Series(cf, index=snapshots),
            capital_cost=capital,
        )

    for k in spec.storage:
        crf = capital_recovery_factor(rate, k.lifetime_yr)
        power_cost = 1000.0 * (k.power_capex_usd_per_kw * crf + k.fixed_om_usd_per_kw_yr) * years
        energy_cost = 1000.0 * k.energy_capex_usd_per_kwh * crf * years
        if power_cost == 0 or energy_cost == 0:
            raise Unsupported(f"storage[{k.name}] has a free capacity (planner: tie_break)")
        bus = f"{k.name}_bus"
        n.add("Bus", bus)
        n.add(
            "Store",
            k.name,
            bus=bus,
            e_nom_extendable=True,
            e_nom_min=k.min_energy_mwh,
            e_nom_max=k.max_energy_mwh if k.max_energy_mwh is not None else np.inf,
            e_cyclic=True,
            standing_loss=k.self_discharge_per_h,
            capital_cost=energy_cost,
        )
        n.add(
            "Link",
            f"{k.name}_charge",
            bus0="dc",
            bus1=bus,
            efficiency=k.charge_efficiency,
            p_nom_extendable=True,
            p_nom_min=k.min_power_mw,
            p_nom_max=k.max_power_mw if k.max_power_mw is not None else np.inf,
            capital_cost=power_cost,
        )
        n.add(
            "Link",
            f"{k.name}_discharge",
            bus0=bus,
            bus1="dc",
            efficiency=k.discharge_efficiency,
            p_nom_extendable=True,
        )
    return n


def add_policies(n: pypsa.Network, inst: Instance) -> None:
    """The custom rows on ``n.model`` (after ``n.optimize.create_model()``): storage power and
    durations, the export share, the hourly CFE target and annual matching."""
    spec = inst.spec
    m = n.model
    gen_p = m.variables["Generator-p"]
    link_p = m.variables["Link-p"]
    gen_nom = m.variables["Generator-p_nom"]
    link_nom = m.variables["Link-p_nom"]
    load = np.asarray(spec.demand.load_mw, dtype=float)
    demand_mwh = float(load.sum())

    for k in spec.storage:
        power = _of(link_nom, f"{k.name}_charge")
        # the power delivered to dc (eta_d x the discharge link's input) is at most `power`
        m.add_constraints(
            k.discharge_efficiency * _of(link_nom, f"{k.name}_discharge") - power == 0,
            name=f"{k.name}_discharge_power",
        )
        energy = _of(m.variables["Store-e_nom"], k.name)
        if k.min_duration_h > 0:
            m.add_constraints(
                energy - k.min_duration_h * power >= 0, name=f"{k.name}_energy_ge_min_duration"
            )
        if k.max_duration_h is not None:
            m.add_constraints(
                energy - k.max_duration_h * power <= 0, name=f"{k.name}_energy_le_max_duration"
            )

    g = spec.grid
    assert g is not None
    exported = None
    if g.export_price_usd_per_mwh is not None:
        exported = -_of(gen_p, "grid_export").sum()
        m.add_constraints(
            exported <= g.export_max_share_of_demand * demand_mwh, name="grid_export_le_share"
        )

    procured = [o.name for o in spec.fusion] + [s.name for s in spec.solar]
    policy = spec.policy
    if policy.annual_matching_fraction is not None:
        lhs = _of(gen_p, procured).sum()
        _target(
            m,
            "annual_matching",
            lhs,
            policy.annual_matching_fraction * demand_mwh,
            policy.annual_matching_penalty_usd_per_mwh,
        )
    if policy.hourly_cfe_target is not None:
        cfe = pd.Series(np.asarray(g.carbon_free_share, dtype=float), index=n.snapshots)
        cfe.index.name = "snapshot"
        clean = _of(gen_p, procured).sum() + (cfe.to_xarray() * _of(gen_p, "grid_import")).sum()
        for k in spec.storage:
            clean = clean + k.discharge_efficiency * _of(link_p, f"{k.name}_discharge").sum()
            clean = clean - _of(link_p, f"{k.name}_charge").sum()
        if exported is not None:
            clean = clean - exported
        _target(
            m,
            "hourly_cfe_target",
            clean,
            policy.hourly_cfe_target * demand_mwh,
            policy.hourly_cfe_penalty_usd_per_mwh,
        )
    del gen_nom  # the capacities need no custom row beyond storage's
    if g.has_tariff:
        _add_tariff(n, inst)


def _add_tariff(n: pypsa.Network, inst: Instance) -> None:
    """The metered import (load less what is delivered behind the meter) and the tariff's
    charges on it: energy, monthly peaks, coincident peaks (docs/formulation.md [tariff])."""
    spec = inst.spec
    g = spec.grid
    assert g is not None
    m = n.model
    gen_p, link_p = m.variables["Generator-p"], m.variables["Link-p"]
    snapshots = pd.Index(n.snapshots, name="snapshot")
    meter = m.add_variables(lower=0.0, coords=[snapshots], name="meter_mw")
    net = meter + _of(gen_p, "unserved")
    for r in [*spec.fusion, *spec.solar]:
        if r.delivered == "on_site":
            net = net + _of(gen_p, r.name)
    for k in spec.storage:
        if k.delivered == "on_site":
            net = net + k.discharge_efficiency * _of(link_p, f"{k.name}_discharge")
            net = net - _of(link_p, f"{k.name}_charge")
    load = pd.Series(np.asarray(spec.demand.load_mw, dtype=float), index=snapshots)
    m.add_constraints(net >= load.to_xarray(), name="metered_import_ge_net")
    cost = g.energy_charge_usd_per_mwh * meter.sum()
    stamps = inst.timestamps
    if g.demand_charge_usd_per_kw_month > 0:
        months = stamps.to_period("M")
        for i, month in enumerate(sorted(set(months))):
            hours = np.flatnonzero(months == month)
            peak = m.add_variables(lower=0.0, name=f"peak_mw_{i}")
            m.add_constraints(
                peak - meter.isel(snapshot=hours) >= 0, name=f"monthly_peak_ge_meter_{i}"
            )
            share = len(hours) / (month.days_in_month * 24)
            cost = cost + 1000.0 * g.demand_charge_usd_per_kw_month * share * peak
    if g.coincident_peak_charge_usd_per_kw_yr > 0:
        position = pd.Index(stamps).get_indexer(pd.DatetimeIndex(list(g.coincident_peak_hours)))
        inside = position[position >= 0]
        if inside.size:
            rate = 1000.0 * g.coincident_peak_charge_usd_per_kw_yr * inst.horizon_years
            cost = cost + rate / inside.size * meter.isel(snapshot=inside).sum()
    m.objective = m.objective + cost


def _of(var: Any, names: str | list[str]) -> Any:
    """The sum of ``var`` over the components ``names`` (without their coordinate, so that
    terms of different components add up)."""
    return var.sel(name=[names] if isinstance(names, str) else names).sum("name")


def _target(m: Any, name: str, lhs: Any, rhs: float, penalty: float | None) -> None:
    """``lhs >= rhs``, soft (a shortfall priced at ``penalty``) when a penalty is given."""
    if penalty is not None:
        short = m.add_variables(lower=0.0, name=f"{name}_shortfall_mwh")
        lhs = lhs + short
        m.objective = m.objective + penalty * short
    m.add_constraints(lhs >= rhs, name=name)


def solve(
    inst: Instance, solver_options: Mapping[str, Any], io_api: str | None = None
) -> dict[str, Any]:
    """Build and solve ``inst`` in PyPSA with HiGHS; the objective and the time of each step.

    ``io_api``: linopy's hand-over to HiGHS (None: its default, an LP file; ``direct``: the
    highspy API).
    """
    started = time.perf_counter()
    n = build_network(inst)
    network_s = time.perf_counter() - started
    mark = time.perf_counter()
    n.optimize.create_model(include_objective_constant=False)
    add_policies(n, inst)
    model_s = time.perf_counter() - mark
    mark = time.perf_counter()
    status, condition = n.optimize.solve_model(
        solver_name="highs", solver_options=dict(solver_options), io_api=io_api
    )
    solve_s = time.perf_counter() - mark
    capacity = {
        **n.generators.p_nom_opt.to_dict(),
        **{f"{k}_energy": v for k, v in n.stores.e_nom_opt.to_dict().items()},
        **n.links.p_nom_opt.to_dict(),
    }
    info = getattr(getattr(n.model, "solver_model", None), "getInfo", None)
    iterations = int(info().ipm_iteration_count) if info is not None else -1
    return {
        "status": f"{status}/{condition}",
        "ipm_iteration_count": iterations,
        "objective_usd": float(n.objective) + float(getattr(n, "objective_constant", 0.0) or 0.0),
        "network_s": network_s,
        "model_s": model_s,
        "solve_s": solve_s,
        "rows": int(n.model.constraints.ncons),
        "columns": int(n.model.variables.nvars),
        "capacity": {str(k): float(v) for k, v in capacity.items()},
    }
