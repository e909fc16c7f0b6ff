"""Shared pieces of the input schema: the base model, hourly series fields, finance helpers,
and the rule for the files an input may read.

An *hourly* field accepts a number (constant over the horizon), a reference to a CSV column
``{csv: profiles.csv, column: load_mw}`` (path relative to the instance file), or, from the
Python API, a sequence or numpy array.  After loading every hourly field holds a float numpy
array with one value per modelled hour (see :mod:`planner.inputs.instance`).

Files named inside an input (CSV columns, pvlib weather files) must resolve, symlinks
followed, inside the input file's folder or an explicitly allowed data folder
(:func:`data_folders`); anything else is refused before it is opened.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field

HOURS_PER_YEAR = 8760.0

NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
"""Names of instances, resources, sweeps and scenarios: also used as file and folder names,
so a name can never be a path (no ``/``, ``..`` or leading dot)."""

MAX_MAGNITUDE = 1e12
"""Largest absolute value of any input number or hourly value. Beyond it the LP cannot be
solved accurately (HiGHS treats 1e20 as infinite); 1e12 is far above any real quantity."""

MAX_HOURS = 100 * 8784
"""Largest ``time.hours``: a hundred leap years."""

DATA_DIRS_ENV = "PLANNER_DATA_DIRS"
"""Environment variable: extra folders (``os.pathsep``-separated) that input files may read."""


def _reject_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"must be a number, got {value}")
    return value


def _check_magnitude(value: float) -> float:
    if abs(value) > MAX_MAGNITUDE:
        raise ValueError(f"must be at most {MAX_MAGNITUDE:g} in magnitude, got {value:g}")
    return value


Number = Annotated[
    float, AllowInfNan(False), BeforeValidator(_reject_bool), AfterValidator(_check_magnitude)
]
"""A finite number of magnitude at most :data:`MAX_MAGNITUDE`; booleans are refused (YAML
``yes`` is not a quantity)."""

_NUMERIC_TEXT = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _timestamp_input(value: Any) -> Any:
    """Refuse numbers (pydantic would read ``2028`` as seconds after 1970)."""
    if isinstance(value, (bool, int, float)) or (
        isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value)
    ):
        raise ValueError(f"must be a timestamp such as 2028-01-01 00:00, got {value!r}")
    return value


def _local(value: datetime) -> datetime:
    if value.tzinfo is not None:
        raise ValueError(
            "must be a local timestamp without a time zone (hours are local standard time), "
            f"got {value.isoformat()}"
        )
    return value


Timestamp = Annotated[datetime, BeforeValidator(_timestamp_input), AfterValidator(_local)]
"""A local date and time such as ``2028-01-01 00:00`` (a date alone is midnight); numbers and
time-zone offsets are refused."""

Count = Annotated[int, BeforeValidator(_reject_bool)]
"""A whole number; booleans are refused."""


class Schema(BaseModel):
    """Base of every input block: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


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


@dataclass(frozen=True)
class Hourly:
    """Marks a field as an hourly series and states its admissible range (checked per hour)."""

    ge: float | None = None
    le: float | None = None
    gt: float | None = None

    def describe(self) -> str:
        """Human-readable range, e.g. ``in (0, 1]``; empty if unbounded."""
        low = f"({self.gt}" if self.gt is not None else (f"[{self.ge}" if self.ge is not None else None)
        if low is not None and self.le is not None:
            return f"in {low}, {self.le}]"
        if self.gt is not None:
            return f"> {self.gt}"
        if self.ge is not None:
            return f">= {self.ge}"
        if self.le is not None:
            return f"<= {self.le}"
        return ""

    def violations(self, values: np.ndarray) -> np.ndarray:
        """Boolean mask of the values outside the range."""
        bad = np.zeros(values.shape, dtype=bool)
        if self.ge is not None:
            bad |= values < self.ge
        if self.gt is not None:
            bad |= values <= self.gt
        if self.le is not None:
            bad |= values > self.le
        return bad


def _parse_hourly(value: Any) -> Any:
    """A number, :class:`SeriesRef`, :class:`~planner.inputs.pvlib_profile.PvlibRef` or array."""
    from planner.inputs.pvlib_profile import PvlibRef  # the block's schema imports this module

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


def data_folders(
    base_dir: str | Path, allowed_dirs: Iterable[str | Path] | None = None
) -> tuple[Path, ...]:
    """The folders an input's files may come from: its own folder (``base_dir``), then
    ``allowed_dirs``, then those listed in the environment variable :data:`DATA_DIRS_ENV`;
    all resolved (symlinks followed)."""
    env = [d for d in os.environ.get(DATA_DIRS_ENV, "").split(os.pathsep) if d.strip()]
    folders = [Path(base_dir), *(Path(d) for d in allowed_dirs or ()), *(Path(d) for d in env)]
    resolved = []
    for folder in folders:
        try:
            resolved.append(folder.expanduser().resolve())
        except (OSError, ValueError, RuntimeError):
            continue  # a folder that cannot be named allows nothing
    return tuple(dict.fromkeys(resolved))


def resolve_inside(
    text: str, base_dir: Path, folders: tuple[Path, ...], what: str
) -> tuple[Path | None, str | None]:
    """Resolve the file ``text`` (relative to ``base_dir``) and check that it lies in one of
    ``folders``; return (path, None) or (None, problem).

    Symlinks are followed before the check, so a link pointing outside is refused like
    ``../../etc/passwd`` or an absolute path elsewhere. The file need not exist yet.
    """
    if "\x00" in text:
        return None, f"{what} {text!r}: a file name cannot contain a NUL character"
    try:
        path = (base_dir / Path(text).expanduser()).resolve()
    except (OSError, ValueError, RuntimeError) as exc:
        return None, f"{what} {text!r}: cannot be resolved ({exc})"
    if any(path.is_relative_to(folder) for folder in folders):
        return path, None
    shown = ", ".join(str(f) for f in folders)
    return None, (
        f"{what} {text!r} is outside the folders input files may read ({shown}); move it "
        f"there or allow its folder (--allow-dir, allowed_dirs=, or {DATA_DIRS_ENV})"
    )


def hourly_bounds(model: type[BaseModel], field: str) -> Hourly | None:
    """The :class:`Hourly` marker of ``model.field``, or None if the field is not hourly."""
    for meta in model.model_fields[field].metadata:
        if isinstance(meta, Hourly):
            return meta
    return None


def capital_recovery_factor(discount_rate: float, lifetime_yr: float) -> float:
    """Annuity factor turning an overnight cost into an equal yearly payment.

    ``r / (1 - (1 + r) ** -n)``, and ``1 / n`` when ``r == 0`` (formulation label
    ``annuity``).

    >>> round(capital_recovery_factor(0.07, 25), 6)
    0.085811
    """
    # label: annuity
    if discount_rate == 0:
        return 1.0 / lifetime_yr
    return discount_rate / (1.0 - (1.0 + discount_rate) ** (-lifetime_yr))


def check_min_max(item: BaseModel, low_field: str, high_field: str) -> None:
    """Raise ``ValueError`` if ``item.<low_field>`` exceeds ``item.<high_field>`` (None: no limit)."""
    low, high = getattr(item, low_field), getattr(item, high_field)
    if high is not None and low > high:
        raise ValueError(f"{low_field} ({low}) is above {high_field} ({high})")
