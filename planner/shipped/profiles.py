"""The hourly profile CSV of a shipped site: synthetic demand and grid, the site's solar.

Solar capacity factors come from pvlib and the real TMY weather it ships
(:mod:`planner.data.solar`); the grid price, carbon intensity and carbon-free share are
synthetic, calibrated to published statistics (:mod:`planner.data.synthetic_grid`); the demand
is synthetic (:mod:`planner.data.synthetic_load`). Both generators use fixed seeds, so
``make instances`` rewrites every file bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.data.solar import capacity_factor
from planner.data.synthetic_grid import grid_frame
from planner.data.synthetic_load import LoadShape, load_mw
from planner.shipped.sites import Site


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
    shape = LoadShape(
        peak_mw=peak_mw, daily_swing=site.daily_swing, seasonal_swing=site.seasonal_swing
    )
    frame = pd.DataFrame(
        {"timestamp": ts.strftime("%Y-%m-%d %H:%M"), "load_mw": load_mw(ts, shape, rng)}
    )
    if with_solar:
        frame["solar_capacity_factor"] = solar
    return pd.concat([frame, grid_frame(ts, site.grid, solar)], axis=1)
