"""The per-point store of a sweep, its manifest, and the keys that make re-runs resume.

Storage is one SQLite file, ``points.sqlite``, under the output folder (``sqlite3`` from the
standard library: no extra dependency, and one transaction per point makes each write atomic,
so a killed or interrupted sweep leaves every finished point and nothing half-written). Only
the coordinating process writes; workers return their records to it.

Table ``points`` holds one row per solved (or failed) point, keyed by :func:`point_key`: the
record (swept values are not in it, the table joins them back) as JSON, and the manifest
columns that let anyone reproduce it: the hash of the fully resolved instance, the package
version, the solver options, the time limit, whether the baseline was solved, the base file and
the overrides applied, the worker, and when it ran. Table ``runs`` logs each run of a sweep.

At the end of a run the tidy table is also exported, atomically (temporary name, then
``os.replace``), as ``results.parquet`` and ``results.csv``, and the manifest as
``manifest.csv``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

STORE_FILE = "points.sqlite"

KEY_EXCLUDED_OPTIONS = frozenset({"threads"})
"""Solver options left out of the key: they change speed, not the answer, and depend on the
number of workers, so a sweep resumed with another ``--workers`` still skips finished points.
They are recorded in the manifest all the same."""

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


def now() -> str:
    """UTC timestamp, ISO 8601 to the millisecond."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds")


# -- hashing ---------------------------------------------------------------------------------
def _feed(h: Any, value: Any) -> None:
    """Feed a canonical, type-tagged encoding of ``value`` into hash ``h``."""
    if isinstance(value, Mapping):
        h.update(b"{")
        for key in sorted(value, key=str):
            _feed(h, str(key))
            _feed(h, value[key])
        h.update(b"}")
    elif isinstance(value, (list, tuple)):
        h.update(b"[")
        for item in value:
            _feed(h, item)
        h.update(b"]")
    elif isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value, dtype=float)
        h.update(b"a%d:" % array.size)
        h.update(array.tobytes())
    elif isinstance(value, bool) or value is None:
        h.update(repr(value).encode())
    elif isinstance(value, (int, float, np.integer, np.floating)):
        h.update(b"n" + repr(float(value)).encode())
    elif isinstance(value, (_dt.datetime, _dt.date)):
        h.update(b"t" + value.isoformat().encode())
    else:
        h.update(b"s" + str(value).encode() + b"\0")


def content_hash(value: Any) -> str:
    """SHA-256 of a canonical encoding: mappings by sorted key, arrays by their float bytes,
    numbers as floats (so ``50`` and ``50.0`` hash alike).

    >>> content_hash({"a": 1, "b": [2.0]}) == content_hash({"b": [2], "a": 1.0})
    True
    """
    h = hashlib.sha256()
    _feed(h, value)
    return h.hexdigest()


def key_options(solver_options: Mapping[str, Any]) -> dict[str, Any]:
    """The solver options that enter the key."""
    return {k: v for k, v in solver_options.items() if k not in KEY_EXCLUDED_OPTIONS}


def point_key(
    instance_hash: str,
    package_version: str,
    solver_options: Mapping[str, Any],
    time_limit_s: float | None,
    baseline: bool,
) -> str:
    """Key of a point: what determines its result. Equal keys are solved once."""
    return content_hash(
        {
            "instance": instance_hash,
            "version": package_version,
            "solver_options": key_options(solver_options),
            "time_limit_s": time_limit_s,
            "baseline": baseline,
        }
    )


def to_json(value: Any) -> str:
    """JSON text of overrides and options (dates as ISO text, arrays as lists)."""

    def default(obj: Any) -> Any:
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        if isinstance(obj, (np.integer, np.floating)):
            return obj.item()
        if isinstance(obj, (_dt.datetime, _dt.date)):
            return obj.isoformat()
        return str(obj)

    return json.dumps(value, default=default, sort_keys=True)


# -- the store -------------------------------------------------------------------------------
class Store:
    """The SQLite store of one output folder. Use as a context manager.

    >>> with Store(tmp) as store:                      # doctest: +SKIP
    ...     store.put(key, record, manifest)           # one transaction
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / STORE_FILE
        self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # points
    def statuses(self) -> dict[str, str]:
        """Status of every stored point, by key."""
        return dict(self._db.execute("SELECT key, status FROM points").fetchall())

    def put(self, key: str, record: Mapping[str, Any], manifest: Mapping[str, Any]) -> None:
        """Store one finished point in one transaction (replacing a previous failure)."""
        row = {c: manifest.get(c) for c in MANIFEST_COLUMNS}
        row |= {"key": key, "status": record["status"], "finished_at": manifest.get("finished_at") or now()}
        row["record"] = json.dumps(dict(record), default=float)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._transaction():
            self._db.execute(f"INSERT OR REPLACE INTO points ({columns}) VALUES ({marks})", tuple(row.values()))

    def records(self, keys: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Stored records by key (all, or those of ``keys`` that are stored)."""
        rows = self._db.execute("SELECT key, record FROM points").fetchall()
        wanted = None if keys is None else set(keys)
        return {k: json.loads(r) for k, r in rows if wanted is None or k in wanted}

    def manifest(self, keys: Iterable[str] | None = None) -> pd.DataFrame:
        """The manifest columns of the stored points."""
        frame = pd.read_sql_query(
            f"SELECT {', '.join(MANIFEST_COLUMNS)} FROM points ORDER BY finished_at", self._db
        )
        if keys is not None:
            frame = frame[frame["key"].isin(set(keys))]
        return frame.reset_index(drop=True)

    # runs
    def start_run(self, **fields: Any) -> int:
        fields = {**fields, "started_at": now()}
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        with self._transaction():
            cur = self._db.execute(f"INSERT INTO runs ({columns}) VALUES ({marks})", tuple(fields.values()))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def end_run(self, run: int, **fields: Any) -> None:
        fields = {**fields, "finished_at": now()}
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self._transaction():
            self._db.execute(f"UPDATE runs SET {sets} WHERE run = ?", (*fields.values(), run))

    def runs(self) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM runs ORDER BY run", self._db)

    def _transaction(self) -> Any:
        db = self._db

        class _Tx:
            def __enter__(self) -> None:
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self, kind: object, *rest: object) -> None:
                db.execute("COMMIT" if kind is None else "ROLLBACK")

        return _Tx()


# -- exports ---------------------------------------------------------------------------------
def _atomic_write(path: Path, write: Any) -> None:
    """Write through ``write(tmp_path)`` to a temporary file, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns with mixed types (e.g. numbers and text) as text, for Parquet."""
    out = frame.copy()
    out.attrs = {}
    for column in out.columns:
        if out[column].dtype == object:
            kinds = {type(v) for v in out[column] if v is not None and not (isinstance(v, float) and np.isnan(v))}
            if len(kinds) > 1 or (kinds and not kinds <= {str}):
                out[column] = out[column].map(lambda v: None if v is None else str(v))
    return out


def export(folder: str | Path, table: pd.DataFrame, manifest: pd.DataFrame) -> None:
    """Write ``results.parquet``, ``results.csv`` and ``manifest.csv`` atomically."""
    folder = Path(folder)
    _atomic_write(folder / "results.parquet", lambda p: _parquet_safe(table).to_parquet(p, index=False))
    _atomic_write(folder / "results.csv", lambda p: table.to_csv(p, index=False))
    _atomic_write(folder / "manifest.csv", lambda p: manifest.to_csv(p, index=False))
