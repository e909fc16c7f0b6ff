"""Scheduling a sweep's points on a backend: a window of points in flight, each record stored
as it comes back, and the points of a worker process that died solved again one by one."""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from planner.sweep.backends import Backend
from planner.sweep.keys import now
from planner.sweep.spec import Point
from planner.sweep.worker import Task

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """One point of a run: its key, the task a worker solves (or the record of an invalid
    point), and the hash of its resolved instance."""

    key: str
    point: Point
    base_source: str
    task: Task | None = None
    invalid: dict[str, Any] | None = None
    instance_hash: str | None = None


def solve_points(
    todo: list[Prepared],
    backend: Callable[[int], Backend],
    task_fn: Callable[[Task], tuple[dict[str, Any], dict[str, Any]]],
    store: Callable[[Prepared, dict[str, Any], Mapping[str, Any]], None],
) -> None:
    """Solve every point of ``todo`` (its ``task``, or record ``invalid`` at once) and hand each
    record to ``store`` the moment it comes back. ``backend(count)`` gives the backend for
    ``count`` points (created only if there is something to solve); ``task_fn`` is the worker's
    function (:func:`planner.sweep.worker.solve_task`).

    Points in flight when a worker process died are solved again one at a time, so that a death
    while one is alone is its own and the innocent ones are never blamed.
    """

    def outcome(future: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The record of a finished future; None if its worker process died."""
        try:
            result: tuple[dict[str, Any], dict[str, Any]] = future.result()
            return result
        except BrokenProcessPool:
            return None
        except Exception as exc:
            record = {
                "status": "error",
                "error": f"{type(exc).__name__}: {exc}",
                "objective_usd": None,
            }
            return record, {"finished_at": now()}

    queue: deque[Prepared] = deque()
    for prep in todo:
        if prep.invalid is not None:
            store(prep, prep.invalid, {"started_at": now(), "finished_at": now()})
        else:
            queue.append(prep)
    if not queue:
        return
    backend_ = backend(len(queue))
    pending: dict[Any, Prepared] = {}
    # Points in flight when a worker died: each is solved again alone, so that a death
    # while one is alone is its own, and the innocent ones are never blamed.
    suspects: deque[Prepared] = deque()
    alone: Prepared | None = None
    while queue or suspects or pending:
        if alone is None and suspects:
            if not pending:  # one at a time
                alone = suspects.popleft()
                assert alone.task is not None
                pending[backend_.submit(task_fn, alone.task)] = alone
        elif alone is None:
            while queue and len(pending) < backend_.window:
                prep = queue.popleft()
                assert prep.task is not None
                pending[backend_.submit(task_fn, prep.task)] = prep
        died: list[Prepared] = []
        for future in backend_.wait(list(pending), timeout=0.5):
            prep = pending.pop(future)
            result = outcome(future)
            if result is None:
                died.append(prep)
            else:
                store(prep, *result)
                if prep is alone:
                    alone = None
        if not died:
            continue
        # A broken pool fails every task it holds, some a moment after the first.
        for future in list(pending):
            with contextlib.suppress(Exception):
                future.exception(timeout=30)
            prep = pending.pop(future)
            result = outcome(future) if future.done() else None
            if result is None:
                died.append(prep)
            else:
                store(prep, *result)
        note = backend_.death_note()
        backend_.abort()
        if alone is not None and died == [alone]:
            record = {
                "status": "error",
                "error": f"the worker process solving this point alone died ({note})",
                "objective_usd": None,
            }
            store(alone, record, {"finished_at": now()})
        else:
            log.warning(
                "a worker process died (%s): solving its %d points again, one at a time",
                note,
                len(died),
            )
            suspects.extend(sorted(died, key=lambda p: p.point.index))
        alone = None
