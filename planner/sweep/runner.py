"""Run a sweep: resolve each point, skip the stored ones, solve the rest in parallel, store each.

Local runs use a :class:`concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start
method (no state inherited from the parent, safe with HiGHS's threads); ``workers`` defaults to
the cores available, and HiGHS gets ``threads = cores // workers`` so that threads x workers
<= cores. With ``workers=1`` the points are solved one by one in this process, which saves
the pool's start-up (a few seconds: each worker imports Pyomo). With ``scheduler`` (a ``tcp://host:port`` address, a ``distributed.Client`` or a
``LocalCluster``) the points go to an existing Dask cluster instead (optional extra
``planner[dask]``); HiGHS then runs one thread per task unless ``solver_options`` say
otherwise, so start workers with ``--nthreads 1`` and as many processes as cores.

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

import concurrent.futures as cf
import contextlib
import datetime as _dt
import logging
import math
import multiprocessing
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

import planner
from planner.errors import InstanceError, SolverOptionError
from planner.inputs.instance import Instance
from planner.solve import DEFAULT_SOLVER_OPTIONS, check_solver_options
from planner.sweep.progress import Progress
from planner.sweep.spec import Point, Sweep, SweepError, load_sweep
from planner.sweep.store import (
    Store,
    StoreError,
    content_hash,
    describe_error,
    export,
    now,
    point_key,
    to_json,
)

log = logging.getLogger(__name__)

DEFAULT_OUT = Path("out") / "sweeps"
"""Default parent of a sweep's output folder: ``out/sweeps/<sweep name>/``."""

FAILED = ("infeasible", "unbounded", "infeasible_or_unbounded", "time_limit", "iteration_limit",
          "interrupted", "error", "invalid")
"""Statuses other than ``optimal``; all are recorded, none stops a sweep."""


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: the store holds every point finished so far."""

    def __init__(self, folder: Path, stored: int, total: int) -> None:
        super().__init__(f"interrupted: {stored} of {total} points stored in {folder}")
        self.folder = folder
        self.stored = stored
        self.total = total


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the OS tells, else the CPU count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


# -- the worker side -------------------------------------------------------------------------
@dataclass(frozen=True)
class Task:
    """What a worker needs to solve one point: the fully resolved instance (hourly fields as
    arrays, so no file is read on the worker) and the solve settings."""

    key: str
    raw: dict[str, Any]
    source: str
    solver_options: dict[str, Any]
    time_limit_s: float | None
    baseline: bool


def flatten(res: planner.Result) -> dict[str, Any]:
    """One flat record of a result: status, objective, every metric, capacity per resource
    (``<name>_capacity_mw``, ``<name>_energy_mwh`` for storage), policy shadow prices
    (``shadow_<name>``), fusion reduced costs (``<offer>_reduced_cost_usd_per_mwh``) and timings
    (``*_s``)."""
    record: dict[str, Any] = {
        "status": res.status,
        "error": None if res.ok else _failure(res),
        "objective_usd": res.objective_usd,
    }
    if res.ok:
        record |= {str(k): float(v) for k, v in res.metrics.items()}
        for name, row in res.capacity.iterrows():
            record[f"{name}_capacity_mw"] = float(row["capacity_mw"])
            if row.get("kind") == "storage":
                record[f"{name}_energy_mwh"] = float(row["energy_mwh"])
        record |= {f"shadow_{k}": float(v) for k, v in res.prices.policy.items()}
        rc = res.prices.fusion_reduced_cost
        if "usd_per_mwh" in rc:
            record |= {f"{k}_reduced_cost_usd_per_mwh": float(v) for k, v in rc["usd_per_mwh"].items()}
    record |= {str(k): float(v) for k, v in res.timings.items()}
    return record


def _failure(res: planner.Result) -> str:
    """The error text of a failed result: its status, and its diagnosis when it has one."""
    text = f"solve ended with status {res.status}"
    diagnosis = getattr(res, "diagnosis", None)
    message = getattr(diagnosis, "message", diagnosis)
    if message and isinstance(message, str) and message.strip() not in text:
        text += f": {message.strip()}"
    return text


def solve_task(task: Task) -> tuple[dict[str, Any], dict[str, Any]]:
    """Solve one point (in a worker). Never raises: failures come back as records.

    Returns (record, manifest fields of the run: worker, started_at, finished_at).
    """
    started_at = now()
    started = time.perf_counter()
    try:
        inst = Instance.from_dict(task.raw, source=task.source)
        record = flatten(
            planner.solve(
                inst,
                solver_options=task.solver_options,
                time_limit_s=task.time_limit_s,
                baseline=task.baseline,
            )
        )
    except InstanceError as exc:
        record = {"status": "invalid", "error": str(exc), "objective_usd": None}
    except Exception as exc:  # noqa: BLE001 - any failure is recorded, the sweep goes on
        status = "interrupted" if _is_interrupt(exc) else "error"
        record = {"status": status, "error": f"{type(exc).__name__}: {exc}", "objective_usd": None}
    if record["status"] == "time_limit" and task.time_limit_s is not None:
        record["error"] = (
            f"HiGHS stopped at the time limit of {task.time_limit_s:g} s; a run with a larger "
            "time_limit_s solves this point again"
        )
    record["wall_s"] = time.perf_counter() - started
    meta = {
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "started_at": started_at,
        "finished_at": now(),
    }
    return record, meta


def _is_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is a Ctrl-C that a library wrapped into another exception (Pyomo turns
    a KeyboardInterrupt raised inside some of its contexts into a RuntimeError)."""
    seen: set[int] = set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        if isinstance(node, KeyboardInterrupt) or "KeyboardInterrupt" in str(node):
            return True
        seen.add(id(node))
        node = node.__cause__ or node.__context__
    return False


