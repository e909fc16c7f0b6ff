"""The schema of a portfolio file: one buyer with several campuses (docs/portfolio.md).

A portfolio names each site's base instance file (its load, grid, weather and local
resources), the grid region it lies in, and optional overrides; the contracts the buyer signs
for one site or for several sites of one region; the portfolio's hourly CFE target (the sum of
clean supply over the sum of loads) with optional per-site floors and a shared budget; and the
flexibility of the load (shifted in time at each site, moved between sites in the same hour).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from planner.inputs.base import NAME_PATTERN, Number, Schema
from planner.inputs.flexibility import Flexibility
from planner.inputs.time_axis import RepresentativePeriods

CONTRACT_KINDS = ("fusion", "clean_firm", "solar", "wind")
"""Resource kinds a portfolio contract may be (procured clean energy with one capacity)."""


class Site(Schema):
    """One campus of the buyer: its base instance, its grid region, what changes."""

    name: str = Field(pattern=NAME_PATTERN, description="unique site name")
    region: str = Field(
        pattern=NAME_PATTERN,
        description="grid region of the site (e.g. ERCOT, PJM, BPA): contracts count toward "
        "the CFE score only in their own region",
    )
    instance: str = Field(
        description="base instance file, relative to the portfolio file (inside its folder, "
        "its parent or an allowed data folder)"
    )
    overrides: dict[str, Any] = Field(
        {}, description="dotted paths of the instance and their values at this site"
    )
    cfe_floor: Number | None = Field(
        None,
        ge=0,
        le=1,
        description="the site's own hourly CFE score must reach this, 0-1 (null: none; the "
        "site instance's own hourly_cfe_target is replaced by it)",
    )
    description: str = Field("", description="what the site represents")


class Contract(Schema):
    """A clean-energy contract the buyer signs for one site, or for several sites of one grid
    region sharing one contracted capacity."""

    name: str = Field(
        pattern=NAME_PATTERN, description="unique contract name (its item name at each site)"
    )
    kind: Literal["fusion", "clean_firm", "solar", "wind"] = Field(
        description="the resource kind of the item"
    )
    region: str = Field(
        pattern=NAME_PATTERN,
        description="grid region the contracted plant delivers into: every site served must "
        "lie in it (deliverability)",
    )
    sites: list[str] = Field(
        min_length=1,
        description="sites it serves: one (site-bound) or several of the same region (one "
        "capacity split between them by the optimiser)",
    )
    item: dict[str, Any] = Field(
        description="the item's fields, as in the kind's section of an instance (without "
        "name); its capacity limits bound the total over the sites"
    )


class PortfolioPolicy(Schema):
    """The buyer's portfolio-wide targets."""

    hourly_cfe_target: Number | None = Field(
        None,
        ge=0,
        le=1,
        description="portfolio hourly CFE score to reach: the sum over sites of clean supply "
        "over the sum of their loads, 0-1 (null: none)",
    )
    hourly_cfe_penalty_usd_per_mwh: Number | None = Field(
        None, gt=0, description="soft target: cost of each MWh short of it (null: hard)"
    )
    budget_usd_per_yr: Number | None = Field(
        None,
        gt=0,
        description="shared budget: the sites' costs (penalties left out) at most this, $/yr "
        "(null: none)",
    )


class PortfolioSpec(Schema):
    """The whole portfolio file."""

    name: str = Field(pattern=NAME_PATTERN, description="portfolio name")
    description: str = Field("", description="what the portfolio represents")
    sites: list[Site] = Field(min_length=1, description="the campuses")
    overrides: dict[str, Any] = Field(
        {}, description="dotted paths applied to every site's instance, before its own"
    )
    flexibility: Flexibility | None = Field(
        None,
        description="every site's demand.flexibility, replacing the instance's (a site's "
        "overrides may change it; null: each instance's own)",
    )
    net_zero_shift: bool = Field(
        False,
        description="each site takes in over the horizon as much load as it sends away "
        "(Riepin et al.'s netshift_zero)",
    )
    representative_periods: RepresentativePeriods | None = Field(
        None,
        description="cluster the horizon into representative periods chosen on every site's "
        "series at once, so that the sites share their hours (null: every hour)",
    )
    policy: PortfolioPolicy = Field(
        default_factory=PortfolioPolicy, description="portfolio-wide targets"
    )
    contracts: list[Contract] = Field([], description="contracts signed for the sites")
