"""Coincident-peak hours of 2022 from the shipped EIA-930 files: ERCOT's 4CP and PJM's 5CP.

Two tariffs of the shipped sites charge the import in the system's summer peaks
(``grid.coincident_peak_hours``, docs/formulation.md [tariff_coincident_peak_charge]):

- **ERCOT 4CP** (transmission): ERCOT sets each customer's transmission charge on its demand in
  the 15-minute interval of highest ERCOT demand in each of June, July, August and September.
  Proxy here (:func:`monthly_peak_hours`): in each of those months, the local standard hour of
  highest ERCOT total net generation (EIA-930 ``ERCO``; ERCOT is nearly an electrical island,
  so its generation follows its load), an hour instead of a 15-minute interval.
- **PJM 5CP** (capacity): PJM sets each customer's capacity obligation on its load in the five
  highest daily peaks of PJM load from June to September, on five different days. Proxy here
  (:func:`daily_peak_hours`): the five highest daily-maximum hours of PJM total net generation
  (EIA-930 ``PJM``) in June to September, each on a different day. PJM exports on balance, so
  its generation is not its load: the days are the hot ones, the hours may differ.

The hours are those of the region's local standard year 2022
(:func:`planner.data.regions.region_2022`); :func:`placed` puts them on the modelled year by
the rule of the series themselves (:func:`planner.data.calendar.place`: data hour ``i`` is
modelled hour ``i``), so each peak stays on the hour of the grid data it was found in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.data.calendar import modelled_hours
from planner.data.regions import YEAR, region_2022

SUMMER_MONTHS = (6, 7, 8, 9)
"""June to September: the months of ERCOT's 4CP and PJM's 5CP."""

COLUMN = "grid_generation_mw"
"""The series whose peaks stand for the system peaks: total net generation (EIA-930)."""


@dataclass(frozen=True)
class PeakRule:
    """How a region's coincident-peak hours are found, in words for headers and docs."""

    name: str
    """``4CP``, ``5CP``."""
    count: int
    description: str


RULES = {
    "ercot": PeakRule(
        "4CP",
        4,
        "ERCOT 4CP proxy: in each of June, July, August and September 2022 the local hour of "
        "highest ERCOT total net generation (EIA-930; ERCOT's 4CP are the 15-minute intervals "
        "of highest ERCOT demand)",
    ),
    "pjm_dominion": PeakRule(
        "5CP",
        5,
        "PJM 5CP proxy: the five highest daily-maximum hours of PJM total net generation in "
        "June-September 2022, on five different days (EIA-930; PJM's 5CP are the five highest "
        "daily peaks of PJM load)",
    ),
}
"""Regions with a coincident-peak charge; the others (Mid-Columbia) have none."""


def _summer(frame: pd.DataFrame, months: Sequence[int]) -> pd.DataFrame:
    stamps = pd.DatetimeIndex(frame["timestamp"])
    return frame.loc[np.isin(stamps.month, list(months))]


def monthly_peak_hours(
    frame: pd.DataFrame, months: Sequence[int] = SUMMER_MONTHS, column: str = COLUMN
) -> list[pd.Timestamp]:
    """The hour of highest ``column`` in each of ``months`` (the first of equal hours), in time
    order. ``frame`` has a ``timestamp`` column (hour-beginning) and ``column``.

    >>> stamps = pd.date_range("2022-06-01", "2022-07-31 23:00", freq="h")
    >>> frame = pd.DataFrame({"timestamp": stamps, "x": 1.0})
    >>> frame.loc[[400, 1000], "x"] = 2.0  # 17 June 16:00, 12 July 16:00
    >>> [str(h) for h in monthly_peak_hours(frame, (6, 7), "x")]
    ['2022-06-17 16:00:00', '2022-07-12 16:00:00']
    """
    summer = _summer(frame, months)
    month = pd.DatetimeIndex(summer["timestamp"]).month
    rows = summer.groupby(month, sort=True)[column].idxmax()
    return [pd.Timestamp(frame.loc[row, "timestamp"]) for row in rows]


def daily_peak_hours(
    frame: pd.DataFrame, count: int, months: Sequence[int] = SUMMER_MONTHS, column: str = COLUMN
) -> list[pd.Timestamp]:
    """The peak hours of the ``count`` days of ``months`` with the highest daily maximum of
    ``column`` (one hour per day; the first of equal hours or days), in time order."""
    summer = _summer(frame, months)
    day = pd.DatetimeIndex(summer["timestamp"]).normalize()
    rows = summer.groupby(day, sort=True)[column].idxmax()
    peaks = summer.loc[rows.to_numpy(), column].to_numpy()
    order = np.argsort(-peaks, kind="stable")[:count]
    chosen = sorted(rows.to_numpy()[order])
    return [pd.Timestamp(frame.loc[row, "timestamp"]) for row in chosen]


def coincident_peaks_2022(region: str, folder: Path | None = None) -> list[pd.Timestamp]:
    """The region's coincident-peak hours of 2022 by its :data:`RULES` entry (local standard
    time, hour-beginning); empty for a region without one."""
    rule = RULES.get(region)
    if rule is None:
        return []
    frame = region_2022(region, folder).frame
    if rule.name == "4CP":
        return monthly_peak_hours(frame)
    return daily_peak_hours(frame, rule.count)


def placed(hours: Sequence[pd.Timestamp], model_start: str, year: int = YEAR) -> list[str]:
    """Hours of the data year ``year`` (local standard time) on the modelled hours from
    ``model_start``, by position (data hour ``i`` of the year is modelled hour ``i``, as
    :func:`planner.data.calendar.place` does for the series), as ``YYYY-MM-DD HH:MM``.

    >>> placed([pd.Timestamp("2022-07-20 16:00")], "2028-01-01 00:00")  # 2028 is a leap year
    ['2028-07-19 16:00']
    """
    first = pd.Timestamp(f"{year}-01-01 00:00")
    positions = [int((pd.Timestamp(h) - first) / pd.Timedelta(hours=1)) for h in hours]
    stamps = modelled_hours(model_start, max(positions, default=0) + 1)
    return [stamps[i].strftime("%Y-%m-%d %H:%M") for i in positions]
