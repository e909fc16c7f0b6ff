"""Hourly capacity factors of a land-based wind plant: from a typical-year EPW weather file
through a real turbine's power curve, or the region's real 2022 fleet output (EIA-930).

Method of :func:`capacity_factor` (docs/data.md, Wind has the sources, the choices and the
comparison with published capacity factors); every step is vectorised over the 8760 hours:

1. **Weather.** The EPW file (:mod:`planner.data.weather` checks its 8760 rows); wind speed at
   the station's 10 m anemometer, dry-bulb temperature at 2 m, station pressure.
2. **Hub-height wind.** Power law (Hellman) with exponent 1/7 from 10 m to the hub
   (``windpowerlib.wind_speed.hellman``): the open-terrain, neutral-stability value for an
   airport anemometer; the log law with an open-terrain roughness length of 0.03 m gives the
   same hub speed within 0.3 %.
3. **Air density at the hub.** Temperature at the hub by the standard lapse rate, -6.5 K/km
   (``windpowerlib.temperature.linear_gradient``); pressure at the hub by -1/8 hPa/m and the
   ideal gas law (``windpowerlib.density.ideal_gas``).
4. **Turbine.** The power curve of the GE 3.2-130 (3.2 MW, 130 m rotor, 110 m hub) from
   windpowerlib's copy of the oedb turbine library. The curve is for standard air,
   1.225 kg/m3; the hub wind speed is normalised to it as IEC 61400-12-1 does for
   pitch-regulated turbines, v * (rho / 1.225)^(1/3), then the curve is read by linear
   interpolation (``windpowerlib.power_output.power_curve``: 0 below cut-in and above
   cut-out), as a fraction of the nameplate, clipped to [0, 1] (the oedb curve peaks at
   1.009 x nameplate).
5. **Plant losses.** One constant factor for wake, availability and electrical losses
   (:class:`PlantLosses`, 12.95 % in all): the plant gives at most 0.8705 of its nameplate.

**Alignment.** Row ``i`` is the hour beginning ``i`` hours after 1 January 00:00 of the
typical year in the station's local standard time, as for solar: an EPW row is stamped at the
end of its hour (hour 1 to 24); its wind speed, temperature and pressure are observations near
that stamp and stand for the hour ending there. Modelled hours take rows by the hour of the
year (:func:`capacity_factor_at`, :func:`planner.data.calendar.typical_year_rows`).

:func:`fleet_capacity_factor_2022` is the alternative: a region's hourly 2022 wind generation
(EIA-930) over its installed wind capacity, on the site's local standard year 2022 like the
grid series of :mod:`planner.data.regions`, so it is hour-aligned with them (a typical year is
not: its months come from different years).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from planner.data.calendar import typical_year_rows, wrap_to_local_year
from planner.data.eia930 import read_short_codes, repair
from planner.data.regions import REGIONS, SITES, YEAR, data_dir
from planner.data.weather import HEADER_LINES, ProfileError, read_weather, weather_path

ANEMOMETER_HEIGHT_M = 10.0
"""Height of an EPW file's wind speed (WMO standard anemometer height)."""

THERMOMETER_HEIGHT_M = 2.0
"""Height of an EPW file's dry-bulb temperature (screen height)."""

STANDARD_DENSITY_KG_PER_M3 = 1.225
"""Air density of the power curve (ISO standard atmosphere at sea level, 15 C)."""

CELSIUS_TO_KELVIN = 273.15

DENSITY_EXPONENT = 1.0 / 3.0
"""IEC 61400-12-1 wind-speed normalisation for pitch-regulated turbines: v (rho/rho0)^(1/3)."""

MAX_WIND_SPEED_M_PER_S = 60.0
"""Above this an EPW wind speed is a missing-value code (999), not a measurement."""

PRESSURE_RANGE_PA = (50_000.0, 110_000.0)
"""A station pressure outside this range is a missing-value code (999999)."""


