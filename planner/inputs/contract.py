"""The contract of a firm clean-power offer, shared by fusion and the other clean-firm
technologies: price, contract type and term, units, an availability schedule and the
penalties the seller pays for energy it does not deliver.

The hourly share of contracted MW the seller delivers is the product of (see
:func:`planner.inputs.schedule.deliverable_share`): ``availability`` (the plant's base
availability), the contract term (``contract_start_date`` or ``commercial_operation_date`` to
``contract_end_date``), the commercial operation date (no delivery before it), a linear ramp-up
from ``ramp_up_start_share`` at the commercial operation date to 1 at ``ramp_up_end_date``, and
the share of the ``units`` not in an outage, times ``1 - derate_share``. The *contracted* share
is the base availability over the contract term; the seller pays
``delivery_penalty_usd_per_mwh`` on the difference.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from planner.inputs.base import (
    NAME_PATTERN,
    Count,
    Delivery,
    Hourly,
    Number,
    Schema,
    Timestamp,
    check_min_max,
)
from planner.inputs.hourly import HourlyValue


class Outage(Schema):
    """A block of hours in which one unit (or the whole plant) delivers nothing."""

    start: Timestamp = Field(description="first hour out (local time)")
    end: Timestamp = Field(description="first hour back (exclusive)")
    unit: Count | None = Field(
        None, ge=0, description="the unit out, 0-based (null: every unit of the offer)"
    )
    kind: Literal["planned", "forced"] = Field(
        "planned", description="`planned` (refuelling, maintenance) or `forced` (a failure)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Outage:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self

    def covers(self, unit: int) -> bool:
        return self.unit is None or self.unit == unit


class ContractOffer(Schema):
    """A firm offer; the model chooses how many MW to contract (``min_capacity_mw`` to
    ``max_capacity_mw``).

    ``take_or_pay``: the buyer pays the energy price on contracted MW x deliverable share in
    every hour, used or curtailed. ``as_available``: the buyer pays per MWh it takes.
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
        description="base share of contracted MW deliverable each hour, before the schedule "
        "below (default 0.93: NREL ATB 2024 capacity factor of a firm nuclear plant, used as a "
        "stand-in)",
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
    contract_start_date: Timestamp | None = Field(
        None,
        description="first hour the seller promises to deliver; penalties run from here (null: "
        "the commercial operation date)",
    )
    contract_end_date: Timestamp | None = Field(
        None, description="first hour after the contract: no delivery, no payment (null: none)"
    )
    units: Count = Field(
        1, ge=1, description="identical units sharing the contracted MW, each out on its own"
    )
    outages: list[Outage] = Field(
        [], description="outage blocks of single units or the whole plant (planned or forced)"
    )
    ramp_up_end_date: Timestamp | None = Field(
        None,
        description="end of the first-year ramp-up: the deliverable share rises linearly from "
        "ramp_up_start_share at the commercial operation date to 1 here (null: no ramp-up)",
    )
    ramp_up_start_share: Number = Field(
        0.5, ge=0, le=1, description="share of the deliverable energy at the start of the ramp-up"
    )
    derate_share: Number = Field(
        0.0,
        ge=0,
        le=1,
        description="share of the promised output the plant fails to deliver in every hour (a "
        "derated plant; the promise, and so the penalty base, is unchanged)",
    )
    delivery_penalty_usd_per_mwh: Number = Field(
        0.0,
        ge=0,
        description="liquidated damages the seller pays per contracted MWh not delivered "
        "(late start, ramp-up, outages), $/MWh",
    )

    @property
    def delivered(self) -> Delivery:
        return self.delivery

    @property
    def promised_start(self) -> datetime | None:
        """First hour of the contracted delivery (start date, else operation date)."""
        return self.contract_start_date or self.commercial_operation_date

    @model_validator(mode="after")
    def _contract_fields(self) -> ContractOffer:
        check_min_max(self, "min_capacity_mw", "max_capacity_mw")
        problems = []
        start, end = self.promised_start, self.contract_end_date
        if start is not None and end is not None and end <= start:
            problems.append(
                f"contract_end_date ({end}) must be after the contract starts ({start})"
            )
        if self.delivery_penalty_usd_per_mwh > 0 and self.contract_start_date is None:
            problems.append(
                "delivery_penalty_usd_per_mwh needs contract_start_date: the penalty is paid on "
                "energy promised from that date and not delivered"
            )
        cod = self.commercial_operation_date
        ramp = self.ramp_up_end_date
        if ramp is not None and cod is not None and ramp <= cod:
            problems.append(
                f"ramp_up_end_date ({ramp}) must be after commercial_operation_date ({cod})"
            )
        problems += _outage_problems(self.outages, self.units)
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _outage_problems(outages: list[Outage], units: int) -> list[str]:
    problems = [
        f"outages[{i}].unit: {o.unit} is not a unit of the offer (units: {units}, numbered "
        f"0 to {units - 1})"
        for i, o in enumerate(outages)
        if o.unit is not None and o.unit >= units
    ]
    for i, a in enumerate(outages):
        for j in range(i + 1, len(outages)):
            b = outages[j]
            same_unit = a.unit is None or b.unit is None or a.unit == b.unit
            if same_unit and a.start < b.end and b.start < a.end:
                which = "the plant" if a.unit is None or b.unit is None else f"unit {a.unit}"
                problems.append(f"outages[{i}] and outages[{j}] overlap on {which}")
    return problems
