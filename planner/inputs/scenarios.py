"""The ``scenarios`` section: delivery risk as named outcomes with probabilities, for a
two-stage plan (docs/formulation.md, "Delivery risk").

Each scenario is a set of overrides of the base instance (the paths of
``Instance.with_overrides``) that change only *second-stage data*: what becomes known after
the contracts are signed and the plants built (a plant's availability schedule or operation
date, a weather year, grid prices and carbon, the load). Contracted and built capacities are
decided once, before the outcome; dispatch, the grid, certificates and *recourse* capacity
(bought afterwards at a premium, delivering only after a lead time) follow each scenario.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from planner.inputs.base import NAME_PATTERN, Number, Schema

SECOND_STAGE_FIELDS = frozenset(
    {
        # hourly data
        "load_mw",
        "price_usd_per_mwh",
        "carbon_intensity_t_per_mwh",
        "carbon_free_share",
        "export_price_usd_per_mwh",
        "capacity_factor",
        "availability",
        # what a seller delivers
        "commercial_operation_date",
        "outages",
        "ramp_up_end_date",
        "ramp_up_start_share",
        "fuel_cost_usd_per_mwh",
        "derate_share",
        # certificates on sale
        "max_volume_mwh_per_yr",
    }
)
"""Fields a scenario may change (the last part of an override path): data revealed after the
first-stage decisions. Capacities, costs of what is built, contract terms and targets are not."""

RECOURSE_KINDS = ("solar", "wind", "clean_firm")
"""Kinds that can be bought after the outcome. Storage is not (its capacity cannot start
mid-horizon in this model); certificates and the grid are hourly decisions already."""


class Scenario(Schema):
    """One outcome: its probability and what it changes in the base instance."""

    name: str = Field(pattern=NAME_PATTERN, description="unique scenario name")
    probability: Number = Field(gt=0, le=1, description="probability of the outcome, 0-1")
    overrides: dict[str, Any] = Field(
        {}, description="paths of the base instance and their values in this outcome"
    )
    description: str = Field("", description="what the outcome stands for")

    @model_validator(mode="after")
    def _second_stage_only(self) -> Scenario:
        wrong = [p for p in self.overrides if p.split(".")[-1] not in SECOND_STAGE_FIELDS]
        if wrong:
            raise ValueError(
                f"overrides {', '.join(map(repr, wrong))}: a scenario may change only data "
                "known after the plan is made ("
                + ", ".join(sorted(SECOND_STAGE_FIELDS))
                + "); capacities, costs, contract terms and targets are decided first"
            )
        return self


class Risk(Schema):
    """How the outcomes' costs are weighed."""

    measure: Literal["expected", "cvar"] = Field(
        "expected",
        description="`expected` (risk-neutral) or `cvar`: expected cost + weight x CVaR at alpha",
    )
    alpha: Number = Field(
        0.9, gt=0, lt=1, description="CVaR level: the mean cost of the worst 1 - alpha of outcomes"
    )
    weight: Number = Field(1.0, ge=0, description="weight of the CVaR term (cvar)")


class Recourse(Schema):
    """Capacity a buyer can add once the outcome is known."""

    kinds: list[Literal["solar", "wind", "clean_firm"]] = Field(
        ["solar", "wind"], description="kinds whose items get a recourse copy in every scenario"
    )
    premium_share: Number = Field(
        0.25, ge=0, description="extra cost of recourse capacity over the first-stage price, 0-"
    )
    lead_time_h: Number = Field(
        4380,
        ge=0,
        description="hours from the horizon's start before recourse capacity delivers (a "
        "representative hour delivers the share of the hours it stands for that lie past it)",
    )


class Scenarios(Schema):
    """Delivery risk: outcomes with probabilities, the targets' scope, the risk measure and
    the recourse allowed."""

    cases: list[Scenario] = Field(min_length=1, description="the outcomes")
    targets: Literal["per_scenario", "expected"] = Field(
        "per_scenario",
        description="`per_scenario`: every target holds in every outcome (a 24/7 claim); "
        "`expected`: the hourly CFE target and annual matching hold on average",
    )
    risk: Risk = Field(default_factory=Risk, description="how outcomes are weighed")
    recourse: Recourse | None = Field(
        default_factory=Recourse, description="capacity bought after the outcome (null: none)"
    )
    evaluate: bool = Field(
        True,
        description="also compute EVPI (each outcome solved with perfect information) and VSS "
        "(the on-time plan in every outcome): one solve per outcome plus one",
    )

    @model_validator(mode="after")
    def _cases(self) -> Scenarios:
        problems = []
        total = sum(c.probability for c in self.cases)
        if abs(total - 1.0) > 1e-6:
            problems.append(f"cases: probabilities sum to {total:.6g}, not 1")
        names = [c.name for c in self.cases]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            problems.append(f"cases: names {', '.join(twice)} more than once")
        if problems:
            raise ValueError("; ".join(problems))
        return self
