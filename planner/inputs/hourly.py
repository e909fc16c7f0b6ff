"""Hourly input fields: a number, a CSV column, a ``pvlib`` block or (from Python) an array.

An *hourly* field accepts a number (constant over the horizon), a reference to a CSV column
``{csv: profiles.csv, column: load_mw}`` (path relative to the instance file), a ``pvlib``
block (:mod:`planner.inputs.pvlib_profile`), or, from the Python API, a sequence or numpy
array. After loading every hourly field holds a float numpy array with one value per modelled
hour (:mod:`planner.inputs.series`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, Field

from planner.inputs.base import Schema
from planner.inputs.pvlib_profile import PvlibRef


class SeriesRef(Schema):
    """A column of a CSV file (UTF-8), one row per modelled hour from `time.start` (the first
    `time.hours` rows are used). FILE is relative to the instance file and must resolve,
    symlinks followed, inside the instance's folder or an allowed data folder (`--allow-dir`,
    `allowed_dirs=`, `PLANNER_DATA_DIRS`). A `timestamp` column, if the file has one, must list
    consecutive hours from `time.start` in the rows used."""

    csv: str = Field(
        min_length=1,
        description="CSV file, relative to the instance file (inside its folder or an allowed one)",
    )
    column: str = Field(min_length=1, description="column holding the hourly values")
    provenance: Literal["real", "derived", "synthetic"] | None = Field(
        None,
        description="what the column is: `real` (measured, as published), `derived` (computed "
        "from real data by a stated rule) or `synthetic` (generated); shown in every report "
        "(null: not stated, reported as such)",
    )
    source: str | None = Field(
        None, max_length=500, description="where the column comes from, shown in every report"
    )


def _parse_hourly(value: Any) -> Any:
    """A number, :class:`SeriesRef`, :class:`~planner.inputs.pvlib_profile.PvlibRef` or array."""
    if isinstance(value, bool):
        raise ValueError("must be a number or {csv: FILE, column: NAME}, got a boolean")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, (SeriesRef, PvlibRef)):
        return value
    if isinstance(value, dict):
        if "pvlib" in value:
            return PvlibRef.model_validate(value)
        return SeriesRef.model_validate(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            return np.asarray(value, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"must be a sequence of numbers ({exc})") from None
    raise ValueError(
        f"must be a number or {{csv: FILE, column: NAME}} or {{pvlib: {{...}}}}, got {value!r}"
    )


HourlyValue = Annotated[Any, BeforeValidator(_parse_hourly)]
"""Type of an hourly field: number, :class:`SeriesRef` or array (an array after loading)."""

OptionalHourlyValue = Annotated[
    Any, BeforeValidator(lambda v: None if v is None else _parse_hourly(v))
]
"""Like :data:`HourlyValue`, or None where the field is optional."""
