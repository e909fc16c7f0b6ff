"""Planning over several investment periods (docs/formulation.md, "Pathway").

Each period of the instance's ``pathway`` (:mod:`planner.inputs.pathway`) is the base instance
in that year (trajectories and overrides applied) and becomes a block of one LP
(:mod:`planner.composite`). The capacity of an item in a period is the sum of its *vintages*
still alive (built or signed in that period or before, within their lifetime or contract term);
each vintage pays the costs of its own period (annuity, fixed O&M, contract price) while it
exists. The objective is the net present cost: each period's yearly cost times the discounted
years it stands for. Perfect foresight solves every period at once; myopic solves them in
order, each seeing only its own data, the earlier vintages fixed.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.repn import generate_standard_repn

from planner.composite import Case, Composite, build_cases, case_results, first_stage_vars
from planner.errors import InstanceError
from planner.inputs.instance import Instance
from planner.inputs.pathway import Pathway
from planner.model.core import Registry
from planner.results.pathway_report import PathwayReport
from planner.results.result import Result
from planner.solver.run import run_highs
from planner.solver.settings import SolveSettings

COST_FIELDS = {
    ("capex_annuity", "capacity_mw"): "capex_usd_per_kw",
    ("capex_annuity", "power_mw"): "power_capex_usd_per_kw",
    ("capex_annuity", "energy_mwh"): "energy_capex_usd_per_kwh",
    ("fixed_om", "capacity_mw"): "fixed_om_usd_per_kw_yr",
    ("fixed_om", "power_mw"): "fixed_om_usd_per_kw_yr",
    ("ppa_energy", "capacity_mw"): "ppa_price_usd_per_mwh",
    ("energy", "capacity_mw"): "energy_price_usd_per_mwh",
    ("capacity_charge", "capacity_mw"): "capacity_charge_usd_per_mw_yr",
    ("delivery_penalty", "capacity_mw"): "delivery_penalty_usd_per_mwh",
}
"""(cost component, capacity variable) -> the input field its coefficient is proportional to:
a vintage's coefficient is the period's times the ratio of the field in the vintage's period."""

COST_FIELDS_SCALED = (
    "capex_usd_per_kw",
    "fixed_om_usd_per_kw_yr",
    "ppa_price_usd_per_mwh",
    "power_capex_usd_per_kw",
    "energy_capex_usd_per_kwh",
    "energy_price_usd_per_mwh",
    "capacity_charge_usd_per_mw_yr",
    "fuel_cost_usd_per_mwh",
    "price_usd_per_mwh",
)


def period_instances(inst: Instance) -> list[Instance]:
    """The base instance in each period: trajectories and overrides applied. Raises
    :class:`InstanceError` listing every problem."""
    path = inst.spec.pathway
    assert path is not None
    base = inst.with_overrides({"pathway": None})
    out, problems = [], []
    for i, year in enumerate(path.periods):
        try:
            period = base.with_overrides(dict(path.overrides.get(year, {})))
        except InstanceError as exc:
            problems += [f"pathway.overrides[{year}]: {p}" for p in exc.problems]
            continue
        spec = _scaled(period.spec, path, i).model_copy(update={"name": f"{inst.name}_{year}"})
        out.append(dataclasses.replace(period, spec=spec))
    if problems:
        raise InstanceError(problems)
    return out


def _scaled(spec: Any, path: Pathway, i: int) -> Any:
    t = path.trajectories
    updates: dict[str, Any] = {}
    if t.load_scale is not None:
        demand = spec.demand
        load = np.asarray(demand.load_mw, dtype=float) * t.load_scale[i]
        updates["demand"] = demand.model_copy(update={"load_mw": load})
    g = spec.grid
    if g is not None and (t.grid_fossil_scale is not None or t.price_scale is not None):
        fields: dict[str, Any] = {}
        if t.grid_fossil_scale is not None:
            f = t.grid_fossil_scale[i]
            fields["carbon_free_share"] = 1.0 - (1.0 - np.asarray(g.carbon_free_share)) * f
            fields["carbon_intensity_t_per_mwh"] = np.asarray(g.carbon_intensity_t_per_mwh) * f
        if t.price_scale is not None:
            s = t.price_scale[i]
            fields["price_usd_per_mwh"] = np.asarray(g.price_usd_per_mwh) * s
            if g.export_price_usd_per_mwh is not None:
                fields["export_price_usd_per_mwh"] = np.asarray(g.export_price_usd_per_mwh) * s
        updates["grid"] = g.model_copy(update=fields)
    for key, scales in t.cost_scale.items():
        updates[key] = [_cost_scaled(item, scales[i]) for item in getattr(spec, key)]
    return spec.model_copy(update=updates)


