"""EIA-930 hourly net generation by fuel, short-code layout: the grid's carbon-free share, its
direct (stack) and life-cycle carbon intensity, its wind and solar shares.

The layout (U.S. EIA, Hourly Electric Grid Monitor, as redistributed by HewlettPackard/dc-rl):
``timestamp`` (UTC, hour-beginning, e.g. ``2022-01-01 00:00:00+00:00``), then the net
generation of one balancing authority in MWh per hour (= average MW) by fuel: ``WND`` wind,
``SUN`` solar, ``WAT`` hydro (pumped storage net), ``OIL``, ``NG`` natural gas, ``COL`` coal,
``NUC`` nuclear, ``OTH`` other (biomass, geothermal, batteries, unknown); an ``avg_CI`` column,
if present, is ignored (it is the life-cycle intensity, recomputed here).

Definitions (docs/data.md, section "Grid: real 2022 data"):

- ``total`` = the sum of the eight fuel columns, each clipped at 0 first: negative net
  generation (pumped storage or batteries charging) counts as 0 (none occurs in the shipped
  2022 files; tested).
- carbon-free share = (WND + SUN + WAT + NUC) / total. ``OTH`` counts as *not* carbon-free: it
  mixes biomass and geothermal with batteries and unknown sources (conservative).
- direct intensity = (COL x 1.050 + NG x 0.437 + OIL x 1.109) / total, t/MWh: EIA's
  generation-based US factors (:data:`DIRECT_T_PER_MWH`), no stack emissions for the rest.
  This is the location-based figure the model uses.
- life-cycle intensity = sum of fuel x IPCC AR5 life-cycle median / total
  (:data:`LIFECYCLE_G_PER_KWH`); it reproduces the files' ``avg_CI`` exactly (tested).

Defects (:func:`defects`) are hours where a fuel column is empty, the total is below 10 % of
the file's median total, or two or more "steady" fuels (non-zero in at least 99 % of the hours)
are reported as exactly 0 together. Each defective hour is repaired fuel by fuel
(:func:`repair`): the mean of the same hour on the nearest non-defective day before and the
nearest after (up to :data:`REPAIR_SEARCH_DAYS` days away; one side if only one exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

FUELS = ("WND", "SUN", "WAT", "OIL", "NG", "COL", "NUC", "OTH")
"""Fuel columns of the short-code layout."""

CLEAN_FUELS = ("WND", "SUN", "WAT", "NUC")
"""Carbon-free fuels; ``OTH`` is not counted (conservative)."""

DIRECT_T_PER_MWH = {"COL": 1.050, "NG": 0.437, "OIL": 1.109}
"""Direct (stack) CO2 per MWh generated, US 2023, from EIA's FAQ 'How much carbon dioxide is
produced per kilowatthour of U.S. electricity generation?' (709 Mt / 675 TWh coal, 790 Mt /
1,806 TWh gas, 18 Mt / 16.2 TWh petroleum). Generation-based, the basis of EIA-930's MWh
columns, so no heat rate has to be assumed; 2023 rather than 2022 factors (the fleet changes
little from one year to the next). Other fuels: no stack CO2 counted (biomass is biogenic,
geothermal small; batteries and unknown sources are left out: stated in docs/data.md)."""

LIFECYCLE_G_PER_KWH = {
    "WND": 11.0,
    "SUN": 41.0,
    "WAT": 24.0,
    "NUC": 12.0,
    "NG": 490.0,
    "COL": 820.0,
    "OIL": 650.0,
    "OTH": 230.0,
}
"""Life-cycle gCO2-eq/kWh: IPCC AR5 WG3 Annex III (2014) medians (wind onshore 11, utility PV
41 (the 'solar' median), hydro 24, nuclear 12, gas combined cycle 490, coal 820; oil 650 and
other 230 as used by the dc-rl files). With them ``avg_CI`` is reproduced exactly."""

DEFECT_TOTAL_FRACTION = 0.10
"""A total below this fraction of the file's median total is a defect."""

