"""Hourly solar capacity factors from real typical-meteorological-year (TMY) weather, with pvlib.

Method (docs/data.md has the derivation and the resulting capacity factors):

1. Read a typical-year weather file (:mod:`planner.data.weather`): TMY3, TMY2 or EnergyPlus
   EPW. pvlib ships ``723170TYA.CSV`` (Greensboro NC) and ``703165TY.csv`` (Sand Point AK),
   both TMY3, and ``12839.tm2`` (Miami FL, TMY2) in ``pvlib/data/``; the project ships TMYx
   EPW files in ``instances/data/weather_tmyx/``. Row ``i`` is the hour beginning ``i`` hours
   after 1 January 00:00 of the typical year, station's local standard time.
2. Irradiance at the site. At the station itself the measured GHI, DNI and DHI are used. For
   another site (``latitude_deg``/``longitude_deg`` set) the station's hourly *clear-sky index*
   (measured GHI / Ineichen clear-sky GHI with the Linke turbidity climatology shipped with
   pvlib) is applied to the site's own clear-sky GHI, hour by hour in local standard time;
   hours where the station's sun is too low (clear-sky GHI < 50 W/m2) take the day's
   energy-weighted index. DNI and DHI are split from GHI with the Erbs model. So the site keeps
   its own sun geometry, altitude and turbidity and borrows the station's real cloud sequence.
3. Plane of array: fixed tilt or a horizontal single-axis tracker with backtracking
   (``pvlib.tracking.singleaxis``), Perez transposition, ASHRAE incidence-angle modifier.
4. Power: SAPM cell temperature (open rack) from the station's air temperature and wind speed,
   PVWatts DC model (temperature coefficient), DC system losses, PVWatts inverter with the
   DC/AC ratio: output is clipped at the AC rating, so the capacity factor is per MW AC.

Everything is numpy-vectorised over the 8760 hours; results are cached per block and file.
:func:`capacity_factor` returns the typical year's 8760 rows; :func:`capacity_factor_at` the
values at modelled timestamps, by the hour of the year (the same month, day and hour in a
non-leap year: :func:`planner.data.calendar.typical_year_rows`).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from planner.data.calendar import typical_year_rows
from planner.data.weather import (
    HOURS_PER_TMY,
    REFERENCE_YEAR,
    ProfileError,
    WeatherYear,
    pvlib_data_dir,
    read_weather,
    weather_path,
)

__all__ = [
    "HOURS_PER_TMY",
    "REFERENCE_YEAR",
    "ProfileError",
    "WeatherYear",
    "capacity_factor",
    "capacity_factor_at",
    "pvlib_data_dir",
    "read_weather",
    "weather_path",
]

CLEAR_SKY_MIN_W_PER_M2 = 50.0
"""Below this station clear-sky GHI the hour takes the day's clear-sky index."""

CLEAR_SKY_INDEX_MAX = 1.2
"""Cloud enhancement above clear sky is allowed up to this index."""


class PvArray(Hashable, Protocol):
    """What this module reads of a PV array: the fields of the instance's ``pvlib`` block
    (:class:`planner.inputs.pvlib_profile.PvArray`, whose documentation gives units and
    defaults). Hashable, so that profiles are cached per array."""

    @property
    def weather(self) -> str: ...
    @property
    def latitude_deg(self) -> float | None: ...
    @property
    def longitude_deg(self) -> float | None: ...
    @property
    def altitude_m(self) -> float | None: ...
    @property
    def utc_offset_h(self) -> float | None: ...
    @property
    def mount(self) -> Literal["fixed", "single_axis"]: ...
    @property
    def tilt_deg(self) -> float | None: ...
    @property
    def azimuth_deg(self) -> float: ...
    @property
    def max_angle_deg(self) -> float: ...
    @property
    def ground_coverage_ratio(self) -> float: ...
    @property
    def dc_ac_ratio(self) -> float: ...
    @property
    def system_loss_fraction(self) -> float: ...
    @property
    def temperature_coefficient_per_c(self) -> float: ...
    @property
    def inverter_efficiency(self) -> float: ...
    @property
    def albedo(self) -> float: ...


def hour_midpoints(utc_offset_h: float) -> pd.DatetimeIndex:
    """The middle of each hour of :data:`REFERENCE_YEAR` in a fixed-offset standard time."""
    tz = dt.timezone(dt.timedelta(hours=utc_offset_h))
    return pd.date_range(f"{REFERENCE_YEAR}-01-01 00:30", periods=HOURS_PER_TMY, freq="h", tz=tz)


@dataclass(frozen=True)
class ClearSky:
    """Solar geometry and Ineichen clear-sky irradiance at one site, hourly."""

    apparent_zenith_deg: np.ndarray
    zenith_deg: np.ndarray
    azimuth_deg: np.ndarray
    airmass_relative: np.ndarray
    dni_extra_w_per_m2: np.ndarray
    ghi_w_per_m2: np.ndarray


