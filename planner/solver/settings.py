"""How a solve runs: HiGHS options, time limit, formulation, scaling and diagnosis, as one
settings object passed from :func:`planner.solve.solve` to every run it makes (the main solve,
the grid-only baseline, the full-hour comparison, the diagnosis re-solves)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_SOLVER_OPTIONS: dict[str, Any] = {
    "solver": "ipm",
    "run_crossover": "off",
}
"""HiGHS options used unless the caller overrides them (see docs/performance.md).

Interior point without crossover was measured faster than the default dual simplex on the
full-year default instance; duals and reduced costs come from the interior solution.
"""

SCALED_SOLVERS = ("simplex", "choose")
"""HiGHS ``solver`` values for which the LP is scaled by default (:mod:`planner.solver.numerics`).

Measured on the default instance (docs/reliability.md): row and column scaling cut dual simplex
iterations by 21-26 % and its time by 28-44 % at 672 and 2016 hours, while interior point
(which equilibrates the matrix itself) took 5 % fewer to 7 % more iterations depending on the
horizon, with no time difference beyond the machine's noise; so interior point gets the LP as
built."""

ALLOWED_OPTIONS = frozenset(
    {
        # which algorithm, and its parallelism
        "solver", "run_crossover", "presolve", "parallel", "threads", "random_seed", "ranging",
        "simplex_strategy", "simplex_scale_strategy", "simplex_crash_strategy",
        "simplex_dual_edge_weight_strategy", "simplex_primal_edge_weight_strategy",
        "simplex_price_strategy", "simplex_permute_strategy", "simplex_dualize_strategy",
        "simplex_update_limit", "simplex_max_concurrency", "simplex_min_concurrency",
        "ipx_dualize_strategy", "pdlp_scaling_mode", "pdlp_cupdlpc_restart_method",
        # limits and tolerances
        "time_limit", "simplex_iteration_limit", "ipm_iteration_limit", "pdlp_iteration_limit",
        "primal_feasibility_tolerance", "dual_feasibility_tolerance", "primal_residual_tolerance",
        "dual_residual_tolerance", "optimality_tolerance", "ipm_optimality_tolerance",
        "pdlp_optimality_tolerance", "kkt_tolerance", "objective_bound", "objective_target",
        "allow_unbounded_or_infeasible",
        # numbers HiGHS treats as infinite or zero, and its own scaling
        "infinite_cost", "infinite_bound", "small_matrix_value", "large_matrix_value",
        "allowed_matrix_scale_factor", "user_bound_scale", "user_objective_scale",
        # console output only
        "output_flag", "log_to_console", "timeless_log", "highs_debug_level",
        "highs_analysis_level",
    }
)  # fmt: skip
"""HiGHS options a user may set (``--solver-option``, a sweep's ``solver_options``, the
``solver_options`` of :func:`planner.solve`): every option that chooses, limits or prints the
solve. Options that read or write files (``solution_file``, ``write_model_file``,
``log_file``, ``read_basis_file``, their ``write_*_to_file`` switches...) are refused: a sweep
file shared by a colleague must not be able to overwrite a file."""

FAILED_FOR_DIAGNOSIS = ("infeasible", "infeasible_or_unbounded")
"""Statuses that :mod:`planner.diagnose` explains by re-solving relaxed problems."""


@dataclass(frozen=True)
class SolveSettings:
    """Settings of one solve and of every run derived from it.

    ``solver_options`` are merged over :data:`DEFAULT_SOLVER_OPTIONS` (:attr:`options`);
    ``scale``: None scales for the HiGHS solvers of :data:`SCALED_SOLVERS` only;
    ``formulation``: ``lean`` or ``naive`` (:func:`planner.model.build.build_model`);
    ``explain`` and ``iis``: see :func:`planner.diagnose.diagnose`; ``reuse``: see
    :mod:`planner.solver.warm`.
    """

    solver_options: Mapping[str, Any] = field(default_factory=dict)
    time_limit_s: float | None = None
    tee: bool = False
    formulation: str = "lean"
    scale: bool | None = None
    explain: bool = True
    iis: bool | None = None
    reuse: bool = False
    """Warm-start simplex from the last LP of the same structure solved in this process
    (:mod:`planner.solver.warm`; sweeps)."""

    @property
    def options(self) -> dict[str, Any]:
        """The HiGHS options of every run: the defaults, then ``solver_options``."""
        return {**DEFAULT_SOLVER_OPTIONS, **dict(self.solver_options)}

    @property
    def scaled(self) -> bool:
        """Whether the LP is scaled before HiGHS sees it."""
        if self.scale is not None:
            return self.scale
        return scales_by_default(self.options)


def scales_by_default(options: Mapping[str, Any]) -> bool:
    """Whether the LP is scaled for these HiGHS options when the caller does not say."""
    return str(options.get("solver", "choose")) in SCALED_SOLVERS


DUALIZE_ROWS_PER_COLUMN = 1.1
"""Interior point solves the dual LP when the LP has at least this many rows per column and the
caller has not set ``ipx_dualize_strategy`` (:func:`shaped_options`).

Measured (docs/performance.md, "Interior point on the dual"): the study's representative-day
LPs (1.24-1.55 rows per column) took 15-40 % less HiGHS time dualized, at the same optimum to
1.2e-8 relative; the full-year default instance (0.85 rows per column) took 10-16 % more;
nothing between was measured. IPX's own test (its default, strategy 2) dualizes neither."""


def shaped_options(options: Mapping[str, Any], rows: int, columns: int) -> dict[str, Any]:
    """``options`` with ``ipx_dualize_strategy`` = 1 (dualize) for an interior-point solve of
    an LP of at least :data:`DUALIZE_ROWS_PER_COLUMN` rows per column, unless the caller chose
    a strategy (HiGHS's values: -1 never, 0 choose, 1 always, 2 IPX's own test, its
    default, 3 Filippo's test; -1 is the way to opt out)."""
    out = dict(options)
    ipm = str(out.get("solver")) in ("ipm", "ipx")
    tall = columns > 0 and rows / columns >= DUALIZE_ROWS_PER_COLUMN
    if ipm and "ipx_dualize_strategy" not in out and tall:
        out["ipx_dualize_strategy"] = 1
    return out


def crossover_off(options: Mapping[str, Any]) -> bool:
    """Interior point without crossover: the run that may be retried with crossover."""
    return options.get("solver") == "ipm" and options.get("run_crossover") == "off"
