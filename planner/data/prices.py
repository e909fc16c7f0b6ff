"""Hourly wholesale prices of 2022 in local standard time: ERCOT real, PJM Dominion and
Mid-Columbia synthetic (calibrated, fixed seed, labelled synthetic wherever shown).

- :func:`ercot_hub_average_2022`: the real ERCOT day-ahead settlement point price, hub average
  (HB_HUBAVG), 2022. The file stamps hours at their beginning in Central *prevailing* time with
  an explicit UTC offset (23- and 25-hour days at the clock changes); each stamp is converted to
  UTC and then to Central *standard* time (UTC-6): 8760 consecutive hours, every real spike kept.
- :func:`pjm_dominion_2022`: synthetic, calibrated to every fact of the 2022 real-time hourly
  LMP of the Dominion zone in :data:`PJM_DOM_2022` (PJM's data terms forbid republishing it).
- :func:`midc_2022`: synthetic, calibrated to :data:`MIDC_2022`: no open hourly Mid-Columbia
  price exists (a bilateral hub; its indices are proprietary), and few published figures.

Construction of the synthetic PJM series (all vectorised, seed :data:`SEED`):

1. *Marginal distribution.* 8760 sorted values through the published quantiles (min, p5, p25,
   p50, p75, p95, p99, max): between two quantiles ``x = lo + (hi - lo) t^a``, above p99
   ``x = p99 (max / p99)^(t^b)``; ``a`` and ``b`` are solved so that the mean and standard
   deviation are the published ones (so every listed statistic is met by construction).
2. *Time structure.* A latent series = month term + hour-of-day term (Eastern prevailing hour,
   as PJM reports) + two first-order autoregressive noises (hourly ``phi`` and 0.99,
   mixed with weight ``w``: :data:`PJM_NOISE`, fitted once to the two autocorrelations).
   The sorted values are assigned in the order of the latent series (a rank map), and the
   month and hour terms are corrected :data:`CALIBRATION_ROUNDS` times until the monthly and
   hour-of-day means are the published ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import fsolve
from scipy.signal import lfilter

from planner.data.calendar import local_year_hours

SEED = 2022
CALIBRATION_ROUNDS = 120


@dataclass(frozen=True)
class PriceFacts:
    """Published statistics one synthetic price series is calibrated to ($/MWh)."""

    source: str
    mean: float
    median: float
    std: float
    quantiles: tuple[tuple[float, float], ...]
    """(probability, $/MWh), from the minimum (0) to the maximum (1)."""
    monthly_means: tuple[float, ...]
    hour_of_day_means: tuple[float, ...]
    """Local prevailing hour 0..23."""
    autocorrelation_1h: float
    autocorrelation_24h: float


PJM_DOM_2022 = PriceFacts(
    source="PJM real-time hourly LMP, Dominion zone (DOM), 2022, from PJM Data Miner 2 "
    "rt_hrl_lmps (not redistributable): its summary statistics only, listed in docs/data.md",
    mean=89.53,
    median=62.60,
    std=143.98,
    quantiles=(
        (0.0, -20.66),
        (0.05, 33.13),
        (0.25, 46.99),
        (0.50, 62.60),
        (0.75, 92.89),
        (0.95, 224.86),
        (0.99, 393.05),
        (1.0, 4392.0),
    ),
    monthly_means=(82.4, 50.6, 45.4, 76.7, 123.9, 97.1, 95.7, 129.5, 90.0, 63.1, 69.6, 147.7),
    hour_of_day_means=(
        66.6,
        65.5,
        63.1,
        61.8,
        66.0,
        70.7,
        80.5,
        86.5,
        79.4,
        78.8,
        83.5,
        89.3,
        97.7,
        101.2,
        104.7,
        115.0,
        130.5,
        141.7,
        118.4,
        112.1,
        102.2,
        92.7,
        75.9,
        65.0,
    ),  # fmt: skip
    autocorrelation_1h=0.859,
    autocorrelation_24h=0.172,
)

PJM_NOISE = (0.8309, 0.6621)
"""(hourly persistence phi of the fast noise, weight w of the slow noise, phi 0.99): fitted
with :func:`scipy.optimize.fsolve` to the 1-hour and 24-hour autocorrelations of
:data:`PJM_DOM_2022` for seed :data:`SEED` (tests check the result)."""

SLOW_PHI = 0.99


@dataclass(frozen=True)
class MidcFacts:
    """What the synthetic Mid-Columbia series is calibrated to, with how sure each figure is."""

    september_mean_usd_per_mwh: float = 224.0
    """Cited: 'the Northwest Mid-Columbia market hub's wholesale electricity price averaged
    $224/MWh' in September 2022 (U.S. EIA, Today in Energy, 10 January 2023, 'Wholesale U.S.
    electricity prices were volatile in 2022', data from S&P Global Market Intelligence)."""
    annual_mean_usd_per_mwh: float = 100.0
    """An ASSUMPTION, not a published figure: 2022 western hub prices ran far above 2021 (same
    EIA article) and September was the peak; uncertain by about +-30 %."""
    fossil_sensitivity: float = 10.0
    """Monthly level ~ exp(10 x the month's BPAT fossil share): less water, more gas, higher
    prices (assumption; the real 2022 fossil share comes from EIA-930). September is set to the
    cited figure instead: its heat wave is not explained by the fuel mix alone."""
    log_spread: float = 0.35
    """Hour-to-hour log-standard deviation around the month's level (assumption)."""
    fossil_weight: float = 0.5
    """Correlation of the hourly noise with the real BPAT fossil share (assumption)."""
    evening_peak: float = 0.15
    """Relative rise at 07-09 and 17-21 Pacific prevailing time, dip at 10-15 (assumption)."""