def clear_sky(
    times: pd.DatetimeIndex, latitude_deg: float, longitude_deg: float, altitude_m: float
) -> ClearSky:
    """Sun position (NREL SPA) and Ineichen/Perez clear-sky GHI with pvlib's Linke turbidity map."""
    import pvlib

    sun = pvlib.solarposition.get_solarposition(
        times, latitude_deg, longitude_deg, altitude=altitude_m
    )
    airmass = pvlib.atmosphere.get_relative_airmass(sun["apparent_zenith"])
    airmass_abs = pvlib.atmosphere.get_absolute_airmass(
        airmass, pvlib.atmosphere.alt2pres(altitude_m)
    )
    turbidity = pvlib.clearsky.lookup_linke_turbidity(times, latitude_deg, longitude_deg)
    dni_extra = pvlib.irradiance.get_extra_radiation(times)
    sky = pvlib.clearsky.ineichen(
        sun["apparent_zenith"], airmass_abs, turbidity, altitude=altitude_m, dni_extra=dni_extra
    )
    return ClearSky(
        apparent_zenith_deg=sun["apparent_zenith"].to_numpy(float),
        zenith_deg=sun["zenith"].to_numpy(float),
        azimuth_deg=sun["azimuth"].to_numpy(float),
        airmass_relative=np.nan_to_num(airmass.to_numpy(float), nan=0.0),
        dni_extra_w_per_m2=np.asarray(dni_extra, dtype=float),
        ghi_w_per_m2=np.nan_to_num(sky["ghi"].to_numpy(float)),
    )


def clear_sky_index(ghi_w_per_m2: np.ndarray, clear_ghi_w_per_m2: np.ndarray) -> np.ndarray:
    """Hourly measured / clear-sky GHI; low-sun hours take the day's energy-weighted index.

    >>> measured, clear = [0, 50, 400, 30] + [0] * 20, [0, 100, 500, 40] + [0] * 20
    >>> clear_sky_index(np.array(measured), np.array(clear))
    ... # doctest: +ELLIPSIS
    array([0.75..., 0.5..., 0.8..., 0.75..., ...])
    """
    day = np.arange(len(ghi_w_per_m2)) // 24
    daily = np.bincount(day, ghi_w_per_m2) / np.maximum(np.bincount(day, clear_ghi_w_per_m2), 1e-9)
    hourly = ghi_w_per_m2 / np.maximum(clear_ghi_w_per_m2, 1e-9)
    index = np.where(clear_ghi_w_per_m2 >= CLEAR_SKY_MIN_W_PER_M2, hourly, daily[day])
    return np.clip(index, 0.0, CLEAR_SKY_INDEX_MAX)


@dataclass(frozen=True)
class SiteIrradiance:
    """Hourly GHI, DNI, DHI at the array's site, with its clear-sky geometry."""

    sky: ClearSky
    ghi_w_per_m2: np.ndarray
    dni_w_per_m2: np.ndarray
    dhi_w_per_m2: np.ndarray
    latitude_deg: float


def site_irradiance(array: PvArray, weather: WeatherYear) -> SiteIrradiance:
    """Measured irradiance at the station, or the station's clouds moved to the array's site."""
    import pvlib

    w = weather.frame
    if array.latitude_deg is None or array.longitude_deg is None:
        offset = weather.utc_offset_h if array.utc_offset_h is None else array.utc_offset_h
        altitude = weather.altitude_m if array.altitude_m is None else array.altitude_m
        sky = clear_sky(
            hour_midpoints(offset), weather.latitude_deg, weather.longitude_deg, altitude
        )
        return SiteIrradiance(
            sky, w["ghi"].to_numpy(), w["dni"].to_numpy(), w["dhi"].to_numpy(), weather.latitude_deg
        )
    station = clear_sky(
        hour_midpoints(weather.utc_offset_h),
        weather.latitude_deg,
        weather.longitude_deg,
        weather.altitude_m,
    )
    index = clear_sky_index(w["ghi"].to_numpy(), station.ghi_w_per_m2)
    offset = (
        array.utc_offset_h
        if array.utc_offset_h is not None
        else float(round(array.longitude_deg / 15.0))
    )
    altitude = (
        float(pvlib.location.lookup_altitude(array.latitude_deg, array.longitude_deg))
        if array.altitude_m is None
        else array.altitude_m
    )
    times = hour_midpoints(offset)
    sky = clear_sky(times, array.latitude_deg, array.longitude_deg, altitude)
    ghi = index * sky.ghi_w_per_m2
    split = pvlib.irradiance.erbs(ghi, sky.zenith_deg, times.day_of_year.to_numpy())
    return SiteIrradiance(
        sky,
        ghi,
        np.nan_to_num(np.asarray(split["dni"], dtype=float)),
        np.nan_to_num(np.asarray(split["dhi"], dtype=float)),
        array.latitude_deg,
    )