@dataclass(frozen=True)
class PlantLosses:
    """Energy losses of a wind plant, as fractions, applied to every hour alike.

    Defaults: availability and electrical losses are NREL System Advisor Model's default loss
    categories for its Windpower model (availability: turbine 3.58 %, balance of plant 0.5 %,
    grid 1.5 %; electrical: efficiency 1.91 %, parasitic 0.1 %); the wake loss, 6 %, is an
    assumption for a plant spaced as usual (SAM computes wakes from a layout instead)."""

    wake_fraction: float = 0.06
    availability_fraction: float = 1.0 - (1.0 - 0.0358) * (1.0 - 0.005) * (1.0 - 0.015)
    electrical_fraction: float = 1.0 - (1.0 - 0.0191) * (1.0 - 0.001)

    @property
    def total_fraction(self) -> float:
        """1 - the product of (1 - each loss): 0.1295 with the defaults.

        >>> round(PlantLosses().total_fraction, 4)
        0.1295
        """
        kept = (1.0 - self.wake_fraction) * (1.0 - self.availability_fraction)
        return 1.0 - kept * (1.0 - self.electrical_fraction)


@dataclass(frozen=True)
class WindPlant:
    """A land-based wind plant at a weather station: what :func:`capacity_factor` reads.

    ``weather`` is an EPW file, relative to the ``base_dir`` given to :func:`capacity_factor`
    (e.g. the shipped ``data/weather_tmyx/USA_TX_Dallas-Fort.Worth.epw`` from ``instances/``).
    Frozen and hashable, so that profiles are cached per plant."""

    weather: str
    turbine_type: str = "GE130/3200"
    """A turbine of windpowerlib's oedb library with a power curve."""
    hub_height_m: float = 110.0
    shear_exponent: float = 1.0 / 7.0
    losses: PlantLosses = field(default_factory=PlantLosses)


@dataclass(frozen=True, eq=False)
class PowerCurve:
    """A turbine's power curve at standard air density, as a fraction of its nameplate."""

    turbine_type: str
    wind_speed_m_per_s: np.ndarray
    power_fraction: np.ndarray
    nominal_power_mw: float
    rotor_diameter_m: float

    @property
    def cut_in_m_per_s(self) -> float:
        """The lowest wind speed of the curve with output."""
        return float(self.wind_speed_m_per_s[np.argmax(self.power_fraction > 0)])

    @property
    def cut_out_m_per_s(self) -> float:
        """The highest wind speed of the curve; output is 0 above it."""
        return float(self.wind_speed_m_per_s[-1])

    @property
    def rated_m_per_s(self) -> float:
        """The lowest wind speed of the curve at (or above) the nameplate."""
        return float(self.wind_speed_m_per_s[np.argmax(self.power_fraction >= 1.0)])


@lru_cache(maxsize=8)
def power_curve(turbine_type: str = "GE130/3200") -> PowerCurve:
    """The power curve of ``turbine_type`` from windpowerlib's copy of the oedb turbine
    library (Open Energy Database, ``supply.wind_turbine_library``), read from the package's
    files: no download. Raises :class:`ProfileError` for an unknown turbine.

    >>> curve = power_curve()
    >>> curve.nominal_power_mw, curve.rotor_diameter_m, curve.cut_in_m_per_s, curve.cut_out_m_per_s
    (3.2, 130.0, 3.0, 25.0)
    """
    from windpowerlib import WindTurbine  # type: ignore[import-untyped]

    with warnings.catch_warnings():
        # windpowerlib's own use of pandas APIs, and its warning for a turbine without a curve
        warnings.filterwarnings("ignore", module="windpowerlib")
        turbine = WindTurbine(hub_height=WindPlant.hub_height_m, turbine_type=turbine_type)
    table = turbine.power_curve
    if table is None or turbine.nominal_power is None:
        raise ProfileError(f"turbine {turbine_type!r} has no power curve in windpowerlib's oedb")
    ordered = table.sort_values("wind_speed")
    nominal_w = float(turbine.nominal_power)
    speeds = ordered["wind_speed"].to_numpy(float)
    fractions = ordered["value"].to_numpy(float) / nominal_w
    if np.any(np.diff(speeds) <= 0) or np.any(fractions < 0):
        raise ProfileError(f"turbine {turbine_type!r}: its power curve is not a curve")
    for array in (speeds, fractions):
        array.setflags(write=False)
    return PowerCurve(
        turbine_type, speeds, fractions, nominal_w / 1e6, float(turbine.rotor_diameter or 0.0)
    )


