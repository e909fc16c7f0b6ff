"""Inputs of the clean-energy policy: any combination of targets, each hard or soft."""

from __future__ import annotations

from pydantic import Field, model_validator

from planner.inputs.base import Number, Schema


class Policy(Schema):
    """Targets the portfolio must meet. A target left null is not imposed.

    A target is hard unless its ``*_penalty_*`` is set; then any shortfall is allowed at that
    price per unit and reported.
    """

    annual_matching_fraction: Number | None = Field(
        None, ge=0, description="procured clean energy >= this share of annual demand"
    )
    annual_matching_penalty_usd_per_mwh: Number | None = Field(
        None, gt=0, description="price of each MWh of matching shortfall (null: hard)"
    )
    hourly_cfe_target: Number | None = Field(
        None, ge=0, le=1, description="hourly 24/7 carbon-free-energy score target, 0-1"
    )
    hourly_cfe_penalty_usd_per_mwh: Number | None = Field(
        None, gt=0, description="price of each MWh of CFE shortfall (null: hard)"
    )
    emissions_cap_t_per_yr: Number | None = Field(
        None, ge=0, description="location-based emissions cap, t per year"
    )
    emissions_cap_fraction_of_baseline: Number | None = Field(
        None,
        ge=0,
        le=1,
        description="location-based emissions cap as a share of the grid-only baseline",
    )
    emissions_cap_penalty_usd_per_t: Number | None = Field(
        None, gt=0, description="price of each t above the cap (null: hard)"
    )
    market_based_net_zero: bool = Field(
        False, description="market-based emissions (imports minus exports, hourly factors) <= 0"
    )
    market_based_net_zero_penalty_usd_per_t: Number | None = Field(
        None, gt=0, description="price of each t of net market-based emissions (null: hard)"
    )

    @model_validator(mode="after")
    def _one_cap_form(self) -> Policy:
        if (
            self.emissions_cap_t_per_yr is not None
            and self.emissions_cap_fraction_of_baseline is not None
        ):
            raise ValueError(
                "set emissions_cap_t_per_yr or emissions_cap_fraction_of_baseline, not both"
            )
        return self
