"""Solve an instance in memory with HiGHS through Pyomo and read the results back."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.tee import capture_output
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from planner.errors import SolverOptionError
from planner.inputs.instance import Instance
from planner.model.core import build_model
from planner.results import Result, aggregation_error, extract

log = logging.getLogger(__name__)

DEFAULT_SOLVER_OPTIONS: dict[str, Any] = {
    "solver": "ipm",
    "run_crossover": "off",
}
"""HiGHS options used unless the caller overrides them (see docs/performance.md).

Interior point without crossover was measured faster than the default dual simplex on the
full-year default instance; duals and reduced costs come from the interior solution.
"""

_MS = highspy.HighsModelStatus
_STATUS = {
    _MS.kOptimal: "optimal",
    _MS.kInfeasible: "infeasible",
    _MS.kUnboundedOrInfeasible: "infeasible_or_unbounded",
    _MS.kUnbounded: "unbounded",
    _MS.kTimeLimit: "time_limit",
    _MS.kIterationLimit: "iteration_limit",
    _MS.kInterrupt: "interrupted",
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


@dataclass
class SolverRun:
    """One HiGHS run on a built model: the solver, the column and row order, status, timings."""

    highs: highspy.Highs
    columns: list[Any]
    rows: list[Any]
    objective_offset: float
    status: str
    highs_s: float
    handoff_s: float
    model_stats: dict[str, float] = field(default_factory=dict)

    @property
    def objective(self) -> float:
        return float(self.highs.getInfo().objective_function_value) + self.objective_offset

    def load_vars(self, m: pyo.ConcreteModel) -> None:
        """Write the primal solution into the Pyomo variables of ``m``.

        A variable that appears in no row and has no cost (e.g. a solar plant whose capacity
        factor is 0 in every modelled hour) is not passed to HiGHS; any value within its
        bounds is optimal, and it gets the one closest to 0.
        """
        for var, value in zip(self.columns, self.highs.getSolution().col_value):
            var.set_value(value, skip_validation=True)
        for var in m.component_data_objects(pyo.Var, active=True):
            if var.value is None:
                low, high = var.bounds
                closest = low if low is not None and low > 0 else (high if high is not None and high < 0 else 0.0)
                var.set_value(closest, skip_validation=True)

    def duals(self, constraints: list[Any]) -> dict[Any, float]:
        """Dual of each constraint (d objective / d right-hand side)."""
        row_dual = self.highs.getSolution().row_dual
        index = {id(entry.constraint): i for i, entry in enumerate(self.rows)}
        return {c: float(row_dual[index[id(c)]]) if id(c) in index else 0.0 for c in constraints}


def _crossover_off(options: Mapping[str, Any]) -> bool:
    return options.get("solver") == "ipm" and options.get("run_crossover") == "off"


def run_highs(
    m: pyo.ConcreteModel,
    options: Mapping[str, Any],
    time_limit_s: float | None = None,
    tee: bool = False,
) -> SolverRun:
    """Hand ``m`` to HiGHS in memory and solve it.

    The model is compiled to matrices with Pyomo's linear standard-form compiler and passed
    to highspy in one call; measured about twice as fast as Pyomo's persistent HiGHS
    interface, which walks every constraint on its own (docs/performance.md).
    """
    started = time.perf_counter()
    repn = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_ = len(repn.columns)
    lp.num_row_ = len(repn.rows)
    lp.col_cost_ = repn.c.toarray().ravel() if repn.c.shape[0] else np.zeros(lp.num_col_)
    lp.col_lower_ = np.array([-inf if v.lb is None else v.lb for v in repn.columns], dtype=float)
    lp.col_upper_ = np.array([inf if v.ub is None else v.ub for v in repn.columns], dtype=float)
    sense = np.array([r.bound_type for r in repn.rows], dtype=int)  # -1 >=, 0 ==, 1 <=
    rhs = np.asarray(repn.rhs, dtype=float)
    lp.row_lower_ = np.where(sense <= 0, rhs, -inf)
    lp.row_upper_ = np.where(sense >= 0, rhs, inf)
    matrix = repn.A.tocsc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    with capture_output(capture_fd=True):  # HiGHS prints a banner when created
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", tee)
    for key, value in options.items():
        highs.setOptionValue(key, value)
    if time_limit_s is not None:
        highs.setOptionValue("time_limit", float(time_limit_s))
    highs.passModel(lp)
    handoff_s = time.perf_counter() - started
    highs.HandleKeyboardInterrupt = True
    started = time.perf_counter()
    highs.run()
    retried = False
    if _STATUS.get(highs.getModelStatus(), "error") == "error" and _crossover_off(options):
        # Interior point without crossover sometimes stops short of its tolerances on hard
        # instances (seen on a full-year 100 % CFE target); crossover then finishes the job.
        log.warning("HiGHS interior point ended with %s; solving again with crossover",
                    highs.modelStatusToString(highs.getModelStatus()))
        highs.setOptionValue("run_crossover", "on")
        highs.run()
        retried = True
    highs_s = time.perf_counter() - started
    info = highs.getInfo()
    offset = float(np.sum(repn.c_offset)) if len(repn.c_offset) else 0.0
    return SolverRun(
        highs=highs,
        columns=list(repn.columns),
        rows=list(repn.rows),
        objective_offset=offset,
        status=_STATUS.get(highs.getModelStatus(), "error"),
        highs_s=highs_s,
        handoff_s=handoff_s,
        model_stats={
            "rows": lp.num_row_,
            "columns": lp.num_col_,
            "nonzeros": int(matrix.nnz),
            "ipm_iteration_count": info.ipm_iteration_count,
            "simplex_iteration_count": info.simplex_iteration_count,
            "crossover_retry": float(retried),
        },
    )


def solve(
    inst: Instance,
    solver_options: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    baseline: bool = True,
    tee: bool = False,
    formulation: str = "lean",
    compare_full: bool = False,
) -> Result:
    """Build and solve ``inst``; return a :class:`~planner.Result` (check ``status``).

    Parameters
    ----------
    solver_options:
        HiGHS options merged over :data:`DEFAULT_SOLVER_OPTIONS`.
    time_limit_s:
        Wall-clock limit for HiGHS, seconds.
    baseline:
        Also solve the grid-only baseline and compare against it (needs a grid).
    tee:
        Print the HiGHS log.
    formulation:
        ``lean`` (default) or ``naive``: two equivalent LPs, see
        :func:`planner.model.core.build_model`; ``naive`` is kept to measure the difference.
    compare_full:
        For an instance on representative periods, also solve every hour of the full horizon
        and report the error of the objective and capacities in ``aggregation_error``.

    Raises
    ------
    SolverOptionError
        If HiGHS rejects an option or the time limit is negative.
    """
    options = {**DEFAULT_SOLVER_OPTIONS, **dict(solver_options or {})}
    check_solver_options(options, time_limit_s)
    timings = {"load_s": inst.load_seconds}
    started = time.perf_counter()
    m, reg = build_model(inst, formulation)
    timings["build_s"] = time.perf_counter() - started

    run = run_highs(m, options, time_limit_s, tee)
    timings["handoff_s"] = run.handoff_s
    timings["highs_s"] = run.highs_s

    base = None
    if baseline and inst.spec.grid is not None:
        base = solve(
            grid_only(inst), solver_options, time_limit_s, baseline=False, formulation=formulation
        )

    if run.status != "optimal":
        log.warning("%s: HiGHS ended with status %s", inst.name, run.status)
        return Result.failed(inst, run.status, timings, options, base, run.model_stats)

    started = time.perf_counter()
    run.load_vars(m)
    duals = run.duals(_constraint_list(reg.duals.values()))
    result = extract(
        inst,
        m,
        reg,
        objective_usd=run.objective,
        duals=duals,
        timings=timings,
        solver_options=options,
        baseline=base,
        model_stats=run.model_stats,
    )
    result.timings["extract_s"] = time.perf_counter() - started
    if compare_full and inst.is_aggregated:
        full = solve(
            inst.with_overrides({"time.representative_periods": None}),
            solver_options,
            time_limit_s,
            baseline=False,
            formulation=formulation,
        )
        if full.ok:
            result.aggregation_error = aggregation_error(result, full)
            result.timings["full_hourly_s"] = float(full.timings.sum())
    return result


def _constraint_list(components: Any) -> list[Any]:
    out = []
    for c in components:
        out.extend(c.values() if c.is_indexed() else [c])
    return out
