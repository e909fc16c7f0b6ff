"""The study file's delivery-risk blocks: ``delivery_risk`` (a contract sized for on-time
delivery, then a late or derated plant) and ``risk_plan`` (a two-stage plan over the plant's
outcomes, with the probability sets it is planned for). Run by :mod:`planner.study.risk_plan`
and the delivery cases."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from planner.inputs.base import NAME_PATTERN, Count, Number, Schema
from planner.study.policy_case import PolicyCase


class DeliveryRiskPart(Schema):
    """Part 3: a contract sized for on-time delivery, then a late or derated plant."""

    policy: PolicyCase = Field(description="the policy the contract is sized for")
    prices_usd_per_mwh: list[Number | None] = Field(
        min_length=1, description="fusion energy prices (null: the offer's price in the instance)"
    )
    slip_years: list[Count] = Field(min_length=1, description="years of delay to evaluate")
    availability: list[Number] = Field(
        default_factory=list, description="lower availabilities to evaluate, 0-1"
    )
    window_years: Count = Field(5, gt=0, description="contract window the costs are summed over")
    strategies: list[Literal["fixed", "top_up"]] = Field(
        min_length=1,
        description="fixed: builds and contract as planned, target dropped; top_up: solar and "
        "storage may be added, hard target kept",
    )
    shortfall_penalty_usd_per_mwh: Number | None = Field(
        None, gt=0, description="top_up: price of a CFE shortfall (null: hard target)"
    )

    @model_validator(mode="after")
    def _ranges(self) -> DeliveryRiskPart:
        bad = [a for a in self.availability if not 0 <= a <= 1]
        if bad:
            raise ValueError(f"availability must be in [0, 1], got {bad}")
        late = [k for k in self.slip_years if not 0 < k <= self.window_years]
        if late:
            raise ValueError(
                f"slip_years must be in [1, window_years = {self.window_years}], got {late}"
            )
        return self


class ProbabilitySet(Schema):
    """Probabilities of the plant's three outcomes: on time, late, never."""

    name: str = Field(pattern=NAME_PATTERN, description="set name")
    label: str = Field(min_length=1, description="text in tables")
    on_time: Number = Field(ge=0, le=1, description="probability the plant comes on time")
    late: Number = Field(ge=0, le=1, description="probability it comes late_years late")
    never: Number = Field(ge=0, le=1, description="probability it never delivers")
    reason: str = Field("", description="why these odds (required with a credibility block)")

    @model_validator(mode="after")
    def _sum(self) -> ProbabilitySet:
        total = self.on_time + self.late + self.never
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"on_time + late + never must be 1, got {total:g}")
        return self


def _offer_price_only() -> list[float | None]:
    return [None]


class RiskPlanPart(Schema):
    """Part 5: how many MW to sign before the outcome is known (a two-stage plan per set of
    probabilities, against the plan made for on-time delivery)."""

    policy: PolicyCase = Field(description="the policy, held in every outcome")
    late_years: Count = Field(2, gt=0, description="years late in the 'late' outcome")
    window_years: Count = Field(5, gt=0, description="contract years the modelled year stands for")
    penalty_usd_per_mwh: Number = Field(
        0.0, ge=0, description="seller's penalty per promised MWh not delivered"
    )
    recourse_premium_share: Number = Field(
        0.25, ge=0, description="extra cost of solar and wind added after the outcome, share"
    )
    recourse_lead_time_h: Count = Field(
        1752, ge=0, description="hours of the modelled year before recourse delivers"
    )
    prices_usd_per_mwh: list[Number | None] = Field(
        default_factory=_offer_price_only,
        min_length=1,
        description="fusion energy prices to plan at (null: the offer's price in the instance)",
    )
    probability_sets: list[ProbabilitySet] = Field(min_length=1, description="the sets")
    cvar_alpha: Number | None = Field(
        None, gt=0, lt=1, description="also plan the first set minimising expected cost + CVaR"
    )
    other_sets_prices_usd_per_mwh: list[Number | None] | None = Field(
        None,
        min_length=1,
        description=(
            "prices at which the sets after the first and the CVaR plan are planned, each one "
            "of prices_usd_per_mwh (null in the list: the offer's price; omitted: every price); "
            "the on-time plan and the first set are planned at every price"
        ),
    )

    @model_validator(mode="after")
    def _consistent(self) -> RiskPlanPart:
        names = [p.name for p in self.probability_sets]
        if len(set(names)) != len(names) or "on_time_plan" in names:
            raise ValueError("probability set names must be unique and not 'on_time_plan'")
        if self.late_years >= self.window_years:
            raise ValueError(
                f"late_years ({self.late_years}) must be below window_years ({self.window_years})"
            )
        others = self.other_sets_prices_usd_per_mwh
        if others is not None:
            stray = [p for p in others if p not in self.prices_usd_per_mwh]
            if stray:
                raise ValueError(
                    f"other_sets_prices_usd_per_mwh {stray}: not in prices_usd_per_mwh "
                    f"{self.prices_usd_per_mwh}"
                )
        return self
