"""The per-point store of a sweep, its manifest, and the keys that make re-runs resume.

Storage is one SQLite file, ``points.sqlite``, under the output folder (``sqlite3`` from the
standard library: no extra dependency, and one transaction per point makes each write atomic,
so a killed or interrupted sweep leaves every finished point and nothing half-written). Only
the coordinating process writes; workers return their records to it.

Table ``points`` holds one row per solved (or failed) point, keyed by :func:`point_key`: the
record (swept values are not in it, the table joins them back) as JSON, and the manifest
columns that let anyone reproduce it: the hash of the fully resolved instance, the package
version, the solver options, the time limit, whether the baseline was solved, the base file and
the overrides applied, the worker, and when it ran. Table ``runs`` logs each run of a sweep
(``outcome``: ``finished``, ``interrupted``, ``failed``, or empty if the process was killed).

At the end of a run the tidy table is also exported (:mod:`planner.sweep.export`). Keys:
:mod:`planner.sweep.keys`.

Faults (docs/sweeps.md, "Faults and determinism"): the file is marked as a sweep store
(``PRAGMA application_id``) and checked when opened, so a garbage file, another program's
database or a store written by a newer schema is refused with :class:`StoreError` before
anything is written to it; a store holds the points of one sweep name. Every write is one
transaction that a Ctrl-C cannot cut in half (the signal waits until the transaction is
committed or rolled back), and a failed write (disk full, I/O error) is rolled back and raised
as :class:`StoreError`.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from planner.inputs.files import name_problem
from planner.interrupts import sigint_deferred
from planner.sweep.keys import now
from planner.sweep.spec import SweepError

STORE_FILE = "points.sqlite"

APPLICATION_ID = 0x504C5357
"""``PRAGMA application_id`` of a sweep store (ASCII ``PLSW``): tells it from other SQLite files."""

_SQLITE_HEADER = b"SQLite format 3\x00"

SCHEMA_VERSION = 1
"""``PRAGMA user_version`` of the store's tables; a store of a later version is refused."""


class StoreError(SweepError):
    """The sweep's store cannot be used or written: the output folder holds something that is
    not this sweep's store (a garbage file, another program's database, another sweep's
    points), or a write failed (disk full, I/O error). Nothing stored before is lost or changed.

    Attributes
    ----------
    reason:
        The cause alone, e.g. ``No space left on device (errno 28)``.
    resumable:
        True for a failed write: the same sweep can be run again once the cause is fixed.
        False when the store is refused.
    """

    def __init__(self, message: str, reason: str | None = None, resumable: bool = False) -> None:
        super().__init__([message])
        self.args = (message,)
        self.reason = reason or message
        self.resumable = resumable


