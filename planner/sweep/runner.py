"""Run a sweep: resolve each point, skip the stored ones, solve the rest in parallel, store each.

Points run on a backend (:mod:`planner.sweep.backends`): a local ``spawn`` process pool,
this process (``workers=1``) or a Dask cluster (``scheduler``); ``workers`` defaults to the
cores available, and HiGHS gets ``threads = cores // workers`` so that threads x workers <=
cores (on Dask one thread per task unless ``solver_options`` say otherwise, so start workers
with ``--nthreads 1`` and as many processes as cores). :mod:`planner.sweep.schedule` keeps the
points in flight, :mod:`planner.sweep.worker` solves each, :mod:`planner.sweep.table` makes the
tidy table.

The coordinating process alone writes the store: each point is written in its own transaction
the moment it comes back. A point whose solve fails, is infeasible or hits the time limit is
recorded with its status and error, and the sweep goes on; a combination of values that makes
an invalid instance is recorded as ``invalid`` without being sent to a worker. A point stored
with status ``time_limit`` is solved again by a run with a larger time limit (or none).

Faults (docs/sweeps.md, "Faults and determinism"):

- a worker process dies (a crash, the out-of-memory killer): every point that was in flight in
  the broken pool is solved again alone in a new pool; a point whose worker dies while it is
  solved alone is recorded as ``error`` with the exit code or signal, and the others go on;
- Ctrl-C: the workers are stopped and :class:`SweepInterrupted` is raised; every point stored
  until then stays, and the next run resumes from there (a point whose solve HiGHS reports as
  ``interrupted`` is not recorded: it is solved again next time);
- the store cannot be written (disk full, I/O error): the sweep stops and
  :class:`~planner.sweep.store.StoreError` says which point could not be stored and how many
  are; the failed write is rolled back, and the next run resumes;
- the output folder holds a file that is not this sweep's store: :class:`StoreError` before
  anything is solved or written.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from planner.hashing import to_json
from planner.sweep.backends import Backend, available_cores, make_backend
from planner.sweep.export import export
from planner.sweep.keys import now
from planner.sweep.options import point_options, time_limit
from planner.sweep.prepare import prepare_points
from planner.sweep.progress import Progress, RunStats, describe_stats
from planner.sweep.schedule import Prepared, solve_points
from planner.sweep.spec import Sweep, SweepError, load_sweep
from planner.sweep.store import Store, StoreError, describe_error
from planner.sweep.table import tidy_table, timing_columns
from planner.sweep.worker import Task, solve_task
from planner.version import __version__, git_describe

log = logging.getLogger(__name__)

DEFAULT_OUT = Path("out") / "sweeps"
"""Default parent of a sweep's output folder: ``out/sweeps/<sweep name>/``."""

