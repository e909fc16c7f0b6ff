"""Explain an infeasible LP by its hard targets: relax each (alone, then with the others held)
on a copy of the compiled LP, and report the best reachable value and the binding limits; when
no target explains it, the resources' own limits conflict (HiGHS's IIS)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from planner.diagnose.findings import BindingLimit, Diagnosis, TargetFinding
from planner.diagnose.limits import binding_limits, limit_index
from planner.diagnose.names import Namer, irreducible_subset
from planner.inputs.instance import Instance
from planner.model.core import Registry
from planner.model.policies import baseline_emissions_t
from planner.solver.compile import CompiledModel
from planner.solver.highs import LpRun, solve_lp
from planner.solver.numerics import LinearProgram
from planner.solver.run import SolverRun
from planner.solver.settings import FAILED_FOR_DIAGNOSIS, SolveSettings

SHORTFALL_TOLERANCE = 1e-6
"""A shortfall counts when above this share of max(1, |target right-hand side|)."""
IIS_SHOWN = 12
"""Members of the irreducible infeasible subset quoted in the message (all are stored)."""

POLICIES: dict[str, tuple[str, str]] = {
    "hourly_cfe": ("hourly_cfe_target", "hourly CFE target"),
    "annual_matching": ("annual_matching", "annual matching target"),
    "emissions_cap": ("emissions_cap", "emissions cap"),
    "market_net_zero": ("market_based_net_zero", "market-based net zero"),
}
"""Registry name of each policy -> (its constraint on the model, its name in messages)."""


@dataclass
class _Target:
    policy: str
    label: str
    col: int
    row: int
    rhs: float


def _hard_targets(reg: Registry, compiled: CompiledModel, m: pyo.ConcreteModel) -> list[_Target]:
    col_of, row_of = compiled.column_of, compiled.row_of
    out = []
    for policy, var in reg.shortfalls.items():
        if var.ub is None or var.ub > 0:  # soft: priced shortfall
            continue
        con_name, label = POLICIES[policy]
        con = getattr(m, con_name)
        if id(var) not in col_of or id(con) not in row_of:
            continue
        i = row_of[id(con)]
        lp = compiled.lp
        rhs = lp.row_lower[i] if np.isfinite(lp.row_lower[i]) else lp.row_upper[i]
        out.append(_Target(policy, label, col_of[id(var)], i, float(rhs)))
    return out


def _relaxed(
    lp: LinearProgram, target: _Target, others: list[_Target], hold: bool
) -> LinearProgram:
    """``lp`` with no cost, ``target``'s shortfall free and minimised, the other hard targets
    held (hard) or dropped."""
    out = lp.copy()
    out.cost[:] = 0.0
    out.offset = 0.0
    out.cost[target.col] = 1.0
    out.col_upper[target.col] = np.inf
    if not hold:
        for o in others:
            out.row_lower[o.row] = -np.inf
            out.row_upper[o.row] = np.inf
    return out


def _finding(
    inst: Instance, target: _Target, shortfall: float, alone: bool, binding: list[BindingLimit]
) -> TargetFinding:
    p = inst.spec.policy
    years = inst.horizon_years
    demand_mwh = float((inst.weights * np.asarray(inst.spec.demand.load_mw)).sum())
    limits = "; ".join(b.text() for b in binding)
    why = (
        f"binding: {limits}"
        if limits
        else "no input limit binds: the resources offered cannot do better at any capacity"
    )
    context = "with these resources" if alone else "with the other hard targets met"
    if target.policy in ("hourly_cfe", "annual_matching"):
        goal = p.hourly_cfe_target if target.policy == "hourly_cfe" else p.annual_matching_fraction
        assert goal is not None
        best = goal - shortfall / demand_mwh if demand_mwh else 0.0
        message = (
            f"{target.label} {100 * goal:.4g}% is infeasible: at most {100 * best:.1f}% "
            f"is reachable {context} ({why})"
        )
        return TargetFinding(
            target.policy,
            target.label,
            float(goal),
            best,
            "share of demand",
            shortfall,
            alone,
            binding,
            message,
        )
    goal_t = target.rhs
    best_t = goal_t + shortfall
    if target.policy == "emissions_cap":
        extra = ""
        if p.emissions_cap_fraction_of_baseline is not None:
            base = baseline_emissions_t(inst)
            if base > 0:
                extra = (
                    f" ({100 * p.emissions_cap_fraction_of_baseline:.4g}% of the grid-only "
                    f"baseline; at least {100 * best_t / base:.1f}%)"
                )
        message = (
            f"{target.label} {goal_t / years:,.6g} t/yr is infeasible: at least "
            f"{best_t / years:,.6g} t/yr is reachable {context}{extra} ({why})"
        )
    else:
        message = (
            f"{target.label} is infeasible: market-based emissions of at least "
            f"{best_t / years:,.6g} t/yr remain {context} ({why})"
        )
    return TargetFinding(
        target.policy,
        target.label,
        goal_t / years,
        best_t / years,
        "t/yr",
        shortfall,
        alone,
        binding,
        message,
    )


def explain(
    inst: Instance,
    m: pyo.ConcreteModel,
    reg: Registry,
    run: SolverRun,
    settings: SolveSettings,
) -> Diagnosis:
    """The diagnosis of an infeasible (or infeasible-or-unbounded) run (the module doc)."""
    compiled = run.compiled
    lp = compiled.lp
    namer = Namer(inst, m)
    src = inst.source
    resolves = 0

    def solve(problem: LinearProgram) -> LpRun:
        nonlocal resolves
        resolves += 1
        return solve_lp(problem, settings.options, settings.time_limit_s, scale=settings.scaled)

    status = run.status
    if status == "infeasible_or_unbounded":
        feasibility = lp.copy()
        feasibility.cost[:] = 0.0
        feasible = solve(feasibility).status
        if feasible == "optimal":
            return Diagnosis(
                "unbounded", "unbounded", unbounded_message(inst, run), resolves=resolves
            )
        if feasible == "infeasible":
            status = "infeasible"

    hard = _hard_targets(reg, compiled, m)
    index = limit_index(compiled, namer) if hard else None
    findings: list[TargetFinding] = []
    incomplete: list[str] = []
    structural = not hard

    def relax(t: _Target, hold: bool) -> LpRun:
        """Solve with target ``t`` relaxed; the other hard targets dropped or held."""
        return solve(_relaxed(lp, t, [o for o in hard if o is not t], hold=hold))

    def short(t: _Target, res: LpRun, alone: bool) -> None:
        """Record ``t`` as failing if the relaxed optimum ``res`` leaves it short."""
        assert res.x is not None
        shortfall = float(res.x[t.col])
        if shortfall > SHORTFALL_TOLERANCE * max(1.0, abs(t.rhs)):
            assert index is not None
            findings.append(
                _finding(inst, t, shortfall, alone, binding_limits(res, index, inst, t.row))
            )

    for t in hard:
        res = relax(t, hold=False)
        if res.status in FAILED_FOR_DIAGNOSIS:
            structural = True
            break
        if res.status != "optimal" or res.x is None:
            incomplete.append(f"{t.label}: relaxed solve ended {res.status}")
            continue
        short(t, res, alone=True)

    cause = "targets"
    if not structural and not findings and len(hard) > 1:
        cause = "combination"
        for t in hard:
            res = relax(t, hold=True)
            if res.status == "optimal" and res.x is not None:
                short(t, res, alone=False)

    members: list[str] = []
    irreducible = False
    if structural or settings.iis or (settings.iis is None and not findings):
        members, irreducible = irreducible_subset(run.highs, compiled, namer, settings.time_limit_s)
    shown = "; ".join(members[:IIS_SHOWN]) + (
        f"; ... ({len(members) - IIS_SHOWN} more)" if len(members) > IIS_SHOWN else ""
    )
    what = "Irreducible infeasible" if irreducible else "Infeasible"
    iis_text = f" {what} subset (HiGHS): {shown}." if members else ""

    if structural:
        what = (
            "even with every hard policy target relaxed"
            if hard
            else "and no hard policy target is set"
        )
        message = (
            f"{src}: the LP is infeasible {what}: the resources' own limits conflict "
            f"(e.g. minimum capacities or minimum takes that force more supply than "
            f"the demand, storage and exports can absorb).{iis_text}"
        )
        return Diagnosis(status, "structural", message, [], members, irreducible, resolves)
    if findings:
        if cause == "combination":
            names = " and ".join(t.label for t in hard)
            head = (
                f"{src}: {names} can each be met alone but not all together; relaxing one "
                "at a time: "
            )
        else:
            head = f"{src}: "
        message = head + "; ".join(f.message for f in findings) + "." + iis_text
        return Diagnosis(status, cause, message, findings, members, irreducible, resolves)
    if cause == "combination":
        names = " and ".join(t.label for t in hard)
        message = (
            f"{src}: {names} can each be met alone but not all together, and relaxing "
            f"any single one is not enough.{iis_text}"
        )
        return Diagnosis(status, cause, message, [], members, irreducible, resolves)
    note = f" ({'; '.join(incomplete)})" if incomplete else ""
    message = (
        f"{src}: HiGHS reports the LP infeasible, but every hard target is reachable "
        f"to within {SHORTFALL_TOLERANCE:g} relative: the instance is on the edge of "
        f"feasibility; loosen a target slightly.{note}{iis_text}"
    )
    return Diagnosis(status, "borderline", message, [], members, irreducible, resolves)


def unbounded_message(inst: Instance, run: SolverRun) -> str:
    lp = run.compiled.lp
    free = np.flatnonzero((lp.cost < 0) & ~np.isfinite(lp.col_upper))
    names = sorted({run.columns[j].parent_component().name for j in free})
    hint = f" (unlimited variables with a negative cost: {', '.join(names)})" if names else ""
    return (
        f"{inst.source}: the cost can fall without limit{hint}: check negative prices "
        "without an import or export limit"
    )
