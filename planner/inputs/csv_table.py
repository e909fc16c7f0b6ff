"""CSV files of hourly columns: read once (cached), their ``timestamp`` column checked.

A file is read as UTF-8 (a byte-order mark is skipped), at most :data:`MAX_CSV_BYTES`. Every
value stays under its header: a row may end with empty fields beyond the header (a trailing
comma), but a row with more values than the header, or an empty line between data rows, is
refused with its line number (pandas would shift the columns, or the hours). A ``timestamp``
column, if present, must list consecutive local hours from ``time.start`` in the rows used; a
time-zone offset in a cell is refused (hours are local standard time).
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.inputs.files import decode_utf8, resolve_inside
from planner.inputs.messages import closest

MAX_CSV_BYTES = 64 * 2**20
"""Largest CSV file read (64 MiB; a full year of twenty hourly columns is about 2 MiB)."""

TIMESTAMP_COLUMN = "timestamp"
"""A CSV column of this name is checked: consecutive hours from ``time.start``."""

_ZONED = r"\d:\d\d(?::\d\d(?:\.\d*)?)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)\s*$"
"""A time followed by a UTC offset (``+01:00``, ``Z``)."""


@dataclass(frozen=True)
class Table:
    """A CSV file as read: the frame, header names given twice, the ``timestamp`` column."""

    frame: pd.DataFrame
    duplicates: frozenset[str]
    stamps: np.ndarray | None
    """``timestamp`` parsed (datetime64[s], NaT where unreadable); None without that column."""
    stamps_problem: str | None = None


class CsvProblem(ValueError):
    """A CSV file that cannot be used at all (not UTF-8...); the message follows its name."""


@lru_cache(maxsize=64)
def _read_csv(path: str, mtime_ns: int, size: int) -> Table:
    """Read a CSV once per (path, modification time, size)."""
    del mtime_ns, size  # part of the cache key only
    text, problem = decode_utf8(Path(path).read_bytes())
    if problem:
        raise CsvProblem(problem)
    header = _check_rows(text)
    duplicates = frozenset(name for name in header if header.count(name) > 1)
    with warnings.catch_warnings():  # extra fields were checked to be empty (trailing commas)
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        frame = pd.read_csv(io.StringIO(text), index_col=False)
    if TIMESTAMP_COLUMN not in frame.columns:
        return Table(frame, duplicates, None)
    cells = frame[TIMESTAMP_COLUMN].astype(str)
    zoned = cells.str.contains(_ZONED, regex=True)  # local hours only: refused, by row
    try:
        parsed = pd.to_datetime(cells.mask(zoned, ""), errors="coerce", format="ISO8601")
        stamps = parsed.to_numpy(dtype="datetime64[s]")
    except (ValueError, TypeError, OverflowError) as exc:
        return Table(frame, duplicates, None, f"cannot be read as timestamps ({exc})")
    return Table(frame, duplicates, stamps)


def _check_rows(text: str) -> list[str]:
    """The header of a CSV text, after checking that no row holds more values than the header
    (empty fields past it, a trailing comma, are fine) and that no empty line stands between
    data rows; raise :class:`CsvProblem` naming the line."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        return header  # not comma-separated: the missing column's message says so
    blank: int | None = None
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            blank = line if blank is None else blank
            continue
        if blank is not None:
            raise CsvProblem(
                f"line {blank} is empty: every line after the header is one hour (an empty "
                "line would shift every hour after it); remove it or fill it"
            )
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            raise CsvProblem(
                f"line {line} has {len(row)} values but the header {len(header)} columns: a "
                "value would be read under another column's name"
            )
    return header


