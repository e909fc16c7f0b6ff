"""Inputs line up in time: weather by the hour of the year, data years by position, UTC years
by the wrap rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

import planner
from planner.data.calendar import (
    local_year_hours,
    place,
    standard_offset_h,
    typical_year_rows,
    whole_utc_year,
    wrap_to_local_year,
)
from planner.data.solar import ProfileError, capacity_factor, capacity_factor_at, read_weather
from planner.data.weather import annual_ghi_kwh_per_m2
from planner.inputs.pvlib_profile import PvArray

INSTANCES = ROOT / "instances"
EPW = {
    "USA_TX_Dallas-Fort.Worth.epw": 1770,
    "USA_VA_Leesburg.Exec.epw": 1535,
    "USA_WA_Seattle-Tacoma.epw": 1252,
}
"""Annual GHI, kWh/m2, as the shared data's README states it."""

ABILENE = {"latitude_deg": 32.45, "longitude_deg": -99.73, "altitude_m": 520, "utc_offset_h": -6}


def instance(start: str, hours: int, block: dict[str, Any], base: Path = INSTANCES) -> Any:
    raw = {
        "name": "aligned",
        "time": {"start": start, "hours": hours},
        "demand": {"load_mw": 10.0},
        "solar": [
            {
                "name": "pv",
                "capacity_factor": {"pvlib": block},
                "max_capacity_mw": 10,
                "procurement": "ppa",
                "ppa_price_usd_per_mwh": 30,
            }
        ],
    }
    return planner.Instance.from_dict(raw, base_dir=base, source="aligned.yaml")


# -- weather by the hour of the year ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "block",
    [
        {"weather": "12839.tm2", **ABILENE},  # the old code gave January's sun in July
        {"weather": "data/weather_tmyx/USA_TX_Dallas-Fort.Worth.epw"},
    ],
)
def test_a_week_from_1_july_has_julys_sun(block: dict[str, Any]) -> None:
    year = capacity_factor(PvArray.model_validate(block), INSTANCES)
    july_rows = year[(31 + 28 + 31 + 30 + 31 + 30) * 24 :][:168]  # 1-7 July of the typical year
    january_rows = year[:168]
    cf = instance("2027-07-01 00:00", 168, block).spec.solar[0].capacity_factor
    np.testing.assert_array_equal(cf, july_rows)
    leap = instance("2028-07-01 00:00", 168, block).spec.solar[0].capacity_factor
    np.testing.assert_array_equal(leap, year[182 * 24 :][:168])  # 2-8 July: still July's sun
    assert cf.mean() == pytest.approx(july_rows.mean())
    assert cf.mean() > 1.5 * january_rows.mean()  # what the old code gave instead
    if block["weather"] == "12839.tm2":  # Abilene, single-axis: July 0.342, 1-7 January 0.132
        assert (round(float(cf.mean()), 3), round(float(january_rows.mean()), 3)) == (0.342, 0.132)


def test_any_start_and_horizon_take_rows_by_date() -> None:
    block = {"weather": "723170TYA.CSV"}
    year = capacity_factor(PvArray.model_validate(block))
    # from 1 January: the first rows, as before (the shipped and test instances)
    jan = instance("2028-01-01 00:00", 48, block).spec.solar[0].capacity_factor
    np.testing.assert_array_equal(jan, year[:48])
    # from 1 January of a leap year: the file's rows in order, 29 February takes 1 March's
    full = instance("2028-01-01 00:00", 8784, block).spec.solar[0].capacity_factor
    np.testing.assert_array_equal(full[:8760], year)
    np.testing.assert_array_equal(full[8760:], year[:24])  # 31 December takes 1 January's
    leap = instance("2028-02-28 00:00", 72, block).spec.solar[0].capacity_factor
    np.testing.assert_array_equal(leap, year[(31 + 27) * 24 :][:72])
    # a non-leap year: the same month, day and hour
    july = instance("2027-07-01 00:00", 24, block).spec.solar[0].capacity_factor
    np.testing.assert_array_equal(july, year[181 * 24 :][:24])
    # longer than a year: each year repeats the typical year
    long = instance("2027-12-31 12:00", 9000, block).spec.solar[0].capacity_factor
    stamps = pd.date_range("2027-12-31 12:00", periods=9000, freq="h")
    np.testing.assert_array_equal(long, year[typical_year_rows(stamps)])
    direct = capacity_factor_at(PvArray.model_validate(block), stamps)
    np.testing.assert_array_equal(long, direct)


