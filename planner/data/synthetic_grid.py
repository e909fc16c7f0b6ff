"""Synthetic hourly grid profiles calibrated to published statistics (fixed random seed).

These are *not* measured data: they reproduce the published mean and range of a grid's hourly
carbon intensity, and plausible daily, seasonal and weather-driven shapes, so that a shipped
instance behaves like its region. Replace them with real hourly data through
:mod:`planner.imports` (docs/data.md).

Construction, per grid (all numpy-vectorised):

1. A *clean-share shape* ``z`` (dimensionless, higher = cleaner) sums: the site's own solar
   profile from pvlib (so the grid is cleaner when the site is sunny, weighted by the grid's
   solar share), multi-day weather noise (wind, first-order autoregressive, fixed seed), a
   night-time wind bump, a seasonal term (spring wind or hydro runoff) and hourly noise.
2. Carbon intensity is a rank-preserving quantile map of ``-z`` onto a beta distribution,
   stretched so that the published low and high figures (minimum and maximum, or the 5th and
   95th percentiles) and the published mean are met: the hours keep the order of ``z``.
3. The carbon-free share follows from the intensity and the emission factor of the grid's
   fossil generation: ``cfe = 1 - ci / fossil_t_per_mwh``, so the two agree every hour.
4. The import price is a retail level (EIA average industrial price of the state) plus an
   energy component that varies with the hour: it rises in the evening and in the season of
   peak demand, falls when the grid is clean, and (ERCOT) has a few scarcity hours; its mean
   is the published wholesale average. Exports earn the energy component only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import beta as beta_dist

from planner.data.synthetic_load import smooth_noise

BETA_CONCENTRATION = 6.0
"""alpha + beta of the intensity distribution: bell-shaped, skewed towards the published mean."""


@dataclass(frozen=True)
class GridStats:
    """Published statistics one synthetic grid is calibrated to, and the shape weights."""

    name: str
    carbon_intensity_mean_t_per_mwh: float
    carbon_intensity_low_t_per_mwh: float
    carbon_intensity_high_t_per_mwh: float
    low_high_quantiles: tuple[float, float]
    """Quantiles the low and high figures stand for: (0, 1) min/max, (0.05, 0.95) percentiles."""
    fossil_t_per_mwh: float
    """Emission factor of the grid's fossil generation (its coal/gas/oil mix), t/MWh."""
    solar_weight: float
    wind_weight: float
    night_weight: float
    season_weight: float
    clean_season_peak_day: int
    """Day of year when the grid is cleanest (spring wind, hydro runoff)."""
    price_mean_usd_per_mwh: float
    """Mean import price: the state's average industrial price (retail level)."""
    energy_mean_usd_per_mwh: float
    """Mean of the hourly energy component (published wholesale average); exports earn it."""
    energy_spread: float
    """Log-standard deviation of the energy component (an assumption: the shape's width)."""
    price_peak_day: int
    """Day of year of the highest prices (summer peak, or late-summer low hydro)."""
    scarcity_hours: int
    scarcity_price_usd_per_mwh: float
    seed: int
    sources: tuple[str, ...]
    """Where the calibration figures come from (quoted in docs and instance headers)."""


def _fit_to_stats(order: np.ndarray, stats: GridStats) -> np.ndarray:
    """Intensities with the ranks of ``order`` and the published mean, low and high figures."""
    n = len(order)
    u = (np.argsort(np.argsort(order, kind="stable"), kind="stable") + 0.5) / n
    q_lo, q_hi = stats.low_high_quantiles
    lo, hi = stats.carbon_intensity_low_t_per_mwh, stats.carbon_intensity_high_t_per_mwh
    target = stats.carbon_intensity_mean_t_per_mwh

    def mapped(mu: float) -> np.ndarray:
        x = beta_dist.ppf(u, BETA_CONCENTRATION * mu, BETA_CONCENTRATION * (1.0 - mu))
        x_lo, x_hi = np.quantile(x, [q_lo, q_hi])
        return lo + (x - x_lo) * (hi - lo) / (x_hi - x_lo)

    low, high = 0.02, 0.98  # bisection on the beta mean: the fitted mean rises with it
    for _ in range(50):
        mid = 0.5 * (low + high)
        if mapped(mid).mean() < target:
            low = mid
        else:
            high = mid
    return mapped(0.5 * (low + high))