def open_table(
    name: str, base_dir: Path, folders: tuple[Path, ...]
) -> tuple[Table | None, str, str | None]:
    """(table, resolved path, None) or (None, "", problem) for the CSV file ``name``."""
    path, problem = resolve_inside(name, base_dir, folders, "CSV file")
    if path is None:
        return None, "", problem
    try:
        if not path.exists():
            return None, "", f"CSV file {name!r} not found (looked in {path.parent})"
        if not path.is_file():
            return None, "", f"CSV file {name!r} cannot be read: not a regular file"
        stat = path.stat()
        if stat.st_size > MAX_CSV_BYTES:
            return (
                None,
                "",
                (
                    f"CSV file {name!r} cannot be read: larger than {MAX_CSV_BYTES // 2**20} "
                    f"MiB ({stat.st_size / 2**20:,.0f} MiB; a full year of hourly columns is "
                    "about 2 MiB)"
                ),
            )
        table = _read_csv(str(path), stat.st_mtime_ns, stat.st_size)
    except CsvProblem as exc:
        return None, "", f"CSV file {name!r}: {exc}"
    except (OSError, ValueError, csv.Error) as exc:  # pandas' parser errors are ValueErrors
        return None, "", f"CSV file {name!r} cannot be read: {exc}"
    return table, str(path), None


def missing_column(name: str, column: str, columns: list[str]) -> str:
    """The message for a column the file does not have, with a hint."""
    text = f"CSV file {name!r} has no column {column!r} (columns: {', '.join(columns)})"
    spaced = [c for c in columns if c.strip() == column.strip()]
    if spaced:
        return f"{text}; {spaced[0]!r} has spaces around its name"
    if len(columns) == 1:
        for sep in (";", "\t", "|"):
            if sep in columns[0]:
                return f"{text}; the header looks separated by {sep!r}: save the file with commas"
    close = closest(column, columns)
    return f"{text}; did you mean {close!r}?" if close else text


def _stamp_text(stamp: np.datetime64) -> str:
    return str(stamp).replace("T", " ")[:16]


def cell_text(value: Any) -> str:
    """A CSV cell as the user wrote it: ``'abc'``, ``empty``, ``nan``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return "empty or NaN"
    return repr(value)


def first_row(table: Table, start: datetime | None) -> int:
    """The data row (0-based) of the first modelled hour: the row whose ``timestamp`` is
    ``start`` when the file has that column and holds it, else the first row. So a file of a
    whole year serves any horizon inside it (a week from 1 July takes the rows of July)."""
    if table.stamps is None or start is None or table.stamps_problem:
        return 0
    found = np.flatnonzero(table.stamps == np.datetime64(start, "s"))
    return int(found[0]) if found.size else 0


def timestamp_problem(
    table: Table, csv_name: str, start: datetime | None, hours: int
) -> str | None:
    """Why the ``timestamp`` column of the rows used (from :func:`first_row`) is not
    consecutive hours from ``start`` (CSV rows numbered as lines: the header is line 1)."""
    if table.stamps_problem:
        return f"{csv_name} column {TIMESTAMP_COLUMN!r} {table.stamps_problem}"
    if table.stamps is None:
        return None
    first = first_row(table, start)
    used = table.stamps[first : first + hours]
    if not used.size:
        return None
    unread = np.flatnonzero(np.isnat(used))
    if unread.size:
        cell = table.frame[TIMESTAMP_COLUMN].iloc[first + unread[0]]
        return (
            f"{csv_name} row {first + unread[0] + 2}: {TIMESTAMP_COLUMN} {cell_text(cell)} is "
            "not a local date and time such as 2028-01-01 00:00 (no time zone)"
        )
    steps = np.flatnonzero(np.diff(used) != np.timedelta64(1, "h"))
    if steps.size:
        i = first + steps[0]
        return (
            f"{csv_name} row {i + 3}: {TIMESTAMP_COLUMN} {_stamp_text(used[i - first + 1])} is "
            f"not one hour after row {i + 2} ({_stamp_text(used[i - first])}): the rows must be "
            "consecutive hours in time order"
        )
    if start is not None and used[0] != np.datetime64(start, "s"):
        return (
            f"{csv_name} row 2: {TIMESTAMP_COLUMN} {_stamp_text(used[0])} is not time.start "
            f"({start:%Y-%m-%d %H:%M}) and no row holds it: the rows must hold the modelled "
            f"hours (rename the {TIMESTAMP_COLUMN!r} column to use the rows as they are)"
        )
    return None