def array_output(array: PvArray, irr: SiteIrradiance, weather: WeatherYear) -> np.ndarray:
    """Hourly AC output per unit of AC capacity (0-1) of ``array`` under ``irr``."""
    import pvlib

    sky = irr.sky
    n = len(irr.ghi_w_per_m2)
    if array.mount == "single_axis":
        track = pvlib.tracking.singleaxis(
            sky.apparent_zenith_deg,
            sky.azimuth_deg,
            axis_tilt=0.0,
            axis_azimuth=array.azimuth_deg,
            max_angle=array.max_angle_deg,
            backtrack=True,
            gcr=array.ground_coverage_ratio,
        )
        tilt = np.nan_to_num(np.asarray(track["surface_tilt"], dtype=float), nan=0.0)
        azimuth = np.nan_to_num(
            np.asarray(track["surface_azimuth"], dtype=float), nan=array.azimuth_deg
        )
    else:
        tilt_deg = abs(irr.latitude_deg) if array.tilt_deg is None else array.tilt_deg
        tilt = np.full(n, tilt_deg)
        azimuth = np.full(n, array.azimuth_deg)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt,
        azimuth,
        sky.apparent_zenith_deg,
        sky.azimuth_deg,
        irr.dni_w_per_m2,
        irr.ghi_w_per_m2,
        irr.dhi_w_per_m2,
        dni_extra=sky.dni_extra_w_per_m2,
        airmass=sky.airmass_relative,
        albedo=array.albedo,
        model="perez",
    )
    aoi = pvlib.irradiance.aoi(tilt, azimuth, sky.apparent_zenith_deg, sky.azimuth_deg)
    iam = np.nan_to_num(np.asarray(pvlib.iam.ashrae(aoi), dtype=float))
    direct = np.nan_to_num(np.asarray(poa["poa_direct"], dtype=float))
    diffuse = np.nan_to_num(np.asarray(poa["poa_diffuse"], dtype=float))
    effective = np.maximum(direct * iam + diffuse, 0.0)
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    cell_c = pvlib.temperature.sapm_cell(
        np.maximum(direct + diffuse, 0.0),
        weather.frame["temp_air"].to_numpy(),
        weather.frame["wind_speed"].to_numpy(),
        **params,
    )
    dc = pvlib.pvsystem.pvwatts_dc(
        effective,
        np.asarray(cell_c, dtype=float),
        array.dc_ac_ratio,
        array.temperature_coefficient_per_c,
    )
    dc = np.asarray(dc, dtype=float) * (1.0 - array.system_loss_fraction)
    eta = array.inverter_efficiency
    ac = pvlib.inverter.pvwatts(dc, 1.0 / eta, eta_inv_nom=eta)  # AC rating 1: pdc0 * eta = 1
    return np.clip(np.nan_to_num(np.asarray(ac, dtype=float)), 0.0, 1.0)


@lru_cache(maxsize=32)
def _capacity_factor(array: PvArray, path: str, mtime_ns: int) -> np.ndarray:
    weather = read_weather(path, mtime_ns)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # night hours: arccos, 0/0 in pvlib
        warnings.simplefilter("ignore", DeprecationWarning)  # pvlib's use of pandas APIs
        output = array_output(array, site_irradiance(array, weather), weather)
    profile = np.round(output, 4)
    profile.setflags(write=False)
    return profile


def capacity_factor(array: PvArray, base_dir: Path | str = ".") -> np.ndarray:
    """Hourly AC capacity factor (8760 values, 0-1) of ``array``; cached per block and file.

    Raises :class:`ProfileError` if the weather file is missing or unreadable.

    >>> from planner.inputs.pvlib_profile import PvArray            # doctest: +SKIP
    >>> cf = capacity_factor(PvArray(weather="723170TYA.CSV"))  # doctest: +SKIP
    >>> round(float(cf.mean()), 3)                              # doctest: +SKIP
    0.231
    """
    path = weather_path(array.weather, Path(base_dir))
    return _capacity_factor(array, str(path), path.stat().st_mtime_ns).copy()


def capacity_factor_at(
    array: PvArray, timestamps: pd.DatetimeIndex, base_dir: Path | str = "."
) -> np.ndarray:
    """Hourly AC capacity factor of ``array`` at each modelled timestamp (local standard time,
    hour-beginning): the typical-year row of its hour of the year (the same month, day and hour
    in a non-leap year; :func:`planner.data.calendar.typical_year_rows`), for any start date
    and horizon.

    >>> from planner.inputs.pvlib_profile import PvArray            # doctest: +SKIP
    >>> july = pd.date_range("2028-07-01", periods=168, freq="h")  # doctest: +SKIP
    >>> cf = capacity_factor_at(PvArray(weather="723170TYA.CSV"), july)  # doctest: +SKIP
    """
    return capacity_factor(array, base_dir)[typical_year_rows(timestamps)]
