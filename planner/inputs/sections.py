"""Inputs of the datacenter's demand and of finance (how overnight costs become payments)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from planner.inputs.base import Hourly, Number, Schema
from planner.inputs.flexibility import Flexibility
from planner.inputs.hourly import HourlyValue


class Demand(Schema):
    """The datacenter's electricity demand."""

    load_mw: Annotated[HourlyValue, Hourly(ge=0)] = Field(description="demand each hour, MW")
    value_of_lost_load_usd_per_mwh: Number = Field(
        10_000.0, gt=0, description="cost of each MWh of demand not served, $/MWh"
    )
    flexibility: Flexibility | None = Field(
        None, description="load that may be shifted in time or between sites (null: rigid)"
    )


class Finance(Schema):
    """How overnight costs become yearly payments."""

    discount_rate: Number = Field(0.07, ge=0, lt=1, description="real discount rate, per year")


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
