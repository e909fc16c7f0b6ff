"""Inputs of hourly energy attribute certificates (granular certificates, EnergyTag): the
right to count a MWh of the grid's fossil imports in an hour as carbon-free, bought at an hourly
price up to a stated volume."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from planner.inputs.base import NAME_PATTERN, Hourly, Number, Schema
from planner.inputs.hourly import HourlyValue


class Certificates(Schema):
    """Hourly certificates on sale: each MWh bought in hour h re-labels a MWh of that hour's
    fossil grid import as carbon-free (the hourly CFE score, annual matching and market-based
    emissions); it supplies no energy (docs/formulation.md [certificates_le_grid_fossil])."""

    name: str = Field(pattern=NAME_PATTERN, description="unique resource name")
    price_usd_per_mwh: Annotated[HourlyValue, Hourly(ge=0)] = Field(
        description="price of a certificate for one MWh in each hour, $/MWh"
    )
    max_volume_mwh_per_yr: Number = Field(
        ge=0, description="most certificates on sale per year, MWh/yr"
    )
    max_mw: Number | None = Field(
        None, ge=0, description="most certificates in any one hour, MWh/h (null: no limit)"
    )