def _cost_scaled(item: Any, factor: float) -> Any:
    fields = {}
    for name in COST_FIELDS_SCALED:
        value = getattr(item, name, None)
        if value is not None:
            fields[name] = (
                np.asarray(value) * factor if isinstance(value, np.ndarray) else value * factor
            )
    return item.model_copy(update=fields)


def life_yr(inst: Instance, kind_key: str, name: str, term_yr: float) -> float:
    """Years a vintage of item ``name`` exists: its lifetime when built, else the contract
    term (contracts, PPAs, certificates)."""
    item = next(i for k, n, i in inst.spec.resources() if n == name and k.key == kind_key)
    if kind_key == "storage" or getattr(item, "procurement", None) == "build":
        return float(item.lifetime_yr)
    return float(term_yr)


def _capacity_costs(
    reg: Registry, block: Any, names: set[str]
) -> tuple[list[Any], dict[tuple[str, str, str, str], float]]:
    """Split block's cost terms: those proportional to first-stage capacities (returned as
    per-(kind, resource, variable, component) coefficients) and the others (expressions)."""
    capacity = {
        id(data): (k, r, data.parent_component().local_name)
        for k, r, data in first_stage_vars(block, names)
    }
    others: list[Any] = []
    coefs: dict[tuple[str, str, str, str], float] = {}
    for term in reg.costs:
        repn = generate_standard_repn(term.expr, compute_values=True, quadratic=False)
        ids = [id(v) for v in repn.linear_vars]
        if ids and all(i in capacity for i in ids) and abs(float(repn.constant)) < 1e-12:
            for var_id, coef in zip(ids, repn.linear_coefs, strict=True):
                k, r, var = capacity[var_id]
                key = (k, r, var, term.component)
                coefs[key] = coefs.get(key, 0.0) + float(coef)
        else:
            others.append(term.expr)
    return others, coefs


def _item(inst: Instance, kind_key: str, name: str) -> Any:
    return next(i for k, n, i in inst.spec.resources() if n == name and k.key == kind_key)


def _ratio(periods: list[Instance], key: tuple[str, str, str, str], v: int, p: int) -> float:
    """Coefficient of vintage ``v`` over that of period ``p`` for one cost term."""
    kind_key, name, var, component = key
    field = COST_FIELDS.get((component, var))
    if field is None:
        return 1.0
    then = getattr(_item(periods[v], kind_key, name), field, None)
    now = getattr(_item(periods[p], kind_key, name), field, None)
    if then is None or now is None or now == 0:
        return 1.0 if (then or 0) == (now or 0) else float("nan")
    return float(then) / float(now)


