"""Solve an instance in memory with HiGHS through Pyomo and read the results back."""

from __future__ import annotations

import logging
import time
import warnings as _warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import highspy
import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.tee import capture_output
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from planner.errors import SolverOptionError
from planner.inputs.instance import Instance
from planner.model.core import build_model
from planner.numerics import (
    LinearProgram,
    NumericsWarning,
    Scaling,
    SolutionCheck,
    check_solution,
    coefficient_ranges,
    compute_scaling,
    conditioning_warnings,
)
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


SCALED_SOLVERS = ("simplex", "choose")
"""HiGHS ``solver`` values for which the LP is scaled by default (:mod:`planner.numerics`).

Measured on the default instance (docs/reliability.md): row and column scaling cut dual simplex
iterations by 21-26 % and its time by 28-44 % at 672 and 2016 hours, while interior point
(which equilibrates the matrix itself) took 5 % fewer to 7 % more iterations depending on the
horizon, with no time difference beyond the machine's noise; so interior point gets the LP as
built."""

DEFAULT_SCALE: bool | None = None
"""``None``: scale when the chosen HiGHS ``solver`` is in :data:`SCALED_SOLVERS`."""

FAILED_FOR_DIAGNOSIS = ("infeasible", "infeasible_or_unbounded")
"""Statuses that :mod:`planner.diagnose` explains by re-solving relaxed problems."""


@dataclass
class CompiledModel:
    """A Pyomo model as a :class:`~planner.numerics.LinearProgram`, with the Pyomo variable of
    each column and the constraint of each row (``rows[i].constraint``)."""

    lp: LinearProgram
    columns: list[Any]
    rows: list[Any]

    @cached_property
    def row_of(self) -> dict[int, int]:
        """Row position of each compiled constraint, by ``id`` of the constraint."""
        return {id(entry.constraint): i for i, entry in enumerate(self.rows)}

    @cached_property
    def column_of(self) -> dict[int, int]:
        """Column position of each compiled variable, by ``id`` of the variable."""
        return {id(var): j for j, var in enumerate(self.columns)}


def compile_model(m: pyo.ConcreteModel) -> CompiledModel:
    """Compile ``m`` to matrices with Pyomo's linear standard-form compiler (rows keep their
    sense: ``<=``, ``>=`` and ``==`` rows, no slack columns)."""
    repn = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    inf = highspy.kHighsInf
    n_col = len(repn.columns)
    sense = np.array([r.bound_type for r in repn.rows], dtype=int)  # -1 >=, 0 ==, 1 <=
    rhs = np.asarray(repn.rhs, dtype=float)
    lp = LinearProgram(
        cost=repn.c.toarray().ravel() if repn.c.shape[0] else np.zeros(n_col),
        col_lower=np.array([-inf if v.lb is None else v.lb for v in repn.columns], dtype=float),
        col_upper=np.array([inf if v.ub is None else v.ub for v in repn.columns], dtype=float),
        row_lower=np.where(sense <= 0, rhs, -inf),
        row_upper=np.where(sense >= 0, rhs, inf),
        matrix=repn.A.tocsc(),
        offset=float(np.sum(repn.c_offset)) if len(repn.c_offset) else 0.0,
    )
    return CompiledModel(lp, list(repn.columns), list(repn.rows))


def _highs_lp(lp: LinearProgram) -> highspy.HighsLp:
    out = highspy.HighsLp()
    out.num_row_, out.num_col_ = lp.shape
    out.col_cost_ = lp.cost
    out.col_lower_ = lp.col_lower
    out.col_upper_ = lp.col_upper
    out.row_lower_ = lp.row_lower
    out.row_upper_ = lp.row_upper
    out.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    out.a_matrix_.start_ = lp.matrix.indptr
    out.a_matrix_.index_ = lp.matrix.indices
    out.a_matrix_.value_ = lp.matrix.data
    return out


