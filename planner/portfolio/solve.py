"""Solve a portfolio: build the LP of every site and the links, run HiGHS, read each site back
as a :class:`~planner.results.result.Result`, and sum the portfolio's figures. A failed solve
says which hard target fails (re-solving with the portfolio target soft, then without the
budget)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from planner.composite import case_results
from planner.model.flexibility import active
from planner.portfolio.load import Portfolio
from planner.portfolio.model import PortfolioModel, build_portfolio
from planner.portfolio.results import (
    PortfolioResult,
    compare_rigid,
    hourly_moves,
    portfolio_figures,
    site_table,
)
from planner.solver.highs import check_solver_options
from planner.solver.run import SolverRun, run_highs
from planner.solver.settings import SolveSettings

EXPLAIN_PENALTY_USD_PER_MWH = 1e6
"""Penalty of the portfolio target when a failed solve is explained: far above any cost of
clean energy, so the relaxed solve reaches the highest score it can."""


def solve_portfolio(
    pf: Portfolio,
    solver_options: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    rigid: bool = False,
    tee: bool = False,
    settings: SolveSettings | None = None,
) -> PortfolioResult:
    """Solve ``pf`` as one LP; return a :class:`PortfolioResult` (check ``ok``).

    ``rigid``: also solve the same portfolio with every load rigid (no flexibility) and report
    what flexibility saves. ``solver_options`` and ``time_limit_s`` as for
    :func:`planner.solve`; ``settings`` replaces them.

    >>> pf = load_portfolio("instances/portfolio_three_sites.yaml")  # doctest: +SKIP
    >>> solve_portfolio(pf, rigid=True).table                        # doctest: +SKIP
    """
    if settings is None:
        settings = SolveSettings(dict(solver_options or {}), time_limit_s, tee)
    check_solver_options(settings.options, settings.time_limit_s)
    res = _solve(pf, settings, explain=settings.explain)
    if rigid and res.ok and any(active(s.inst.spec.demand.flexibility) for s in pf.sites):
        compare_rigid(res, _solve(rigid_portfolio(pf), settings, explain=False))
    return res


def rigid_portfolio(pf: Portfolio) -> Portfolio:
    """``pf`` with every site's load rigid (on the same hours)."""
    sites = []
    for s in pf.sites:
        spec = s.inst.spec
        demand = spec.demand.model_copy(update={"flexibility": None})
        inst = dataclasses.replace(s.inst, spec=spec.model_copy(update={"demand": demand}))
        sites.append(dataclasses.replace(s, inst=inst))
    return dataclasses.replace(pf, sites=tuple(sites))


def _run(model: PortfolioModel, pf: Portfolio, settings: SolveSettings) -> SolverRun:
    options = dict(settings.solver_options)
    if any(r.has_tie_breaks for r in model.comp.regs) and "run_crossover" not in options:
        # as for one instance: interior point stops within its tolerance of the least free
        # amount (here: of load shifted for nothing); crossover ends on the vertex
        options["run_crossover"] = "on"
    run = run_highs(model.comp.m, dataclasses.replace(settings, solver_options=options))
    if run.status == "optimal":
        peak = max(float(np.max(s.inst.spec.demand.load_mw)) for s in pf.sites)
        run.load_vars(model.comp.m, scale=peak)
    return run


def _solve(pf: Portfolio, settings: SolveSettings, explain: bool) -> PortfolioResult:
    started = time.perf_counter()
    model = build_portfolio(pf, settings.formulation)
    build_s = time.perf_counter() - started
    run = _run(model, pf, settings)
    timings = {"load_s": pf.load_seconds, "build_s": build_s, "highs_s": run.highs_s}
    warnings = [*pf.warnings, *model.notes, *run.warnings]
    if run.status != "optimal":
        message = _explain(pf, settings, run.status) if explain else ""
        return PortfolioResult(
            pf, run.status, timings=_series(timings), warnings=warnings, message=message
        )
    shared = any(len(c.sites) > 1 for c in pf.spec.contracts)
    results = case_results(model.comp, run, settings.options, with_caps=not shared)
    sites = {s.name: r for s, r in zip(pf.sites, results, strict=True)}
    table = site_table(pf, sites)
    price = 0.0
    if model.target is not None:
        price = abs(run.duals([model.target])[model.target])
    shortfall = float(pyo.value(model.shortfall)) if model.shortfall is not None else 0.0
    figures = portfolio_figures(pf, table, price, shortfall)
    for s, r in sites.items():
        warnings += [f"sites[{s}]: {w}" for w in r.warnings]
    timings["total_s"] = time.perf_counter() - started + pf.load_seconds
    return PortfolioResult(
        pf,
        "optimal",
        sites=sites,
        table=table,
        figures=_series(figures),
        hourly=hourly_moves(pf, sites),
        timings=_series(timings),
        warnings=list(dict.fromkeys(warnings)),
    )


def _series(values: Mapping[str, float]) -> pd.Series:
    return pd.Series(dict(values), dtype=float)


def _explain(pf: Portfolio, settings: SolveSettings, status: str) -> str:
    """Which hard target fails: the portfolio target (the best score reachable), a site's
    floor, or the budget (the least cost of the targets)."""
    if status not in ("infeasible", "infeasible_or_unbounded"):
        return f"{pf.source}: the solve ended with status {status}"
    policy = pf.spec.policy
    target = policy.hourly_cfe_target
    if target is not None and policy.hourly_cfe_penalty_usd_per_mwh is None:
        soft = policy.model_copy(
            update={"hourly_cfe_penalty_usd_per_mwh": EXPLAIN_PENALTY_USD_PER_MWH}
        )
        relaxed = _solve(_with_policy(pf, soft), settings, explain=False)
        if relaxed.ok:
            best = float(relaxed.figures["hourly_cfe_score"])
            return (
                f"{pf.source}: policy.hourly_cfe_target: the portfolio target {target:.1%} "
                f"cannot be reached; at most {best:.1%} with these sites, contracts, floors"
                + (" and budget" if policy.budget_usd_per_yr is not None else "")
            )
    if policy.budget_usd_per_yr is not None:
        free = policy.model_copy(update={"budget_usd_per_yr": None})
        relaxed = _solve(_with_policy(pf, free), settings, explain=False)
        if relaxed.ok:
            least = float(relaxed.figures["total_cost_usd_per_yr"])
            return (
                f"{pf.source}: policy.budget_usd_per_yr: the budget "
                f"({policy.budget_usd_per_yr:,.0f} $/yr) is too small: the targets cost at "
                f"least {least:,.0f} $/yr"
            )
    floors = [s.name for s in pf.sites if s.cfe_floor is not None]
    if floors:
        return (
            f"{pf.source}: sites[{', '.join(floors)}].cfe_floor: a site's floor cannot be met "
            "(solve the site's instance alone with its hourly_cfe_target set to the floor to "
            "see why)"
        )
    return f"{pf.source}: the portfolio is infeasible (solve each site alone to see why)"


def _with_policy(pf: Portfolio, policy: Any) -> Portfolio:
    return dataclasses.replace(pf, spec=pf.spec.model_copy(update={"policy": policy}))
