"""Schema of the ``pvlib`` block: a solar capacity-factor profile computed at load time.

An hourly field (meant for ``solar[].capacity_factor``) may hold::

    capacity_factor:
      pvlib:
        weather: 723170TYA.CSV      # a TMY file shipped in pvlib/data, or a TMY3/TMY2/EPW path
        latitude_deg: 39.04         # the array's site (null: the weather station's)
        longitude_deg: -77.49
        utc_offset_h: -5
        mount: single_axis
        dc_ac_ratio: 1.3

The profile is computed by :func:`planner.data.solar.capacity_factor_at` (method in
docs/data.md), cached per block and weather file, aligned to the modelled hours, and
then validated like a CSV column.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from planner.inputs.base import Number, Schema


class PvArray(Schema):
    """A photovoltaic array whose hourly AC capacity factor pvlib computes from a typical
    weather year.

    The weather file holds the 8760 hours of a typical year in local standard time (TMY3, TMY2
    and EPW rows are stamped at the end of their hour: hour 1 of 1 January is the modelled hour
    beginning 1 January 00:00). Each modelled hour takes the row of its hour of the year, from
    1 January 00:00 of its own year, whatever ``time.start`` and ``time.hours`` are: the same
    month, day and hour in a non-leap year; in a leap year the next day's row from 29 February
    on (31 December takes 1 January's). A horizon of several years repeats the typical year.
    """

    weather: str = Field(
        min_length=1,
        description="typical-meteorological-year file: a name in pvlib's data folder "
        "(`723170TYA.CSV` Greensboro NC, `703165TY.csv` Sand Point AK, TMY3; `12839.tm2` "
        "Miami FL, TMY2) or a path relative to the instance file (inside its folder or an "
        "allowed data folder) of a TMY3 (`.csv`), TMY2 (`.tm2`) or EnergyPlus EPW (`.epw`) "
        "file, e.g. `data/weather_tmyx/USA_TX_Dallas-Fort.Worth.epw`",
    )
    latitude_deg: Number | None = Field(
        None,
        ge=-90,
        le=90,
        description="site latitude, degrees north (null: the weather station's)",
    )
    longitude_deg: Number | None = Field(
        None,
        ge=-180,
        le=180,
        description="site longitude, degrees east (null: the weather station's)",
    )
    altitude_m: Number | None = Field(
        None,
        ge=-500,
        le=9000,
        description="site altitude, m (null: the station's, or pvlib's altitude map for another "
        "site)",
    )
    utc_offset_h: Number | None = Field(
        None,
        ge=-12,
        le=14,
        description="standard time of the rows, hours from UTC (null: the station's time zone, "
        "or longitude / 15 rounded for another site)",
    )
    mount: Literal["fixed", "single_axis"] = Field(
        "single_axis", description="`fixed` tilt or `single_axis` tracker (horizontal axis)"
    )
    tilt_deg: Number | None = Field(
        None,
        ge=0,
        le=90,
        description="fixed: panel tilt from horizontal, degrees (null: |latitude|)",
    )
    azimuth_deg: Number = Field(
        180.0,
        ge=0,
        lt=360,
        description="fixed: panel azimuth; single_axis: axis azimuth; degrees clockwise from north",
    )
    max_angle_deg: Number = Field(
        60.0, gt=0, le=90, description="single_axis: largest rotation from horizontal, degrees"
    )
    ground_coverage_ratio: Number = Field(
        0.35, gt=0, lt=1, description="single_axis: module width / row spacing, for backtracking"
    )
    dc_ac_ratio: Number = Field(
        1.3, gt=0, le=3, description="DC module nameplate per unit of AC inverter capacity"
    )
    system_loss_fraction: Number = Field(
        0.1408,
        ge=0,
        lt=1,
        description="DC losses: soiling, shading, mismatch, wiring, availability (PVWatts default "
        "14.08 %)",
    )
    temperature_coefficient_per_c: Number = Field(
        -0.0037,
        ge=-0.02,
        le=0,
        description="DC power change per degree C of cell temperature above 25 C (PVWatts standard "
        "module)",
    )
    inverter_efficiency: Number = Field(
        0.96, gt=0, le=1, description="nominal inverter efficiency (PVWatts default)"
    )
    albedo: Number = Field(0.2, ge=0, le=1, description="ground reflectance")

    @model_validator(mode="after")
    def _site_complete(self) -> PvArray:
        if (self.latitude_deg is None) != (self.longitude_deg is None):
            raise ValueError(
                "give both latitude_deg and longitude_deg, or neither (the weather station)"
            )
        return self


class PvlibRef(Schema):
    """``{pvlib: {...}}``: an hourly solar capacity factor computed by pvlib when the instance
    loads."""

    pvlib: PvArray = Field(description="the array and its weather year")