MIDC_2022 = MidcFacts()
MIDC_SOURCE = (
    "SYNTHETIC Mid-Columbia price: September mean 224 $/MWh (EIA Today in Energy, 2023-01-10), "
    "annual mean 100 $/MWh (assumption, +-30 %), monthly shape from the real 2022 BPAT fossil "
    "share (EIA-930), hourly noise fixed seed"
)


# -- ERCOT (real) ---------------------------------------------------------------------------
def ercot_hub_average_2022(path: Path) -> pd.Series:
    """The real 2022 ERCOT HB_HUBAVG day-ahead price, $/MWh, on the 8760 hours of 2022 in
    Central standard time (index: naive hour-beginning)."""
    frame = pd.read_csv(path)
    utc = pd.DatetimeIndex(pd.to_datetime(frame["Datetime"], utc=True, format="ISO8601"))
    local = (utc.tz_convert("UTC").tz_localize(None) - pd.Timedelta(hours=6)).rename("timestamp")
    series = pd.Series(frame["Price (USD/MWh)"].to_numpy(float), index=local)
    hours = local_year_hours(2022)
    if not local.equals(hours):
        raise ValueError(f"{path.name}: not the 8760 hours of 2022 in Central standard time")
    return series


# -- PJM Dominion (synthetic) ---------------------------------------------------------------
def _ar1(noise: np.ndarray, phi: float) -> np.ndarray:
    """Unit-variance first-order autoregressive series driven by ``noise``."""
    return np.asarray(lfilter([np.sqrt(1.0 - phi**2)], [1.0, -phi], noise))


def marginal(facts: PriceFacts, n: int = 8760) -> np.ndarray:
    """``n`` sorted values through ``facts.quantiles`` with the published mean and std."""
    probs = np.array([q for q, _ in facts.quantiles])
    knots = np.array([x for _, x in facts.quantiles])
    u = np.arange(n) / (n - 1)  # numpy's quantile positions: percentiles land on the knots
    seg = np.clip(np.searchsorted(probs, u, side="right") - 1, 0, len(probs) - 2)
    t = (u - probs[seg]) / (probs[seg + 1] - probs[seg])
    lo, hi = knots[seg], knots[seg + 1]
    top = seg == len(probs) - 2

    def values(a: float, b: float) -> np.ndarray:
        x = lo + (hi - lo) * t**a
        x[top] = lo[top] * (hi[top] / lo[top]) ** (t[top] ** b)
        return x

    def gap(p: np.ndarray) -> list[float]:
        x = values(*p)
        return [x.mean() - facts.mean, x.std() - facts.std]

    a, b = fsolve(gap, [1.6, 2.9])
    return values(float(a), float(b))


def _rank_calibrated(
    noise: np.ndarray, values: np.ndarray, month: np.ndarray, hour: np.ndarray, facts: PriceFacts
) -> np.ndarray:
    """``values`` placed in the order of noise + month term + hour term, the two terms
    corrected until the monthly and hour-of-day means are the published ones."""
    month_target = np.asarray(facts.monthly_means)
    hour_target = np.asarray(facts.hour_of_day_means)
    m, h = np.zeros(12), np.zeros(24)
    out = np.empty_like(values)
    for _ in range(CALIBRATION_ROUNDS):  # a fixed number of whole-year passes, not per hour
        out[np.argsort(noise + m[month] + h[hour], kind="stable")] = values
        m += 0.5 * np.log(month_target / (np.bincount(month, out) / np.bincount(month)))
        h += 0.5 * np.log(hour_target / (np.bincount(hour, out) / np.bincount(hour)))
    out[np.argsort(noise + m[month] + h[hour], kind="stable")] = values
    return out


