"""The tidy table of a sweep: one row per point, swept values as columns, then the stored
record (status, objective, metrics, capacities, prices, timings)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from planner.hashing import to_json
from planner.sweep.schedule import Prepared


def display(value: Any) -> Any:
    """A swept value as a table cell: numbers and text as they are, the rest as JSON text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return to_json(value)


def tidy_table(
    prepared: list[Prepared], records: Mapping[str, dict[str, Any]], columns: tuple[str, ...]
) -> pd.DataFrame:
    """One row per prepared point, in point order; points not stored yet have status
    ``missing``."""
    with_scenarios = any(p.point.scenario is not None for p in prepared)
    rows = []
    for prep in prepared:
        row: dict[str, Any] = {"point": prep.point.index, "base": prep.point.base}
        if with_scenarios:
            row["scenario"] = prep.point.scenario
        row |= {c: display(prep.point.values.get(c)) for c in columns}
        record = records.get(prep.key, {"status": "missing", "error": "not solved yet"})
        row |= record
        row["key"] = prep.key
        rows.append(row)
    return ordered(pd.DataFrame(rows), columns)


def ordered(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    head = [
        c
        for c in ("point", "base", "scenario", *columns, "status", "error", "objective_usd")
        if c in frame
    ]
    tail = [c for c in frame if c.endswith("_s") and c not in head]
    rest = [c for c in frame if c not in head and c not in tail and c != "key"]
    return frame[[*head, *rest, *tail, "key"]]


def timing_columns(table: pd.DataFrame) -> list[str]:
    """Columns that differ between identical runs (seconds)."""
    return [c for c in table if c.endswith("_s")]