def vintage_model(
    comp: Composite,
    periods: list[Instance],
    path: Pathway,
    names: set[str],
    block_periods: list[int],
    vintages: int,
) -> dict[str, Any]:
    """The vintage variables (``vintages`` periods of them), the capacity rows of the blocks
    (block i models period ``block_periods[i]``) and each block's cost expression (USD over
    its horizon) with every vintage paying its own period's costs."""
    m = comp.m
    years = [start for start, _ in path.span()]
    keys = sorted(
        {
            (k, r, d.parent_component().local_name)
            for k, r, d in first_stage_vars(comp.blocks[0], names)
        }
    )
    m.vintage_index = pyo.Set(
        initialize=[(*key, v) for key in keys for v in range(vintages)], dimen=4
    )
    m.vintage_mw = pyo.Var(m.vintage_index, bounds=(0.0, None))
    life = {(k, r): life_yr(periods[0], k, r, path.contract_term_yr) for k, r, _ in keys}

    def alive(k: str, r: str, v: int, p: int) -> bool:
        return years[v] <= years[p] < years[v] + life[(k, r)]

    rows = []
    for block, p in zip(comp.blocks, block_periods, strict=True):
        for k, r, data in first_stage_vars(block, names):
            var = data.parent_component().local_name
            living = [m.vintage_mw[k, r, var, v] for v in range(vintages) if alive(k, r, v, p)]
            # label: vintage_capacity -- capacity in a period = sum of its living vintages
            rows.append(data == pyo.quicksum(living))
    m.vintage_capacity = pyo.Constraint(range(len(rows)), rule=lambda _, i: rows[i])
    costs, problems = [], []
    for block, reg, p in zip(comp.blocks, comp.regs, block_periods, strict=True):
        others, coefs = _capacity_costs(reg, block, names)
        terms = []
        for (k, r, var, component), coef in coefs.items():
            for v in range(vintages):
                if not alive(k, r, v, p):
                    continue
                ratio = _ratio(periods, (k, r, var, component), v, p)
                if not np.isfinite(ratio):
                    problems.append(
                        f"pathway: {k}[{r}] costs nothing in {years[p]} but not in {years[v]}"
                    )
                    continue
                # label: vintage_cost -- a vintage pays its own period's costs while it exists
                terms.append(coef * ratio * m.vintage_mw[k, r, var, v])
        costs.append(pyo.quicksum(others) + pyo.quicksum(terms))
    if problems:
        raise InstanceError(sorted(set(problems)))
    return {"costs": costs, "keys": keys}


class _Failed(Exception):
    def __init__(self, status: str, year: int) -> None:
        super().__init__(status)
        self.status, self.year = status, year


def solve_pathway(inst: Instance, settings: SolveSettings) -> Result:
    """The pathway of ``inst``: the first period's :class:`Result`, with
    :attr:`Result.pathway` holding every period, the vintages and the net present cost."""
    path = inst.spec.pathway
    assert path is not None
    started = time.perf_counter()
    periods = period_instances(inst)
    names = {name for k, name, _ in periods[0].spec.resources() if k.many}
    weights = path.discount_weights(inst.spec.finance.discount_rate)
    try:
        if path.foresight == "perfect":
            results, vintages, costs, highs_s = _perfect(
                inst, periods, path, names, weights, settings
            )
        else:
            results, vintages, costs, highs_s = _myopic(inst, periods, path, names, settings)
    except _Failed as exc:
        timings = {"load_s": inst.load_seconds, "total_s": time.perf_counter() - started}
        return Result.failed(
            inst,
            exc.status,
            timings,
            settings.options,
            None,
            warnings=[f"pathway: the LP of period {exc.year} ended with status {exc.status}"],
        )
    yearly = [c / p.horizon_years for c, p in zip(costs, periods, strict=True)]
    spans = path.span()
    table = pd.DataFrame(
        {
            "year": [s for s, _ in spans],
            "years": [e - s for s, e in spans],
            "discount_weight": weights,
            "cost_usd_per_yr": yearly,
            "cost_usd_per_mwh_load": [r.metrics["cost_usd_per_mwh_load"] for r in results],
            "hourly_cfe_score": [r.metrics["hourly_cfe_score"] for r in results],
            "emissions_location_t_per_yr": [
                r.metrics["emissions_location_t"] / p.horizon_years
                for r, p in zip(results, periods, strict=True)
            ],
        }
    ).set_index("year")
    capacity = pd.DataFrame(
        {year: r.capacity["capacity_mw"] for year, r in zip(path.periods, results, strict=True)}
    )
    first = results[0]
    first.pathway = PathwayReport(
        table=table,
        capacity=capacity,
        vintages=vintages,
        npv_usd=float(np.dot(weights, yearly)),
        settings={
            "foresight": path.foresight,
            "discount_rate": inst.spec.finance.discount_rate,
            "contract_term_yr": path.contract_term_yr,
        },
        results=dict(zip(path.periods, results, strict=True)),
    )
    first.instance = inst
    first.timings = pd.Series(
        {"load_s": inst.load_seconds, "highs_s": highs_s, "total_s": time.perf_counter() - started}
    )
    return first


