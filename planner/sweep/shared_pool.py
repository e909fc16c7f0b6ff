"""One local process pool shared by many sweeps at once: the study's sites, pathway and
accuracy check run in threads of the coordinating process and all submit to the same worker
processes (:func:`shared_pool`), started once, so that no sweep pays a pool's start-up and
no part's last solve leaves a worker idle while the next waits.

Pass a :class:`SharedPool` where a sweep takes ``scheduler``: each sweep gets a
:class:`PoolView` (:func:`planner.sweep.backends.make_backend`), which cancels only its own
points when it aborts. A worker that dies breaks the pool for every view: the view that sees
it first replaces the pool (:meth:`SharedPool.replace`), and each view solves the points it
lost again, one at a time, as with a pool of its own (:mod:`planner.sweep.schedule`). Once the
pool is closed, nothing more is accepted.

Against a Dask ``LocalCluster`` on 2 vCPUs, whose scheduler and client share the cores with the
workers, a pool of processes gave 1.72-1.79x the throughput of one worker where Dask gave
1.37-1.46x (docs/performance.md, "Worker scaling").
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from planner.sweep.backends import new_process_pool, pool_death_note, terminate_pool
from planner.sweep.spec import SweepError


class SharedPool:
    """``processes`` spawned worker processes for every sweep of a run (see the module doc).

    A point solved again after a death is solved *alone* in the whole pool (``alone=True``:
    new submissions wait while the running ones finish, then while it runs), so that a death
    while it runs is its own, whichever sweep the other points belong to."""

    def __init__(self, processes: int) -> None:
        if processes < 1:
            raise ValueError(f"processes: must be >= 1, got {processes}")
        self.processes = processes
        self._cond = threading.Condition()
        self._pool: cf.ProcessPoolExecutor | None = None
        self._closed = False
        self._in_flight = 0
        self._alone_wanted = 0
        self._alone_running = False

    @property
    def scheduler_address(self) -> str:
        """How the runs table records where the points ran."""
        return f"shared local process pool of {self.processes} workers"

    def submit(
        self, fn: Callable[..., Any], *args: Any, alone: bool = False
    ) -> tuple[Any, cf.ProcessPoolExecutor]:
        """Submit ``fn(*args)`` (``alone``: once nothing else runs, and nothing beside it);
        return the future and the pool that holds it."""
        with self._cond:
            if alone:
                self._alone_wanted += 1
                try:
                    self._cond.wait_for(
                        lambda: self._closed or not (self._in_flight or self._alone_running)
                    )
                finally:
                    self._alone_wanted -= 1
            else:
                self._cond.wait_for(
                    lambda: self._closed or not (self._alone_wanted or self._alone_running)
                )
            if self._closed:
                raise SweepError(["the shared worker pool is closed: the run was stopped"])
            try:
                pool = self._live()
                future = pool.submit(fn, *args)
            except (cf.process.BrokenProcessPool, RuntimeError):  # broken before anyone saw
                broken, self._pool = self._pool, None
                terminate_pool(broken)
                pool = self._live()
                future = pool.submit(fn, *args)
            self._in_flight += 1
            self._alone_running = self._alone_running or alone
        future.add_done_callback(lambda _: self._finished(alone))
        return future, pool

    def _live(self) -> cf.ProcessPoolExecutor:
        """The current pool, started if there is none (call with the lock held)."""
        if self._pool is None:
            self._pool = new_process_pool(self.processes)
        return self._pool

    def _finished(self, alone: bool) -> None:
        with self._cond:
            self._in_flight -= 1
            if alone:
                self._alone_running = False
            self._cond.notify_all()

    def replace(self, broken: cf.ProcessPoolExecutor) -> None:
        """Drop ``broken`` (a pool a worker died in) if it is still the current one: the next
        submission starts a new pool."""
        with self._cond:
            if self._pool is not broken:
                return
            self._pool = None
        terminate_pool(broken)

    def view(self) -> PoolView:
        """A backend for one sweep (:class:`planner.sweep.backends.Backend`)."""
        return PoolView(self)

    def close(self, abort: bool = False) -> None:
        """Accept nothing more; wait for the running calls, or (``abort``) stop them."""
        with self._cond:
            self._closed = True
            pool, self._pool = self._pool, None
            self._cond.notify_all()
        if pool is None:
            return
        if abort:
            terminate_pool(pool)
        else:
            pool.shutdown(wait=True)


class PoolView:
    """One sweep's share of a :class:`SharedPool`.

    After a death the sweep's scheduler (:func:`planner.sweep.schedule.solve_points`) solves
    each point it lost again, one at a time, before any other: the view submits that many
    points alone in the pool."""

    def __init__(self, shared: SharedPool) -> None:
        self.shared = shared
        self.processes = shared.processes
        self.window = 2 * shared.processes
        self._mine: dict[Any, tuple[cf.ProcessPoolExecutor, bool]] = {}
        self._broken: cf.ProcessPoolExecutor | None = None
        self._lost = 0
        """Points lost to a death and not yet submitted again."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        alone = self._lost > 0
        future, pool = self.shared.submit(fn, *args, alone=alone)
        self._lost -= alone
        self._mine[future] = (pool, alone)
        return future

    def wait(self, futures: list[Any], timeout: float) -> set[Any]:
        done = set(cf.wait(futures, timeout, return_when=cf.FIRST_COMPLETED).done)
        for future in done:
            pool, alone = self._mine.pop(future, (None, False))
            if pool is not None and _broke(future):
                self._broken = pool
                self._lost += not alone  # a point that died alone is recorded, not re-run
        return done

    def death_note(self) -> str:
        return pool_death_note(self._broken)

    def abort(self) -> None:
        """Cancel this sweep's points in flight (the others' go on); replace a broken pool.
        Every one that did not finish is lost: the scheduler solves it again."""
        for future, (pool, alone) in list(self._mine.items()):
            future.cancel()
            if future.done() and not future.cancelled() and not _broke(future):
                continue  # finished: the scheduler has its record
            if future.done() and _broke(future):
                self._broken = pool
            self._lost += not alone
        self._mine.clear()
        if self._broken is not None:
            self.shared.replace(self._broken)
            self._broken = None

    def close(self) -> None:
        self._mine.clear()
        self._lost = 0


def _broke(future: Any) -> bool:
    """Whether ``future`` failed because its pool broke (a worker died)."""
    if future.cancelled():
        return False
    return isinstance(future.exception(), cf.process.BrokenProcessPool)


@contextlib.contextmanager
def shared_pool(workers: int) -> Iterator[tuple[SharedPool | None, str]]:
    """A :class:`SharedPool` of ``workers`` processes (None: one worker, in this process), with
    a sentence saying which; closed on exit (its workers stopped if an error or Ctrl-C ends
    the block)."""
    if workers <= 1:
        yield None, "in process, one solve at a time"
        return
    pool = SharedPool(workers)
    failed = True
    try:
        yield pool, f"one local pool of {workers} worker processes, one HiGHS thread each"
        failed = False
    finally:
        pool.close(abort=failed)


__all__ = ["PoolView", "SharedPool", "shared_pool"]