@dataclass
class LpRun:
    """One HiGHS run on a :class:`~planner.numerics.LinearProgram`; the solution (when
    ``status == "optimal"``) is in the LP's original units, whatever the scaling."""

    highs: highspy.Highs
    lp: LinearProgram
    scaled_lp: LinearProgram
    scaling: Scaling
    status: str
    x: np.ndarray | None
    row_dual: np.ndarray | None
    col_dual: np.ndarray | None
    check: SolutionCheck | None
    handoff_s: float
    highs_s: float
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def objective(self) -> float:
        """``cost @ x + offset`` in original units."""
        assert self.x is not None
        return self.lp.objective(self.x)


def solve_lp(
    lp: LinearProgram,
    options: Mapping[str, Any],
    time_limit_s: float | None = None,
    tee: bool = False,
    scale: bool | Scaling | None = DEFAULT_SCALE,
) -> LpRun:
    """Scale ``lp`` (if ``scale``), solve it with HiGHS, unscale and check the solution.

    ``scale``: True for :func:`~planner.numerics.compute_scaling`, False for none, the
    :class:`~planner.numerics.Scaling` to use, or None for :func:`scales_by_default`.

    Retries with crossover when interior point without crossover ends without an optimum or
    with a solution that fails :func:`~planner.numerics.check_solution`; a solution that still
    fails the check gets the status ``numerical_error`` (never reported as optimal).
    """
    started = time.perf_counter()
    if isinstance(scale, Scaling):
        scaling = scale
    elif scales_by_default(options) if scale is None else scale:
        scaling = compute_scaling(lp)
    else:
        scaling = Scaling.identity(lp)
    scaled = lp if scaling.is_identity else scaling.apply(lp)
    with capture_output(capture_fd=True):  # HiGHS prints a banner when created
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", tee)
    for key, value in options.items():
        highs.setOptionValue(key, value)
    if time_limit_s is not None:
        highs.setOptionValue("time_limit", float(time_limit_s))
    highs.passModel(_highs_lp(scaled))
    handoff_s = time.perf_counter() - started
    highs.HandleKeyboardInterrupt = True
    started = time.perf_counter()
    highs.run()
    retried = False
    status = _STATUS.get(highs.getModelStatus(), "error")
    if status == "error" and _crossover_off(options):
        # Interior point without crossover sometimes stops short of its tolerances on hard
        # instances (seen on a full-year 100 % CFE target); crossover then finishes the job.
        log.warning("HiGHS interior point ended with %s; solving again with crossover",
                    highs.modelStatusToString(highs.getModelStatus()))
        highs.setOptionValue("run_crossover", "on")
        highs.run()
        retried = True
        status = _STATUS.get(highs.getModelStatus(), "error")
    x = row_dual = col_dual = None
    check = None
    if status == "optimal":
        x, row_dual, col_dual = _solution(highs, scaling)
        check = check_solution(lp, x)
        if not check.ok and not retried and _crossover_off(options):
            log.warning("HiGHS interior-point solution violates its bounds beyond tolerance "
                        "(%.3g); solving again with crossover",
                        max(check.max_row_violation, check.max_col_violation))
            highs.setOptionValue("run_crossover", "on")
            highs.run()
            retried = True
            status = _STATUS.get(highs.getModelStatus(), "error")
            if status == "optimal":
                x, row_dual, col_dual = _solution(highs, scaling)
                check = check_solution(lp, x)
        if status == "optimal" and not check.ok:
            status = "numerical_error"
    highs_s = time.perf_counter() - started
    info = highs.getInfo()
    return LpRun(
        highs=highs,
        lp=lp,
        scaled_lp=scaled,
        scaling=scaling,
        status=status,
        x=x,
        row_dual=row_dual,
        col_dual=col_dual,
        check=check,
        handoff_s=handoff_s,
        highs_s=highs_s,
        stats={
            "ipm_iteration_count": info.ipm_iteration_count,
            "simplex_iteration_count": info.simplex_iteration_count,
            "crossover_iteration_count": info.crossover_iteration_count,
            "crossover_retry": float(retried),
        },
    )


