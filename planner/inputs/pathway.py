"""The ``pathway`` section: several investment periods to a target year (docs/formulation.md,
"Pathway").

Each period is the base instance in a given year: its own hours (the base's time axis,
representative periods by default in the shipped pathway), its load, grid and costs scaled by
the period's entry of each trajectory, and its own overrides (a rising CFE target). Capacity
built or contracted in a period exists from then for its lifetime or contract term; its
annuity (or contract price) is the one of its period, paid while it exists.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from planner.inputs.base import Count, Number, Schema

SCALED_KINDS = ("fusion", "clean_firm", "solar", "wind", "storage", "certificates")
"""Kinds whose cost fields a ``cost_scale`` trajectory may scale."""


class Trajectories(Schema):
    """Multipliers per period, in period order (one entry per period)."""

    load_scale: list[Number] | None = Field(
        None, description="the base load times this in each period (null: 1)"
    )
    grid_fossil_scale: list[Number] | None = Field(
        None,
        description="the grid's fossil share (1 - carbon_free_share) and carbon intensity "
        "times this in each period: < 1 is a cleaner grid (null: 1)",
    )
    price_scale: list[Number] | None = Field(
        None, description="the grid's wholesale and export prices times this (null: 1)"
    )
    cost_scale: dict[str, list[Number]] = Field(
        {},
        description="per kind (solar, wind, storage, fusion, clean_firm, certificates), its "
        "cost fields times this in each period: a learning path",
    )

    def lengths(self) -> dict[str, int]:
        """Length of every trajectory given, by name."""
        out = {
            name: len(value)
            for name in ("load_scale", "grid_fossil_scale", "price_scale")
            if (value := getattr(self, name)) is not None
        }
        out |= {f"cost_scale.{k}": len(v) for k, v in self.cost_scale.items()}
        return out


class Pathway(Schema):
    """Investment periods, their trajectories and the foresight of the planner."""

    periods: list[Count] = Field(
        min_length=1, description="the first year of each period, increasing"
    )
    end_year: Count | None = Field(
        None,
        description="first year after the pathway (null: the last period lasts as long as "
        "the one before it, or 1 year)",
    )
    foresight: Literal["perfect", "myopic"] = Field(
        "perfect",
        description="`perfect`: one LP over every period; `myopic`: period by period, each "
        "seeing only its own data, capacities carried forward",
    )
    trajectories: Trajectories = Field(
        default_factory=Trajectories, description="load, grid and cost paths"
    )
    overrides: dict[Count, dict[str, Any]] = Field(
        {}, description="per period (by its first year), overrides of the base instance"
    )
    contract_term_yr: Number = Field(
        20, gt=0, description="years a contract or PPA signed in a period runs"
    )
    emissions_budget_t: Number | None = Field(
        None, ge=0, description="location-based emissions over the whole pathway, t (null: none)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Pathway:
        problems = []
        years = self.periods
        if any(b <= a for a, b in zip(years, years[1:], strict=False)):
            problems.append(f"periods: must increase, got {years}")
        if self.end_year is not None and self.end_year <= years[-1]:
            problems.append(f"end_year: must be after the last period ({years[-1]})")
        for name, n in self.trajectories.lengths().items():
            if n != len(years):
                problems.append(
                    f"trajectories.{name}: has {n} entries, the pathway has {len(years)} periods"
                )
        unknown = sorted(set(self.trajectories.cost_scale) - set(SCALED_KINDS))
        if unknown:
            problems.append(
                f"trajectories.cost_scale: unknown kinds {unknown} (have {list(SCALED_KINDS)})"
            )
        strays = sorted(set(self.overrides) - set(years))
        if strays:
            problems.append(f"overrides: {strays} are not periods ({years})")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def span(self) -> list[tuple[int, int]]:
        """(first year, first year after) of each period."""
        years = list(self.periods)
        last = years[-1]
        if self.end_year is not None:
            end = self.end_year
        elif len(years) > 1:
            end = last + (last - years[-2])
        else:
            end = last + 1
        return list(zip(years, [*years[1:], end], strict=True))

    def discount_weights(self, rate: float) -> list[float]:
        """Per period, the sum over its years of (1 + rate)^-(year - first year)."""
        first = self.periods[0]
        return [
            sum((1.0 + rate) ** -(y - first) for y in range(start, end))
            for start, end in self.span()
        ]
