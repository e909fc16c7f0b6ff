"""Calendar rules: which data hour stands for which modelled hour.

The planner's hours are **local standard time** (a fixed UTC offset all year, no daylight
saving), stamped at the beginning of the hour. Three rules place data on them (docs/data.md,
section "Time: local standard hours and the calendar rules"):

1. :func:`place` -- a *data year* (e.g. the site's local 2022, 8760 hours) is placed **by
   position**: data hour ``i`` is modelled hour ``i`` from ``model_start`` (``i`` modulo the
   data's length for longer horizons). 2022 and 2028 both begin on a Saturday, so weekdays line
   up all year; 2028 is a leap year, so from 1 March 2022 on the calendar label is one day early
   (2022-03-01 is labelled 2028-02-29).
2. :func:`typical_year_rows` -- a *typical meteorological year* (TMY, EPW: 8760 rows, no
   calendar year) is placed **by the hour of the year**: each modelled timestamp takes the row
   of its hour counted from 1 January of its own year (modulo 8760): the same month, day and
   hour in a non-leap year, the next day's from 29 February on in a leap year (as rule 1). So
   a week from 1 July gets July's sun, whatever ``time.start`` and ``time.hours`` are.
3. :func:`wrap_to_local_year` -- a *UTC year* (e.g. an EIA-930 file, 2022-01-01 00Z to
   2022-12-31 23Z) becomes the local standard year by **wrapping**: west of UTC the file's
   first ``|offset|`` hours (the evening of 31 December of the year before, local time) fill
   the last hours of the local year (the evening of 31 December, local time): the same
   calendar date and hours, one year earlier. East of UTC the file's last hours fill the first
   ones the same way. Every row of the file is used exactly once.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

HOURS_PER_YEAR = 8760
"""Hours of a non-leap year, of a typical meteorological year, and of the shipped data years."""

Placed = TypeVar("Placed", np.ndarray, pd.Series, pd.DataFrame)


class CalendarError(ValueError):
    """Data that cannot be placed on the modelled hours (the message says why)."""


def modelled_hours(start: str | dt.datetime | pd.Timestamp, hours: int) -> pd.DatetimeIndex:
    """The modelled hours: ``hours`` consecutive hour-beginning timestamps from ``start``
    (naive: local standard time)."""
    first = pd.Timestamp(start)
    if first.tzinfo is not None:
        raise CalendarError(f"start {first}: give local standard time without a time zone")
    return pd.date_range(first, periods=hours, freq="h")


def local_year_hours(year: int) -> pd.DatetimeIndex:
    """Every hour of the local standard ``year`` (8760 or 8784), hour-beginning, naive."""
    return pd.date_range(f"{year}-01-01 00:00", f"{year}-12-31 23:00", freq="h")


def place(values: Placed, model_start: str | dt.datetime | pd.Timestamp, hours: int) -> Placed:
    """Rule 1: data hour ``i`` becomes modelled hour ``i`` from ``model_start``.

    ``values`` is an array, a Series or a DataFrame of one data year (any length); a horizon
    longer than the data repeats it from its first row. A DataFrame's ``timestamp`` column (or
    a Series' index) is replaced by the modelled hours, as ``YYYY-MM-DD HH:MM`` text for a
    DataFrame; the values are not changed.

    >>> year = pd.DataFrame({"timestamp": local_year_hours(2022), "x": np.arange(8760.0)})
    >>> placed = place(year, "2028-01-01 00:00", 8760)
    >>> placed.loc[1416, "timestamp"], int(placed.loc[1416, "x"])  # 2022-03-01 00:00
    ('2028-02-29 00:00', 1416)
    """
    n = len(values)
    if n == 0 or hours <= 0:
        raise CalendarError(f"nothing to place ({n} data rows, {hours} modelled hours)")
    rows = np.arange(hours) % n
    stamps = modelled_hours(model_start, hours)
    if isinstance(values, pd.DataFrame):
        out = values.iloc[rows].reset_index(drop=True)
        if "timestamp" in out.columns:
            out["timestamp"] = stamps.strftime("%Y-%m-%d %H:%M")
        return out
    if isinstance(values, pd.Series):
        return pd.Series(values.to_numpy()[rows], index=stamps, name=values.name)
    return np.asarray(values)[rows]


def typical_year_rows(timestamps: pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Rule 2: the typical-year row (0..8759) of each modelled timestamp: its hour of the year,
    counted from 1 January 00:00 of the timestamp's own year, modulo 8760. In a non-leap year
    that is the row of the same month, day and hour; in a leap year, from 29 February on, it is
    the row of the next calendar day (29 February takes 1 March's row, 31 December takes 1
    January's): the same one-day shift as a 2022 year placed by position on 2028 (rule 1), so
    a typical day and the 2022 day of the same date stay together, and a year from 1 January
    takes the file's rows in order.

    >>> stamps = pd.DatetimeIndex(["2023-07-01 00:00", "2028-02-28 13:00", "2028-02-29 13:00"])
    >>> typical_year_rows(stamps).tolist()
    [4344, 1405, 1429]
    """
    stamps = pd.DatetimeIndex(timestamps)
    year_start = pd.to_datetime({"year": stamps.year, "month": 1, "day": 1})
    hours = (stamps - pd.DatetimeIndex(year_start)) // pd.Timedelta(hours=1)
    return (np.asarray(hours, dtype=np.int64) % HOURS_PER_YEAR).astype(int)