def hub_wind_speed_m_per_s(
    wind_speed_m_per_s: np.ndarray, hub_height_m: float, shear_exponent: float
) -> np.ndarray:
    """Wind speed at the hub from the 10 m anemometer by the power law (Hellman).

    >>> round(float(hub_wind_speed_m_per_s(np.array([5.0]), 110.0, 1 / 7)[0]), 3)
    7.043
    """
    from windpowerlib import wind_speed

    speed = np.asarray(wind_speed_m_per_s, dtype=float)
    hub = wind_speed.hellman(
        speed, ANEMOMETER_HEIGHT_M, hub_height_m, hellman_exponent=shear_exponent
    )
    return np.asarray(hub, dtype=float)


def hub_air_density_kg_per_m3(
    temperature_c: np.ndarray, pressure_pa: np.ndarray, hub_height_m: float
) -> np.ndarray:
    """Air density at the hub from the 2 m temperature and the station pressure: -6.5 K/km to
    the hub, -1/8 hPa/m, ideal gas (dry air).

    >>> round(float(hub_air_density_kg_per_m3(np.array([15.0]), np.array([101325.0]), 0)[0]), 3)
    1.225
    """
    from windpowerlib import density, temperature

    kelvin = np.asarray(temperature_c, dtype=float) + CELSIUS_TO_KELVIN
    hub_k = temperature.linear_gradient(kelvin, THERMOMETER_HEIGHT_M, hub_height_m)
    rho = density.ideal_gas(np.asarray(pressure_pa, dtype=float), 0.0, hub_height_m, hub_k)
    return np.asarray(rho, dtype=float)


def turbine_output_fraction(
    hub_wind_speed: np.ndarray, air_density_kg_per_m3: np.ndarray, curve: PowerCurve
) -> np.ndarray:
    """Turbine output as a fraction of its nameplate (0-1), hour by hour: the hub wind speed
    normalised to standard density (IEC 61400-12-1), read off the standard power curve.

    >>> curve = power_curve()
    >>> turbine_output_fraction(np.array([2.0, 15.0, 26.0]), np.full(3, 1.225), curve).tolist()
    [0.0, 1.0, 0.0]
    """
    from windpowerlib import power_output

    rho = np.asarray(air_density_kg_per_m3, dtype=float)
    equivalent = (
        np.asarray(hub_wind_speed, dtype=float)
        * (rho / STANDARD_DENSITY_KG_PER_M3) ** DENSITY_EXPONENT
    )
    output = power_output.power_curve(equivalent, curve.wind_speed_m_per_s, curve.power_fraction)
    return np.clip(np.asarray(output, dtype=float), 0.0, 1.0)


def plant_output_fraction(
    wind_speed_10m_m_per_s: np.ndarray,
    temperature_c: np.ndarray,
    pressure_pa: np.ndarray,
    plant: WindPlant,
) -> np.ndarray:
    """Plant AC output per MW of nameplate (0-1) from 10 m wind, 2 m temperature and station
    pressure, hour by hour (steps 2-5 of the module's method)."""
    hub = hub_wind_speed_m_per_s(wind_speed_10m_m_per_s, plant.hub_height_m, plant.shear_exponent)
    rho = hub_air_density_kg_per_m3(temperature_c, pressure_pa, plant.hub_height_m)
    turbine = turbine_output_fraction(hub, rho, power_curve(plant.turbine_type))
    return np.clip(turbine * (1.0 - plant.losses.total_fraction), 0.0, 1.0)


