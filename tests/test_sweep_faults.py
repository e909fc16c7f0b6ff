"""Sweep faults: the store stays consistent, nothing finished is lost or solved twice, a re-run
completes, and the command line answers with one clear message, never a traceback.

Each fault case is one test item (``pytest -v tests/test_sweep_faults.py`` lists them):

- a store write fails (disk full: ``OSError(ENOSPC)`` from the write, from the INSERT or the
  COMMIT of a point's transaction, SQLite's own "database or disk is full", at the start or
  the end of the run, while exporting the tables);
- Ctrl-C (a real SIGINT) lands in the middle of a write;
- a point hits the solver's time limit;
- a worker process dies mid-point (``os._exit``, SIGKILL);
- the output folder holds something that is not this sweep's store (garbage, another
  program's database, a damaged store, a newer store, another sweep's store, a file).

Every run is of a 5-point sweep of a 24-hour instance, one worker (in process, so faults can be
injected by monkeypatching) except the worker crashes (two, a process pool). Faults in the
store are injected at the SQLite connection, where real ones come from. Killing the whole
sweep (SIGKILL) and Ctrl-C from outside are in tests/test_sweep_run.py.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import shutil
import signal
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import planner
import planner.sweep.runner as runner_module
from planner.cli import main
from planner.sweep.runner import solve_task, timing_columns
from planner.sweep.store import APPLICATION_ID, STORE_FILE, Store

BASE = """\
name: faults
time: {start: 2028-01-01 00:00, hours: 24}
demand: {load_mw: 10}
fusion:
  - {name: helion, max_capacity_mw: 8, energy_price_usd_per_mwh: 30}
storage:
  - {name: li_ion, power_capex_usd_per_kw: 466, energy_capex_usd_per_kwh: 274, lifetime_yr: 15,
     charge_efficiency: 0.95, discharge_efficiency: 0.95, min_duration_h: 1, max_duration_h: 8}
grid: {price_usd_per_mwh: 40, carbon_intensity_t_per_mwh: 0.4, carbon_free_share: 0.3}
policy: {annual_matching_fraction: 0.6}
"""

EXIT_PRICE, KILL_PRICE = 66, 77
"""Fusion prices of the points whose worker the crash tests kill (the last two: the fewer
points after them, the fewer new worker processes the test waits for)."""

PRICES = [30, 40, 50, EXIT_PRICE, KILL_PRICE]
POINTS = len(PRICES)


def spec(name: str = "faults", **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "base": "base.yaml",
        "baseline": False,
        "parameters": [{"path": "fusion.helion.energy_price_usd_per_mwh", "values": PRICES}],
        **fields,
    }


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults")
    (path / "base.yaml").write_text(BASE, encoding="utf-8")
    write_spec(path, spec())
    return path


def write_spec(folder: Path, content: dict[str, Any], name: str = "sweep.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The sweep run without any fault."""
    out = tmp_path_factory.mktemp("ref")
    table = planner.run_sweep(folder / "sweep.yaml", workers=1, out=out, progress=False)
    assert (table["status"] == "optimal").all()
    assert (
        table["objective_usd"].is_monotonic_increasing
        and table["objective_usd"].nunique() == POINTS
    )
    return table


# -- what every case checks ------------------------------------------------------------------
def rows(out: Path) -> dict[str, tuple[str, str, str]]:
    """key -> (status, finished_at, record) of the stored points, read-only."""
    path = out / STORE_FILE
    if not path.exists():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        query = "SELECT key, status, finished_at, record FROM points"
        return {k: (s, f, r) for k, s, f, r in db.execute(query)}
    except sqlite3.OperationalError:  # no table yet
        return {}
    finally:
        db.close()


