"""Inputs of variable renewable plants (solar, wind), built or bought by PPA: one schema,
one section per technology."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from planner.inputs.base import NAME_PATTERN, Delivery, Hourly, Number, Schema, check_min_max
from planner.inputs.hourly import HourlyValue


class Renewable(Schema):
    """A variable renewable plant: capacity chosen by the model, output = capacity x capacity
    factor.

    ``build``: pays annualised capex and fixed O&M per MW built. ``ppa``: pays
    ``ppa_price_usd_per_mwh`` on all energy produced (as-produced PPA: curtailed energy is
    paid too).
    """

    name: str = Field(pattern=NAME_PATTERN, description="unique resource name")
    capacity_factor: Annotated[HourlyValue, Hourly(ge=0, le=1)] = Field(
        description="AC output per MW of capacity each hour, 0-1"
    )
    max_capacity_mw: Number = Field(ge=0, description="largest capacity, MW")
    min_capacity_mw: Number = Field(
        0.0, ge=0, description="smallest capacity, MW (e.g. a plant already built or signed)"
    )
    procurement: Literal["build", "ppa"] = Field("build", description="`build` or `ppa`")
    capex_usd_per_kw: Number | None = Field(None, ge=0, description="overnight cost, $/kW (build)")
    fixed_om_usd_per_kw_yr: Number = Field(0.0, ge=0, description="fixed O&M, $/kW-yr (build)")
    lifetime_yr: Number | None = Field(None, ge=1, description="economic lifetime, years (build)")
    ppa_price_usd_per_mwh: Number | None = Field(
        None, ge=0, description="price per MWh produced (ppa)"
    )
    delivery: Delivery | None = Field(
        None,
        description="`virtual` or `on_site` (null: on-site when built at the site, virtual for "
        "a PPA)",
    )

    @property
    def delivered(self) -> Delivery:
        """The delivery type, its default resolved from the procurement."""
        if self.delivery is not None:
            return self.delivery
        return "on_site" if self.procurement == "build" else "virtual"

    @model_validator(mode="after")
    def _costs_match_procurement(self) -> Renewable:
        if self.procurement == "build":
            missing = [f for f in ("capex_usd_per_kw", "lifetime_yr") if getattr(self, f) is None]
            if missing:
                raise ValueError(f"procurement 'build' needs {', '.join(missing)}")
        elif self.ppa_price_usd_per_mwh is None:
            raise ValueError("procurement 'ppa' needs ppa_price_usd_per_mwh")
        check_min_max(self, "min_capacity_mw", "max_capacity_mw")
        return self
