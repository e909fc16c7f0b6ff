"""Profiles: pvlib solar from real typical-year weather, the synthetic grid generator (tests and
users without data) and load, the pvlib block, the shipped sites' profile frame."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, tiny

import planner
from planner.data.regions import SITES as DATA_SITES
from planner.data.regions import region_2022
from planner.data.solar import (
    _capacity_factor,
    capacity_factor,
    clear_sky_index,
    pvlib_data_dir,
)
from planner.data.synthetic_grid import BPA, ERCOT, PJM, GridStats, grid_frame
from planner.data.synthetic_load import LoadShape, load_mw
from planner.inputs.pvlib_profile import PvArray
from planner.shipped.profiles import columns, site_frame
from planner.shipped.sites import ABILENE_TX, ASHBURN_VA, MALAGA_WA

INSTANCES = ROOT / "instances"
"""The shipped sites' weather paths are relative to it."""

TMY_FILES = ("723170TYA.CSV", "703165TY.csv", "12839.tm2")


# -- solar -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", TMY_FILES)
def test_pvlib_ships_the_tmy_files(name: str) -> None:
    assert (pvlib_data_dir() / name).is_file()


def documented_capacity_factors() -> list[tuple[str, str, str, float]]:
    """(site label, weather, mount, CF) rows of the table in docs/data.md."""
    text = (ROOT / "docs" / "data.md").read_text()
    table = text.split("<!-- capacity factors")[1].split("\n\n")[0]
    rows = []
    for line in table.splitlines()[3:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append((cells[0], cells[1], cells[2], float(cells[3])))
    return rows


def array_of(label: str, weather: str, mount: str) -> PvArray:
    """The documented row's array: a shipped site of planner.data.regions (named by its key in
    backticks), or the weather station itself."""
    for key, site in DATA_SITES.items():
        if f"`{key}`" in label:
            return PvArray.model_validate(site.pvlib_block(mount))
    assert "(station)" in label, label
    return PvArray(weather=weather, mount=mount)


def test_documented_capacity_factors_are_computed() -> None:
    rows = documented_capacity_factors()
    assert len(rows) >= 8
    for label, weather, mount, documented in rows:
        array = array_of(label, weather.strip("`"), mount)
        assert array.weather == weather.strip("`")
        got = float(capacity_factor(array, ROOT / "instances").mean())
        assert got == pytest.approx(documented, abs=6e-4), (label, mount)


@pytest.mark.parametrize(
    ("site", "low", "high"),
    [(ABILENE_TX, 0.25, 0.29), (ASHBURN_VA, 0.20, 0.24), (MALAGA_WA, 0.17, 0.21)],
)
def test_site_capacity_factor_in_atb_range_and_order(site: Any, low: float, high: float) -> None:
    cf = capacity_factor(site.pv_array(), INSTANCES)
    assert cf.shape == (8760,)
    assert 0.0 <= cf.min() and cf.max() <= 1.0
    assert low <= cf.mean() <= high
    # night is dark: the hour around local midnight produces nothing on every day
    assert cf.reshape(365, 24)[:, 0].max() == 0.0


def test_tracker_beats_fixed_and_clipping_caps_output() -> None:
    tracker = capacity_factor(ABILENE_TX.pv_array("single_axis"), INSTANCES)
    fixed = capacity_factor(ABILENE_TX.pv_array("fixed"), INSTANCES)
    assert tracker.mean() > fixed.mean()
    low_ratio = capacity_factor(ABILENE_TX.pv_array("single_axis", dc_ac_ratio=1.0), INSTANCES)
    assert low_ratio.mean() < tracker.mean()
    assert (tracker >= 0.999).sum() > (low_ratio >= 0.999).sum()  # more hours at the AC limit


def test_moving_clouds_to_the_station_itself_reproduces_measured_irradiance() -> None:
    measured = capacity_factor(PvArray(weather="723170TYA.CSV"))
    moved = capacity_factor(
        PvArray(
            weather="723170TYA.CSV",
            latitude_deg=36.1,
            longitude_deg=-79.95,
            altitude_m=273,
            utc_offset_h=-5,
        )
    )
    assert moved.mean() == pytest.approx(measured.mean(), rel=0.04)
    assert np.corrcoef(moved, measured)[0, 1] > 0.95


def test_profile_is_cached_and_returned_as_a_copy() -> None:
    array = MALAGA_WA.pv_array()
    first = capacity_factor(array, INSTANCES)
    hits = _capacity_factor.cache_info().hits
    first[:] = -1.0  # a caller's change does not reach the cache
    second = capacity_factor(array, INSTANCES)
    assert _capacity_factor.cache_info().hits == hits + 1
    assert second.min() >= 0.0


def test_clear_sky_index_uses_the_daily_index_at_low_sun() -> None:
    ghi = np.zeros(48)
    clear = np.zeros(48)
    ghi[10:14], clear[10:14] = [40, 300, 300, 20], [60, 400, 600, 30]
    index = clear_sky_index(ghi, clear)
    daily = 660 / 1090
    assert index[11] == pytest.approx(0.75) and index[12] == pytest.approx(0.5)
    assert index[13] == pytest.approx(daily)  # clear-sky 30 W/m2: below the threshold
    assert index[30] == 0.0  # a day without sun


# -- the pvlib block in an instance ----------------------------------------------------------
def solar_item(capacity_factor_value: Any) -> dict[str, Any]:
    return {
        "name": "pv",
        "capacity_factor": capacity_factor_value,
        "max_capacity_mw": 100,
        "procurement": "ppa",
        "ppa_price_usd_per_mwh": 40,
    }


def test_pvlib_block_loads_as_the_computed_profile() -> None:
    block = {"weather": "723170TYA.CSV", "mount": "fixed", "tilt_deg": 25}
    inst = tiny(48, solar=[solar_item({"pvlib": block})])
    expected = capacity_factor(PvArray.model_validate(block))[:48]
    np.testing.assert_array_equal(inst.spec.solar[0].capacity_factor, expected)
    # overrides keep working, and the block survives them
    short = inst.with_overrides({"time.hours": 24})
    np.testing.assert_array_equal(short.spec.solar[0].capacity_factor, expected[:24])


def test_pvlib_block_in_a_yaml_file_with_a_local_weather_file(tmp_path: Path) -> None:
    (tmp_path / "weather").mkdir()
    (tmp_path / "weather" / "site.csv").write_bytes(
        (pvlib_data_dir() / "723170TYA.CSV").read_bytes()
    )
    (tmp_path / "x.yaml").write_text(
        "name: x\ntime: {start: 2028-01-01 00:00, hours: 24}\ndemand: {load_mw: 10}\n"
        "solar:\n  - name: pv\n    max_capacity_mw: 10\n    procurement: ppa\n    ppa_price_usd_per_mwh: 30\n"
        "    capacity_factor:\n      pvlib: {weather: weather/site.csv}\n"
    )
    inst = planner.load_instance(tmp_path / "x.yaml")
    np.testing.assert_array_equal(
        inst.spec.solar[0].capacity_factor, capacity_factor(PvArray(weather="723170TYA.CSV"))[:24]
    )


def problems_of(raw_solar: dict[str, Any], hours: int = 24) -> list[str]:
    with pytest.raises(planner.InstanceError) as info:
        tiny(hours, solar=[raw_solar])
    return info.value.problems


def test_pvlib_block_errors_name_file_field_and_problem() -> None:
    (message,) = problems_of(solar_item({"pvlib": {"weather": "nowhere.csv"}}))
    assert message.startswith(
        "tiny.yaml: solar[pv].capacity_factor.pvlib: weather file 'nowhere.csv' not found"
    )

    found = problems_of(
        solar_item({"pvlib": {"weather": "12839.tm2", "tilt": 20, "dc_ac_ratio": 9}})
    )
    assert "tiny.yaml: solar[pv].capacity_factor.pvlib.tilt: unknown field" in found
    assert "tiny.yaml: solar[pv].capacity_factor.pvlib.dc_ac_ratio: must be <= 3.0, got 9" in found

    (message,) = problems_of(solar_item({"pvlib": {"weather": "12839.tm2", "latitude_deg": 30}}))
    assert (
        "solar[pv].capacity_factor.pvlib" in message
        and "both latitude_deg and longitude_deg" in message
    )

    # a horizon longer than the typical year takes its rows by date (tests/test_alignment.py)
    long = tiny(9000, solar=[solar_item({"pvlib": {"weather": "12839.tm2"}})])
    assert len(long.spec.solar[0].capacity_factor) == 9000


def test_unreadable_weather_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("not,a,tmy\n1,2,3\n")
    raw = {
        "name": "x",
        "time": {"start": "2028-01-01 00:00", "hours": 24},
        "demand": {"load_mw": 1.0},
        "solar": [solar_item({"pvlib": {"weather": "bad.csv"}})],
    }
    with pytest.raises(planner.InstanceError) as info:
        planner.Instance.from_dict(raw, base_dir=tmp_path, source="x.yaml")
    (message,) = info.value.problems
    assert message.startswith(
        "x.yaml: solar[pv].capacity_factor.pvlib: weather file 'bad.csv' cannot be read"
    )


# -- grid ------------------------------------------------------------------------------------
TIMESTAMPS = pd.date_range("2028-01-01 00:00", periods=8760, freq="h")


@pytest.fixture(scope="module")
def grids() -> dict[str, tuple[GridStats, pd.DataFrame, np.ndarray]]:
    out = {}
    for stats, site in ((ERCOT, ABILENE_TX), (PJM, ASHBURN_VA), (BPA, MALAGA_WA)):
        solar = capacity_factor(site.pv_array(), INSTANCES)
        out[stats.name] = (stats, grid_frame(TIMESTAMPS, stats, solar), solar)
    return out


def test_grid_carbon_intensity_meets_the_published_statistics(grids: dict[str, Any]) -> None:
    for stats, frame, _ in grids.values():
        ci = frame["grid_carbon_intensity_t_per_mwh"].to_numpy()
        assert ci.mean() == pytest.approx(stats.carbon_intensity_mean_t_per_mwh, abs=2e-4), (
            stats.name
        )
        q_lo, q_hi = stats.low_high_quantiles
        assert np.quantile(ci, q_lo) == pytest.approx(
            stats.carbon_intensity_low_t_per_mwh, abs=1e-3
        )
        assert np.quantile(ci, q_hi) == pytest.approx(
            stats.carbon_intensity_high_t_per_mwh, abs=1e-3
        )


def test_grid_cfe_share_agrees_with_intensity_every_hour(grids: dict[str, Any]) -> None:
    for stats, frame, _ in grids.values():
        implied = 1 - frame["grid_carbon_intensity_t_per_mwh"] / stats.fossil_t_per_mwh
        np.testing.assert_allclose(frame["grid_carbon_free_share"], implied, atol=2e-4)


def test_grid_means_fall_in_documented_ranges(grids: dict[str, Any]) -> None:
    cfe = {name: frame["grid_carbon_free_share"].mean() for name, (_, frame, _) in grids.items()}
    assert 0.40 <= cfe[ERCOT.name] <= 0.46  # EIA-930 ERCOT clean share ~41 % in 2022
    assert 0.40 <= cfe[PJM.name] <= 0.46
    assert 0.85 <= cfe[BPA.name] <= 0.90  # Google Oregon (BPA area) 87 %


def test_grid_prices_have_published_means_and_expected_shapes(grids: dict[str, Any]) -> None:
    for stats, frame, solar in grids.values():
        price = frame["grid_price_usd_per_mwh"].to_numpy()
        energy = frame["grid_export_price_usd_per_mwh"].to_numpy()
        assert price.mean() == pytest.approx(stats.price_mean_usd_per_mwh, abs=0.01)
        assert energy.mean() == pytest.approx(stats.energy_mean_usd_per_mwh, abs=0.01)
        np.testing.assert_allclose(
            price - energy, stats.price_mean_usd_per_mwh - stats.energy_mean_usd_per_mwh, atol=0.011
        )
        assert (
            np.corrcoef(price, frame["grid_carbon_free_share"])[0, 1] < -0.1
        )  # clean hours are cheap
        assert np.corrcoef(solar, frame["grid_carbon_free_share"])[0, 1] > 0.05
    corr = {
        name: np.corrcoef(s, f["grid_carbon_free_share"])[0, 1] for name, (_, f, s) in grids.items()
    }
    assert corr[ERCOT.name] == max(corr.values())  # the grid with much solar follows the sun most


def test_grid_profiles_are_deterministic(grids: dict[str, Any]) -> None:
    stats, frame, solar = grids[PJM.name]
    pd.testing.assert_frame_equal(grid_frame(TIMESTAMPS, stats, solar), frame)


# -- load ------------------------------------------------------------------------------------
def test_load_has_its_peak_and_a_datacenter_load_factor() -> None:
    load = load_mw(TIMESTAMPS, LoadShape(peak_mw=1000.0), np.random.default_rng(1))
    assert load.max() == pytest.approx(1000.0)
    assert 0.85 <= load.mean() / load.max() <= 0.95  # LBNL 2024: ~90 % load factor
    summer = load[(TIMESTAMPS.month == 7)].mean()
    winter = load[(TIMESTAMPS.month == 1)].mean()
    assert summer > winter  # cooling


def test_site_frame_columns() -> None:
    frame = site_frame(MALAGA_WA, 80.0, "2028-01-01 00:00", 48, with_solar=True)
    assert list(frame.columns) == [
        "timestamp",
        "load_mw",
        "solar_capacity_factor",
        "grid_wholesale_price_usd_per_mwh",
        "grid_carbon_intensity_t_per_mwh",
        "grid_carbon_free_share",
        "wind_capacity_factor",
    ]
    assert re.fullmatch(r"2028-01-01 00:00", frame["timestamp"].iloc[0])
    described = columns(MALAGA_WA)
    assert set(frame.columns) - {"timestamp"} <= set(described)
    assert described["grid_wholesale_price_usd_per_mwh"].provenance == "synthetic"
    assert described["load_mw"].provenance == "synthetic"
    assert described["grid_carbon_free_share"].provenance == "derived"
    assert columns(ABILENE_TX)["grid_wholesale_price_usd_per_mwh"].provenance == "real"
    year = region_2022(DATA_SITES["malaga_wa"].region).frame  # placed by position
    for column in ("grid_wholesale_price_usd_per_mwh", "grid_carbon_free_share"):
        np.testing.assert_array_equal(frame[column], year[column].iloc[:48])
