"""Where sweep points (and the study's other calls) run: in this process, a local pool of
``spawn`` processes, or a Dask cluster. Each backend takes calls ``submit(fn, *args)`` and
returns futures; :mod:`planner.sweep.runner` schedules them.

Local runs use a :class:`concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start
method (no state inherited from the parent, safe with HiGHS's threads). With one worker the
calls run in this process, which saves the pool's start-up (a few seconds: each worker imports
Pyomo). A Dask cluster is given as a ``tcp://host:port`` address, a ``distributed.Client`` or
a ``LocalCluster`` (optional extra ``planner[dask]``); :func:`local_dask` starts one for a
whole study.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from planner.sweep.spec import SweepError

log = logging.getLogger(__name__)


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the OS tells, else the CPU count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


PARENT_POLL_S = 1.0
"""How often a local worker checks that the coordinator that started it is alive."""


def init_worker(parent_pid: int | None = None) -> None:
    """Local worker start-up: Ctrl-C is the coordinator's to handle; keep HiGHS warnings quiet
    (the status is recorded); exit when the coordinator ``parent_pid`` is gone
    (:func:`watch_parent`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("planner").setLevel(logging.ERROR)
    if parent_pid is not None:
        watch_parent(parent_pid)


def watch_parent(parent_pid: int, poll_s: float = PARENT_POLL_S) -> threading.Thread:
    """Start a daemon thread that ends this process within ``poll_s`` once ``parent_pid`` is
    no longer its parent (the coordinator was killed, even by SIGKILL, and the worker was
    handed to init): a worker must not go on solving, and holding memory, for nobody.

    HiGHS releases the GIL while it solves, so the thread runs during a solve too.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(poll_s)
        os._exit(EXIT_ORPHANED)

    thread = threading.Thread(target=watch, name="planner-parent-watch", daemon=True)
    thread.start()
    return thread


EXIT_ORPHANED = 70
"""Exit code of a worker whose coordinator died (EX_SOFTWARE)."""


class Backend(Protocol):
    """What the scheduler needs of a backend."""

    processes: int
    window: int
    """Calls kept in flight at once."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...
    def wait(self, futures: list[Any], timeout: float) -> set[Any]: ...
    def death_note(self) -> str: ...
    def abort(self) -> None: ...
    def close(self) -> None: ...


class Inline:
    """One worker: solve in this process, one point at a time (no start-up cost)."""

    processes = 1
    window = 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` now. A Ctrl-C during the call raises KeyboardInterrupt afterwards,
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
            result = fn(*args)
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


def new_process_pool(processes: int) -> cf.ProcessPoolExecutor:
    """``processes`` spawned worker processes, each started by :func:`init_worker` (no state
    inherited from this process; they stop when it dies)."""
    return cf.ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(os.getpid(),),
    )


class LocalPool:
    """A spawn-context process pool, created on first use."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.window = 2 * processes
        self._pool: cf.ProcessPoolExecutor | None = None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._pool is None:
            self._pool = new_process_pool(self.processes)
            self._check_start(self._pool)
        return self._pool.submit(fn, *args)

    def _check_start(self, pool: cf.ProcessPoolExecutor) -> None:
        """Raise :class:`SweepError` if the pool's workers cannot start: their failure is not
        a result of any point, and nothing is stored.

        The usual cause is a script that calls the sweep without an ``if __name__ ==
        "__main__":`` guard: each ``spawn`` worker imports the script, which starts the sweep
        again, which Python refuses inside a starting process.
        """
        try:
            pool.submit(os.getpid).result()
        except cf.process.BrokenProcessPool:
            note = self.death_note()
            self.abort()
            raise SweepError(
                [
                    f"the worker processes could not start ({note}); nothing was solved or "
                    "stored. In a script, call the sweep under 'if __name__ == \"__main__\":' "
                    "(each worker process imports the script: docs/sweeps.md), or run it with "
                    "workers=1"
                ]
            ) from None

    def wait(self, futures: list[Any], timeout: float) -> set[Any]:
        return set(cf.wait(futures, timeout, return_when=cf.FIRST_COMPLETED).done)

    def death_note(self) -> str:
        """How a worker of the broken pool died: its exit code or signal."""
        return pool_death_note(self._pool)

    def abort(self) -> None:
        """Stop at once: cancel queued tasks and terminate the workers."""
        pool, self._pool = self._pool, None
        terminate_pool(pool)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


def pool_death_note(pool: cf.ProcessPoolExecutor | None) -> str:
    """How a worker of the broken ``pool`` died: its exit code or signal."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
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


def terminate_pool(pool: cf.ProcessPoolExecutor | None) -> None:
    """Cancel ``pool``'s queued tasks and terminate its workers (the executor has no public
    way to stop running tasks)."""
    if pool is None:
        return
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in processes:
        with contextlib.suppress(Exception):
            p.join(5)


CONNECT_TIMEOUT_S = 10
"""How long to wait for a Dask scheduler to answer before giving up (Dask's default is 30 s)."""


class DaskCluster:
    """Points as tasks of an existing Dask cluster."""

    def __init__(self, scheduler: Any) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the installed extras
            raise SweepError(["--scheduler needs Dask: pip install 'planner[dask]'"]) from None
        if isinstance(scheduler, Client):
            self.client, self._own = scheduler, False
        else:
            try:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError) as exc:
                raise SweepError(
                    [f"--scheduler {scheduler!r}: no Dask scheduler answered ({exc})"]
                ) from None
            self._own = True
        threads = sum(self.client.nthreads().values()) or 1
        self.processes = threads
        self.window = 2 * threads
        self._pending: list[Any] = []

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        future = self.client.submit(fn, *args, pure=False)
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


def make_backend(workers: int, scheduler: Any, count: int) -> Backend:
    """The backend for ``count`` calls: the Dask cluster ``scheduler`` if given (or, if it has a
    ``view()``, a share of that pool: :class:`planner.sweep.shared_pool.SharedPool`), this
    process for one worker, else a local pool of at most ``workers`` processes."""
    if scheduler is not None:
        view = getattr(scheduler, "view", None)
        if callable(view):
            backend: Backend = view()
            return backend
        return DaskCluster(scheduler)
    if workers == 1:
        return Inline()
    return LocalPool(max(1, min(workers, count)))


@contextlib.contextmanager
def local_dask(workers: int) -> Iterator[tuple[Any, str]]:
    """A Dask client on a fresh LocalCluster (``workers`` processes, one thread each), or None
    (local process pools) when there is one worker or Dask is not installed; with a sentence
    saying which."""
    if workers <= 1:
        yield None, "in process, one solve at a time"
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        yield None, f"local process pools of {workers} workers"
        return
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    try:
        yield client, f"one Dask LocalCluster of {workers} worker processes, one HiGHS thread each"
    finally:
        client.close()
        cluster.close()


def run_calls(
    fn: Callable[..., Any],
    calls: Mapping[str, tuple[Any, ...]],
    workers: int,
    scheduler: Any = None,
) -> dict[str, Any]:
    """``fn(*args)`` for each named call: on the Dask cluster ``scheduler``, in this process
    (one worker) or on a local pool; results by name, in the order given."""
    backend = make_backend(workers, scheduler, len(calls))
    try:
        futures = {name: backend.submit(fn, *args) for name, args in calls.items()}
        return {name: future.result() for name, future in futures.items()}
    finally:
        backend.close()