def _init_worker() -> None:
    """Local worker start-up: Ctrl-C is the coordinator's to handle; keep HiGHS warnings quiet
    (the status is recorded)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("planner").setLevel(logging.ERROR)


# -- backends --------------------------------------------------------------------------------
class _Inline:
    """One worker: solve in this process, one point at a time (no start-up cost)."""

    processes = 1
    window = 1

    def submit(self, task: Task) -> Any:
        """Solve ``task`` now. A Ctrl-C during the solve raises KeyboardInterrupt afterwards,
        whatever status the solver made of it (HiGHS catches the signal to stop cleanly)."""
        future: cf.Future[Any] = cf.Future()
        quiet = logging.getLogger("planner")
        level = quiet.level
        quiet.setLevel(logging.ERROR)  # the status is recorded; keep the progress bar clean
        interrupted = False

        def on_sigint(signum: int, frame: Any) -> None:
            nonlocal interrupted
            interrupted = True
            raise KeyboardInterrupt

        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, on_sigint) if main else None
        try:
            result = solve_task(task)
        finally:
            quiet.setLevel(level)
            if main:
                signal.signal(signal.SIGINT, previous)
        if interrupted:
            raise KeyboardInterrupt
        future.set_result(result)
        return future

    def wait(self, futures: list[Any], timeout: float) -> set[Any]:
        return set(futures)

    def death_note(self) -> str:
        return "cause unknown"

    def abort(self) -> None:
        pass

    def close(self) -> None:
        pass


class _Local:
    """A spawn-context process pool, created on first use."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.window = 2 * processes
        self._pool: cf.ProcessPoolExecutor | None = None

    def submit(self, task: Task) -> Any:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
            )
        return self._pool.submit(solve_task, task)

    def wait(self, futures: list[Any], timeout: float) -> set[Any]:
        return set(cf.wait(futures, timeout, return_when=cf.FIRST_COMPLETED).done)

    def death_note(self) -> str:
        """How a worker of the broken pool died: its exit code or signal."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        deadline = time.monotonic() + 5
        while True:
            # The pool reaps the dead one and terminates (SIGTERM) the others from its own
            # thread: wait until an exit code other than SIGTERM shows, or all are known.
            codes = [p.exitcode for p in processes]
            died = [c for c in codes if c not in (None, 0)]
            culprit = next((c for c in died if c != -signal.SIGTERM), None)
            if culprit is not None or None not in codes or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        return describe_exit(culprit if culprit is not None else (died[0] if died else None))

    def abort(self) -> None:
        """Stop at once: cancel queued tasks and terminate the workers."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # The executor has no public way to stop running tasks; its processes are terminated.
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            with contextlib.suppress(Exception):
                p.terminate()
        for p in processes:
            with contextlib.suppress(Exception):
                p.join(5)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