def grid_frame(
    timestamps: pd.DatetimeIndex, stats: GridStats, solar_capacity_factor: np.ndarray
) -> pd.DataFrame:
    """Hourly import price, export price, carbon intensity and carbon-free share of one grid.

    ``solar_capacity_factor`` is the site's solar profile (one value per hour): the grid's
    clean share rises with it in proportion to ``stats.solar_weight``.
    """
    rng = np.random.default_rng(stats.seed)
    n = len(timestamps)
    hour = timestamps.hour.to_numpy()
    doy = timestamps.day_of_year.to_numpy()
    solar = np.asarray(solar_capacity_factor, dtype=float)[:n]
    solar_z = (solar - solar.mean()) / max(solar.std(), 1e-9)
    wind = smooth_noise(rng, n, 36.0)
    night = np.cos(2 * np.pi * (hour - 3) / 24.0)
    season = np.cos(2 * np.pi * (doy - stats.clean_season_peak_day) / 365.0)
    shape = (
        stats.solar_weight * solar_z
        + stats.wind_weight * wind
        + stats.night_weight * night
        + stats.season_weight * season
        + 0.15 * rng.normal(0.0, 1.0, n)
    )
    ci = _fit_to_stats(-shape, stats)
    cfe = np.clip(1.0 - ci / stats.fossil_t_per_mwh, 0.0, 1.0)

    evening = np.exp(-0.5 * ((hour - 19) / 2.5) ** 2)
    peak_season = np.cos(2 * np.pi * (doy - stats.price_peak_day) / 365.0)
    dirty = (cfe.mean() - cfe) / max(cfe.std(), 1e-9)
    z = 0.5 * dirty + 0.6 * (evening - evening.mean()) / evening.std() + 0.4 * peak_season
    z = z + 0.5 * rng.normal(0.0, 1.0, n)
    z = (z - z.mean()) / z.std()
    energy = np.exp(stats.energy_spread * z)
    if stats.scarcity_hours:
        top = np.argsort(-(z + 2.0 * (peak_season > 0.8)), kind="stable")[: stats.scarcity_hours]
        energy[top] = stats.scarcity_price_usd_per_mwh / stats.energy_mean_usd_per_mwh
    energy = energy * stats.energy_mean_usd_per_mwh / energy.mean()
    price = stats.price_mean_usd_per_mwh - stats.energy_mean_usd_per_mwh + energy
    return pd.DataFrame(
        {
            "grid_price_usd_per_mwh": np.round(price, 2),
            "grid_export_price_usd_per_mwh": np.round(energy, 2),
            "grid_carbon_intensity_t_per_mwh": np.round(ci, 4),
            "grid_carbon_free_share": np.round(cfe, 4),
        }
    )


# -- the grids of the shipped instances ----------------------------------------------------
EIA_FOSSIL = (
    "EIA FAQ 'How much carbon dioxide is produced per kWh of U.S. electricity "
    "generation?' (2023 data: coal 1.05, gas 0.44, petroleum 1.11 t/MWh)"
)
EIA_PRICES = (
    "EIA Electric Power Annual 2023, average industrial revenue per kWh by state (released 2024)"
)
INTENSITY = "hourly grid carbon intensity 2022 from EIA-930 (shared/REFERENCES.md)"

