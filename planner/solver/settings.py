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

FAILED_FOR_DIAGNOSIS = ("infeasible", "infeasible_or_unbounded")
"""Statuses that :mod:`planner.diagnose` explains by re-solving relaxed problems."""


@dataclass(frozen=True)
class SolveSettings:
    """Settings of one solve and of every run derived from it.

    ``solver_options`` are merged over :data:`DEFAULT_SOLVER_OPTIONS` (:attr:`options`);
    ``scale``: None scales for the HiGHS solvers of :data:`SCALED_SOLVERS` only;
    ``formulation``: ``lean`` or ``naive`` (:func:`planner.model.build.build_model`);
    ``explain`` and ``iis``: see :func:`planner.diagnose.diagnose`.
    """

    solver_options: Mapping[str, Any] = field(default_factory=dict)
    time_limit_s: float | None = None
    tee: bool = False
    formulation: str = "lean"
    scale: bool | None = None
    explain: bool = True
    iis: bool | None = None

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


def crossover_off(options: Mapping[str, Any]) -> bool:
    """Interior point without crossover: the run that may be retried with crossover."""
    return options.get("solver") == "ipm" and options.get("run_crossover") == "off"