def check_store(out: Path) -> None:
    """The store is whole: SQLite's integrity check passes, no journal is left, every row's
    record is complete JSON that agrees with its status column."""
    path = out / STORE_FILE
    if not path.exists():
        return
    assert not (out / f"{STORE_FILE}-journal").exists()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        for status, record in db.execute("SELECT status, record FROM points"):
            assert json.loads(record)["status"] == status
    finally:
        db.close()
    assert not list(out.glob(".results*")) and not list(out.glob(".manifest*")), "a temporary file"


def comparable(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns=timing_columns(table)).reset_index(drop=True)


def resume(spec_path: Path, out: Path, before: dict[str, Any], reference: pd.DataFrame) -> None:
    """Re-run: the points stored before are skipped and kept as they were, the others solved
    once; the table is the fault-free one, bit for bit."""
    table = planner.run_sweep(spec_path, workers=1, out=out, progress=False)
    stats = table.attrs["stats"]
    assert (stats.skipped, stats.solved) == (len(before), POINTS - len(before))
    after = rows(out)
    assert len(after) == POINTS
    assert {k: after[k] for k in before} == before
    pd.testing.assert_frame_equal(comparable(table), comparable(reference), check_exact=True)
    check_store(out)
    for name in ("results.parquet", "results.csv", "manifest.csv"):
        assert (out / name).exists(), name
    assert len(pd.read_csv(out / "results.csv")) == POINTS


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``planner`` in this process; a traceback would fail the test with its exception."""
    try:
        code = main(args)
    except KeyboardInterrupt:
        pytest.fail("a KeyboardInterrupt escaped the command")
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def sweep_args(spec_path: Path, out: Path, workers: int = 1) -> list[str]:
    return ["sweep", str(spec_path), "--workers", str(workers), "--out", str(out), "--no-progress"]


# -- injecting faults where real ones come from: the SQLite connection ------------------------
class FaultyConnection:
    """A sqlite3 connection that runs ``action`` once, just before (or after) the first
    statement that starts with ``trigger``."""

    def __init__(
        self, db: sqlite3.Connection, trigger: str, action: Callable[[], None], after: bool
    ) -> None:
        self.db, self.trigger, self.action, self.after = db, trigger, action, after
        self.armed = True

    def execute(self, sql: str, *params: Any) -> sqlite3.Cursor:
        if not (self.armed and sql.lstrip().upper().startswith(self.trigger)):
            return self.db.execute(sql, *params)
        self.armed = False
        if not self.after:
            self.action()
        cursor = self.db.execute(sql, *params)
        if self.after:
            self.action()
        return cursor

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def on_statement(
    method: str, call: int, trigger: str, action: Callable[[], None], after: bool = False
) -> Callable[[pytest.MonkeyPatch], None]:
    """A fault: during the ``call``-th call of ``Store.<method>``, run ``action`` at ``trigger``."""

    def install(monkeypatch: pytest.MonkeyPatch) -> None:
        real = getattr(Store, method)
        calls = itertools.count()

        def wrapped(self: Store, *args: Any, **kwargs: Any) -> Any:
            if next(calls) != call:
                return real(self, *args, **kwargs)
            db = self._db
            self._db = FaultyConnection(db, trigger, action, after)  # type: ignore[assignment]
            try:
                return real(self, *args, **kwargs)
            finally:
                self._db = db

        monkeypatch.setattr(Store, method, wrapped)

    return install


def enospc() -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def sigint() -> None:
    signal.raise_signal(signal.SIGINT)


def put_raises(call: int) -> Callable[[pytest.MonkeyPatch], None]:
    """A fault: the ``call``-th ``Store.put`` raises OSError(ENOSPC) before touching the file."""

    def install(monkeypatch: pytest.MonkeyPatch) -> None:
        real = Store.put
        calls = itertools.count()

        def put(self: Store, *args: Any) -> None:
            if next(calls) == call:
                enospc()
            real(self, *args)

        monkeypatch.setattr(Store, "put", put)

    return install


def sqlite_full(call: int) -> Callable[[pytest.MonkeyPatch], None]:
    """A fault: SQLite itself finds the disk full on the ``call``-th point (its file may not
    grow: ``max_page_count``; the record is padded so that it needs new pages)."""

    def install(monkeypatch: pytest.MonkeyPatch) -> None:
        real = Store.put
        calls = itertools.count()

        def put(self: Store, key: str, record: dict[str, Any], manifest: dict[str, Any]) -> None:
            if next(calls) == call:
                pages = self._db.execute("PRAGMA page_count").fetchone()[0]
                self._db.execute(f"PRAGMA max_page_count = {pages}")
                record = {**record, "padding": "x" * 200_000}
            real(self, key, record, manifest)

        monkeypatch.setattr(Store, "put", put)

    return install


def export_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fault: the disk fills up half-way through writing results.csv."""
    real = pd.DataFrame.to_csv
    armed = [True]

    def to_csv(self: pd.DataFrame, path: Any = None, *args: Any, **kwargs: Any) -> Any:
        if armed[0] and path is not None and ".results.csv." in str(path):
            armed[0] = False
            Path(path).write_text("point,base,status\n0,faults,opt")
            enospc()
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)


