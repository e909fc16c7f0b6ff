"""Solve an instance in memory with HiGHS through Pyomo and read the results back."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import highspy
import pyomo.environ as pyo
from pyomo.common.tee import capture_output
from pyomo.contrib.solver.common.results import TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from planner.errors import SolverOptionError
from planner.inputs.instance import Instance
from planner.model.core import build_model
from planner.results import Result, extract

log = logging.getLogger(__name__)

DEFAULT_SOLVER_OPTIONS: dict[str, Any] = {
    "solver": "ipm",
    "run_crossover": "off",
}
"""HiGHS options used unless the caller overrides them (see docs/performance.md).

Interior point without crossover was measured faster than the default dual simplex on the
full-year default instance; duals and reduced costs come from the interior solution.
"""

_STATUS = {
    TerminationCondition.convergenceCriteriaSatisfied: "optimal",
    TerminationCondition.provenInfeasible: "infeasible",
    TerminationCondition.locallyInfeasible: "infeasible",
    TerminationCondition.infeasibleOrUnbounded: "infeasible_or_unbounded",
    TerminationCondition.unbounded: "unbounded",
    TerminationCondition.maxTimeLimit: "time_limit",
    TerminationCondition.iterationLimit: "iteration_limit",
    TerminationCondition.interrupted: "interrupted",
}


def check_solver_options(options: Mapping[str, Any], time_limit_s: float | None = None) -> None:
    """Raise :class:`SolverOptionError` naming every option HiGHS rejects.

    Pyomo ignores HiGHS's refusal of an option, so without this check a typo would silently
    solve with other settings.
    """
    with capture_output(capture_fd=True):  # HiGHS prints a banner when created
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    problems = [
        f"solver option {key}={value!r}: rejected by HiGHS (unknown name or invalid value)"
        for key, value in options.items()
        if highs.setOptionValue(key, value) != highspy.HighsStatus.kOk
    ]
    if time_limit_s is not None and not time_limit_s >= 0:
        problems.append(f"time limit {time_limit_s!r} s: must be >= 0")
    if problems:
        raise SolverOptionError("; ".join(problems))


def grid_only(inst: Instance) -> Instance:
    """The grid-only baseline of ``inst``: same demand and grid, no other resource, no policy."""
    return inst.with_overrides({"fusion": [], "solar": [], "storage": [], "policy": {}})


def solve(
    inst: Instance,
    solver_options: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    baseline: bool = True,
    tee: bool = False,
    formulation: str = "lean",
) -> Result:
    """Build and solve ``inst``; return a :class:`~planner.Result` (check ``status``).

    Parameters
    ----------
    solver_options:
        HiGHS options merged over :data:`DEFAULT_SOLVER_OPTIONS`.
    time_limit_s:
        Wall-clock limit for HiGHS, seconds.

    Raises
    ------
    SolverOptionError
        If HiGHS rejects an option or the time limit is negative.
    baseline:
        Also solve the grid-only baseline and compare against it (needs a grid).
    tee:
        Print the HiGHS log.
    formulation:
        ``lean`` (default) or ``naive``: two equivalent LPs, see
        :func:`planner.model.core.build_model`; ``naive`` is kept to measure the difference.
    """
    options = {**DEFAULT_SOLVER_OPTIONS, **dict(solver_options or {})}
    check_solver_options(options, time_limit_s)
    timings = {"load_s": inst.load_seconds}
    started = time.perf_counter()
    m, reg = build_model(inst, formulation)
    timings["build_s"] = time.perf_counter() - started

    opt = Highs()
    started = time.perf_counter()
    results = opt.solve(
        m,
        tee=tee,
        load_solutions=False,
        raise_exception_on_nonoptimal_result=False,
        solver_options=options,
        time_limit=time_limit_s,
    )
    wall = time.perf_counter() - started
    highs_s = float(getattr(results.timing_info, "highs_time", wall) or 0.0)
    timings["highs_s"] = highs_s
    timings["handoff_s"] = max(wall - highs_s, 0.0)
    status = _STATUS.get(results.termination_condition, "error")

    base = None
    if baseline and inst.spec.grid is not None:
        base = solve(grid_only(inst), solver_options, time_limit_s, baseline=False, formulation=formulation)

    if status != "optimal":
        log.warning("%s: HiGHS ended with status %s", inst.name, status)
        return Result.failed(inst, status, timings, options, base)

    started = time.perf_counter()
    results.solution_loader.load_vars()
    duals = results.solution_loader.get_duals(_constraint_list(reg.duals.values()))
    result = extract(
        inst,
        m,
        reg,
        objective_usd=float(pyo.value(m.objective)),
        duals=duals,
        timings=timings,
        solver_options=options,
        baseline=base,
    )
    result.timings["extract_s"] = time.perf_counter() - started
    return result


def _constraint_list(components: Any) -> list[Any]:
    out = []
    for c in components:
        out.extend(c.values() if c.is_indexed() else [c])
    return out