class _Dask:
    """Points as tasks of an existing Dask cluster."""

    def __init__(self, scheduler: Any) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the installed extras
            raise SweepError(
                ["--scheduler needs Dask: pip install 'planner[dask]'"]
            ) from None
        if isinstance(scheduler, Client):
            self.client, self._own = scheduler, False
        else:
            self.client, self._own = Client(scheduler), True
        threads = sum(self.client.nthreads().values()) or 1
        self.processes = threads
        self.window = 2 * threads
        self._pending: list[Any] = []

    def submit(self, task: Task) -> Any:
        future = self.client.submit(solve_task, task, pure=False)
        self._pending.append(future)
        return future

    def wait(self, futures: list[Any], timeout: float) -> set[Any]:
        from distributed import wait

        try:
            done = set(wait(futures, timeout=timeout, return_when="FIRST_COMPLETED").done)
        except TimeoutError:
            return set()
        self._pending = [f for f in self._pending if f not in done]
        return done

    def death_note(self) -> str:
        return "cause unknown"

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.client.cancel(self._pending)
        self._pending = []

    def close(self) -> None:
        if self._own:
            self.client.close()


def describe_exit(code: int | None) -> str:
    """A process exit code in words.

    >>> describe_exit(3)
    'exit code 3'
    >>> describe_exit(-9)
    'killed by signal SIGKILL (the out-of-memory killer?)'
    """
    if code is None:
        return "cause unknown"
    if code >= 0:
        return f"exit code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    note = " (the out-of-memory killer?)" if name == "SIGKILL" else ""
    return f"killed by signal {name}{note}"


# -- the coordinator -------------------------------------------------------------------------
@dataclass
class _Prepared:
    key: str
    point: Point
    base_source: str
    task: Task | None = None
    invalid: dict[str, Any] | None = None
    instance_hash: str | None = None


@dataclass
class RunStats:
    """What one run did: points, how many were already stored, solved now, failed, seconds."""

    points: int = 0
    unique: int = 0
    skipped: int = 0
    solved: int = 0
    failed: int = 0
    elapsed_s: float = 0.0
    workers: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def points_per_minute(self) -> float:
        return 60.0 * self.solved / self.elapsed_s if self.elapsed_s > 0 else float("nan")


def _git_describe() -> str | None:
    root = Path(planner.__file__).resolve().parents[1]
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (out.stdout.strip() or None) if out.returncode == 0 else None


