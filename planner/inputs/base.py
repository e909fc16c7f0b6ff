"""The base of every input schema: the immutable model, numbers, timestamps, hourly ranges,
and the limits of what an input may hold."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, AllowInfNan, BaseModel, BeforeValidator, ConfigDict

HOURS_PER_YEAR = 8760.0

NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
"""Names of instances, resources, sweeps and scenarios: also used as file and folder names,
so a name can never be a path (no ``/``, ``..`` or leading dot)."""

MAX_MAGNITUDE = 1e12
"""Largest absolute value of any input number or hourly value. Beyond it the LP cannot be
solved accurately (HiGHS treats 1e20 as infinite); 1e12 is far above any real quantity."""

MAX_HOURS = 100 * 8784
"""Largest ``time.hours``: a hundred leap years."""


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

Delivery = Literal["virtual", "on_site"]
"""How a clean resource's energy reaches the datacenter (docs/formulation.md [tariff]):
``virtual``, a financial PPA settled at the wholesale price while the load still pays every
non-bypassable charge; ``on_site``, behind the meter, which lowers the metered import and so the
energy, demand and coincident-peak charges."""


class Schema(BaseModel):
    """Base of every input block: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


@dataclass(frozen=True)
class Hourly:
    """Marks a field as an hourly series and states its admissible range (checked per hour)."""

    ge: float | None = None
    le: float | None = None
    gt: float | None = None

    def describe(self) -> str:
        """Human-readable range, e.g. ``in (0, 1]``; empty if unbounded."""
        low = (
            f"({self.gt}"
            if self.gt is not None
            else (f"[{self.ge}" if self.ge is not None else None)
        )
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


def hourly_bounds(model: type[BaseModel], field: str) -> Hourly | None:
    """The :class:`Hourly` marker of ``model.field``, or None if the field is not hourly."""
    for meta in model.model_fields[field].metadata:
        if isinstance(meta, Hourly):
            return meta
    return None


def check_min_max(item: BaseModel, low_field: str, high_field: str) -> None:
    """Raise ``ValueError`` if ``item.<low_field>`` exceeds ``item.<high_field>`` (None: no
    limit)."""
    low, high = getattr(item, low_field), getattr(item, high_field)
    if high is not None and low > high:
        raise ValueError(f"{low_field} ({low}) is above {high_field} ({high})")


def child_model(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """(``list`` or ``section``, model) if a field holds sub-models, else None (a value)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return child_model(typing.get_args(annotation)[0])
    if origin is list:
        (item,) = typing.get_args(annotation)
        return ("list", item) if isinstance(item, type) and issubclass(item, BaseModel) else None
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return "section", arg
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section", annotation
    return None