@lru_cache(maxsize=8)
def epw_wind_columns(path: str, mtime_ns: int = 0) -> pd.DataFrame:
    """``wind_speed`` (m/s, 10 m), ``temp_air`` (C, 2 m) and ``pressure`` (Pa) of an EPW
    file's 8760 rows in order (row ``i``: the hour beginning ``i`` hours after 1 January 00:00
    local standard time). Raises :class:`ProfileError` naming the file (and line)."""
    import pvlib

    name = Path(path).name
    weather = read_weather(path, mtime_ns)  # checks the rows are one typical year in order
    if weather.kind != "epw":
        raise ProfileError(f"weather file {name!r}: wind needs an EPW file (station pressure)")
    data, _ = pvlib.iotools.read_epw(path)
    pressure = data["atmospheric_pressure"].to_numpy(float)
    speed = weather.frame["wind_speed"].to_numpy(float)
    low, high = PRESSURE_RANGE_PA
    impossible = (speed < 0) | (speed > MAX_WIND_SPEED_M_PER_S) | ~(pressure >= low)
    bad = np.flatnonzero(impossible | ~(pressure <= high))
    if bad.size:
        row = int(bad[0])
        raise ProfileError(
            f"weather file {name!r} line {row + HEADER_LINES['epw'] + 1}: wind speed "
            f"{speed[row]:g} m/s or pressure {pressure[row]:g} Pa is missing or impossible"
        )
    temperature = weather.frame["temp_air"].to_numpy(float)
    return pd.DataFrame({"wind_speed": speed, "temp_air": temperature, "pressure": pressure})


@lru_cache(maxsize=32)
def _capacity_factor(plant: WindPlant, path: str, mtime_ns: int) -> np.ndarray:
    got = epw_wind_columns(path, mtime_ns)
    speed, temperature, pressure = (
        got[c].to_numpy() for c in ("wind_speed", "temp_air", "pressure")
    )
    profile = np.round(plant_output_fraction(speed, temperature, pressure, plant), 4)
    profile.setflags(write=False)
    return profile


def capacity_factor(plant: WindPlant, base_dir: Path | str = ".") -> np.ndarray:
    """Hourly AC capacity factor (8760 values, 0-1) of ``plant`` at its EPW station, in the
    typical year's row order (local standard time, hour-beginning); cached per plant and file.

    >>> cf = capacity_factor(WindPlant("data/weather_tmyx/USA_TX_Dallas-Fort.Worth.epw"),
    ...                      data_dir().parent)
    >>> cf.shape, round(float(cf.mean()), 3)
    ((8760,), 0.359)
    """
    path = weather_path(plant.weather, Path(base_dir))
    return _capacity_factor(plant, str(path), path.stat().st_mtime_ns).copy()


def capacity_factor_at(
    plant: WindPlant, timestamps: pd.DatetimeIndex, base_dir: Path | str = "."
) -> np.ndarray:
    """Hourly AC capacity factor of ``plant`` at each modelled timestamp (local standard time,
    hour-beginning): the typical-year row of its hour of the year, as for solar."""
    return capacity_factor(plant, base_dir)[typical_year_rows(timestamps)]


def site_plant(site_key: str) -> WindPlant:
    """The default wind plant at a shipped site's weather station
    (:data:`planner.data.regions.SITES`; its ``weather`` is relative to ``instances/``, i.e.
    ``data_dir().parent``)."""
    return WindPlant(SITES[site_key].weather)


def site_capacity_factor(site_key: str) -> np.ndarray:
    """Hourly capacity factor of the default plant at a shipped site's weather station."""
    return capacity_factor(site_plant(site_key), data_dir().parent)


# -- the alternative: the region's real 2022 fleet (EIA-930) --------------------------------
@dataclass(frozen=True)
class FleetCapacity:
    """Installed wind capacity of a balancing authority in 2022, with its source."""

    installed_mw: float
    source: str