NO_SPACE, SQLITE_FULL = "No space left on device", "database or disk is full"

WRITE_FAULTS = {
    # case: (fault, points stored when it strikes, what the message says)
    "put-raises-enospc-on-point-0": (put_raises(0), 0, NO_SPACE),
    "put-raises-enospc-on-point-2": (put_raises(2), 2, NO_SPACE),
    "insert-enospc-on-point-1": (on_statement("put", 1, "INSERT", enospc), 1, NO_SPACE),
    "commit-enospc-on-point-3": (on_statement("put", 3, "COMMIT", enospc), 3, NO_SPACE),
    "sqlite-disk-full-on-point-2": (sqlite_full(2), 2, SQLITE_FULL),
    "enospc-at-run-start": (on_statement("start_run", 0, "INSERT", enospc), 0, NO_SPACE),
    "enospc-at-run-end": (on_statement("end_run", 0, "UPDATE", enospc), POINTS, NO_SPACE),
    "enospc-writing-results-csv": (export_fails, POINTS, NO_SPACE),
}


@pytest.mark.parametrize("case", list(WRITE_FAULTS))
def test_write_fault_stops_cleanly_and_the_rerun_completes(
    case: str,
    folder: Path,
    reference: pd.DataFrame,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fault, stored_when_struck, reason = WRITE_FAULTS[case]
    spec_path = folder / "sweep.yaml"
    with monkeypatch.context() as patch:
        fault(patch)
        code, err = run_cli(sweep_args(spec_path, tmp_path), capsys)
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err  # one line
    assert reason in err and "run the same command again" in err, err
    if stored_when_struck < POINTS:
        assert f"cannot store point {stored_when_struck}" in err or "cannot log the start" in err, (
            err
        )
        kept = f"{stored_when_struck} of {POINTS} points are stored and kept"
        assert kept in err or stored_when_struck == 0, err
    before = rows(tmp_path)
    assert len(before) == stored_when_struck  # the point being written is not half there
    check_store(tmp_path)
    results = tmp_path / "results.csv"
    assert not results.exists() or len(pd.read_csv(results)) == POINTS
    resume(spec_path, tmp_path, before, reference)


INTERRUPTS = {
    # case: (fault, points stored when the signal is handled)
    "sigint-before-insert-of-point-1": (on_statement("put", 1, "INSERT", sigint), 2),
    "sigint-at-commit-of-point-1": (on_statement("put", 1, "COMMIT", sigint), 2),
    "sigint-after-commit-of-point-1": (on_statement("put", 1, "COMMIT", sigint, after=True), 2),
    "sigint-while-logging-the-run": (on_statement("start_run", 0, "INSERT", sigint), 0),
}


@pytest.fixture
def default_sigint() -> Iterator[None]:
    """Python's own Ctrl-C handler for the test: a test run started in the background by a
    non-interactive shell inherits SIGINT ignored, and then (rightly) nothing interrupts."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("case", list(INTERRUPTS))
def test_ctrl_c_during_a_write_waits_for_it_then_stops(
    case: str,
    folder: Path,
    reference: pd.DataFrame,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    default_sigint: None,
) -> None:
    """A write is never cut in half: the signal is handled once the transaction is over."""
    fault, stored_when_handled = INTERRUPTS[case]
    spec_path = folder / "sweep.yaml"
    with monkeypatch.context() as patch:
        fault(patch)
        code, err = run_cli(sweep_args(spec_path, tmp_path), capsys)
    assert code == 130, err
    assert "interrupted" in err, err
    before = rows(tmp_path)
    assert len(before) == stored_when_handled
    check_store(tmp_path)
    if stored_when_handled:
        assert f"interrupted: {stored_when_handled} of {POINTS} points stored" in err, err
        outcomes = (
            sqlite3.connect(tmp_path / STORE_FILE).execute("SELECT outcome FROM runs").fetchall()
        )
        assert outcomes == [("interrupted",)]
    resume(spec_path, tmp_path, before, reference)


def test_time_limit_is_recorded_and_a_larger_limit_solves_only_those(
    folder: Path, reference: pd.DataFrame, tmp_path: Path
) -> None:
    first_two = spec()
    first_two["parameters"][0]["values"] = PRICES[:2]
    first_path = write_spec(folder, first_two, "first_two.yaml")
    planner.run_sweep(first_path, workers=1, out=tmp_path, progress=False)
    solved = rows(tmp_path)
    assert len(solved) == 2

    # The limit is not part of the key: the two optimal points are kept, the others stop.
    tight = write_spec(folder, spec(time_limit_s=1e-6), "tight.yaml")
    table = planner.run_sweep(tight, workers=1, out=tmp_path, progress=False)
    assert (table.attrs["stats"].skipped, table.attrs["stats"].solved) == (2, 3)
    assert list(table["status"]) == ["optimal"] * 2 + ["time_limit"] * 3
    assert table.loc[2:, "objective_usd"].isna().all()
    assert table.loc[2, "error"].startswith("HiGHS stopped at the time limit of 1e-06 s")
    again = planner.run_sweep(
        tight, workers=1, out=tmp_path, progress=False
    )  # same limit: nothing to do
    assert (again.attrs["stats"].skipped, again.attrs["stats"].solved) == (5, 0)

    larger = write_spec(folder, spec(time_limit_s=600), "larger.yaml")
    table = planner.run_sweep(larger, workers=1, out=tmp_path, progress=False)
    assert (table.attrs["stats"].skipped, table.attrs["stats"].solved) == (2, 3)
    after = rows(tmp_path)
    assert len(after) == POINTS and {k: after[k] for k in solved} == solved
    pd.testing.assert_frame_equal(comparable(table), comparable(reference), check_exact=True)
    check_store(tmp_path)


# -- worker processes that die mid-point -----------------------------------------------------
def crashing_solve_task(task: Any) -> Any:
    """``solve_task`` whose worker process dies on two of the points (runs in the workers,
    which import it from this module)."""
    price = task.raw["fusion"][0]["energy_price_usd_per_mwh"]
    if price == EXIT_PRICE:
        os._exit(3)
    if price == KILL_PRICE:
        os.kill(os.getpid(), signal.SIGKILL)
    return solve_task(task)


@pytest.fixture(scope="module")
def crashed(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    """The sweep with two workers, two of whose points kill their worker process."""
    out = tmp_path_factory.mktemp("crashed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner_module, "solve_task", crashing_solve_task)
        table = planner.run_sweep(folder / "sweep.yaml", workers=2, out=out, progress=False)
    return table, out


@pytest.mark.parametrize(
    ("point", "death"),
    [(3, "exit code 3"), (4, "killed by signal SIGKILL")],
    ids=["worker-exits-mid-point", "worker-sigkilled-mid-point"],
)
def test_worker_death_fails_only_its_point(
    crashed: tuple[pd.DataFrame, Path],
    reference: pd.DataFrame,
    folder: Path,
    point: int,
    death: str,
) -> None:
    table, out = crashed
    assert table.loc[point, "status"] == "error"
    assert table.loc[
        point, "error"
    ] == f"the worker process solving this point alone died ({death}" + (
        " (the out-of-memory killer?))" if "SIGKILL" in death else ")"
    )
    others = [0, 1, 2]  # some were in flight when a worker died: solved again, alone
    assert (table.loc[others, "status"] == "optimal").all()
    pd.testing.assert_frame_equal(  # dtype: the error column holds text in the other rows
        comparable(table).loc[others],
        comparable(reference).loc[others],
        check_exact=True,
        check_dtype=False,
    )
    assert table.attrs["stats"].solved == POINTS and len(rows(out)) == POINTS
    check_store(out)
    runs = (
        sqlite3.connect(out / STORE_FILE)
        .execute("SELECT outcome, solved, failed FROM runs")
        .fetchall()
    )
    assert runs[0] == ("finished", POINTS, 2)  # the crashed run; later ones are re-runs
    # recorded failures are finished points: a re-run solves nothing, --retry-failed solves them
    again = planner.run_sweep(folder / "sweep.yaml", workers=1, out=out, progress=False)
    assert (again.attrs["stats"].skipped, again.attrs["stats"].solved) == (POINTS, 0)


def test_a_death_in_a_shared_pool_fails_only_its_points_in_every_sweep(
    folder: Path, reference: pd.DataFrame, tmp_path: Path
) -> None:
    """Two sweeps at once on one shared pool of two workers (as the study runs its sites), each
    with two points that kill their worker: every death breaks the pool for both sweeps, the
    first sweep to see it replaces the pool, and each solves the points it lost again, alone.
    Each sweep ends as one with a pool of its own: its two crashing points recorded as deaths,
    the other three equal to the in-process reference; the pool is closed afterwards."""
    from concurrent.futures import ThreadPoolExecutor

    from planner.sweep.shared_pool import SharedPool
    from planner.sweep.spec import SweepError

    shared = SharedPool(2)
    outs = [tmp_path / "a", tmp_path / "b"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner_module, "solve_task", crashing_solve_task)
        with ThreadPoolExecutor(max_workers=2) as threads:
            tables = list(
                threads.map(
                    lambda out: planner.run_sweep(
                        folder / "sweep.yaml", out=out, scheduler=shared, progress=False
                    ),
                    outs,
                )
            )
    shared.close()
    with pytest.raises(SweepError, match="the shared worker pool is closed"):
        shared.submit(os.getpid)
    for table, out in zip(tables, outs, strict=True):
        deaths = table.loc[[3, 4], "error"].tolist()
        # the exit code is read from the dead pool's processes: when the other sweep has
        # replaced (terminated) that pool first, it is gone (a known race: the death stands)
        assert deaths[0] in {
            "the worker process solving this point alone died (exit code 3)",
            "the worker process solving this point alone died (cause unknown)",
        }
        assert (
            deaths[1].startswith("the worker process solving this point alone died (killed")
            or deaths[1] == "the worker process solving this point alone died (cause unknown)"
        )
        others = [0, 1, 2]
        assert (table.loc[others, "status"] == "optimal").all()
        pd.testing.assert_frame_equal(
            comparable(table).loc[others],
            comparable(reference).loc[others],
            check_exact=True,
            check_dtype=False,
        )
        check_store(out)


# -- a store that is not this sweep's ----------------------------------------------------------
def garbage(out: Path, reference_out: Path) -> None:
    (out / STORE_FILE).write_bytes(b"these are not the points you are looking for\n" * 100)


def one_byte(out: Path, reference_out: Path) -> None:
    (out / STORE_FILE).write_bytes(b"x")  # SQLite alone would take it for an empty database


def other_program(out: Path, reference_out: Path) -> None:
    db = sqlite3.connect(out / STORE_FILE)
    db.execute("CREATE TABLE inventory (item TEXT, count INTEGER)")
    db.execute("INSERT INTO inventory VALUES ('bolts', 12)")
    db.commit()
    db.close()


def truncated(out: Path, reference_out: Path) -> None:
    data = (reference_out / STORE_FILE).read_bytes()
    (out / STORE_FILE).write_bytes(data[: len(data) // 2])


def damaged_record(out: Path, reference_out: Path) -> None:
    shutil.copy(reference_out / STORE_FILE, out / STORE_FILE)
    db = sqlite3.connect(out / STORE_FILE)
    db.execute("UPDATE points SET record = substr(record, 1, 40) WHERE rowid = 2")
    db.commit()
    db.close()


def newer(out: Path, reference_out: Path) -> None:
    shutil.copy(reference_out / STORE_FILE, out / STORE_FILE)
    db = sqlite3.connect(out / STORE_FILE)
    db.execute("PRAGMA user_version = 99")
    db.close()


def other_sweep(out: Path, reference_out: Path) -> None:
    shutil.copytree(reference_out, out, dirs_exist_ok=True)


FOREIGN = {
    # case: (make the output folder, message, is the sweep run into it named otherwise)
    "garbage-file": (garbage, "not an SQLite file", False),
    "one-byte-file": (one_byte, "not an SQLite file", False),
    "another-programs-database": (
        other_program,
        "another program's database: tables inventory",
        False,
    ),
    "truncated-store": (truncated, "database disk image is malformed", False),
    "damaged-record": (damaged_record, "is damaged", False),
    "store-of-a-newer-planner": (newer, "written by a newer planner", False),
    "store-of-another-sweep": (other_sweep, "holds the points of sweep 'faults'", True),
}


def digest(folder: Path) -> dict[str, str]:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.mark.parametrize("case", list(FOREIGN))
def test_foreign_or_damaged_store_is_refused_and_left_alone(
    case: str,
    folder: Path,
    reference: pd.DataFrame,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make, message, renamed = FOREIGN[case]
    out = tmp_path / "out"
    out.mkdir()
    make(out, Path(reference.attrs["out"]))
    spec_path = write_spec(tmp_path, spec(name="other") if renamed else spec())
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    files = digest(out)
    code, err = run_cli(sweep_args(spec_path, out), capsys)
    assert code == 2, err
    assert err.startswith(f"error: {out / STORE_FILE}: ") and message in err, err
    assert "nothing was changed" in err, err
    assert digest(out) == files


def test_output_path_that_is_a_file_is_refused(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "results"
    target.write_text("my notes\n")
    code, err = run_cli(sweep_args(folder / "sweep.yaml", target), capsys)
    assert code == 2
    assert err == f"error: {target}: exists and is not a folder; choose another output folder\n"
    assert target.read_text() == "my notes\n"


def test_store_written_before_the_application_id_is_adopted(tmp_path: Path) -> None:
    """Stores made before the marker existed (same tables, application id 0) are kept."""
    from planner.sweep.store import _SCHEMA

    db = sqlite3.connect(tmp_path / STORE_FILE)
    db.executescript(_SCHEMA)
    db.execute(
        "INSERT INTO runs (sweep, source, package_version, points, skipped, started_at) "
        "VALUES ('old', 'old.yaml', '0.1.0', 1, 0, '2026-01-01')"
    )
    db.commit()
    db.close()
    with Store(tmp_path) as store:
        assert len(store.runs()) == 1
    db = sqlite3.connect(tmp_path / STORE_FILE)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()
