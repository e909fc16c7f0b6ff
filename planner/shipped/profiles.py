"""The hourly profile CSV of a shipped site, and what each of its columns is.

- grid carbon-free share, direct carbon intensity and wholesale price: the region's 2022 series
  (:func:`planner.data.regions.region_2022`: EIA-930 derived, the ERCOT price real, the PJM
  Dominion and Mid-Columbia prices SYNTHETIC), placed on the modelled hours by position
  (:func:`planner.data.calendar.place`);
- solar capacity factor (where written): pvlib on the site's typical-year weather, by the hour
  of the year (:func:`planner.data.solar.capacity_factor_at`);
- wind capacity factor: the region's 2022 wind fleet, EIA-930 generation over installed
  capacity (:func:`planner.data.wind.fleet_capacity_factor_2022`), placed like the grid series
  so that wind and grid keep the weather of the same hours (docs/data.md, wind);
- demand: synthetic (:mod:`planner.data.synthetic_load`, fixed seed).

Everything is computed from the shipped raw files and fixed seeds, so ``make instances``
rewrites every file bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.data.calendar import modelled_hours, place
from planner.data.regions import column_sources, data_dir, region_2022
from planner.data.solar import capacity_factor_at
from planner.data.synthetic_load import LoadShape, load_mw
from planner.data.wind import FLEET_CAPACITY_2022, fleet_capacity_factor_2022
from planner.shipped.sites import Site

GRID_COLUMNS = (
    "grid_wholesale_price_usd_per_mwh",
    "grid_carbon_intensity_t_per_mwh",
    "grid_carbon_free_share",
)
"""Columns of the region's 2022 frame written to a site's profile."""

PLACED = "placed on 2028 hour by hour of the year (docs/data.md)"


@dataclass(frozen=True)
class Column:
    """What a profile column is: ``real``, ``derived`` or ``synthetic``, and its source."""

    provenance: str
    source: str


def site_frame(
    site: Site, peak_mw: float, start: str, hours: int, with_solar: bool = False
) -> pd.DataFrame:
    """All hourly columns of one site and datacenter size.

    Columns: ``timestamp``, ``load_mw``, (``solar_capacity_factor`` if ``with_solar``),
    ``grid_wholesale_price_usd_per_mwh``, ``grid_carbon_intensity_t_per_mwh``,
    ``grid_carbon_free_share``, ``wind_capacity_factor``.
    """
    stamps = modelled_hours(start, hours)
    rng = np.random.default_rng(site.load_seed)
    shape = LoadShape(
        peak_mw=peak_mw, daily_swing=site.daily_swing, seasonal_swing=site.seasonal_swing
    )
    frame = pd.DataFrame(
        {"timestamp": stamps.strftime("%Y-%m-%d %H:%M"), "load_mw": load_mw(stamps, shape, rng)}
    )
    if with_solar:
        solar = capacity_factor_at(site.pv_array(), stamps, data_dir().parent)
        frame["solar_capacity_factor"] = np.round(solar, 4)
    grid = place(region_2022(site.data.region).frame, start, hours)
    for column in GRID_COLUMNS:
        frame[column] = grid[column].to_numpy()
    wind = fleet_capacity_factor_2022(site.data.region)
    frame["wind_capacity_factor"] = place(wind.to_numpy(), start, hours)
    return frame


def columns(site: Site) -> dict[str, Column]:
    """Provenance and source of every column :func:`site_frame` may write."""
    sources = column_sources(site.data.region)
    out = {
        column: Column(sources[column].kind, f"{sources[column].source}; {PLACED}")
        for column in GRID_COLUMNS
    }
    out["load_mw"] = Column(
        "synthetic",
        "SYNTHETIC datacenter demand, ~90 % load factor (LBNL 2024 United States Data Center "
        "Energy Usage Report), daily and seasonal cooling swing, fixed seed "
        "(planner/data/synthetic_load.py)",
    )
    weather = site.data.weather.rsplit("/", 1)[-1]
    out["solar_capacity_factor"] = Column(
        "derived",
        f"pvlib single-axis AC capacity factor from the TMYx typical-year weather {weather} "
        "(instances/data/weather_tmyx/; NOAA ISD and Copernicus ERA5 via climate.onebuilding.org) "
        "by the hour of the year (docs/data.md)",
    )
    fleet = FLEET_CAPACITY_2022[site.data.region]
    out["wind_capacity_factor"] = Column(
        "derived",
        f"the region's 2022 wind fleet: EIA-930 wind generation over about "
        f"{fleet.installed_mw:,.0f} MW installed ({fleet.source}); {PLACED}",
    )
    return out
