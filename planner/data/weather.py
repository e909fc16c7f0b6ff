"""Typical-meteorological-year weather files: TMY3, TMY2 and EnergyPlus EPW, read with pvlib.

Every format holds 8760 hourly rows of one typical year (each month may come from another
calendar year) in the station's **local standard time**:

- TMY3 (``.csv``, ``pvlib.iotools.read_tmy3``) and EPW (``.epw``, ``pvlib.iotools.read_epw``)
  stamp each row at the *end* of its hour (hour 1 to 24): the irradiance is the energy of the
  hour ending at the stamp, in Wh/m2, i.e. the hour's mean irradiance in W/m2.
- TMY2 (``.tm2``, ``pvlib.iotools.read_tmy2``) likewise, with hour-ending 1 to 24.

So row ``i`` is the hour *beginning* ``i`` hours after 1 January 00:00 local standard time
(EPW hour 1 of 1 January = the planner's hour 00:00-01:00), and its sun is computed at the
middle of that hour (:func:`planner.data.solar.hour_midpoints`). A file whose rows are not the
8760 hours of a year in order (a leap-year file, a missing or repeated hour) is refused, with
the first bad line. Modelled hours take rows by the hour of the year
(:func:`planner.data.calendar.typical_year_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from planner.data.calendar import HOURS_PER_YEAR, month_day_hour_rows

HOURS_PER_TMY = HOURS_PER_YEAR
REFERENCE_YEAR = 2023
"""Calendar year (not a leap year) used for solar geometry; a TMY is a typical year."""

HEADER_LINES = {"tmy3": 2, "tmy2": 1, "epw": 8}
"""Lines before the first data row, to name the file's line of a bad row."""


class ProfileError(ValueError):
    """A profile cannot be computed (missing or unreadable weather file)."""


@dataclass(frozen=True)
class WeatherYear:
    """One typical year: hourly columns and the station it was measured at."""

    frame: pd.DataFrame  # ghi, dni, dhi (W/m2), temp_air (C), wind_speed (m/s); 8760 rows
    name: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    utc_offset_h: float
    kind: str = "tmy3"
    """``tmy3``, ``tmy2`` or ``epw``."""


def pvlib_data_dir() -> Path:
    """pvlib's data folder, holding its TMY files."""
    import pvlib

    return Path(pvlib.__file__).parent / "data"


def weather_path(weather: str, base_dir: Path) -> Path:
    """Resolve ``weather``: a file of pvlib's data folder, else a path relative to ``base_dir``."""
    shipped = pvlib_data_dir() / weather
    if "/" not in weather and "\\" not in weather and shipped.is_file():
        return shipped
    local = (base_dir / weather).resolve()
    if local.is_file():
        return local
    raise ProfileError(
        f"weather file {weather!r} not found (looked in pvlib's data folder {shipped.parent} "
        f"and in {local.parent})"
    )


def weather_kind(path: str) -> str:
    """``epw``, ``tmy2`` or ``tmy3`` from the file name's ending."""
    lower = path.lower()
    if lower.endswith(".epw"):
        return "epw"
    return "tmy2" if lower.endswith(".tm2") else "tmy3"


def _columns(data: pd.DataFrame, names: dict[str, str], scale: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            ours: data[theirs].to_numpy(float) * scale.get(ours, 1.0)
            for ours, theirs in names.items()
        }
    )


_OURS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")


def _read(path: str, kind: str) -> tuple[pd.DataFrame, pd.DatetimeIndex, dict[str, object], str]:
    """(columns, hour-beginning stamps, metadata, station name) of one file."""
    import pvlib

    if kind == "tmy2":
        data, meta = pvlib.iotools.read_tmy2(path)
        names = dict(zip(_OURS, ("GHI", "DNI", "DHI", "DryBulb", "Wspd"), strict=True))
        frame = _columns(data, names, {"temp_air": 0.1, "wind_speed": 0.1})  # tenths
        return frame, pd.DatetimeIndex(data.index), meta, f"{meta['City']} {meta['State']}"
    if kind == "epw":
        data, meta = pvlib.iotools.read_epw(path)
        frame = _columns(data, {k: k for k in _OURS}, {})
        name = f"{meta['city']} {meta['state-prov']}"
        return frame, pd.DatetimeIndex(data.index), meta, name
    data, meta = pvlib.iotools.read_tmy3(path, coerce_year=REFERENCE_YEAR, map_variables=True)
    frame = _columns(data, {k: k for k in _OURS}, {})
    begin = pd.DatetimeIndex(data.index) - pd.Timedelta(hours=1)  # TMY3 index: hour-ending
    return frame, begin, meta, f"{str(meta['Name']).strip(chr(34))} {meta['State']}"


def order_problem(begin: pd.DatetimeIndex, kind: str) -> str | None:
    """Why the rows are not the 8760 hours of a typical year in order, naming the first bad
    line of the file (None if they are)."""
    stamps = begin.tz_localize(None) if begin.tz is not None else begin
    if len(stamps) != HOURS_PER_TMY:
        return (
            f"has {len(stamps)} hourly rows, expected 8760 (one typical year without 29 February)"
        )
    leap = np.flatnonzero((stamps.month == 2) & (stamps.day == 29))
    rows = month_day_hour_rows(stamps)
    bad = np.flatnonzero(rows != np.arange(HOURS_PER_TMY))
    first = int(min(bad[0] if bad.size else HOURS_PER_TMY, leap[0] if leap.size else HOURS_PER_TMY))
    if first == HOURS_PER_TMY:
        return None
    stamp = stamps[first]
    hour_ending = stamp.hour + 1
    return (
        f"line {first + HEADER_LINES[kind] + 1}: month {stamp.month}, day {stamp.day}, hour "
        f"{hour_ending} (hour-ending) is not hour {first + 1} of a typical year (8760 rows from "
        "1 January hour 1 in order, no 29 February)"
    )


@lru_cache(maxsize=8)
def read_weather(path: str, mtime_ns: int = 0) -> WeatherYear:
    """Read a TMY3 (``.csv``), TMY2 (``.tm2``) or EPW (``.epw``) file; cached per path and
    modification time. Raises :class:`ProfileError` naming the file (and the line) if it cannot
    be read or is not one typical year in order."""
    del mtime_ns  # part of the cache key only
    kind = weather_kind(path)
    label = {"tmy3": "TMY3", "tmy2": "TMY2", "epw": "EPW"}[kind]
    try:
        frame, begin, meta, name = _read(path, kind)
        latitude, longitude = float(str(meta["latitude"])), float(str(meta["longitude"]))
        altitude, offset = float(str(meta["altitude"])), float(str(meta["TZ"]))
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ProfileError(
            f"weather file {Path(path).name!r} cannot be read as {label}: {reason}"
        ) from None
    problem = order_problem(begin, kind)
    if problem:
        raise ProfileError(f"weather file {Path(path).name!r} {problem}")
    bad = np.flatnonzero(~np.isfinite(frame.to_numpy()).all(axis=1))
    if bad.size:
        raise ProfileError(
            f"weather file {Path(path).name!r} line {bad[0] + HEADER_LINES[kind] + 1}: "
            "irradiance, temperature or wind speed is missing"
        )
    return WeatherYear(frame, name, latitude, longitude, altitude, offset, kind)


def annual_ghi_kwh_per_m2(weather: WeatherYear) -> float:
    """Annual global horizontal irradiation of the file, kWh/m2."""
    return float(weather.frame["ghi"].sum() / 1000.0)
