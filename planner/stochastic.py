"""Two-stage planning under delivery risk (docs/formulation.md, "Delivery risk").

The instance's ``scenarios`` (:mod:`planner.inputs.scenarios`) are outcomes of the base
instance with probabilities. Each outcome becomes a block of one LP (:mod:`planner.composite`):
the contracted and built capacities of the base items are equal in every block (first
stage); dispatch, the grid, certificates and recourse copies of the items the buyer may still
add (``<name>_recourse``: at a premium, delivering only after the lead time) are each
outcome's own. The objective is the expected cost, plus a weight times the CVaR of the
outcomes' costs if asked. Then, unless ``evaluate`` is off, the wait-and-see problem (each
outcome with perfect information: the linking rows dropped) gives the EVPI, and the on-time
plan (the base instance solved alone, its capacities fixed in every outcome) gives the VSS.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.errors import InfeasibleConstraintException

from planner.composite import (
    Case,
    Composite,
    build_cases,
    case_results,
    fix_capacities,
    link_capacities,
    release_capacities,
)
from planner.hedging_outcomes import (
    on_time_capacities,
    penalty_income,
    risk_value,
    separate_value,
    solve_composite,
)
from planner.inputs.instance import Instance
from planner.inputs.policy import Policy
from planner.inputs.scenarios import Scenarios
from planner.results.caps import cap_table, with_caps
from planner.results.result import Result
from planner.results.risk import RiskReport, cvar
from planner.scenario_cases import (
    RECOURSE_SUFFIX,
    deterministic,
    first_stage_names,
    recourse_warnings,
    scenario_cases,
)
from planner.solver.run import SolverRun
from planner.solver.settings import SolveSettings


def add_objective(comp: Composite, spec: Scenarios, policy: Policy) -> None:
    """Expected-value targets (when asked: ``policy``'s, the base instance's) and the
    objective: the expected cost, plus ``weight`` times the CVaR of the outcomes' costs for
    ``cvar``."""
    if spec.targets == "expected":
        _expected_targets(comp, policy)
    costs = [comp.cost(k) for k in range(len(comp.cases))]
    _risk_objective(comp, spec, costs, "")


def _risk_objective(comp: Composite, spec: Scenarios, costs: list[Any], tag: str) -> None:
    """``m.<tag>objective``: the expected value of ``costs``, plus the CVaR term for ``cvar``
    (its variables and rows named with ``tag`` too, so that a second objective can be built
    beside the first)."""
    m = comp.m
    p = [c.weight for c in comp.cases]
    # label: stochastic_objective
    expected = pyo.quicksum(p[k] * costs[k] for k in range(len(p)))
    if spec.risk.measure == "expected":
        m.add_component(f"{tag}objective", pyo.Objective(expr=expected, sense=pyo.minimize))
        return
    # label: cvar_excess -- u_k >= cost_k - eta, u_k >= 0
    eta = pyo.Var()
    excess = pyo.Var(range(len(p)), bounds=(0.0, None))
    m.add_component(f"{tag}eta", eta)
    m.add_component(f"{tag}excess", excess)
    m.add_component(
        f"{tag}excess_ge",
        pyo.Constraint(range(len(p)), rule=lambda _, k: excess[k] >= costs[k] - eta),
    )
    tail = pyo.quicksum(p[k] * excess[k] for k in range(len(p))) / (1.0 - spec.risk.alpha)
    m.add_component(
        f"{tag}objective", pyo.Objective(expr=expected + spec.risk.weight * (eta + tail))
    )


def _expected_targets(comp: Composite, base_policy: Policy) -> None:
    """``expected_hourly_cfe_target``, ``expected_annual_matching``: the base's targets on the
    probability-weighted sums of the outcomes."""
    m = comp.m
    p = [c.weight for c in comp.cases]

    def demand(k: int) -> float:
        inst = comp.cases[k].inst
        return float((inst.weights * np.asarray(inst.spec.demand.load_mw)).sum())

    if base_policy.hourly_cfe_target is not None:
        # label: expected_hourly_cfe_target
        clean = [r.weighted_sum(r.clean_supply) - r.weighted_sum(r.withdrawal) for r in comp.regs]
        m.expected_hourly_cfe = pyo.Constraint(
            expr=pyo.quicksum(p[k] * clean[k] for k in range(len(p)))
            >= base_policy.hourly_cfe_target * sum(p[k] * demand(k) for k in range(len(p)))
        )
    if base_policy.annual_matching_fraction is not None:
        # label: expected_annual_matching
        procured = [r.weighted_sum(r.procured_clean) for r in comp.regs]
        m.expected_annual_matching = pyo.Constraint(
            expr=pyo.quicksum(p[k] * procured[k] for k in range(len(p)))
            >= base_policy.annual_matching_fraction * sum(p[k] * demand(k) for k in range(len(p)))
        )


def _case_costs(comp: Composite) -> np.ndarray:
    return np.array([float(pyo.value(comp.cost(k))) for k in range(len(comp.cases))])


def solve_stochastic(inst: Instance, settings: SolveSettings) -> Result:
    """The two-stage plan of ``inst`` (which has ``scenarios``): the :class:`Result` of the
    plan, with :attr:`Result.risk` holding each outcome and the hedging figures."""
    spec = inst.spec.scenarios
    assert spec is not None
    started = time.perf_counter()
    cases = scenario_cases(inst)
    comp = build_cases(inst.name, cases, settings.formulation)
    names = first_stage_names(deterministic(inst))
    link_capacities(comp, names)
    add_objective(comp, spec, inst.spec.policy)
    build_s = time.perf_counter() - started
    run = solve_composite(comp, settings)
    timings = {"load_s": inst.load_seconds, "build_s": build_s, "highs_s": run.highs_s}
    if run.status != "optimal":
        return Result.failed(
            inst,
            run.status,
            timings,
            settings.options,
            None,
            run.model_stats,
            warnings=[f"the two-stage plan ended with status {run.status}"]
            + recourse_warnings(inst),
        )
    results = case_results(comp, run, settings.options, with_caps=False)
    p = np.array([c.weight for c in cases])
    costs = _case_costs(comp)
    plan = _plan_result(inst, comp, run, results, p, timings)
    figures: dict[str, float] = {
        "horizon_years": inst.horizon_years,
        "expected_cost_usd": float(np.dot(p, costs)),
        "cvar_usd": cvar(costs, p, spec.risk.alpha),
        "objective_usd": risk_value(costs, p, spec),
        "evpi_usd": float("nan"),
        "vss_usd": float("nan"),
    }
    notes: list[str] = []
    if spec.evaluate:
        try:
            figures |= _hedging(inst, comp, settings, figures["objective_usd"], names, spec, notes)
        except InfeasibleConstraintException as exc:  # the plan stands; its figures do not
            notes.append(f"EVPI and VSS not computed: {exc}")
    for key in [k for k in figures if k.endswith("_usd")]:
        figures[key.replace("_usd", "_usd_per_yr")] = figures[key] / inst.horizon_years
    plan.risk = RiskReport(
        table=_table(cases, results, costs),
        figures=pd.Series(figures, dtype=float),
        settings={
            "measure": spec.risk.measure,
            "alpha": spec.risk.alpha,
            "weight": spec.risk.weight,
            "targets": spec.targets,
            "recourse": None if spec.recourse is None else spec.recourse.model_dump(),
        },
        results={c.name: r for c, r in zip(cases, results, strict=True)},
        notes=notes,
    )
    plan.warnings = sorted(set(plan.warnings) | set(recourse_warnings(inst)))
    plan.timings["total_s"] = time.perf_counter() - started
    return plan


def _hedging(
    inst: Instance,
    comp: Composite,
    settings: SolveSettings,
    plan_value: float,
    names: set[str],
    spec: Scenarios,
    notes: list[str],
) -> dict[str, float]:
    """EVPI from the wait-and-see problem, VSS from the on-time plan fixed in every outcome.
    With each outcome's own targets both are solved outcome by outcome
    (:mod:`planner.hedging_outcomes`); with expected-value targets, as one LP."""
    p = np.array([c.weight for c in comp.cases])
    separable = _separable(spec)
    out: dict[str, float] = {}
    income = [penalty_income(comp, k) for k in range(len(comp.cases))]
    penalties = any(i is not None for i in income)
    plan_net: float | None = plan_value
    ws_value: float | None = None
    ws_status = "optimal"
    if penalties:
        # a buyer who knew the outcome would sign a plant it knows is late only to collect
        # its penalty, and no seller who knew it too would sign: EVPI is that of the problem
        # without penalties, its plan and its wait-and-see problem both solved without them
        # (docs/formulation.md, "Delivery risk", EVPI)
        net = [comp.cost(k) - (i if i is not None else 0.0) for k, i in enumerate(income)]
        _set_objective(comp, active=False)
        _risk_objective(comp, spec, net, "ws_")
        run = solve_composite(comp, settings)  # the plan without penalties: outcomes linked
        ws_status = run.status
        plan_net = float(pyo.value(comp.m.ws_objective)) if run.status == "optimal" else None
        if not separable and plan_net is not None:
            comp.m.first_stage_equal.deactivate()
            run = solve_composite(comp, settings)  # its wait-and-see problem
            ws_status = run.status
            if run.status == "optimal":
                ws_value = float(pyo.value(comp.m.ws_objective))
            comp.m.first_stage_equal.activate()
        for name in ("ws_objective", "ws_excess_ge", "ws_excess", "ws_eta"):
            if comp.m.find_component(name) is not None:
                comp.m.del_component(name)
        _set_objective(comp, active=True)
    elif not separable:
        comp.m.first_stage_equal.deactivate()
        run = solve_composite(comp, settings)
        ws_status = run.status
        if run.status == "optimal":
            ws_value = risk_value(_case_costs(comp), p, spec)
        comp.m.first_stage_equal.activate()
    if separable and plan_net is not None:
        ws_status, ws_value = separate_value(comp.cases, settings, spec, net=penalties)
    if plan_net is not None and ws_value is not None:
        out["evpi_usd"] = plan_net - ws_value
        if penalties:
            notes.append(
                "EVPI: of the problem without delivery penalties, its plan and its wait-and-see "
                "outcomes (with foresight a buyer would sign a plant it knows is late only to "
                "collect them)"
            )
    else:
        notes.append(f"EVPI: a solve of the wait-and-see problem ended {ws_status}")
    values, status = on_time_capacities(inst, settings, names)
    if values is None:
        notes.append(f"VSS: the on-time plan ended {status}")
        return out
    if separable:
        status, fixed_value = separate_value(comp.cases, settings, spec, fixed=values)
    else:
        saved = fix_capacities(comp, values)
        # cold: warm-started from the plan's basis, simplex took 400 s to find this LP
        # infeasible (the on-time plan often cannot serve every outcome) where interior point
        # takes 2 s
        run = solve_composite(comp, dataclasses.replace(settings, reuse=False))
        release_capacities(saved)
        status = run.status
        fixed_value = risk_value(_case_costs(comp), p, spec) if status == "optimal" else None
    if fixed_value is not None:
        out["vss_usd"] = fixed_value - plan_value
    else:
        out["vss_usd"] = float("inf")
        notes.append(
            f"VSS: the on-time plan cannot serve every outcome even with recourse ({status})"
        )
    return out


def _separable(spec: Scenarios) -> bool:
    """Whether no row links two outcomes once the first stage is free or fixed."""
    return spec.targets == "per_scenario"


def _set_objective(comp: Composite, active: bool) -> None:
    """Switch the plan's objective (and its CVaR rows) on or off."""
    for name in ("objective", "excess_ge"):
        component = comp.m.find_component(name)
        if component is not None:
            component.activate() if active else component.deactivate()