STEADY_FUEL_HOURS = 0.99
"""A fuel non-zero in at least this fraction of hours is 'steady'."""

REPAIR_SEARCH_DAYS = 7
"""How far (days) the repair looks for the same hour of a non-defective day."""


class Eia930Error(ValueError):
    """The file is not in the short-code EIA-930 layout (the message names column and line)."""


@dataclass(frozen=True)
class Repaired:
    """Fuel columns (MWh per hour) on consecutive UTC hours, after repair."""

    fuels: pd.DataFrame
    """Index: UTC hour-beginning (tz-aware); columns :data:`FUELS`."""
    defective: np.ndarray
    """Boolean, per row: the hour was defective and was repaired."""
    reasons: dict[str, int]
    """How many rows each rule flagged."""


def read_short_codes(path: Path, time_column: str = "timestamp") -> pd.DataFrame:
    """The fuel columns of a short-code EIA-930 file, indexed by UTC hour-beginning; empty
    cells stay NaN (a defect). Raises :class:`Eia930Error` naming the column and line."""
    frame = pd.read_csv(path)
    missing = [c for c in (time_column, *FUELS) if c not in frame.columns]
    if missing:
        raise Eia930Error(
            f"no column {missing[0]!r} (the short-code layout has {time_column}, "
            f"{', '.join(FUELS)}; have {', '.join(map(str, frame.columns))})"
        )
    stamps = pd.to_datetime(frame[time_column], utc=True, errors="coerce", format="ISO8601")
    bad = np.flatnonzero(stamps.isna().to_numpy())
    if bad.size:
        raise Eia930Error(
            f"column {time_column!r} line {bad[0] + 2}: {frame[time_column].iloc[bad[0]]!r} is "
            "not a timestamp"
        )
    fuels = frame[list(FUELS)].apply(pd.to_numeric, errors="coerce").astype(float)
    unreadable = fuels.isna().to_numpy() & frame[list(FUELS)].notna().to_numpy()
    if unreadable.any():
        row, col = np.argwhere(unreadable)[0]
        raise Eia930Error(
            f"column {FUELS[col]!r} line {row + 2}: {frame[FUELS[col]].iloc[row]!r} is not a number"
        )
    fuels.index = pd.DatetimeIndex(stamps, name="utc_hour_beginning")
    steps = np.flatnonzero(np.diff(fuels.index.asi8) <= 0)
    if steps.size:
        raise Eia930Error(
            f"column {time_column!r} line {steps[0] + 3}: {fuels.index[steps[0] + 1]} is not "
            "after the line before: the rows must be in time order"
        )
    return fuels


def defects(fuels: pd.DataFrame) -> tuple[np.ndarray, dict[str, int]]:
    """Rows flagged defective (boolean), and how many each rule flagged."""
    values = fuels[list(FUELS)]
    empty = values.isna().any(axis=1).to_numpy()
    total = values.clip(lower=0).sum(axis=1).to_numpy()
    low = ~empty & (total < DEFECT_TOTAL_FRACTION * np.median(total[~empty]))
    steady = [c for c in FUELS if (values[c] > 0).mean() >= STEADY_FUEL_HOURS]
    zeros = (values[steady] == 0).sum(axis=1).to_numpy() if steady else np.zeros(len(values))
    dropped = ~empty & ~low & (zeros >= 2)
    reasons = {
        "empty fuel column": int(empty.sum()),
        "total below 10 % of the median": int(low.sum()),
        "two or more steady fuels reported as 0": int(dropped.sum()),
    }
    return empty | low | dropped, reasons


