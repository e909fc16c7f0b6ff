"""Solve a built Pyomo model with HiGHS: compile, check the conditioning, run, check.

:func:`run_highs` compiles the model to matrices (:mod:`planner.solver.compile`; measured about
twice as fast as Pyomo's persistent HiGHS interface, which walks every constraint on its own,
docs/performance.md), warns when the coefficients span more than
:data:`~planner.solver.numerics.MAX_RANGE` even after scaling, and solves with
:func:`~planner.solver.highs.solve_lp`.
"""

from __future__ import annotations

import time
import warnings as _warnings
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo

from planner.solver.compile import CompiledModel, compile_model
from planner.solver.heartbeat import stage
from planner.solver.highs import LpRun, solve_lp
from planner.solver.numerics import (
    NumericsWarning,
    coefficient_ranges,
    compute_scaling,
    conditioning_warnings,
)
from planner.solver.settings import SolveSettings
from planner.solver.warm import solve_warm


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

    def load_vars(self, m: pyo.ConcreteModel, scale: float = 1.0) -> None:
        """Write the primal solution into the Pyomo variables of ``m``, each value within the
        solver's tolerance of one of its bounds set to that bound (:func:`snap_to_bounds`), so
        that a plant not built reads 0 MW, not ``1.3e-06``.

        ``scale`` is the size of the problem's quantities (the peak load in MW): a column with
        no finite range is snapped within ``SNAP_REL * max(1, scale)``.

        A variable that appears in no row and has no cost (e.g. a solar plant whose capacity
        factor is 0 in every modelled hour) is not passed to HiGHS; any value within its
        bounds is optimal, and it gets the one closest to 0.
        """
        assert self.lp_run.x is not None
        lp = self.compiled.lp
        x = snap_to_bounds(self.lp_run.x, lp.col_lower, lp.col_upper, scale)
        for var, value in zip(self.columns, x.tolist(), strict=True):
            var.set_value(value, skip_validation=True)
        for var in m.component_data_objects(pyo.Var, active=True):
            if var.value is None:
                low, high = var.bounds
                if low is not None and low > 0:
                    closest = low
                elif high is not None and high < 0:
                    closest = high
                else:
                    closest = 0.0
                var.set_value(closest, skip_validation=True)

    def duals(self, constraints: list[Any]) -> dict[Any, float]:
        """Dual of each constraint (d objective / d right-hand side)."""
        assert self.lp_run.row_dual is not None
        row_dual = self.lp_run.row_dual
        index = self.compiled.row_of
        return {c: float(row_dual[index[id(c)]]) if id(c) in index else 0.0 for c in constraints}


SNAP_REL = 1e-6
"""Relative distance to a bound within which a solution value is read as the bound: HiGHS's
interior point stops within about 1e-8 of the problem's scale (docs/reliability.md), and a
millionth of the peak load (0.1 kW for a 100 MW campus) is far below anything a buyer reads."""


def snap_to_bounds(x: np.ndarray, lower: np.ndarray, upper: np.ndarray, scale: float) -> np.ndarray:
    """``x`` with every value within tolerance of its lower or upper bound set to the bound.

    The tolerance of a column is ``SNAP_REL`` times ``max(1, scale)``, or times its range when
    that is smaller (a shortfall share in [0, 1] is snapped within 1e-6).
    """
    size = max(1.0, float(scale))
    with np.errstate(invalid="ignore"):
        width = np.minimum(np.nan_to_num(upper - lower, nan=size, posinf=size), size)
    tol = SNAP_REL * np.maximum(width, np.finfo(float).tiny)
    out = np.where(np.abs(x - lower) <= tol, lower, x)
    return np.where(np.abs(out - upper) <= tol, upper, out)


def run_highs(m: pyo.ConcreteModel, settings: SolveSettings) -> SolverRun:
    """Hand ``m`` to HiGHS in memory and solve it with ``settings``.

    The solution, duals and objective are always in original units, and checked against the
    original bounds (docs/reliability.md). When the matrix or the costs span more than
    :data:`~planner.solver.numerics.MAX_RANGE` even after scaling (computed whether or not
    the scaled LP is the one solved), a :class:`~planner.solver.numerics.NumericsWarning` is
    raised.
    """
    started = time.perf_counter()
    compiled = compile_model(m)
    lp = compiled.lp
    scaling = compute_scaling(lp)
    scaled = scaling.apply(lp)
    use = scaling if settings.scaled else False
    compile_s = time.perf_counter() - started
    options = settings.options
    stage(
        "%s: solving with HiGHS (%s): %s rows, %s columns, %s nonzeros",
        m.name,
        options.get("solver", "choose"),
        f"{lp.shape[0]:,}",
        f"{lp.shape[1]:,}",
        f"{lp.matrix.nnz:,}",
    )
    if settings.reuse and not settings.tee:
        run = solve_warm(lp, options, settings.time_limit_s)
        use = False
    else:
        run = solve_lp(lp, options, settings.time_limit_s, settings.tee, use)
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
    stage("%s: HiGHS ended %s in %.1f s", m.name, run.status, run.highs_s)
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
        rows = np.array([row_of[id(c)] for c in balance.values() if id(c) in row_of], dtype=int)
        if rows.size:
            lp = compiled.lp
            residual = lp.matrix[rows] @ run.x - lp.row_lower[rows]
            out["max_balance_residual_mw"] = float(np.abs(residual).max())
    return out
