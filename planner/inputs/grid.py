"""Inputs of the grid connection."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from planner.inputs.base import Hourly, Number, Schema
from planner.inputs.hourly import HourlyValue, OptionalHourlyValue


class Grid(Schema):
    """The grid connection: hourly price, carbon intensity and carbon-free share."""

    price_usd_per_mwh: Annotated[HourlyValue, Hourly()] = Field(
        description="import price each hour, $/MWh"
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
        return self
