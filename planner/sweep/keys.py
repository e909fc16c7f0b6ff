"""Keys of stored points: what determines a point's optimum, hashed, so that equal points are
solved once and a re-run skips every point already stored."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from planner.hashing import content_hash

KEY_EXCLUDED_OPTIONS = frozenset({"threads"})
"""Solver options left out of the key: they change speed, not the answer (HiGHS's interior
point is serial; tests/test_determinism.py checks that the optimum is bitwise the same with 1
and 2 HiGHS threads), and depend on the number of workers, so a sweep resumed with another
``--workers`` still skips finished points. They are recorded in the manifest all the same
(:func:`key_options` keeps ``threads`` with ``parallel: on``). The time limit is not in the
key either: it decides whether a point finishes, not its optimum (a point stored with status
``time_limit`` is solved again when a later run allows more time)."""


def key_options(solver_options: Mapping[str, Any]) -> dict[str, Any]:
    """The solver options that enter the key: all but :data:`KEY_EXCLUDED_OPTIONS`, except
    that ``threads`` stays with ``parallel: on`` (HiGHS's parallel dual simplex, whose path
    may depend on the thread count).

    >>> key_options({"solver": "ipm", "threads": 2})
    {'solver': 'ipm'}
    >>> key_options({"solver": "simplex", "parallel": "on", "threads": 2})
    {'solver': 'simplex', 'parallel': 'on', 'threads': 2}
    """
    parallel = str(solver_options.get("parallel", "")).lower() == "on"
    kept = KEY_EXCLUDED_OPTIONS - {"threads"} if parallel else KEY_EXCLUDED_OPTIONS
    return {k: v for k, v in solver_options.items() if k not in kept}


def point_key(
    instance_hash: str,
    package_version: str,
    solver_options: Mapping[str, Any],
    baseline: bool,
    reuse_model: bool = False,
) -> str:
    """Key of a point: what determines its optimum (not the threads, not the time limit:
    :data:`KEY_EXCLUDED_OPTIONS`). Equal keys are solved once. A warm-started point
    (``reuse_model``) has a key of its own: its answer may differ within the tolerance."""
    fields = {
        "instance": instance_hash,
        "version": package_version,
        "solver_options": key_options(solver_options),
        "baseline": baseline,
    }
    if reuse_model:
        fields["reuse_model"] = True
    return content_hash(fields)


def now() -> str:
    """UTC timestamp, ISO 8601 to the millisecond."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds")
