"""Inputs of fusion power purchase agreement (PPA) offers."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from planner.inputs.base import (
    NAME_PATTERN,
    Delivery,
    Hourly,
    Number,
    Schema,
    Timestamp,
    check_min_max,
)
from planner.inputs.hourly import HourlyValue


class FusionOffer(Schema):
    """One fusion PPA offer; the model chooses how many MW to contract (``min_capacity_mw`` to
    ``max_capacity_mw``).

    ``take_or_pay``: the buyer pays the energy price on contracted MW x availability in every
    hour, used or curtailed. ``as_available``: the buyer pays per MWh it takes.
    """

    name: str = Field(pattern=NAME_PATTERN, description="unique resource name")
    max_capacity_mw: Number = Field(ge=0, description="largest contractable capacity, MW")
    min_capacity_mw: Number = Field(
        0.0, ge=0, description="smallest contracted capacity, MW (equal to max: a signed contract)"
    )
    energy_price_usd_per_mwh: Number = Field(ge=0, description="energy price, $/MWh")
    capacity_charge_usd_per_mw_yr: Number = Field(
        0.0, ge=0, description="fixed charge per contracted MW and year, $/MW-yr"
    )
    contract_type: Literal["take_or_pay", "as_available"] = Field(
        "take_or_pay", description="`take_or_pay` or `as_available`"
    )
    availability: Annotated[HourlyValue, Hourly(ge=0, le=1)] = Field(
        0.93,
        description="share of contracted MW deliverable each hour (default 0.93: NREL ATB "
        "2024 capacity factor of a firm nuclear plant, used as a stand-in)",
    )
    commercial_operation_date: Timestamp | None = Field(
        None, description="no delivery before this timestamp (null: from the first hour)"
    )
    min_take_fraction: Number = Field(
        0.0, ge=0, le=1, description="share of available energy the buyer must take each hour"
    )
    delivery: Delivery = Field(
        "virtual",
        description="`virtual` (a financial PPA from an off-site plant in the same grid region: "
        "settled at the wholesale price, the load still pays the grid's charges) or `on_site` "
        "(behind the meter: lowers the metered import)",
    )

    @property
    def delivered(self) -> Delivery:
        return self.delivery

    @model_validator(mode="after")
    def _capacity_range(self) -> FusionOffer:
        check_min_max(self, "min_capacity_mw", "max_capacity_mw")
        return self