FAILED = (
    "infeasible",
    "unbounded",
    "infeasible_or_unbounded",
    "time_limit",
    "iteration_limit",
    "interrupted",
    "error",
    "invalid",
)
"""Statuses other than ``optimal``; all are recorded, none stops a sweep."""


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: the store holds every point finished so far."""

    def __init__(self, folder: Path, stored: int, total: int) -> None:
        super().__init__(f"interrupted: {stored} of {total} points stored in {folder}")
        self.folder = folder
        self.stored = stored
        self.total = total


class Runner:
    """Runs sweeps into one output folder, keeping the worker pool between runs.

    >>> with Runner("out/sweeps/x", workers=2) as runner:   # doctest: +SKIP
    ...     table = runner.run(load_sweep("instances/sweeps/cfe_target.yaml"))
    """

    def __init__(
        self,
        out: str | Path,
        workers: int | None = None,
        scheduler: Any = None,
        progress: bool | None = None,
        retry_failed: bool = False,
    ) -> None:
        if workers is not None and workers < 1:
            raise SweepError([f"workers: must be >= 1, got {workers}"])
        self.out = Path(out)
        self.cores = available_cores()
        self.workers = workers or self.cores
        self.scheduler = scheduler
        self.progress = progress
        self.retry_failed = retry_failed
        self.store = Store(self.out)
        self._backend: Backend | None = None
        self._version = __version__
        self._git = git_describe()

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        self.close(abort=kind is not None)

    def close(self, abort: bool = False) -> None:
        if self._backend is not None:
            if abort:
                self._backend.abort()
            self._backend.close()
            self._backend = None
        self.store.close()

    # settings
    def options(self, sweep: Sweep) -> dict[str, Any]:
        """The HiGHS options of every point of ``sweep`` (:func:`point_options`)."""
        return point_options(sweep, self.workers, self.cores, self.scheduler)

    @staticmethod
    def time_limit(sweep: Sweep) -> float | None:
        """Seconds HiGHS may spend on each point (:func:`time_limit`)."""
        return time_limit(sweep)

    def _prepare(self, sweep: Sweep, options: dict[str, Any]) -> Iterator[Prepared]:
        return prepare_points(sweep, options, self._version, self.time_limit(sweep))

    def _manifest(self, sweep: Sweep, prep: Prepared, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "instance_hash": prep.instance_hash,
            "package_version": self._version + (f" ({self._git})" if self._git else ""),
            "solver_options": to_json(options),
            "time_limit_s": self.time_limit(sweep),
            "baseline": int(sweep.baseline),
            "base": prep.base_source,
            "overrides": to_json(prep.point.overrides),
        }

    # running
    def run(
        self, sweep: Sweep, export_tables: bool = True, label: str | None = None
    ) -> pd.DataFrame:
        """Solve every point of ``sweep`` not yet stored; return the tidy table of all points.

        Raises :class:`SweepInterrupted` on Ctrl-C and
        :class:`~planner.sweep.store.StoreError` if the store cannot be used or written; in
        both cases every point stored so far stays, and a re-run resumes.
        """
        started = time.monotonic()
        options = self.options(sweep)
        limit = self.time_limit(sweep)
        prepared = list(self._prepare(sweep, options))
        statuses = self.store.statuses()
        limits = self.store.time_limits()
        unique: dict[str, Prepared] = {}
        for prep in prepared:
            unique.setdefault(prep.key, prep)
        self.store.records(k for k in unique if k in statuses)  # a damaged one: refused now

        def wanted(key: str) -> bool:
            status = statuses.get(key)
            if status is None or (self.retry_failed and status != "optimal"):
                return True
            # a point stopped by the time limit is solved again when more time is allowed
            stored_limit = limits.get(key)
            if status != "time_limit" or stored_limit is None:
                return False
            return limit is None or limit > stored_limit

        todo = [p for p in unique.values() if wanted(p.key)]
        stats = RunStats(points=len(prepared), unique=len(unique), skipped=len(unique) - len(todo))
        solving = {p.key for p in todo}
        stats.stored_failed = sum(
            1 for k in unique if k not in solving and statuses.get(k, "optimal") != "optimal"
        )
        scheduler = getattr(self.scheduler, "scheduler_address", self.scheduler)
        try:
            run = self.store.start_run(
                sweep=sweep.name,
                source=sweep.source,
                package_version=self._version,
                workers=None if self.scheduler is not None else self.workers,
                scheduler=None if self.scheduler is None else str(scheduler),
                points=len(prepared),
                skipped=stats.skipped,
            )
        except StoreError as exc:
            if not exc.resumable:
                raise
            raise StoreError(
                f"{exc}; nothing was solved: fix the cause (free disk space?) and run the same "
                "command again",
                exc.reason,
                resumable=True,
            ) from None
        progress = Progress(
            label or sweep.name, len(unique), stats.skipped, self.progress, stats.stored_failed
        )
        try:
            self._solve(sweep, todo, options, progress, stats)
        except BaseException as exc:
            progress.close()
            stats.elapsed_s = time.monotonic() - started
            if self._backend is not None:
                self._backend.abort()
                self._backend = None
            interrupted = isinstance(exc, KeyboardInterrupt)
            with contextlib.suppress(StoreError):  # the store may be what failed
                outcome = "interrupted" if interrupted else "failed"
                self.store.end_run(run, solved=stats.solved, failed=stats.failed, outcome=outcome)
            stored = self._stored(unique, stats.skipped + stats.solved)
            if interrupted:
                raise SweepInterrupted(self.out, stored, len(unique)) from None
            if isinstance(exc, StoreError) and exc.resumable:
                raise StoreError(
                    f"{exc}; {stored} of {len(unique)} points are stored and kept: fix the cause "
                    "(free disk space?) and run the same command again to resume",
                    exc.reason,
                    resumable=True,
                ) from None
            raise
        progress.close()
        stats.elapsed_s = time.monotonic() - started
        try:
            self.store.end_run(run, solved=stats.solved, failed=stats.failed, outcome="finished")
            table = self.table(sweep, prepared)
            counts = table["status"].value_counts()
            stats.by_status = {str(k): int(v) for k, v in counts.items()}
            stats.workers = self._backend.processes if self._backend is not None else 0
            table.attrs["out"] = str(self.out)
            table.attrs["stats"] = stats
            if export_tables:
                manifest = table[["point", "key"]].merge(
                    self.store.manifest(unique), on="key", how="left"
                )
                export(self.out, table, manifest)
        except StoreError as exc:
            if not exc.resumable:
                raise
            raise StoreError(
                f"{exc}; all {len(unique)} points are stored: fix the cause (free disk space?) and "
                "run "
                "the same command again to write the tables",
                exc.reason,
                resumable=True,
            ) from None
        return table

    def _stored(self, unique: Mapping[str, Prepared], counted: int) -> int:
        """How many points of ``unique`` the store holds (``counted`` if it cannot be read)."""
        try:
            return len(set(self.store.statuses()) & set(unique))
        except StoreError:
            return counted

    def _backend_for(self, count: int) -> Backend:
        if self._backend is None:
            self._backend = make_backend(self.workers, self.scheduler, count)
        return self._backend

    def _solve(
        self,
        sweep: Sweep,
        todo: list[Prepared],
        options: dict[str, Any],
        progress: Progress,
        stats: RunStats,
    ) -> None:
        def store(prep: Prepared, record: dict[str, Any], meta: Mapping[str, Any]) -> None:
            if record["status"] == "interrupted":
                # HiGHS caught a Ctrl-C meant for the sweep: the point is not finished.
                raise KeyboardInterrupt
            try:
                self.store.put(prep.key, record, {**self._manifest(sweep, prep, options), **meta})
            except (StoreError, OSError, sqlite3.Error) as exc:
                reason = exc.reason if isinstance(exc, StoreError) else describe_error(exc)
                what = f"point {prep.point.index} ({record['status']})"
                raise StoreError(
                    f"{self.store.path}: cannot store {what}: {reason}", reason, resumable=True
                ) from None
            ok = record["status"] == "optimal"
            stats.solved += 1
            stats.failed += 0 if ok else 1
            progress.advance(ok)

        # solve_task looked up here at each run, so that a test can replace it
        solve_points(todo, self._backend_for, solve_task, store)

    def table(self, sweep: Sweep, prepared: list[Prepared] | None = None) -> pd.DataFrame:
        """The tidy table of ``sweep`` from the store: one row per point, in point order."""
        if prepared is None:
            prepared = list(self._prepare(sweep, self.options(sweep)))
        records = self.store.records(p.key for p in prepared)
        return tidy_table(prepared, records, sweep.columns)


def run_sweep(
    spec: str | Path | Sweep | Mapping[str, Any],
    workers: int | None = None,
    out: str | Path | None = None,
    scheduler: Any = None,
    retry_failed: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Run a sweep and return its tidy table, one row per point.

    Parameters
    ----------
    spec:
        A sweep file, a :class:`Sweep`, or the content of a sweep file as a mapping (paths
        relative to the current folder).
    workers:
        Local worker processes (default: the cores available). Ignored with ``scheduler``.
    out:
        Output folder holding the store (default ``out/sweeps/<sweep name>``). Re-running into
        the same folder skips the points already stored.
    scheduler:
        A Dask scheduler address (``tcp://host:port``), ``distributed.Client`` or
        ``LocalCluster``: solve the points on that cluster.
    retry_failed:
        Solve again the stored points whose status is not ``optimal``.
    progress:
        True, False, or None (default): a bar on a terminal, plain lines otherwise.

    Returns
    -------
    pandas.DataFrame
        ``point``, ``base``, ``scenario`` (if any), one column per swept path, ``status``,
        ``error``, ``objective_usd``, every metric, ``<resource>_capacity_mw`` (and
        ``_energy_mwh``), ``shadow_*`` prices, timings (``*_s``) and ``key``. ``attrs["stats"]``
        holds a :class:`RunStats`.

    Examples
    --------
    >>> table = planner.run_sweep("instances/sweeps/cfe_target.yaml", workers=2)  # doctest: +SKIP
    >>> table[["policy.hourly_cfe_target", "cost_usd_per_mwh_load"]]              # doctest: +SKIP
    """
    if isinstance(spec, (str, Path)):
        sweep = load_sweep(spec)
    elif isinstance(spec, Sweep):
        sweep = spec
    else:
        sweep = Sweep.from_dict(spec)
    folder = Path(out) if out is not None else DEFAULT_OUT / sweep.name
    with Runner(folder, workers, scheduler, progress, retry_failed) as runner:
        return runner.run(sweep)


__all__ = [
    "DEFAULT_OUT",
    "RunStats",
    "Runner",
    "SweepInterrupted",
    "Task",
    "available_cores",
    "describe_stats",
    "now",
    "run_sweep",
    "solve_task",
    "timing_columns",
]
