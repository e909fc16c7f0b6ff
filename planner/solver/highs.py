"""One HiGHS run on a :class:`~planner.solver.numerics.LinearProgram`, with its retry policy.

:func:`solve_lp` scales the LP (if asked), hands it to HiGHS in one call, unscales and checks
the solution (:func:`~planner.solver.numerics.check_solution`). Interior point without
crossover that ends without an optimum, or with a solution failing the check, is retried with
crossover; a solution that still fails gets the status ``numerical_error`` (never reported as
optimal).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from planner.errors import SolverOptionError
from planner.inputs.messages import closest, shorten
from planner.solver.compile import highs_lp
from planner.solver.heartbeat import ticking
from planner.solver.numerics import (
    LinearProgram,
    Scaling,
    SolutionCheck,
    check_solution,
    compute_scaling,
)
from planner.solver.settings import (
    ALLOWED_OPTIONS,
    crossover_off,
    scales_by_default,
    shaped_options,
)

log = logging.getLogger(__name__)

_MS = highspy.HighsModelStatus
STATUS = {
    _MS.kOptimal: "optimal",
    _MS.kInfeasible: "infeasible",
    _MS.kUnboundedOrInfeasible: "infeasible_or_unbounded",
    _MS.kUnbounded: "unbounded",
    _MS.kTimeLimit: "time_limit",
    _MS.kIterationLimit: "iteration_limit",
    _MS.kInterrupt: "interrupted",
}
"""HiGHS model statuses by planner name; any other is ``error``."""

_banner_shown = False


def new_highs() -> highspy.Highs:
    """A new ``highspy.Highs`` with its output off.

    HiGHS prints a banner on the process's standard output when the first instance is created.
    That one construction runs with file descriptor 1 pointed at ``/dev/null`` (``os.dup2``, no
    thread: Pyomo's ``capture_output``, used before, reads the pipe from a thread that a Ctrl-C
    landing at that moment left printing a traceback).
    """
    global _banner_shown
    if not _banner_shown:
        _banner_shown = True
        try:
            sys.stdout.flush()
            saved = os.dup(1)
        except (OSError, ValueError):  # no standard output to silence
            saved = None
        if saved is not None:
            try:
                with open(os.devnull, "w") as null:
                    os.dup2(null.fileno(), 1)
                    try:
                        highs = highspy.Highs()
                    finally:
                        os.dup2(saved, 1)
            finally:
                os.close(saved)
            highs.setOptionValue("output_flag", False)
            return highs
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs


def check_solver_options(options: Mapping[str, Any], time_limit_s: float | None = None) -> None:
    """Raise :class:`SolverOptionError` naming every option that is not allowed
    (:data:`~planner.solver.settings.ALLOWED_OPTIONS`: none that reads or writes a file) or
    that HiGHS rejects.

    Pyomo ignores HiGHS's refusal of an option, so without this check a typo would silently
    solve with other settings.
    """
    highs = new_highs()
    problems = []
    for key, value in options.items():
        if key not in ALLOWED_OPTIONS:
            close = closest(str(key), sorted(ALLOWED_OPTIONS))
            hint = f"; did you mean {close!r}?" if close else ""
            files = " (options that read or write files are refused)" if "file" in str(key) else ""
            problems.append(f"solver option {key!r}: not allowed{files}{hint}")
        elif highs.setOptionValue(key, value) != highspy.HighsStatus.kOk:
            problems.append(
                f"solver option {key}={shorten(value)}: rejected by HiGHS (invalid value)"
            )
    if time_limit_s is not None and not time_limit_s >= 0:
        problems.append(f"time limit {time_limit_s!r} s: must be >= 0")
    if problems:
        raise SolverOptionError("; ".join(problems))


@dataclass
class LpRun:
    """One HiGHS run on a :class:`~planner.solver.numerics.LinearProgram`; the solution (when
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


def _scaling_of(
    lp: LinearProgram, options: Mapping[str, Any], scale: bool | Scaling | None
) -> Scaling:
    if isinstance(scale, Scaling):
        return scale
    if scales_by_default(options) if scale is None else scale:
        return compute_scaling(lp)
    return Scaling.identity(lp)


def _solution(highs: highspy.Highs, scaling: Scaling) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sol = highs.getSolution()
    return (
        scaling.primal(np.asarray(sol.col_value)),
        scaling.row_dual(np.asarray(sol.row_dual)),
        scaling.col_dual(np.asarray(sol.col_dual)),
    )


def _status(highs: highspy.Highs) -> str:
    return STATUS.get(highs.getModelStatus(), "error")


def run_interruptible(highs: highspy.Highs) -> None:
    """``highs.run()``, stopped at once by Ctrl-C, which is then raised as KeyboardInterrupt.

    HiGHS checks for a user interrupt in its iterations (``HandleUserInterrupt``); a SIGINT
    handler asks it to stop (``cancelSolve``) and remembers the signal. Without this, a Ctrl-C
    raised inside HiGHS's callback ends the solve as a solver *error*, which the retry with
    crossover took for a numerical failure (the solve restarted and could report an optimum).
    Outside the main thread (a Dask worker) signals cannot be caught: the run is plain.
    """
    if threading.current_thread() is not threading.main_thread():
        highs.run()
        return
    with ticking("HiGHS still solving"):
        _run_catching_sigint(highs)


def _run_catching_sigint(highs: highspy.Highs) -> None:
    interrupted = False

    def on_sigint(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted = True
        highs.cancelSolve()

    highs.HandleUserInterrupt = True
    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        highs.run()
    finally:
        signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise KeyboardInterrupt


def solve_lp(
    lp: LinearProgram,
    options: Mapping[str, Any],
    time_limit_s: float | None = None,
    tee: bool = False,
    scale: bool | Scaling | None = None,
) -> LpRun:
    """Scale ``lp`` (if ``scale``), solve it with HiGHS, unscale and check the solution.

    ``scale``: True for :func:`~planner.solver.numerics.compute_scaling`, False for none, the
    :class:`~planner.solver.numerics.Scaling` to use, or None for
    :func:`~planner.solver.settings.scales_by_default`. See the module doc for the retries.
    """
    started = time.perf_counter()
    scaling = _scaling_of(lp, options, scale)
    scaled = lp if scaling.is_identity else scaling.apply(lp)
    chosen = options.get("ipx_dualize_strategy")
    options = shaped_options(options, *lp.shape)
    by_shape = options.get("ipx_dualize_strategy") != chosen
    highs = new_highs()
    highs.setOptionValue("output_flag", tee)
    for key, value in options.items():
        highs.setOptionValue(key, value)
    highs.passModel(highs_lp(scaled))
    handoff_s = time.perf_counter() - started
    started = time.perf_counter()
    time_limit_s = limit_of(options, time_limit_s)
    set_time_limit(highs, time_limit_s)
    run_interruptible(highs)
    retried = False
    status = _status(highs)
    if status == "error" and crossover_off(options):
        # Interior point without crossover sometimes stops short of its tolerances on hard
        # instances (seen on a full-year 100 % CFE target); crossover then finishes the job.
        log.warning(
            "HiGHS interior point ended with %s; solving again with crossover",
            highs.modelStatusToString(highs.getModelStatus()),
        )
        highs.setOptionValue("run_crossover", "on")
        set_time_limit(highs, time_limit_s)
        run_interruptible(highs)
        retried = True
        status = _status(highs)
    x = row_dual = col_dual = None
    check = None
    if status == "optimal":
        x, row_dual, col_dual = _solution(highs, scaling)
        check = check_solution(lp, x)
        if not check.ok and not retried and crossover_off(options):
            log.warning(
                "HiGHS interior-point solution violates its bounds beyond tolerance "
                "(%.3g); solving again with crossover",
                max(check.max_row_violation, check.max_col_violation),
            )
            highs.setOptionValue("run_crossover", "on")
            set_time_limit(highs, time_limit_s)
            run_interruptible(highs)
            retried = True
            status = _status(highs)
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
        stats=iteration_stats(info, retried) | {"ipx_dualized_by_shape": float(by_shape)},
    )


def limit_of(options: Mapping[str, Any], time_limit_s: float | None) -> float | None:
    """Seconds a solve may take: ``time_limit_s``, else the ``time_limit`` solver option."""
    if time_limit_s is None and "time_limit" in options:
        return float(options["time_limit"])
    return time_limit_s


def set_time_limit(highs: highspy.Highs, seconds: float | None) -> None:
    """Let the next ``run()`` of ``highs`` take ``seconds`` (None: leave the option as set).

    HiGHS's ``time_limit`` is measured on the object's run clock, which adds up every
    ``run()`` of the object: a kept model re-solved, or a retry with crossover, given the
    option as such would stop at once once its earlier runs had used it up. The limit is set
    from the clock's reading instead."""
    if seconds is not None:
        highs.setOptionValue("time_limit", highs.getRunTime() + float(seconds))


def iteration_stats(info: Any, retried: bool) -> dict[str, float]:
    """The iteration counts of a HiGHS run (its ``getInfo()``) and whether crossover was retried."""
    return {
        "ipm_iteration_count": info.ipm_iteration_count,
        "simplex_iteration_count": info.simplex_iteration_count,
        "crossover_iteration_count": info.crossover_iteration_count,
        "crossover_retry": float(retried),
    }
