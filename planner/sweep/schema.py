"""The sweep file's schema: its fields, parameters (a list or a range), scenarios, and the
limits on how many points it may expand to."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from planner.errors import InstanceError
from planner.inputs.base import NAME_PATTERN, Number, Schema

MAX_POINTS = 100_000
"""Most points a sweep may expand to (bases x scenarios x parameter combinations)."""

MAX_VALUES = 10_000
"""Most values of one parameter (a list or a range)."""


class SweepError(InstanceError):
    """Invalid sweep input: every problem found, one line each, naming file and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the sweep:"
        self.args = ("\n".join([head, *("  " + p for p in self.problems)]),)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _yaml_files(paths: list[str]) -> list[str]:
    """Base paths must name YAML files: they are read as YAML instances and nothing else."""
    for path in paths:
        if "\x00" in path:
            raise ValueError(f"{path!r}: a file name cannot contain a NUL character")
        if Path(path).suffix.lower() not in (".yaml", ".yml"):
            raise ValueError(f"{path!r}: must be an instance file ending in .yaml or .yml")
    return paths


class Range(Schema):
    """Evenly spaced values from ``start`` to ``stop`` (included when reached) by ``step``."""

    start: Number = Field(description="first value")
    stop: Number = Field(description="last value (included if start + k * step reaches it)")
    step: Number = Field(gt=0, description="spacing between values")

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.stop < self.start:
            raise ValueError(f"stop ({self.stop}) is below start ({self.start})")
        if (self.stop - self.start) / self.step > MAX_VALUES:
            raise ValueError(f"more than {MAX_VALUES:,} values; use a larger step")
        return self

    def values(self) -> list[float]:
        """The expanded values, rounded to 12 significant digits to drop float noise.

        >>> Range(start=0.8, stop=1.0, step=0.1).values()
        [0.8, 0.9, 1.0]
        """
        count = math.floor((self.stop - self.start) / self.step + 1e-9) + 1
        return [float(f"{self.start + i * self.step:.12g}") for i in range(count)]


class Parameter(Schema):
    """One swept input: a dotted path and its values (a list or a range)."""

    path: str = Field(min_length=1, description="dotted path, as in Instance.with_overrides")
    values: list[Any] | None = Field(
        None, min_length=1, max_length=MAX_VALUES, description="the values to try"
    )
    range: Range | None = Field(None, description="evenly spaced values instead of a list")
    group: str | None = Field(
        None, min_length=1, description="parameters sharing a group advance together (zip)"
    )

    @model_validator(mode="after")
    def _one_source(self) -> Parameter:
        if (self.values is None) == (self.range is None):
            raise ValueError("give either values or range, not both or neither")
        return self

    def expanded(self) -> list[Any]:
        return list(self.values) if self.values is not None else self.range.values()  # type: ignore[union-attr]


class Scenario(Schema):
    """A named set of overrides."""

    name: str = Field(pattern=NAME_PATTERN, description="scenario name (a column of the table)")
    description: str = Field("", description="what the scenario represents")
    overrides: dict[str, Any] = Field(default_factory=dict, description="dotted path -> value")


class SweepSpec(Schema):
    """The whole sweep file."""

    name: str = Field(pattern=NAME_PATTERN, description="sweep name (default output folder)")
    description: str = Field("", description="what the sweep explores")
    base: Annotated[list[str], BeforeValidator(_as_list), AfterValidator(_yaml_files)] = Field(
        min_length=1, description="instance file(s) (.yaml or .yml), relative to the sweep file"
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="dotted path -> value, applied to every point"
    )
    combine: Literal["grid", "zip"] = Field(
        "grid", description="grid: every combination of the parameters; zip: one list"
    )
    parameters: list[Parameter] = Field(default_factory=list, description="swept inputs")
    scenarios: list[Scenario] = Field(default_factory=list, description="named scenarios")
    solver_options: dict[str, Any] = Field(
        default_factory=dict, description="HiGHS options merged over planner's defaults"
    )
    time_limit_s: Number | None = Field(None, gt=0, description="HiGHS time limit per point")
    baseline: bool = Field(True, description="also solve each point's grid-only baseline")
    reuse_model: bool = Field(
        False,
        description="warm-start simplex from the previous point of the same LP structure in "
        "each worker (faster; answers equal to the solver tolerance, not bit for bit, and a "
        "vertex where optima tie: docs/sweeps.md)",
    )


KEYED = ("overrides", "solver_options")
"""Mappings of a sweep file whose keys are paths or option names, not fields."""