def _solution(
    highs: highspy.Highs, scaling: Scaling
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sol = highs.getSolution()
    return (
        scaling.primal(np.asarray(sol.col_value)),
        scaling.row_dual(np.asarray(sol.row_dual)),
        scaling.col_dual(np.asarray(sol.col_dual)),
    )


@dataclass
class SolverRun:
    """One HiGHS run on a built model: the compiled LP, its solution, status, timings and the
    numerics (coefficient ranges, scaling, solution check)."""

    compiled: CompiledModel
    lp_run: LpRun
    handoff_s: float
    model_stats: dict[str, float] = field(default_factory=dict)
    numerics: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def highs(self) -> highspy.Highs:
        return self.lp_run.highs

    @property
    def columns(self) -> list[Any]:
        return self.compiled.columns

    @property
    def rows(self) -> list[Any]:
        return self.compiled.rows

    @property
    def status(self) -> str:
        return self.lp_run.status

    @property
    def highs_s(self) -> float:
        return self.lp_run.highs_s

    @property
    def objective(self) -> float:
        return self.lp_run.objective

    def load_vars(self, m: pyo.ConcreteModel) -> None:
        """Write the primal solution into the Pyomo variables of ``m``.

        A variable that appears in no row and has no cost (e.g. a solar plant whose capacity
        factor is 0 in every modelled hour) is not passed to HiGHS; any value within its
        bounds is optimal, and it gets the one closest to 0.
        """
        assert self.lp_run.x is not None
        for var, value in zip(self.columns, self.lp_run.x.tolist()):
            var.set_value(value, skip_validation=True)
        for var in m.component_data_objects(pyo.Var, active=True):
            if var.value is None:
                low, high = var.bounds
                closest = low if low is not None and low > 0 else (high if high is not None and high < 0 else 0.0)
                var.set_value(closest, skip_validation=True)

    def duals(self, constraints: list[Any]) -> dict[Any, float]:
        """Dual of each constraint (d objective / d right-hand side)."""
        assert self.lp_run.row_dual is not None
        row_dual = self.lp_run.row_dual
        index = self.compiled.row_of
        return {c: float(row_dual[index[id(c)]]) if id(c) in index else 0.0 for c in constraints}


def scales_by_default(options: Mapping[str, Any]) -> bool:
    """Whether the LP is scaled for these HiGHS options when the caller does not say."""
    return str(options.get("solver", "choose")) in SCALED_SOLVERS


def _crossover_off(options: Mapping[str, Any]) -> bool:
    return options.get("solver") == "ipm" and options.get("run_crossover") == "off"


def run_highs(
    m: pyo.ConcreteModel,
    options: Mapping[str, Any],
    time_limit_s: float | None = None,
    tee: bool = False,
    scale: bool | None = DEFAULT_SCALE,
) -> SolverRun:
    """Hand ``m`` to HiGHS in memory and solve it.

    The model is compiled to matrices with Pyomo's linear standard-form compiler and passed
    to highspy in one call; measured about twice as fast as Pyomo's persistent HiGHS
    interface, which walks every constraint on its own (docs/performance.md). With ``scale``
    (default: :func:`scales_by_default`) the LP is scaled first (:mod:`planner.numerics`);
    the solution, duals and objective are always in original units, and checked against the
    original bounds (docs/reliability.md). When the matrix or the costs span more than
    :data:`~planner.numerics.MAX_RANGE` even after scaling (computed whether or not the
    scaled LP is the one solved), a :class:`~planner.numerics.NumericsWarning` is raised.
    """
    started = time.perf_counter()
    compiled = compile_model(m)
    lp = compiled.lp
    scaling = compute_scaling(lp)
    scaled = scaling.apply(lp)
    use = scaling if (scales_by_default(options) if scale is None else scale) else False
    compile_s = time.perf_counter() - started
    run = solve_lp(lp, options, time_limit_s, tee, use)
    numerics: dict[str, float] = {"scaled": float(use is not False)}
    scaled_ranges = coefficient_ranges(scaled)
    for label, ranges in (("input", coefficient_ranges(lp)), ("scaled", scaled_ranges)):
        for name, (low, high) in ranges.items():
            numerics[f"{name}_min_{label}"] = low
            numerics[f"{name}_max_{label}"] = high
    warnings = conditioning_warnings(scaled_ranges)
    for text in warnings:
        _warnings.warn(f"{m.name}: {text}", NumericsWarning, stacklevel=3)
    if run.check is not None:
        numerics |= _check_figures(compiled, m, run)
    return SolverRun(
        compiled=compiled,
        lp_run=run,
        handoff_s=compile_s + run.handoff_s,
        model_stats={
            "rows": lp.shape[0],
            "columns": lp.shape[1],
            "nonzeros": int(lp.matrix.nnz),
            **run.stats,
        },
        numerics=numerics,
        warnings=warnings,
    )


def _check_figures(compiled: CompiledModel, m: pyo.ConcreteModel, run: LpRun) -> dict[str, float]:
    """The solution check in numbers: largest violations and the power balance residual."""
    check = run.check
    assert check is not None and run.x is not None
    out = {
        "check_tolerance": check.tolerance,
        "max_row_violation": check.max_row_violation,
        "max_col_violation": check.max_col_violation,
    }
    balance = getattr(m, "power_balance", None)
    if balance is not None:
        row_of = compiled.row_of
        rows = np.array(
            [row_of[id(c)] for c in balance.values() if id(c) in row_of], dtype=int
        )
        if rows.size:
            lp = compiled.lp
            residual = lp.matrix[rows] @ run.x - lp.row_lower[rows]
            out["max_balance_residual_mw"] = float(np.abs(residual).max())
    return out


def solve(
    inst: Instance,
    solver_options: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    baseline: bool = True,
    tee: bool = False,
    formulation: str = "lean",
    compare_full: bool = False,
    scale: bool | None = DEFAULT_SCALE,
    explain: bool = True,
    iis: bool | None = None,
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
        :func:`planner.model.core.build_model`; ``naive`` is kept to measure the difference.
    compare_full:
        For an instance on representative periods, also solve every hour of the full horizon
        and report the error of the objective and capacities in ``aggregation_error``.
    scale:
        Scale the LP before HiGHS sees it (:mod:`planner.numerics`); None (default): for dual
        simplex, not for interior point (measured in docs/reliability.md). Results are in
        original units either way.
    explain:
        When the LP is infeasible, re-solve relaxed problems to say which hard target fails
        and by how much (:func:`planner.diagnose.explain`); the answer is in
        ``Result.diagnosis``. Every failed result gets a diagnosis message; ``explain=False``
        only skips the re-solves.
    iis:
        Also compute HiGHS's irreducible infeasible subset, in readable constraint names.
        ``None`` (default): only when no policy target explains the infeasibility.

    Raises
    ------
    SolverOptionError
        If HiGHS rejects an option or the time limit is negative.
    """
    from planner import diagnose

    options = {**DEFAULT_SOLVER_OPTIONS, **dict(solver_options or {})}
    check_solver_options(options, time_limit_s)
    timings = {"load_s": inst.load_seconds}
    started = time.perf_counter()
    m, reg = build_model(inst, formulation)
    timings["build_s"] = time.perf_counter() - started

    run = run_highs(m, options, time_limit_s, tee, scale)
    timings["handoff_s"] = run.handoff_s
    timings["highs_s"] = run.highs_s

    base = None
    if baseline and inst.spec.grid is not None:
        base = solve(
            grid_only(inst),
            solver_options,
            time_limit_s,
            baseline=False,
            formulation=formulation,
            scale=scale,
            explain=explain,
        )

    if run.status != "optimal":
        # info, not warning: the result carries the status and a diagnosis message
        log.info("%s: HiGHS ended with status %s", inst.name, run.status)
        started = time.perf_counter()
        diagnosis = diagnose.diagnose(
            inst, m, reg, run, options, time_limit_s, scale=scale, explain=explain, iis=iis
        )
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
            warnings=run.warnings,
        )

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
    result.numerics = pd.Series(run.numerics, dtype=float)
    result.warnings = list(run.warnings)
    result.timings["extract_s"] = time.perf_counter() - started
    if compare_full and inst.is_aggregated:
        full = solve(
            inst.with_overrides({"time.representative_periods": None}),
            solver_options,
            time_limit_s,
            baseline=False,
            formulation=formulation,
            scale=scale,
            explain=explain,
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