ERCOT = GridStats(
    name="ERCOT-like, Texas",
    carbon_intensity_mean_t_per_mwh=0.347,
    carbon_intensity_low_t_per_mwh=0.111,
    carbon_intensity_high_t_per_mwh=0.517,
    low_high_quantiles=(0.0, 1.0),
    fossil_t_per_mwh=0.61,  # ~2:5 coal:gas: (0.4 * 1.05 + 1.0 * 0.44) / 1.4
    solar_weight=0.5,
    wind_weight=1.0,
    night_weight=0.35,
    season_weight=0.35,
    clean_season_peak_day=100,  # spring wind
    price_mean_usd_per_mwh=66.0,  # Texas industrial 6.60 cents/kWh (EIA 2023)
    # ERCOT real-time average 2024, excluding adders (Potomac Economics)
    energy_mean_usd_per_mwh=32.0,
    energy_spread=0.55,
    price_peak_day=215,  # August
    scarcity_hours=12,
    scarcity_price_usd_per_mwh=2000.0,
    seed=2028_48,
    sources=(
        f"ERCOT carbon intensity min 111, mean 347, max 517 g/kWh: {INTENSITY}",
        "ERCOT real-time energy price 2024 average ~32 $/MWh excluding adders: Potomac Economics, "
        "2024 State of the Market Report for ERCOT (2025, as reported by RTO Insider)",
        f"Texas industrial price 6.60 cents/kWh: {EIA_PRICES}",
        f"fossil emission factor: {EIA_FOSSIL}",
    ),
)

PJM = GridStats(
    name="PJM-like, Northern Virginia",
    carbon_intensity_mean_t_per_mwh=0.363,
    carbon_intensity_low_t_per_mwh=0.309,
    carbon_intensity_high_t_per_mwh=0.417,
    low_high_quantiles=(0.05, 0.95),
    fossil_t_per_mwh=0.64,  # ~1:2 coal:gas: (1.05 + 2 * 0.44) / 3
    solar_weight=0.25,
    wind_weight=0.6,
    night_weight=0.5,  # nuclear share rises when load falls at night
    season_weight=0.5,
    clean_season_peak_day=110,  # low spring load: nuclear share highest
    price_mean_usd_per_mwh=89.2,  # Virginia industrial 8.92 cents/kWh (EIA 2023)
    energy_mean_usd_per_mwh=33.74,  # PJM real-time load-weighted LMP 2024 (Monitoring Analytics)
    energy_spread=0.35,
    price_peak_day=200,
    scarcity_hours=0,
    scarcity_price_usd_per_mwh=0.0,
    seed=2028_51,
    sources=(
        f"PJM carbon intensity 5th-95th percentile 309-417, mean 363 g/kWh: {INTENSITY}",
        "PJM real-time load-weighted average LMP 2024 33.74 $/MWh: Monitoring Analytics, "
        "2024 State of the Market Report for PJM (2025)",
        f"Virginia industrial price 8.92 cents/kWh: {EIA_PRICES}",
        f"fossil emission factor: {EIA_FOSSIL}",
    ),
)

BPA = GridStats(
    name="BPA-like, Washington hydro",
    carbon_intensity_mean_t_per_mwh=0.055,
    carbon_intensity_low_t_per_mwh=0.022,
    carbon_intensity_high_t_per_mwh=0.114,
    low_high_quantiles=(0.0, 1.0),
    fossil_t_per_mwh=0.44,  # gas
    solar_weight=0.1,
    wind_weight=0.6,
    night_weight=0.3,
    season_weight=0.9,
    clean_season_peak_day=150,  # spring runoff
    price_mean_usd_per_mwh=63.5,  # Washington industrial 6.35 cents/kWh (EIA 2023)
    energy_mean_usd_per_mwh=35.0,  # assumption: no published figure in our sources
    energy_spread=0.35,
    price_peak_day=240,  # late summer, low hydro
    scarcity_hours=0,
    scarcity_price_usd_per_mwh=0.0,
    seed=2028_53,
    sources=(
        f"BPA carbon intensity min 22, mean 55, max 114 g/kWh: {INTENSITY}",
        "cross-check: Google hourly CFE 87 % in Oregon (BPA area) with 79 g/kWh, "
        "GoogleCloudPlatform/region-carbon-info 2024",
        f"Washington industrial price 6.35 cents/kWh: {EIA_PRICES}",
        "energy component mean 35 $/MWh and all price shapes: assumptions of this project",
        f"fossil emission factor (gas): {EIA_FOSSIL}",
    ),
)