def _emissions_budget(
    comp: Composite, periods: list[Instance], spans: list[int], budget_t: float
) -> None:
    expr = [
        reg.weighted_sum(reg.emissions_location_t) * (years / period.horizon_years)
        for reg, period, years in zip(comp.regs, periods, spans, strict=True)
    ]
    # label: pathway_emissions_budget
    comp.m.emissions_budget = pyo.Constraint(expr=pyo.quicksum(expr) <= budget_t)


def _perfect(
    inst: Instance,
    periods: list[Instance],
    path: Pathway,
    names: set[str],
    weights: list[float],
    settings: SolveSettings,
) -> tuple[list[Result], pd.DataFrame, list[float], float]:
    cases = [Case(p.name, p, w / p.horizon_years) for p, w in zip(periods, weights, strict=True)]
    comp = build_cases(inst.name, cases, settings.formulation)
    n = len(periods)
    model = vintage_model(comp, periods, path, names, list(range(n)), n)
    if path.emissions_budget_t is not None:
        spans = [e - s for s, e in path.span()]
        _emissions_budget(comp, periods, spans, path.emissions_budget_t)
    # label: pathway_objective -- net present cost: yearly cost x discounted years, summed
    comp.m.objective = pyo.Objective(
        expr=pyo.quicksum(c.weight * cost for c, cost in zip(cases, model["costs"], strict=True))
    )
    run = _run(comp, settings, path.periods[0])
    results = case_results(comp, run, settings.options, with_caps=False)
    costs = [float(pyo.value(c)) for c in model["costs"]]
    for r, c in zip(results, costs, strict=True):
        r.objective_usd = c
    return results, _vintages(comp, path, model["keys"], n), costs, run.highs_s


def _myopic(
    inst: Instance,
    periods: list[Instance],
    path: Pathway,
    names: set[str],
    settings: SolveSettings,
) -> tuple[list[Result], pd.DataFrame, list[float], float]:
    """Period by period: each sees only its own data; the vintages of the earlier periods are
    fixed at what they decided. An emissions budget is shared in proportion to the years."""
    decided: dict[tuple[str, str, str, int], float] = {}
    results, costs, highs_s = [], [], 0.0
    spans = [e - s for s, e in path.span()]
    frame = pd.DataFrame()
    for p, period in enumerate(periods):
        cases = [Case(period.name, period, 1.0)]
        comp = build_cases(inst.name, cases, settings.formulation)
        model = vintage_model(comp, periods, path, names, [p], p + 1)
        for key, value in decided.items():
            comp.m.vintage_mw[key].fix(value)
        if path.emissions_budget_t is not None:
            share = path.emissions_budget_t * spans[p] / sum(spans)
            _emissions_budget(comp, [period], [spans[p]], share)
        comp.m.objective = pyo.Objective(expr=model["costs"][0])
        run = _run(comp, settings, path.periods[p])
        highs_s += run.highs_s
        result = case_results(comp, run, settings.options, with_caps=False)[0]
        result.objective_usd = float(pyo.value(model["costs"][0]))
        results.append(result)
        costs.append(result.objective_usd)
        for k, r, var in model["keys"]:
            decided[(k, r, var, p)] = float(comp.m.vintage_mw[k, r, var, p].value or 0.0)
        frame = _vintages(comp, path, model["keys"], p + 1)
    return results, frame, costs, highs_s


def _run(comp: Composite, settings: SolveSettings, year: int) -> Any:
    run = run_highs(comp.m, settings)
    if run.status != "optimal":
        raise _Failed(run.status, year)
    peak = max(float(np.max(c.inst.spec.demand.load_mw)) for c in comp.cases)
    run.load_vars(comp.m, scale=peak)
    return run


def _vintages(
    comp: Composite, path: Pathway, keys: list[tuple[str, str, str]], vintages: int
) -> pd.DataFrame:
    """One row per (item, capacity variable, vintage year): what was built or signed then."""
    rows = [
        {
            "kind": k,
            "resource": r,
            "variable": var,
            "vintage": path.periods[v],
            "built": float(comp.m.vintage_mw[k, r, var, v].value or 0.0),
        }
        for k, r, var in keys
        for v in range(vintages)
    ]
    return pd.DataFrame(rows)