def repair(fuels: pd.DataFrame) -> Repaired:
    """Each defective hour takes, fuel by fuel, the mean of the same hour on the nearest
    non-defective day before and after (up to :data:`REPAIR_SEARCH_DAYS` days away).

    The rows must be consecutive hours (so that "24 rows back" is "the same hour yesterday").
    """
    steps = np.diff(fuels.index.asi8)
    if steps.size and not (steps == steps[0]).all():
        raise Eia930Error("rows are not consecutive hours: missing or repeated hours")
    bad, reasons = defects(fuels)
    values = fuels[list(FUELS)].to_numpy(float).copy()
    n = len(values)
    rows = np.arange(n)
    sides = []
    for direction in (-1, 1):
        found = np.full(n, -1)
        for day in range(REPAIR_SEARCH_DAYS, 0, -1):  # nearest last, so it wins
            source = rows + direction * 24 * day
            ok = (source >= 0) & (source < n)
            ok[ok] &= ~bad[source[ok]]
            found = np.where(ok, source, found)
        sides.append(found)
    before, after = sides
    fixable = bad & ((before >= 0) | (after >= 0))
    if (bad & ~fixable).any():
        first = fuels.index[np.flatnonzero(bad & ~fixable)[0]]
        raise Eia930Error(f"hour {first}: no non-defective day within {REPAIR_SEARCH_DAYS} days")
    take_before = values[np.maximum(before, 0)]
    take_after = values[np.maximum(after, 0)]
    both = ((before >= 0) & (after >= 0))[:, None]
    fill = np.where(both, (take_before + take_after) / 2.0, 0.0)
    fill = np.where(~both & (before >= 0)[:, None], take_before, fill)
    fill = np.where(~both & (after >= 0)[:, None], take_after, fill)
    values[bad] = fill[bad]
    out = pd.DataFrame(values, index=fuels.index, columns=list(FUELS))
    return Repaired(out, bad, reasons)


def grid_series(fuels: pd.DataFrame) -> pd.DataFrame:
    """Per hour: carbon-free share, direct and life-cycle intensity (t/MWh), wind, solar and
    fossil (coal + gas + oil) shares of generation, and the total (MWh per hour)."""
    mw = fuels[list(FUELS)].clip(lower=0)
    total = mw.sum(axis=1).to_numpy()
    safe = np.where(total > 0, total, np.nan)
    direct = sum(mw[f].to_numpy() * factor for f, factor in DIRECT_T_PER_MWH.items())
    lifecycle = sum(mw[f].to_numpy() * g / 1000.0 for f, g in LIFECYCLE_G_PER_KWH.items())
    return pd.DataFrame(
        {
            "grid_carbon_free_share": mw[list(CLEAN_FUELS)].sum(axis=1).to_numpy() / safe,
            "grid_carbon_intensity_t_per_mwh": np.asarray(direct) / safe,
            "grid_carbon_intensity_lifecycle_t_per_mwh": np.asarray(lifecycle) / safe,
            "grid_wind_share": mw["WND"].to_numpy() / safe,
            "grid_solar_share": mw["SUN"].to_numpy() / safe,
            "grid_fossil_share": mw[list(DIRECT_T_PER_MWH)].sum(axis=1).to_numpy() / safe,
            "grid_generation_mwh": total,
        },
        index=fuels.index,
    )


def file_statistics(fuels: pd.DataFrame) -> dict[str, float]:
    """Statistics of a file as the shared data's README states them: the defective rows left
    out, life-cycle intensity in g/kWh, shares as fractions (wind: mean of hourly shares)."""
    bad, _ = defects(fuels)
    series = grid_series(fuels[~bad])
    lc = series["grid_carbon_intensity_lifecycle_t_per_mwh"] * 1000.0
    share = series["grid_carbon_free_share"]
    return {
        "lifecycle_mean_g_per_kwh": float(lc.mean()),
        "lifecycle_min_g_per_kwh": float(lc.min()),
        "lifecycle_max_g_per_kwh": float(lc.max()),
        "clean_share_mean": float(share.mean()),
        "clean_share_min": float(share.min()),
        "clean_share_max": float(share.max()),
        "wind_share_mean": float(series["grid_wind_share"].mean()),
    }