_DAYS_BEFORE_MONTH = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30])
"""Days of a non-leap year before the first of each month."""


def month_day_hour_rows(stamps: pd.DatetimeIndex) -> np.ndarray:
    """The row of each (month, day, hour) in a non-leap year, whatever the stamp's year: how a
    typical-year file's own rows are checked (their years differ from month to month)."""
    month = stamps.month.to_numpy()
    days = _DAYS_BEFORE_MONTH[month - 1] + stamps.day.to_numpy() - 1
    return (days * 24 + stamps.hour.to_numpy()).astype(int)


def standard_offset_h(zone: str, year: int = 2022) -> float:
    """The standard (winter) UTC offset of an IANA time zone, hours: the smaller of its offsets
    on 15 January and 15 July of ``year`` (daylight saving adds time). The planner's hours are
    standard time, so this one offset is used all year.

    >>> standard_offset_h("America/Chicago"), standard_offset_h("Asia/Kolkata")
    (-6.0, 5.5)
    """
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(f"unknown IANA time zone {zone!r} (e.g. America/Chicago)") from None
    offsets = [
        dt.datetime(year, month, 15, tzinfo=tz).utcoffset() or dt.timedelta(0) for month in (1, 7)
    ]
    return min(offsets).total_seconds() / 3600.0


def wrap_to_local_year(frame: pd.DataFrame, utc_offset_h: float, year: int) -> pd.DataFrame:
    """Rule 3: a frame indexed by the local standard hours of a whole UTC ``year``
    (``Y-01-01 00Z + offset`` onwards, 8760 or 8784 rows) rolled onto the local standard year
    ``year`` (same rows, index ``Y-01-01 00:00`` onwards).

    >>> utc = pd.date_range("2022-01-01 00:00", periods=8760, freq="h")
    >>> local = pd.DataFrame({"x": np.arange(8760)}, index=utc - pd.Timedelta(hours=6))
    >>> wrapped = wrap_to_local_year(local, -6, 2022)
    >>> wrapped["x"].iloc[[0, 8753, 8754, 8759]].tolist()  # the file's first hours come last
    [6, 8759, 0, 5]
    """
    target = local_year_hours(year)
    shift = utc_offset_h
    if shift != round(shift):
        raise CalendarError(
            f"UTC{shift:+g}: a UTC year wraps onto a local year only for whole-hour offsets"
        )
    expected_first = target[0] + pd.Timedelta(hours=shift)
    if len(frame) != len(target) or frame.index[0] != expected_first:
        raise CalendarError(
            f"not a whole UTC year {year}: {len(frame)} hours from {frame.index[0]} (local), "
            f"expected {len(target)} from {expected_first}"
        )
    rolled = np.roll(np.arange(len(frame)), int(shift))
    out = frame.iloc[rolled].copy()
    out.index = pd.DatetimeIndex(target, name=frame.index.name)
    return out


def whole_utc_year(local_index: pd.DatetimeIndex, utc_offset_h: float) -> int | None:
    """The year ``Y`` if ``local_index`` is exactly the hours of UTC year ``Y`` shifted to local
    standard time by ``utc_offset_h`` (consecutive, complete), else None."""
    if len(local_index) < HOURS_PER_YEAR:
        return None
    utc_first = local_index[0] - pd.Timedelta(hours=utc_offset_h)
    if (utc_first.month, utc_first.day, utc_first.hour, utc_first.minute) != (1, 1, 0, 0):
        return None
    if len(local_index) != len(local_year_hours(utc_first.year)):
        return None
    steps = local_index[1:] - local_index[:-1]
    if not (steps == pd.Timedelta(hours=1)).all():
        return None
    return int(utc_first.year)
