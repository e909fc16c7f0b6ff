"""Synthetic hourly datacenter demand: a near-flat IT load with a cooling-driven swing.

Planners assume a ~90 % load factor for datacenters (LBNL, 2024 United States Data Center
Energy Usage Report). The shape here: a constant IT load, plus a daily cooling swing peaking
mid-afternoon and a seasonal one peaking in July, plus slow random utilisation changes (a
first-order autoregressive process, fixed seed); the series is scaled so its peak equals
``peak_mw``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.signal import lfilter


@dataclass(frozen=True)
class LoadShape:
    """Parameters of one datacenter's hourly demand."""

    peak_mw: float
    daily_swing: float = 0.04
    """Amplitude of the daily cooling swing, share of the mean load."""
    seasonal_swing: float = 0.04
    """Amplitude of the seasonal cooling swing, share of the mean load."""
    utilisation_noise: float = 0.01
    """Standard deviation of the slow utilisation changes, share of the mean load."""


def smooth_noise(rng: np.random.Generator, hours: int, time_constant_h: float) -> np.ndarray:
    """Unit-variance first-order autoregressive noise with the given time constant (hours)."""
    a = float(np.exp(-1.0 / time_constant_h))
    white = rng.normal(0.0, 1.0, hours + 24 * 14)  # two weeks of burn-in
    series = lfilter([np.sqrt(1.0 - a * a)], [1.0, -a], white)[24 * 14 :]
    return np.asarray(series, dtype=float)


def load_mw(timestamps: pd.DatetimeIndex, shape: LoadShape, rng: np.random.Generator) -> np.ndarray:
    """Hourly demand, MW, with ``max == shape.peak_mw``."""
    hour = timestamps.hour.to_numpy()
    doy = timestamps.day_of_year.to_numpy()
    daily = np.cos(2 * np.pi * (hour - 15) / 24.0)
    season = np.cos(2 * np.pi * (doy - 200) / 365.0)
    noise = smooth_noise(rng, len(timestamps), 72.0)
    level = 1.0 + shape.daily_swing * daily + shape.seasonal_swing * season
    level = level + shape.utilisation_noise * noise
    return np.round(shape.peak_mw * level / level.max(), 3)