def _display(value: Any) -> Any:
    """A swept value as a table cell: numbers and text as they are, the rest as JSON text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return to_json(value)


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
        self._backend: _Inline | _Local | _Dask | None = None
        self._version = planner.__version__
        self._git = _git_describe()

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
    def _threads(self, requested: Mapping[str, Any]) -> int | None:
        """HiGHS threads per point: cores // workers in a local pool (clamped if asked for
        more), 1 on Dask unless the options say otherwise; with one local worker, HiGHS's own
        default (at most the cores) unless the options say otherwise.

        A process must keep one value: HiGHS sizes its thread pool once per process and fails
        a later solve that asks for another size. Pool workers and Dask tasks of one sweep all
        get the same value; the in-process worker leaves it alone, as ``planner.solve`` does.
        """
        asked = requested.get("threads")
        if self.scheduler is not None:
            return int(asked) if asked is not None else 1
        if self.workers == 1:
            return None if asked is None else int(asked)
        fair = max(1, self.cores // self.workers)
        if asked is not None and int(asked) > fair:
            log.warning(
                "solver option threads=%s with %d workers exceeds %d cores: using threads=%d",
                asked, self.workers, self.cores, fair,
            )
        return fair if asked is None else min(int(asked), fair)

    def options(self, sweep: Sweep) -> dict[str, Any]:
        """The HiGHS options of every point of ``sweep``: planner's defaults, the sweep's,
        and ``threads`` (a ``time_limit`` option goes to :meth:`time_limit`)."""
        options = {**DEFAULT_SOLVER_OPTIONS, **sweep.solver_options}
        threads = self._threads(options)
        options.pop("threads", None)
        if threads is not None:
            options["threads"] = threads
        try:
            check_solver_options(options, sweep.time_limit_s)
        except SolverOptionError as exc:
            raise SweepError([f"{sweep.source}: solver_options: {exc}"]) from None
        options.pop("time_limit", None)
        return options

    @staticmethod
    def time_limit(sweep: Sweep) -> float | None:
        """Seconds HiGHS may spend on each point: the smaller of ``time_limit_s`` and a
        ``time_limit`` solver option, None for no limit."""
        given = (sweep.time_limit_s, sweep.solver_options.get("time_limit"))
        limits = [float(v) for v in given if v is not None]
        return min(limits) if limits else None

    def _prepare(self, sweep: Sweep, options: dict[str, Any]) -> Iterator[_Prepared]:
        base_hashes = {label: content_hash(inst.spec.model_dump()) for label, inst in sweep.bases.items()}
        for point in sweep.points:
            base = sweep.bases[point.base]
            try:
                inst = base.with_overrides(point.overrides)
            except InstanceError as exc:
                key = content_hash(
                    {
                        "invalid": base_hashes[point.base],
                        "overrides": to_json(point.overrides),
                        "version": self._version,
                    }
                )
                record = {"status": "invalid", "error": "; ".join(exc.problems), "objective_usd": None}
                yield _Prepared(key, point, base.source, invalid=record)
                continue
            raw = inst.spec.model_dump()
            ihash = content_hash(raw)
            key = point_key(ihash, self._version, options, sweep.baseline)
            task = Task(key, raw, base.source, options, self.time_limit(sweep), sweep.baseline)
            yield _Prepared(key, point, base.source, task=task, instance_hash=ihash)

    def _manifest(self, sweep: Sweep, prep: _Prepared, options: dict[str, Any]) -> dict[str, Any]:
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
    def run(self, sweep: Sweep, export_tables: bool = True, label: str | None = None) -> pd.DataFrame:
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
        unique: dict[str, _Prepared] = {}
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
        progress = Progress(label or sweep.name, len(unique), stats.skipped, self.progress)
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
                manifest = table[["point", "key"]].merge(self.store.manifest(unique), on="key", how="left")
                export(self.out, table, manifest)
        except StoreError as exc:
            if not exc.resumable:
                raise
            raise StoreError(
                f"{exc}; all {len(unique)} points are stored: fix the cause (free disk space?) and run "
                "the same command again to write the tables",
                exc.reason,
                resumable=True,
            ) from None
        return table

    def _stored(self, unique: Mapping[str, _Prepared], counted: int) -> int:
        """How many points of ``unique`` the store holds (``counted`` if it cannot be read)."""
        try:
            return len(set(self.store.statuses()) & set(unique))
        except StoreError:
            return counted

    def _backend_for(self, count: int) -> _Inline | _Local | _Dask:
        if self._backend is None:
            if self.scheduler is not None:
                self._backend = _Dask(self.scheduler)
            elif self.workers == 1:
                self._backend = _Inline()
            else:
                self._backend = _Local(max(1, min(self.workers, count)))
        return self._backend

    def _solve(
        self,
        sweep: Sweep,
        todo: list[_Prepared],
        options: dict[str, Any],
        progress: Progress,
        stats: RunStats,
    ) -> None:
        def store(prep: _Prepared, record: dict[str, Any], meta: Mapping[str, Any]) -> None:
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

        def outcome(future: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
            """The record of a finished future; None if its worker process died."""
            try:
                return future.result()  # type: ignore[no-any-return]
            except BrokenProcessPool:
                return None
            except Exception as exc:  # noqa: BLE001 - e.g. a Dask worker killed
                record = {"status": "error", "error": f"{type(exc).__name__}: {exc}", "objective_usd": None}
                return record, {"finished_at": now()}

        queue: deque[_Prepared] = deque()
        for prep in todo:
            if prep.invalid is not None:
                store(prep, prep.invalid, {"started_at": now(), "finished_at": now()})
            else:
                queue.append(prep)
        if not queue:
            return
        backend = self._backend_for(len(queue))
        pending: dict[Any, _Prepared] = {}
        # Points in flight when a worker died: each is solved again alone, so that a death
        # while one is alone is its own, and the innocent ones are never blamed.
        suspects: deque[_Prepared] = deque()
        alone: _Prepared | None = None
        while queue or suspects or pending:
            if alone is None and suspects:
                if not pending:  # one at a time
                    alone = suspects.popleft()
                    assert alone.task is not None
                    pending[backend.submit(alone.task)] = alone
            elif alone is None:
                while queue and len(pending) < backend.window:
                    prep = queue.popleft()
                    assert prep.task is not None
                    pending[backend.submit(prep.task)] = prep
            died: list[_Prepared] = []
            for future in backend.wait(list(pending), timeout=0.5):
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
            note = backend.death_note()
            backend.abort()
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

    def table(self, sweep: Sweep, prepared: list[_Prepared] | None = None) -> pd.DataFrame:
        """The tidy table of ``sweep`` from the store: one row per point, in point order."""
        if prepared is None:
            prepared = list(self._prepare(sweep, self.options(sweep)))
        records = self.store.records(p.key for p in prepared)
        with_scenarios = any(p.point.scenario is not None for p in prepared)
        rows = []
        for prep in prepared:
            row: dict[str, Any] = {"point": prep.point.index, "base": prep.point.base}
            if with_scenarios:
                row["scenario"] = prep.point.scenario
            row |= {c: _display(prep.point.values.get(c)) for c in sweep.columns}
            record = records.get(prep.key, {"status": "missing", "error": "not solved yet"})
            row |= record
            row["key"] = prep.key
            rows.append(row)
        return _ordered(pd.DataFrame(rows), sweep.columns)


def _ordered(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    head = [c for c in ("point", "base", "scenario", *columns, "status", "error", "objective_usd") if c in frame]
    tail = [c for c in frame if c.endswith("_s") and c not in head]
    rest = [c for c in frame if c not in head and c not in tail and c != "key"]
    return frame[[*head, *rest, *tail, "key"]]


def timing_columns(table: pd.DataFrame) -> list[str]:
    """Columns that differ between identical runs (seconds)."""
    return [c for c in table if c.endswith("_s")]


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


def describe_stats(stats: RunStats) -> str:
    """One line: points, skipped, solved, failed, time and throughput."""
    rate = stats.points_per_minute
    return (
        f"{stats.points} points ({stats.unique} distinct): {stats.skipped} already stored, "
        f"{stats.solved} solved now ({stats.failed} failed) in {stats.elapsed_s:.1f} s"
        + (f", {rate:.1f} points/min" if stats.solved and math.isfinite(rate) else "")
        + (f" on {stats.workers} workers" if stats.workers else "")
    )


__all__ = [
    "DEFAULT_OUT",
    "RunStats",
    "Runner",
    "SweepInterrupted",
    "Task",
    "available_cores",
    "describe_exit",
    "describe_stats",
    "flatten",
    "run_sweep",
    "solve_task",
    "timing_columns",
]