def _plan_result(
    inst: Instance,
    comp: Composite,
    run: SolverRun,
    results: list[Result],
    p: np.ndarray,
    timings: dict[str, float],
) -> Result:
    """The plan as one :class:`Result`: the first stage's capacities (with their caps' worth
    in the expected objective), probability-weighted costs and metrics, and the first
    outcome's hourly tables."""
    first = results[0]
    names = first_stage_names(deterministic(inst))
    capacity = first.capacity[first.capacity.index.isin(names | {"grid"})].copy()
    capacity = with_caps(
        capacity.drop(
            columns=["at_cap", "cap_value_usd_per_mw_yr", "cap_value_usd_per_mwh_yr"],
            errors="ignore",
        ),
        cap_table(comp.cases[0].inst, comp.blocks[0], run),
    )
    costs = (
        pd.concat(
            [
                r.costs.assign(
                    cost_usd=r.costs["cost_usd"] * pk,
                    cost_usd_per_yr=r.costs["cost_usd_per_yr"] * pk,
                )
                for r, pk in zip(results, p, strict=True)
            ]
        )
        .groupby(["kind", "resource", "component"], as_index=False)[["cost_usd", "cost_usd_per_yr"]]
        .sum()
    )
    # (a sum started from an empty Series would be NaN everywhere: index alignment)
    metrics = pd.concat(
        [r.metrics.astype(float) * pk for r, pk in zip(results, p, strict=True)], axis=1
    ).sum(axis=1, min_count=1)
    objective = float(costs["cost_usd"].sum())
    plan = dataclasses.replace(
        first,
        instance=inst,
        capacity=capacity,
        costs=costs,
        metrics=metrics,
        objective_usd=objective,
        timings=pd.Series(timings | {"extract_s": float(first.timings.get("extract_s", 0.0))}),
    )
    plan.numerics = pd.Series(run.numerics, dtype=float)
    plan.warnings = sorted({w for r in results for w in r.warnings})
    return plan


def _table(cases: list[Case], results: list[Result], costs: np.ndarray) -> pd.DataFrame:
    rows = []
    for c, r, cost in zip(cases, results, costs, strict=True):
        recourse = r.capacity[r.capacity.index.str.endswith(RECOURSE_SUFFIX)]["capacity_mw"]
        years = c.inst.horizon_years
        rows.append(
            {
                "scenario": c.name,
                "probability": c.weight,
                "cost_usd": float(cost),
                "cost_usd_per_yr": float(cost) / years,
                "cost_usd_per_mwh_load": float(r.metrics["cost_usd_per_mwh_load"]),
                "hourly_cfe_score": float(r.metrics["hourly_cfe_score"]),
                "emissions_location_t_per_yr": float(r.metrics["emissions_location_t"]) / years,
                "recourse_mw": float(recourse.sum()) if len(recourse) else 0.0,
            }
        )
    return pd.DataFrame(rows).set_index("scenario")
