"""The second loading pass: every hourly field becomes one float per modelled hour.

Constants are broadcast, CSV columns read (:mod:`planner.inputs.csv_table`), ``pvlib`` blocks
computed (:mod:`planner.data.solar`) and aligned to the modelled hours (each modelled hour
takes the typical-year row of its hour of the year: the same month, day and hour outside leap
years, :func:`planner.data.calendar.typical_year_rows`), and arrays taken as they are; each
is then checked for length, non-numeric and NaN values and its admissible range, naming the CSV
row. Every problem is collected; none stops the pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pydantic

from planner.data.calendar import modelled_hours
from planner.data.solar import ProfileError, capacity_factor_at, pvlib_data_dir
from planner.inputs.base import MAX_HOURS, MAX_MAGNITUDE, Hourly, Schema, hourly_bounds
from planner.inputs.csv_table import (
    cell_text,
    first_row,
    missing_column,
    open_table,
    timestamp_problem,
)
from planner.inputs.files import name_problem, resolve_inside
from planner.inputs.hourly import SeriesRef
from planner.inputs.paths import child_model
from planner.inputs.pvlib_profile import PvlibRef
from planner.inputs.spec import InstanceSpec
from planner.inputs.time_axis import TimeAxis


@dataclass
class Context:
    """What loading the series needs: where files may come from, the horizon, and the CSV
    files whose timestamps were already checked (each file is reported once)."""

    base_dir: Path
    folders: tuple[Path, ...]
    source: str
    start: datetime | None = None
    hours: int = 0
    checked_files: set[str] = field(default_factory=set)


def _load_column(ref: SeriesRef, ctx: Context) -> tuple[np.ndarray | None, list[str], int]:
    """Return (raw column as objects from the first modelled hour's row, problems found in its
    file, that row's position) or (None, problems, 0)."""
    table, key, problem = open_table(ref.csv, ctx.base_dir, ctx.folders)
    if table is None:
        return None, [problem or f"CSV file {ref.csv!r} cannot be read"], 0
    columns = [str(c) for c in table.frame.columns]
    if ref.column in table.duplicates:
        return None, [f"CSV file {ref.csv!r} has the column {ref.column!r} more than once"], 0
    if ref.column not in columns:
        return None, [missing_column(ref.csv, ref.column, columns)], 0
    problems = []
    if key not in ctx.checked_files:
        ctx.checked_files.add(key)
        stamp_problem = timestamp_problem(table, ref.csv, ctx.start, ctx.hours)
        if stamp_problem:
            problems.append(stamp_problem)
    first = first_row(table, ctx.start)
    return table.frame[ref.column].to_numpy()[first:], problems, first


def _weather_problem(weather: str, ctx: Context) -> str | None:
    """Why a pvlib weather file may not be read: a name of pvlib's data folder is fine,
    anything else must lie inside the allowed folders."""
    problem = name_problem(weather, "weather file")
    if problem:
        return problem
    plain = not any(c in weather for c in "/\\")
    if plain and (pvlib_data_dir() / weather).is_file():
        return None
    _, problem = resolve_inside(weather, ctx.base_dir, ctx.folders, "weather file")
    return problem


def _modelled(ctx: Context) -> pd.DatetimeIndex:
    """The modelled hours; from 1 January 2028 when time.start is itself invalid (only the
    other problems are being collected then)."""
    return modelled_hours(ctx.start or datetime(2028, 1, 1), ctx.hours)


def _constant(
    value: float, bounds: Hourly, hours: int, where: str
) -> tuple[np.ndarray | None, list[str]]:
    if not np.isfinite(value):
        return None, [f"{where}: must be a finite number, got {value}"]
    if bounds.violations(np.array([value])).any():
        return None, [f"{where}: must be {bounds.describe()}, got {value}"]
    if abs(value) > MAX_MAGNITUDE:
        return None, [f"{where}: must be at most {MAX_MAGNITUDE:g} in magnitude, got {value:g}"]
    return np.full(hours, value), []


def series(
    value: Any, bounds: Hourly, ctx: Context, where: str
) -> tuple[np.ndarray | None, list[str]]:
    """Turn one hourly field into ``ctx.hours`` floats, or return the problems found."""
    hours = ctx.hours
    if isinstance(value, float):
        return _constant(value, bounds, hours, where)
    problems: list[str] = []
    if isinstance(value, SeriesRef):
        column, problems, first = _load_column(value, ctx)
        if column is None:
            return None, [f"{where}: {p}" for p in problems]
        problems = [f"{where}: {p}" for p in problems]
        label = f"{value.csv} column {value.column!r}"
        row_offset = 2 + first  # CSV line of the first modelled hour: the header is line 1
    elif isinstance(value, PvlibRef):
        problem = _weather_problem(value.pvlib.weather, ctx)
        if problem:
            return None, [f"{where}.pvlib.weather: {problem}"]
        try:
            column = capacity_factor_at(value.pvlib, _modelled(ctx), ctx.base_dir)
        except ProfileError as exc:
            return None, [f"{where}.pvlib: {exc}"]
        label = f"pvlib profile of {value.pvlib.weather!r}"
        row_offset = 0
    else:
        column = np.asarray(value)
        label = "array"
        row_offset = 0
        if column.ndim != 1:
            return None, [f"{where}: must be one-dimensional, got shape {column.shape}"]
    if len(column) < hours:
        found = f"{len(column)} rows" + (f" from row {row_offset}" if row_offset > 2 else "")
        short = f"{where}: {label} has {found}, time.hours needs {hours}"
        return None, [short, *problems]
    if isinstance(value, np.ndarray) and len(column) != hours:
        return None, [f"{where}: {label} has {len(column)} values, time.hours is {hours}"]
    column = column[:hours]
    numbers = pd.to_numeric(pd.Series(column), errors="coerce").to_numpy(dtype=float)
    bad_rows = np.flatnonzero(~np.isfinite(numbers))
    if bad_rows.size:
        first = bad_rows[0]
        problems.append(
            f"{where}: {label} row {first + row_offset}: not a finite number "
            f"({cell_text(column[first])})"
            + (f"; {bad_rows.size - 1} more such rows" if bad_rows.size > 1 else "")
        )
    finite = np.nan_to_num(numbers, nan=0.0, posinf=0.0, neginf=0.0)
    for mask, wanted in (
        (bounds.violations(finite), f"be {bounds.describe()}"),
        (np.abs(finite) > MAX_MAGNITUDE, f"be at most {MAX_MAGNITUDE:g} in magnitude"),
    ):
        rows = np.flatnonzero(mask)
        if rows.size:
            first = rows[0]
            problems.append(
                f"{where}: {label} row {first + row_offset}: must {wanted}, got {numbers[first]}"
                + (f"; {rows.size - 1} more such rows" if rows.size > 1 else "")
            )
            break
    return (None if problems else numbers), problems


def resolve_series(model: Schema, ctx: Context, problems: list[str], path: tuple[str, ...]) -> Any:
    """Copy of ``model`` with each hourly field replaced by an array (recursively)."""
    updates: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        where = ".".join((*path, name))
        bounds = hourly_bounds(type(model), name)
        if bounds is not None:
            if value is None:
                continue
            array, found = series(value, bounds, ctx, where)
            problems.extend(f"{ctx.source}: {p}" for p in found)
            updates[name] = array
        elif isinstance(value, Schema):
            updates[name] = resolve_series(value, ctx, problems, (*path, name))
        elif isinstance(value, list) and value and isinstance(value[0], Schema):
            updates[name] = [
                resolve_series(item, ctx, problems, (f"{where}[{getattr(item, 'name', i)}]",))
                for i, item in enumerate(value)
            ]
    return model.model_copy(update=updates)


def series_problems_of_valid_parts(raw: Mapping[str, Any], ctx: Context) -> list[str]:
    """Series problems of the sections that are valid on their own, when others are not.

    So that one run reports a wrong key in one section and a bad CSV in another together.
    Every section and list item of :class:`~planner.inputs.spec.InstanceSpec` is tried.
    """
    time = raw.get("time")
    try:
        axis = TimeAxis.model_validate(time)
        ctx.start, ctx.hours = axis.start, axis.hours
    except pydantic.ValidationError:
        hours = time.get("hours") if isinstance(time, dict) else None
        if not isinstance(hours, int) or isinstance(hours, bool) or not 0 < hours <= MAX_HOURS:
            return []
        ctx.start, ctx.hours = None, hours
    parts: list[tuple[Any, type[Any], str]] = []
    for name, spec_field in InstanceSpec.model_fields.items():
        child = child_model(spec_field.annotation)
        if child is None:
            continue
        shape, model = child
        value = raw.get(name)
        if shape == "list" and isinstance(value, list):
            items = [item for item in value if isinstance(item, dict)]
            parts += [(item, model, f"{name}[{item.get('name')}]") for item in items]
        elif shape == "section" and isinstance(value, dict):
            parts.append((value, model, name))
    problems: list[str] = []
    for value, model, where in parts:
        try:
            part = model.model_validate(value)
        except pydantic.ValidationError:
            continue  # already reported by the structure pass
        resolve_series(part, ctx, problems, (where,))
    return problems