FLEET_CAPACITY_2022 = {
    "ercot": FleetCapacity(
        36_000.0,
        "about 35 GW of wind in ERCOT at the start of 2022 and 37 GW at its end (ERCOT, Capacity "
        "Changes by Fuel Type reports), their mean; quoted, not re-checked against EIA-860M",
    ),
    "pjm_dominion": FleetCapacity(
        11_000.0,
        "about 11 GW of wind nameplate in the PJM balancing authority in 2022 (PJM and its market "
        "monitor's reports); quoted, not re-checked against EIA-860M",
    ),
    "bpa_midc": FleetCapacity(
        2_800.0,
        "about 2.8 GW of wind in the Bonneville balancing authority (BPA Transmission, wind in the "
        "BPA balancing authority; plants on BPA's lines whose output is transferred to other "
        "balancing authorities are not in BPAT's EIA-930 data); quoted, not re-checked against "
        "EIA-860M; the 2022 maximum hourly output, 2,621 MW, bounds it from below",
    ),
}
"""The denominators of :func:`fleet_capacity_factor_2022` (docs/data.md, Wind: quoted figures,
to be checked against EIA-860M before a decision rests on the level; the hourly shape does not
depend on them)."""


def fleet_generation_2022_mw(region_key: str, folder: Path | None = None) -> pd.Series:
    """A region's hourly 2022 wind generation (MW, EIA-930 ``WND``, defective hours repaired as
    for the grid series), on the site's local standard year 2022: index ``timestamp``
    (hour-beginning, 8760 hours), the UTC file wrapped by rule 3 of
    :mod:`planner.data.calendar`."""
    region = REGIONS[region_key]
    base = folder or data_dir()
    fuels = read_short_codes(base / "eia930_2022" / f"{region.balancing_authority}.csv")
    wind = repair(fuels).fuels[["WND"]].clip(lower=0.0)
    offset = region.utc_offset_h
    wind.index = pd.DatetimeIndex(
        wind.index.tz_convert("UTC").tz_localize(None) + pd.Timedelta(hours=offset),
        name="timestamp",
    )
    local = wrap_to_local_year(wind, offset, YEAR)
    return local["WND"].rename("wind_generation_mw")


def fleet_capacity_factor_2022(
    region_key: str, installed_mw: float | None = None, folder: Path | None = None
) -> pd.Series:
    """The region's 2022 wind fleet capacity factor, hour by hour (0-1, 4 decimals): EIA-930
    wind generation over the installed capacity (:data:`FLEET_CAPACITY_2022` unless
    ``installed_mw`` is given), hour-aligned with :func:`planner.data.regions.region_2022`.
    """
    capacity = (
        FLEET_CAPACITY_2022[region_key].installed_mw if installed_mw is None else installed_mw
    )
    if not capacity > 0:
        raise ValueError(f"installed wind capacity must be positive, got {capacity}")
    generation = fleet_generation_2022_mw(region_key, folder)
    return (generation / capacity).clip(0.0, 1.0).round(4).rename("wind_capacity_factor")


def comparison_rows() -> list[tuple[str, str, float, str, float]]:
    """(site, weather file, annual CF from the weather, region, 2022 fleet CF) per shipped
    site: the table of docs/data.md, Wind."""
    rows = []
    for key, site in SITES.items():
        weather = float(site_capacity_factor(key).mean())
        fleet = float(fleet_capacity_factor_2022(site.region).mean())
        rows.append((key, Path(site.weather).name, weather, site.region, fleet))
    return rows


if __name__ == "__main__":  # python -m planner.data.wind: the comparison table
    print("| site | weather | CF, EPW + GE 3.2-130 | region | CF, 2022 fleet (EIA-930) |")
    print("| --- | --- | --- | --- | --- |")
    for site_key, weather_file, from_weather, region_key, from_fleet in comparison_rows():
        cells = (site_key, weather_file, f"{from_weather:.3f}", region_key, f"{from_fleet:.3f}")
        print("| " + " | ".join(cells) + " |")
