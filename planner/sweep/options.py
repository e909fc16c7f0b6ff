"""The HiGHS options and time limit of a sweep's points: planner's defaults, the sweep's own,
and the thread count that keeps threads x workers within the cores."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from planner.errors import SolverOptionError
from planner.solver.highs import check_solver_options
from planner.solver.settings import DEFAULT_SOLVER_OPTIONS
from planner.sweep.spec import Sweep, SweepError

log = logging.getLogger(__name__)


def threads_per_point(
    requested: Mapping[str, Any], workers: int, cores: int, scheduler: Any
) -> int | None:
    """HiGHS threads per point: cores // workers in a local pool (clamped if asked for
    more), 1 on Dask unless the options say otherwise; with one local worker, HiGHS's own
    default (at most the cores) unless the options say otherwise.

    A process must keep one value: HiGHS sizes its thread pool once per process and fails
    a later solve that asks for another size. Pool workers and Dask tasks of one sweep all
    get the same value; the in-process worker leaves it alone, as ``planner.solve`` does.
    """
    asked = requested.get("threads")
    if scheduler is not None:
        return int(asked) if asked is not None else 1
    if workers == 1:
        return None if asked is None else int(asked)
    fair = max(1, cores // workers)
    if asked is not None and int(asked) > fair:
        log.warning(
            "solver option threads=%s with %d workers exceeds %d cores: using threads=%d",
            asked,
            workers,
            cores,
            fair,
        )
    return fair if asked is None else min(int(asked), fair)


def point_options(sweep: Sweep, workers: int, cores: int, scheduler: Any) -> dict[str, Any]:
    """The HiGHS options of every point of ``sweep``: planner's defaults, the sweep's,
    and ``threads`` (a ``time_limit`` option goes to :func:`time_limit`)."""
    options = {**DEFAULT_SOLVER_OPTIONS, **sweep.solver_options}
    threads = threads_per_point(options, workers, cores, scheduler)
    options.pop("threads", None)
    if threads is not None:
        options["threads"] = threads
    try:
        check_solver_options(options, sweep.time_limit_s)
    except SolverOptionError as exc:
        raise SweepError([f"{sweep.source}: solver_options: {exc}"]) from None
    options.pop("time_limit", None)
    return options


def time_limit(sweep: Sweep) -> float | None:
    """Seconds HiGHS may spend on each point: the smaller of ``time_limit_s`` and a
    ``time_limit`` solver option, None for no limit."""
    given = (sweep.time_limit_s, sweep.solver_options.get("time_limit"))
    limits = [float(v) for v in given if v is not None]
    return min(limits) if limits else None