def test_typical_year_rows_follow_month_day_and_hour() -> None:
    stamps = pd.date_range("2023-01-01", periods=8760, freq="h")  # a non-leap year: identity
    np.testing.assert_array_equal(typical_year_rows(stamps), np.arange(8760))
    leap = pd.date_range("2028-01-01", periods=8784, freq="h")
    rows = typical_year_rows(leap)
    np.testing.assert_array_equal(rows[:8760], np.arange(8760))  # as 2022 placed by position
    np.testing.assert_array_equal(rows[8760:], np.arange(24))


# -- the weather files -------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "ghi"), sorted(EPW.items()))
def test_epw_files_are_read_with_pvlib(name: str, ghi: int) -> None:
    weather = read_weather(str(INSTANCES / "data" / "weather_tmyx" / name))
    assert weather.kind == "epw" and len(weather.frame) == 8760
    assert round(annual_ghi_kwh_per_m2(weather)) == ghi
    # hour-ending row "1 January, hour 1" is the planner's hour 00:00-01:00: dark at midnight
    assert weather.frame["ghi"].iloc[0] == 0.0
    noon = weather.frame["ghi"].to_numpy().reshape(365, 24).mean(axis=0).argmax()
    assert noon in (11, 12)  # the hour beginning 11:00 or 12:00 local standard time is sunniest


def test_a_weather_file_that_is_not_one_typical_year_is_refused(tmp_path: Path) -> None:
    lines = (INSTANCES / "data" / "weather_tmyx" / "USA_VA_Leesburg.Exec.epw").read_bytes()
    rows = lines.split(b"\r\n")
    del rows[8 + 100]  # 5 January, hour 5 goes missing
    (tmp_path / "gap.epw").write_bytes(b"\r\n".join(rows))
    with pytest.raises(planner.InstanceError) as info:
        instance("2028-01-01 00:00", 24, {"weather": "gap.epw"}, base=tmp_path)
    (message,) = info.value.problems
    assert message.startswith("aligned.yaml: solar[pv].capacity_factor.pvlib: weather file")
    assert "'gap.epw' has 8759 hourly rows, expected 8760" in message
    swapped = list(rows[:8]) + [rows[9], rows[8]] + list(rows[10:])
    (tmp_path / "swap.epw").write_bytes(b"\r\n".join([*swapped[:109], rows[108], *swapped[109:]]))
    with pytest.raises(ProfileError, match=r"'swap.epw' line 9: month 1, day 1, hour 2"):
        read_weather(str(tmp_path / "swap.epw"))


# -- data years by position; UTC years wrapped -------------------------------------------------
def test_place_puts_a_data_year_on_the_modelled_hours_by_position() -> None:
    year = pd.DataFrame({"timestamp": local_year_hours(2022), "x": np.arange(8760.0)})
    placed = place(year, "2028-01-01 00:00", 8760)
    assert placed["timestamp"].iloc[0] == "2028-01-01 00:00"
    assert placed["timestamp"].iloc[-1] == "2028-12-30 23:00"  # 2028 is a leap year
    np.testing.assert_array_equal(placed["x"], year["x"])
    # weekdays line up: 2022-01-01 and 2028-01-01 are both Saturdays
    assert pd.Timestamp("2022-01-01").day_name() == pd.Timestamp("2028-01-01").day_name()
    day = placed.set_index("timestamp")["x"]
    assert day["2028-02-29 00:00"] == 59 * 24  # 2022-03-01: one day early from March on
    longer = place(year["x"].to_numpy(), "2028-01-01 00:00", 8784)
    np.testing.assert_array_equal(longer[8760:], year["x"].to_numpy()[:24])


def test_a_utc_year_wraps_onto_the_local_year() -> None:
    utc = pd.date_range("2022-01-01 00:00", periods=8760, freq="h")
    for offset in (-8, -5, 3):
        local = pd.DataFrame({"row": np.arange(8760)}, index=utc + pd.Timedelta(hours=offset))
        assert whole_utc_year(pd.DatetimeIndex(local.index), offset) == 2022
        wrapped = wrap_to_local_year(local, offset, 2022)
        assert wrapped.index[0] == pd.Timestamp("2022-01-01 00:00")
        assert len(wrapped) == 8760 and sorted(wrapped["row"]) == list(range(8760))
        # local hour h of the year is UTC row h - offset, modulo the year
        np.testing.assert_array_equal(wrapped["row"], (np.arange(8760) - offset) % 8760)
    assert standard_offset_h("America/Los_Angeles") == -8.0
    assert standard_offset_h("Australia/Sydney") == 10.0  # southern summer in January
