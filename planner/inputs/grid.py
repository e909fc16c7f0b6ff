"""Inputs of the grid connection."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from planner.inputs.base import Hourly, Number, Schema, Timestamp
from planner.inputs.hourly import HourlyValue, OptionalHourlyValue


def _distinct(hours: list[datetime]) -> list[datetime]:
    twice = sorted({h for h in hours if hours.count(h) > 1})
    if twice:
        raise ValueError(f"names {', '.join(str(h) for h in twice)} more than once")
    return hours


class Grid(Schema):
    """The grid connection: hourly price, carbon intensity and carbon-free share."""

    price_usd_per_mwh: Annotated[HourlyValue, Hourly()] = Field(
        description="energy price of imports each hour, $/MWh: the wholesale price when the "
        "charges below are given (a retail price folds them in, and then credits every PPA MWh "
        "with charges it never avoids)"
    )
    carbon_intensity_t_per_mwh: Annotated[HourlyValue, Hourly(ge=0)] = Field(
        description="location-based emission factor each hour, t/MWh"
    )
    carbon_free_share: Annotated[HourlyValue, Hourly(ge=0, le=1)] = Field(
        description="carbon-free share of grid generation each hour, 0-1"
    )
    import_limit_mw: Number | None = Field(
        None, ge=0, description="largest import, MW (null: no limit)"
    )
    export_price_usd_per_mwh: Annotated[OptionalHourlyValue, Hourly()] = Field(
        None, description="price received for exports, $/MWh (null: no export)"
    )
    export_limit_mw: Number | None = Field(
        None, ge=0, description="largest export, MW (null: no limit)"
    )
    energy_charge_usd_per_mwh: Number = Field(
        0.0,
        ge=0,
        description="non-bypassable charge per MWh of metered import (transmission and "
        "distribution energy charges, ancillary services, fees), $/MWh",
    )
    demand_charge_usd_per_kw_month: Number = Field(
        0.0, ge=0, description="charge on each calendar month's peak metered import, $/kW-month"
    )
    coincident_peak_charge_usd_per_kw_yr: Number = Field(
        0.0,
        ge=0,
        description="charge per kW of the mean metered import in coincident_peak_hours, "
        "$/kW-yr (ERCOT 4CP transmission charge, PJM 5CP capacity obligation)",
    )
    coincident_peak_hours: Annotated[list[Timestamp], AfterValidator(_distinct)] = Field(
        [],
        description="the system's peak hours on which the coincident-peak charge is set (local "
        "time, hour beginning)",
    )
    export_max_share_of_demand: Number = Field(
        0.2,
        ge=0,
        le=1,
        description="annual exports at most this share of annual demand (Riepin & Brown: 0.2)",
    )

    @model_validator(mode="after")
    def _export_fields_need_price(self) -> Grid:
        if self.export_price_usd_per_mwh is None and self.export_limit_mw is not None:
            raise ValueError("export_limit_mw is set but export_price_usd_per_mwh is not")
        if self.coincident_peak_charge_usd_per_kw_yr > 0 and not self.coincident_peak_hours:
            raise ValueError("coincident_peak_charge_usd_per_kw_yr needs coincident_peak_hours")
        return self

    @property
    def has_tariff(self) -> bool:
        """Whether any charge on the metered import is set (docs/formulation.md [tariff])."""
        return (
            self.energy_charge_usd_per_mwh > 0
            or self.demand_charge_usd_per_kw_month > 0
            or self.coincident_peak_charge_usd_per_kw_yr > 0
        )
