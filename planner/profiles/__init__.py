"""Hourly profiles of the shipped instances: solar from real weather, grid and load synthetic.

- :mod:`planner.profiles.solar`: solar capacity factors computed with pvlib from the real
  typical-meteorological-year files pvlib ships (also used at load time by ``pvlib`` blocks);
- :mod:`planner.profiles.grid`: synthetic grid price, carbon intensity and carbon-free share,
  calibrated to published statistics, fixed seed;
- :mod:`planner.profiles.load`: synthetic datacenter demand, fixed seed;
- :mod:`planner.profiles.sites`: the shipped sites.

``python -m planner.profiles [instances]`` (``make instances``) rewrites every generated file
(profile CSVs and instance YAMLs, see :mod:`planner.shipped`) bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.profiles.grid import GridStats, grid_frame
from planner.profiles.load import LoadShape, load_mw
from planner.profiles.sites import SITES, Site
from planner.profiles.solar import ProfileError, capacity_factor

__all__ = [
    "SITES",
    "GridStats",
    "LoadShape",
    "ProfileError",
    "Site",
    "capacity_factor",
    "grid_frame",
    "load_mw",
    "site_frame",
]


def site_frame(
    site: Site, peak_mw: float, start: str, hours: int, with_solar: bool = False
) -> pd.DataFrame:
    """All generated hourly columns of one site and datacenter size.

    Columns: ``timestamp``, ``load_mw``, (``solar_capacity_factor``), ``grid_price_usd_per_mwh``,
    ``grid_export_price_usd_per_mwh``, ``grid_carbon_intensity_t_per_mwh``,
    ``grid_carbon_free_share``. The solar profile always shapes the grid; it is written only
    if ``with_solar`` (instances that read it from the CSV rather than a ``pvlib`` block).
    """
    ts = pd.date_range(start, periods=hours, freq="h")
    solar = capacity_factor(site.pv_array())[:hours]
    rng = np.random.default_rng(site.grid.seed + 1)
    shape = LoadShape(peak_mw=peak_mw, daily_swing=site.daily_swing, seasonal_swing=site.seasonal_swing)
    frame = pd.DataFrame({"timestamp": ts.strftime("%Y-%m-%d %H:%M"), "load_mw": load_mw(ts, shape, rng)})
    if with_solar:
        frame["solar_capacity_factor"] = solar
    return pd.concat([frame, grid_frame(ts, site.grid, solar)], axis=1)
