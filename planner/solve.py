"""Solve an instance: build the LP, run HiGHS, explain a failure, read the results back.

:func:`solve` drives one :class:`~planner.solver.settings.SolveSettings` through every run it
makes: the instance, its grid-only baseline and, for representative periods, the same inputs
over every hour.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from planner.diagnose import diagnose
from planner.inputs.catalogue import KINDS
from planner.inputs.instance import Instance
from planner.model.build import build_model
from planner.pathway import solve_pathway
from planner.results.caps import cap_table
from planner.results.compare import aggregation_error
from planner.results.extract import extract, tie_break_usd
from planner.results.result import Result
from planner.solver.heartbeat import stage
from planner.solver.highs import check_solver_options
from planner.solver.run import run_highs
from planner.solver.settings import DEFAULT_SOLVER_OPTIONS, SolveSettings
from planner.stochastic import solve_stochastic

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_SOLVER_OPTIONS", "SolveSettings", "grid_only", "solve"]


def grid_only(inst: Instance) -> Instance:
    """The grid-only baseline of ``inst``: same demand, no policy, and of every resource kind
    only those the catalogue keeps in the baseline (the grid)."""
    removed: dict[str, Any] = {k.key: [] for k in KINDS if k.many and not k.in_baseline}
    return inst.with_overrides({**removed, "policy": {}})


def solve(
    inst: Instance,
    solver_options: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    baseline: bool = True,
    tee: bool = False,
    formulation: str = "lean",
    compare_full: bool = False,
    scale: bool | None = None,
    explain: bool = True,
    iis: bool | None = None,
    settings: SolveSettings | None = None,
) -> Result:
    """Build and solve ``inst``; return a :class:`~planner.Result` (check ``status``).

    Parameters
    ----------
    solver_options:
        HiGHS options merged over :data:`DEFAULT_SOLVER_OPTIONS`.
    time_limit_s:
        Wall-clock limit for HiGHS, seconds (each diagnostic re-solve gets the same limit).
    baseline:
        Also solve the grid-only baseline and compare against it (needs a grid).
    tee:
        Print the HiGHS log.
    formulation:
        ``lean`` (default) or ``naive``: two equivalent LPs, see
        :func:`planner.model.build.build_model`; ``naive`` is kept to measure the difference.
    compare_full:
        For an instance on representative periods, also solve every hour of the full horizon
        and report the error of the objective and capacities in ``aggregation_error``.
    scale:
        Scale the LP before HiGHS sees it (:mod:`planner.solver.numerics`); None (default):
        for dual simplex, not for interior point (measured in docs/reliability.md). Results
        are in original units either way.
    explain:
        When the LP is infeasible, re-solve relaxed problems to say which hard target fails
        and by how much (:func:`planner.diagnose.diagnose`); the answer is in
        ``Result.diagnosis``. Every failed result gets a diagnosis message; ``explain=False``
        only skips the re-solves.
    iis:
        Also compute HiGHS's irreducible infeasible subset, in readable constraint names.
        ``None`` (default): only when no policy target explains the infeasibility.
    settings:
        All of the above but ``baseline`` and ``compare_full`` as one
        :class:`~planner.solver.settings.SolveSettings` (then the separate arguments are
        ignored).

    Raises
    ------
    SolverOptionError
        If HiGHS rejects an option or the time limit is negative.
    """
    if settings is None:
        settings = SolveSettings(
            dict(solver_options or {}), time_limit_s, tee, formulation, scale, explain, iis
        )
    check_solver_options(settings.options, settings.time_limit_s)
    if inst.spec.scenarios is not None:
        return solve_stochastic(inst, settings)
    if inst.spec.pathway is not None:
        return solve_pathway(inst, settings)
    return _solve(inst, settings, baseline, compare_full)


def _solve(inst: Instance, settings: SolveSettings, baseline: bool, compare_full: bool) -> Result:
    timings = {"load_s": inst.load_seconds}
    started = time.perf_counter()
    stage("%s: building the model (%s modelled hours)", inst.name, f"{inst.hours:,}")
    m, reg = build_model(inst, settings.formulation)
    timings["build_s"] = time.perf_counter() - started
    run_settings = settings
    if reg.has_tie_breaks and "run_crossover" not in settings.solver_options:
        # Interior point stops within its tolerance of the least free capacity (0.02 MW of
        # free storage that earns nothing, on a 4-hour instance); crossover ends on the vertex.
        run_settings = replace(
            settings, solver_options={**settings.solver_options, "run_crossover": "on"}
        )

    run = run_highs(m, run_settings)
    timings["handoff_s"] = run.handoff_s
    timings["highs_s"] = run.highs_s

    base = None
    if baseline and inst.spec.grid is not None:
        stage("%s: now the grid-only baseline, to compare with", inst.name)
        base = _solve(grid_only(inst), settings, baseline=False, compare_full=False)

    options = settings.options
    if run.status != "optimal":
        # info, not warning: the result carries the status and a diagnosis message
        log.info("%s: HiGHS ended with status %s", inst.name, run.status)
        started = time.perf_counter()
        diagnosis = diagnose(inst, m, reg, run, settings)
        timings["diagnose_s"] = time.perf_counter() - started
        status = run.status
        if status == "infeasible_or_unbounded" and diagnosis.status in ("infeasible", "unbounded"):
            status = diagnosis.status  # a re-solve without costs told them apart
        return Result.failed(
            inst,
            status,
            timings,
            options,
            base,
            run.model_stats,
            diagnosis=diagnosis,
            numerics=run.numerics,
            warnings=[*reg.warnings, *run.warnings],
        )

    started = time.perf_counter()
    run.load_vars(m, scale=float(np.max(inst.spec.demand.load_mw)))
    duals = run.duals(_constraint_list(reg.duals.values()))
    caps = cap_table(inst, m, run)
    result = extract(
        inst,
        m,
        reg,
        objective_usd=run.objective - tie_break_usd(reg),
        duals=duals,
        timings=timings,
        solver_options=options,
        baseline=base,
        model_stats=run.model_stats,
        caps=caps,
    )
    result.numerics = pd.Series(run.numerics, dtype=float)
    result.warnings = [*reg.warnings, *run.warnings]
    result.timings["extract_s"] = time.perf_counter() - started
    if compare_full and inst.is_aggregated:
        full = _solve(
            inst.with_overrides({"time.representative_periods": None}),
            settings,
            baseline=False,
            compare_full=False,
        )
        if full.ok:
            result.aggregation_error = aggregation_error(result, full)
            result.timings["full_hourly_s"] = float(full.timings.sum())
    return result


def _constraint_list(components: Any) -> list[Any]:
    out: list[Any] = []
    for c in components:
        out.extend(c.values() if c.is_indexed() else [c])
    return out