def describe_error(exc: BaseException) -> str:
    """An OS or SQLite error as one short phrase."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} (errno {exc.errno})" if exc.errno else exc.strerror
    return str(exc) or type(exc).__name__


_SCHEMA = """
CREATE TABLE IF NOT EXISTS points (
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    instance_hash TEXT,
    package_version TEXT NOT NULL,
    solver_options TEXT NOT NULL,
    time_limit_s REAL,
    baseline INTEGER NOT NULL,
    base TEXT NOT NULL,
    overrides TEXT NOT NULL,
    worker TEXT,
    started_at TEXT,
    finished_at TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run INTEGER PRIMARY KEY AUTOINCREMENT,
    sweep TEXT NOT NULL,
    source TEXT NOT NULL,
    package_version TEXT NOT NULL,
    workers INTEGER,
    scheduler TEXT,
    points INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    solved INTEGER,
    failed INTEGER,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT
);
"""

MANIFEST_COLUMNS = (
    "key",
    "status",
    "instance_hash",
    "package_version",
    "solver_options",
    "time_limit_s",
    "baseline",
    "base",
    "overrides",
    "worker",
    "started_at",
    "finished_at",
)


# -- the store -------------------------------------------------------------------------------
def _record_problem(record: Any, status: Any) -> str | None:
    """Why a decoded stored record is not one the runner wrote, or None: a mapping whose
    ``status`` is the status stored beside it."""
    if not isinstance(record, dict):
        return f"a {type(record).__name__}, not a mapping of fields"
    if record.get("status") != status or not isinstance(status, str):
        return f"its status {record.get('status')!r} is not the stored status {status!r}"
    return None


class Store:
    """The SQLite store of one output folder. Use as a context manager.

    >>> with Store(tmp) as store:                      # doctest: +SKIP
    ...     store.put(key, record, manifest)           # one transaction
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / STORE_FILE
        problem = name_problem(str(self.path), "output folder")
        if problem:
            raise StoreError(problem)
        if self.folder.exists() and not self.folder.is_dir():
            raise StoreError(
                f"{self.folder}: exists and is not a folder; choose another output folder"
            )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # no permission, a file on the way, ...
            reason = describe_error(exc)
            raise StoreError(
                f"{self.folder}: cannot use as the output folder: {reason}", reason
            ) from None
        if self.path.exists() and not self.path.is_file():
            raise StoreError(f"{self.path}: exists and is not a file; choose another output folder")
        try:  # SQLite would take a file shorter than its header for an empty database
            with open(self.path, "rb") as f:
                head = f.read(len(_SQLITE_HEADER))
        except FileNotFoundError:
            head = b""
        except OSError as exc:
            reason = describe_error(exc)
            raise StoreError(f"{self.path}: cannot read: {reason}", reason) from None
        if head and head != _SQLITE_HEADER:
            raise StoreError(
                f"{self.path}: cannot be used as a sweep store (not an SQLite file); nothing was "
                "changed: choose another output folder, or delete the file to start afresh"
            )
        try:
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as exc:
            reason = describe_error(exc)
            raise StoreError(f"{self.path}: cannot open: {reason}", reason) from None
        try:
            self._open()
        except BaseException:
            self._db.close()
            raise

    def _open(self) -> None:
        """Check that the file is a sweep store (or empty, then create the tables)."""
        refuse = (
            f"{self.path}: cannot be used as a sweep store (%s); nothing was changed: choose "
            "another output folder, or delete the file to start afresh"
        )
        db = self._db
        try:
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if tables:
                check = db.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise StoreError(refuse % f"damaged: {check}", check)
        except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed", ...
            raise StoreError(refuse % describe_error(exc), describe_error(exc)) from None
        ours = app_id == APPLICATION_ID
        if ours and version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer planner (store version {version}, this one "
                f"reads {SCHEMA_VERSION}); nothing was changed: upgrade planner or choose another "
                "output folder"
            )
        if not ours and tables and not (app_id == 0 and self._is_legacy(tables)):
            what = (
                f"application id {app_id:#x}" if app_id else "tables " + ", ".join(sorted(tables))
            )
            raise StoreError(refuse % f"another program's database: {what}")
        if not ours:  # a new file, or a store written before the id existed
            with self._transaction("create the store tables"):
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("PRAGMA synchronous=FULL")

    def _is_legacy(self, tables: set[str]) -> bool:
        """Whether ``tables`` are those of a store made before the application id was set."""
        if not {"points", "runs"} <= tables <= {"points", "runs", "sqlite_sequence"}:
            return False
        columns = {n for (_, n, *_rest) in self._db.execute("PRAGMA table_info(points)")}
        return set(MANIFEST_COLUMNS) | {"record"} <= columns

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # points
    def statuses(self) -> dict[str, str]:
        """Status of every stored point, by key."""
        return dict(self._read("SELECT key, status FROM points"))

    def time_limits(self) -> dict[str, float | None]:
        """Time limit (s) of each point stored with status ``time_limit``, by key."""
        return dict(self._read("SELECT key, time_limit_s FROM points WHERE status = 'time_limit'"))

    def put(self, key: str, record: Mapping[str, Any], manifest: Mapping[str, Any]) -> None:
        """Store one finished point in one transaction (replacing a previous failure).

        Raises :class:`StoreError` if the write fails (the transaction is rolled back: the
        point is not stored, the others are untouched)."""
        row = {c: manifest.get(c) for c in MANIFEST_COLUMNS}
        row |= {
            "key": key,
            "status": record["status"],
            "finished_at": manifest.get("finished_at") or now(),
        }
        row["record"] = json.dumps(dict(record), default=float)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._transaction("store a point"):
            self._db.execute(
                f"INSERT OR REPLACE INTO points ({columns}) VALUES ({marks})", tuple(row.values())
            )

    def records(self, keys: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Stored records by key (all, or those of ``keys`` that are stored)."""
        rows = self._read("SELECT key, status, record FROM points")
        wanted = None if keys is None else set(keys)
        out = {}
        for key, status, text in rows:
            if wanted is None or key in wanted:
                try:
                    record = json.loads(text)
                    problem = _record_problem(record, status)
                except (TypeError, ValueError) as exc:
                    problem = str(exc)
                if problem:
                    raise StoreError(
                        f"{self.path}: the stored record of point {key} is damaged ({problem}); "
                        "nothing was changed: choose another output folder, or delete the file "
                        "to start afresh"
                    )
                out[key] = record
        return out

    def manifest(self, keys: Iterable[str] | None = None) -> pd.DataFrame:
        """The manifest columns of the stored points."""
        try:
            frame = pd.read_sql_query(
                f"SELECT {', '.join(MANIFEST_COLUMNS)} FROM points ORDER BY finished_at", self._db
            )
        except (sqlite3.Error, pd.errors.DatabaseError) as exc:
            reason = describe_error(exc)
            raise StoreError(f"{self.path}: cannot read: {reason}", reason) from None
        if keys is not None:
            frame = frame[frame["key"].isin(set(keys))]
        return frame.reset_index(drop=True)

    # runs
    def start_run(self, **fields: Any) -> int:
        """Log the start of a run of sweep ``fields["sweep"]``.

        Raises :class:`StoreError` (and writes nothing) if the store holds another sweep's
        points: two sweeps in one folder would overwrite each other's exported tables.
        """
        fields = {**fields, "started_at": now()}
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        with self._transaction("log the start of the run"):
            names = sorted(n for (n,) in self._db.execute("SELECT DISTINCT sweep FROM runs"))
            if names and fields.get("sweep") not in names:
                source = self._db.execute(
                    "SELECT source FROM runs WHERE sweep = ? ORDER BY run DESC LIMIT 1",
                    (names[-1],),
                ).fetchone()[0]
                raise StoreError(
                    f"{self.path}: holds the points of sweep {', '.join(map(repr, names))} "
                    f"({source}), not of {fields.get('sweep')!r} ({fields.get('source')}); nothing "
                    "was changed: give this sweep its own output folder"
                )
            cur = self._db.execute(
                f"INSERT INTO runs ({columns}) VALUES ({marks})", tuple(fields.values())
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def end_run(self, run: int, **fields: Any) -> None:
        fields = {**fields, "finished_at": now()}
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self._transaction("log the end of the run"):
            self._db.execute(f"UPDATE runs SET {sets} WHERE run = ?", (*fields.values(), run))

    def runs(self) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM runs ORDER BY run", self._db)

    def _read(self, query: str) -> list[Any]:
        try:
            return self._db.execute(query).fetchall()
        except sqlite3.Error as exc:
            reason = describe_error(exc)
            raise StoreError(f"{self.path}: cannot read: {reason}", reason) from None

    @contextlib.contextmanager
    def _transaction(self, what: str) -> Iterator[None]:
        """One write transaction: committed if the block ends normally, rolled back otherwise
        (also when the COMMIT itself fails). A Ctrl-C waits until it is over. SQLite and OS
        errors come out as :class:`StoreError` naming ``what`` was being done."""
        db = self._db
        with sigint_deferred():
            try:
                if db.in_transaction:  # left open by a write that failed half-way
                    db.execute("ROLLBACK")
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                    db.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error, OSError):
                        if db.in_transaction:
                            db.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, OSError) as exc:
                reason = describe_error(exc)
                raise StoreError(
                    f"{self.path}: cannot {what}: {reason}", reason, resumable=True
                ) from None