def pjm_dominion_2022(noise_params: tuple[float, float] = PJM_NOISE) -> pd.Series:
    """SYNTHETIC hourly real-time price of PJM's Dominion zone, $/MWh, on the 8760 hours of 2022
    in Eastern standard time, calibrated to :data:`PJM_DOM_2022` (fixed seed; cached)."""
    return _pjm_dominion(noise_params).copy()


@lru_cache(maxsize=4)
def _pjm_dominion(noise_params: tuple[float, float]) -> pd.Series:
    hours = local_year_hours(2022)
    prevailing = hours.tz_localize("Etc/GMT+5").tz_convert("America/New_York")
    phi, weight = noise_params
    rng = np.random.default_rng(SEED)
    fast, slow = rng.standard_normal((2, len(hours)))
    noise = np.sqrt(1.0 - weight) * _ar1(fast, phi) + np.sqrt(weight) * _ar1(slow, SLOW_PHI)
    values = marginal(PJM_DOM_2022, len(hours))
    price = _rank_calibrated(
        noise, values, hours.month.to_numpy() - 1, prevailing.hour.to_numpy(), PJM_DOM_2022
    )
    return pd.Series(np.round(price, 2), index=hours.rename("timestamp"), name="price")


def fit_pjm_noise() -> tuple[float, float]:
    """Re-fit :data:`PJM_NOISE` to the two autocorrelations (a developer's tool: slow-ish)."""

    def gap(p: np.ndarray) -> list[float]:
        price = _pjm_dominion((float(p[0]), float(p[1]))).to_numpy()
        return [
            autocorrelation(price, 1) - PJM_DOM_2022.autocorrelation_1h,
            autocorrelation(price, 24) - PJM_DOM_2022.autocorrelation_24h,
        ]

    phi, weight = fsolve(gap, list(PJM_NOISE), epsfcn=1e-3)
    return round(float(phi), 4), round(float(weight), 4)


def autocorrelation(values: np.ndarray, lag: int) -> float:
    """Pearson correlation of the series with itself ``lag`` hours later."""
    return float(np.corrcoef(values[:-lag], values[lag:])[0, 1])


# -- Mid-Columbia (synthetic) ---------------------------------------------------------------
def midc_monthly_means(
    fossil_share_by_month: np.ndarray, facts: MidcFacts = MIDC_2022
) -> np.ndarray:
    """Monthly means: September the cited figure; every other month ``c exp(k s_m)`` of the
    real BPAT fossil share ``s_m`` of its month (``k``: :attr:`MidcFacts.fossil_sensitivity`),
    with ``c`` such that the year has the stated annual mean."""
    s = np.asarray(fossil_share_by_month, dtype=float)
    shape = np.exp(facts.fossil_sensitivity * s)
    others = np.arange(12) != 8
    rest = 12.0 * facts.annual_mean_usd_per_mwh - facts.september_mean_usd_per_mwh
    levels = shape * rest / shape[others].sum()
    levels[8] = facts.september_mean_usd_per_mwh
    return levels


def midc_2022(fossil_share: np.ndarray, facts: MidcFacts = MIDC_2022) -> pd.Series:
    """SYNTHETIC hourly Mid-Columbia price, $/MWh, on the 8760 hours of 2022 in Pacific
    standard time, from the real hourly BPAT fossil share of the same hours (0-1)."""
    hours = local_year_hours(2022)
    month = hours.month.to_numpy() - 1
    prevailing = hours.tz_localize("Etc/GMT+8").tz_convert("America/Los_Angeles").hour.to_numpy()
    share = np.asarray(fossil_share, dtype=float)
    by_month = np.bincount(month, share) / np.bincount(month)
    levels = midc_monthly_means(by_month, facts)
    anomaly = share - by_month[month]
    spread = np.sqrt(np.bincount(month, anomaly**2) / np.bincount(month))
    z_fossil = anomaly / np.where(spread > 0, spread, 1.0)[month]
    rng = np.random.default_rng(SEED + 1)
    noise = _ar1(rng.standard_normal(len(hours)), 0.9)
    rho = facts.fossil_weight
    z = rho * z_fossil + np.sqrt(1.0 - rho**2) * noise
    daily = np.select(
        [np.isin(prevailing, (7, 8, 9, 17, 18, 19, 20, 21)), np.isin(prevailing, range(10, 16))],
        [1.0 + facts.evening_peak, 1.0 - facts.evening_peak],
        1.0,
    )
    raw = daily * np.exp(facts.log_spread * z)
    raw *= (levels / (np.bincount(month, raw) / np.bincount(month)))[month]  # monthly means exact
    return pd.Series(np.round(raw, 2), index=hours.rename("timestamp"), name="price")
