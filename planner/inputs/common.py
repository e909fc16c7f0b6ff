"""Shared pieces of the input schema: the base model, hourly series fields, finance helpers.

An *hourly* field accepts a number (constant over the horizon), a reference to a CSV column
``{csv: profiles.csv, column: load_mw}`` (path relative to the instance file), or, from the
Python API, a sequence or numpy array.  After loading every hourly field holds a float numpy
array with one value per modelled hour (see :mod:`planner.inputs.instance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from pydantic import AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field

HOURS_PER_YEAR = 8760.0

NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"


def _reject_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"must be a number, got {value}")
    return value


Number = Annotated[float, AllowInfNan(False), BeforeValidator(_reject_bool)]
"""A finite number; booleans are refused (YAML ``yes`` is not a quantity)."""

Count = Annotated[int, BeforeValidator(_reject_bool)]
"""A whole number; booleans are refused."""


class Schema(BaseModel):
    """Base of every input block: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class SeriesRef(Schema):
    """A column of a CSV file, one row per hour, path relative to the instance file."""

    csv: str = Field(min_length=1, description="CSV file, relative to the instance file")
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
