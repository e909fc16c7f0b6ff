"""Re-use one HiGHS model across solves of LPs of the same structure (sweep points that change
costs, bounds or right-hand sides): change the arrays in place and warm-start simplex from the
previous optimal basis (docs/performance.md, "Sweeps re-use one model").

:func:`solve_warm` keeps, per process, the last LP solved of each of a few structures and its
``highspy.Highs``. The next LP with the same shape and sparsity pattern is applied as
differences (costs, column and row bounds, matrix values, the objective offset) and solved by
simplex from the basis in place.
A warm solve may take :data:`WARM_FACTOR` times the cold solve that made its structure's model
(at least :data:`WARM_FLOOR_S`, at most the caller's limit): simplex from a kept basis is
usually several times faster, but it can stall (seen: 400 s to prove infeasible a two-stage
plan with its capacities fixed, which interior point does in 1 s). A warm solve that hits
that cap is abandoned and the LP solved cold.
Every ``check_every``-th warm solve, and every one that does not end optimal, is solved again
cold (a new HiGHS model, the caller's options) and the two objectives compared; a
disagreement beyond ``CHECK_REL`` raises (HiGHS has open warm-start issues, #3194 and #3294), a
warm failure takes the cold answer. Simplex ends on a vertex: where several optima cost the
same, the capacities may differ from an interior-point solve's, the cost never.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from planner.solver.highs import (
    LpRun,
    _solution,
    _status,
    iteration_stats,
    limit_of,
    run_interruptible,
    set_time_limit,
    solve_lp,
)
from planner.solver.numerics import LinearProgram, Scaling, check_solution

CHECK_EVERY = 10
"""A warm solve in this many is checked against a cold one. Ten since 2026-12-03: at five, the
study's two runs of 2026-12-02 and 2026-12-03 checked 128 warm solves, and the largest relative
difference was 8.5e-9 (docs/performance.md)."""
CHECK_REL = 1e-6
"""Largest relative difference of the objectives of a warm and a cold solve."""
CROSSOVER_ROWS = 30_000
"""From this many rows the cold solve of a kept structure is interior point with crossover,
below it simplex. Measured on the study's LPs (docs/performance.md, "Cold solves of kept
models"), HiGHS seconds of simplex against interior point with crossover: 5.5 against 8.4 at
14,724 rows, 7.7 against 9.2 at 27,597, 26.7 against 20.9 at 37,941, 55.6 against 33.4 at
44,196 (two-stage plans)."""
WARM_FACTOR = 3.0
"""A warm solve may take this many times the cold solve of its structure..."""
WARM_FLOOR_S = 5.0
"""...and at least this many seconds, before it is abandoned for a cold solve."""


class WarmStartMismatch(RuntimeError):
    """A warm-started solve disagreed with the cold solve of the same LP."""


@dataclass
class _Entry:
    key: str
    lp: LinearProgram
    highs: highspy.Highs
    cold_s: float
    """HiGHS seconds of the cold solve that made this model (the warm solves' cap)."""
    warm_solves: int = 0


KEEP = 12
"""Structures kept per process: a sweep point and its grid-only baseline are two; a two-stage
plan and its hedging solves four; the study's sites, solved at the same time on the same
workers, each have their own."""

_KEPT: dict[str, _Entry] = {}


def structure_key(lp: LinearProgram) -> str:
    """Shape and sparsity pattern of ``lp``: equal keys can be changed into one another."""
    digest = hashlib.sha256()
    digest.update(np.asarray(lp.shape, dtype=np.int64).tobytes())
    digest.update(np.asarray(lp.matrix.indptr, dtype=np.int64).tobytes())
    digest.update(np.asarray(lp.matrix.indices, dtype=np.int64).tobytes())
    return digest.hexdigest()


def forget() -> None:
    """Drop the kept models (tests; a worker's memory)."""
    _KEPT.clear()


def solve_warm(
    lp: LinearProgram,
    options: Mapping[str, Any],
    time_limit_s: float | None = None,
    check_every: int = CHECK_EVERY,
) -> LpRun:
    """Solve ``lp`` warm from the last LP of the same structure, else cold (and keep it).

    The returned run's ``stats`` say how: ``warm_start`` 1 or 0, and ``warm_check_rel`` the
    relative objective difference when the solve was checked against a cold one (NaN if not).
    """
    key = structure_key(lp)
    entry = _KEPT.pop(key, None)
    if entry is None:
        run = solve_lp(lp, cold_options(options, lp.shape[0]), time_limit_s, scale=False)
        if run.status == "optimal":
            run.highs.setOptionValue("solver", "simplex")  # the warm solves: from its basis
            _keep(_Entry(key, lp, run.highs, run.highs_s))
        run.stats |= {"warm_start": 0.0, "warm_check_rel": float("nan"), "warm_abandoned_s": 0.0}
        return run
    started = time.perf_counter()
    _apply_differences(entry.highs, entry.lp, lp)
    time_limit_s = limit_of(options, time_limit_s)
    cap_s = warm_cap_s(entry.cold_s)
    capped = time_limit_s is None or cap_s < time_limit_s
    set_time_limit(entry.highs, cap_s if capped else time_limit_s)
    handoff_s = time.perf_counter() - started
    started = time.perf_counter()
    run_interruptible(entry.highs)
    highs_s = time.perf_counter() - started
    status = _status(entry.highs)
    abandoned = capped and status == "time_limit"
    entry.warm_solves += 1
    run = _run_of(entry.highs, lp, status, handoff_s, highs_s)
    checked = status != "optimal" or entry.warm_solves % check_every == 0
    rel = float("nan")
    if checked:
        cold = solve_lp(lp, options, time_limit_s)
        if status != "optimal":
            cold.highs_s += highs_s  # the warm attempt's seconds count too
            cold.stats |= {
                "warm_start": 0.0,
                "warm_check_rel": float("nan"),
                "warm_abandoned_s": highs_s if abandoned else 0.0,
            }
            return cold
        if cold.status == "optimal":
            rel = abs(run.objective - cold.objective) / max(1.0, abs(cold.objective))
            if rel > CHECK_REL:
                raise WarmStartMismatch(
                    f"a warm-started simplex solve gave {run.objective:.9g}, a cold solve "
                    f"{cold.objective:.9g} (relative {rel:.2e}): solve without reuse"
                )
    entry.lp = lp
    _keep(entry)
    run.stats |= {"warm_start": 1.0, "warm_check_rel": rel, "warm_abandoned_s": 0.0}
    return run


def cold_options(options: Mapping[str, Any], rows: int) -> dict[str, Any]:
    """Options of the cold solve that makes a structure's kept model: simplex, or for an LP of
    at least :data:`CROSSOVER_ROWS` rows interior point with crossover (both leave the basis
    the warm solves start from)."""
    out = {**dict(options), "solver": "simplex"}
    out.pop("run_crossover", None)
    if rows >= CROSSOVER_ROWS:
        out |= {"solver": "ipm", "run_crossover": "on"}
    return out


def warm_cap_s(cold_s: float) -> float:
    """Seconds a warm solve may take when the cold solve of its structure took ``cold_s``."""
    return max(WARM_FLOOR_S, WARM_FACTOR * cold_s)


def _keep(entry: _Entry) -> None:
    """Keep ``entry`` as the most recent; drop the oldest beyond :data:`KEEP`."""
    _KEPT[entry.key] = entry
    while len(_KEPT) > KEEP:
        _KEPT.pop(next(iter(_KEPT)))


def _apply_differences(highs: highspy.Highs, old: LinearProgram, new: LinearProgram) -> None:
    """Change the model in ``highs`` (built from ``old``) into ``new`` (same structure)."""
    cost = np.flatnonzero(old.cost != new.cost)
    if cost.size:
        highs.changeColsCost(cost.size, cost.astype(np.int32), new.cost[cost])
    cols = np.flatnonzero((old.col_lower != new.col_lower) | (old.col_upper != new.col_upper))
    if cols.size:
        highs.changeColsBounds(
            cols.size, cols.astype(np.int32), new.col_lower[cols], new.col_upper[cols]
        )
    rows = np.flatnonzero((old.row_lower != new.row_lower) | (old.row_upper != new.row_upper))
    if rows.size:
        highs.changeRowsBounds(  # type: ignore[attr-defined]
            rows.size, rows.astype(np.int32), new.row_lower[rows], new.row_upper[rows]
        )
    changed = np.flatnonzero(old.matrix.data != new.matrix.data)
    if changed.size:
        col_of = np.repeat(np.arange(new.shape[1]), np.diff(new.matrix.indptr))
        for k in changed.tolist():
            highs.changeCoeff(int(new.matrix.indices[k]), int(col_of[k]), float(new.matrix.data[k]))
    if old.offset != new.offset:
        highs.changeObjectiveOffset(new.offset)


def _run_of(
    highs: highspy.Highs, lp: LinearProgram, status: str, handoff_s: float, highs_s: float
) -> LpRun:
    scaling = Scaling.identity(lp)
    x = row_dual = col_dual = None
    check = None
    if status == "optimal":
        x, row_dual, col_dual = _solution(highs, scaling)
        check = check_solution(lp, x)
        if not check.ok:
            status = "numerical_error"
    info = highs.getInfo()
    return LpRun(
        highs=highs,
        lp=lp,
        scaled_lp=lp,
        scaling=scaling,
        status=status,
        x=x,
        row_dual=row_dual,
        col_dual=col_dual,
        check=check,
        handoff_s=handoff_s,
        highs_s=highs_s,
        stats=iteration_stats(info, retried=False),
    )
