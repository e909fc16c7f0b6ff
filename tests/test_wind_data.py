"""Wind capacity factors (planner.data.wind): the power curve by hand, density, shear, the
alignment of the 8760 hours, the annual figures of docs/data.md, Wind, the EIA-930 fleet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from planner.data import wind
from planner.data.regions import SITES, region_2022
from planner.data.weather import ProfileError
from planner.data.wind import (
    PlantLosses,
    WindPlant,
    capacity_factor,
    capacity_factor_at,
    fleet_capacity_factor_2022,
    fleet_generation_2022_mw,
    hub_air_density_kg_per_m3,
    hub_wind_speed_m_per_s,
    plant_output_fraction,
    power_curve,
    turbine_output_fraction,
)

INSTANCES = ROOT / "instances"
DFW = "data/weather_tmyx/USA_TX_Dallas-Fort.Worth.epw"
STANDARD = 1.225
KEPT = 1.0 - PlantLosses().total_fraction  # 0.8705: the plant's output at full wind


# -- the turbine, by hand ----------------------------------------------------------------------
def test_power_curve_is_the_ge_3_2_130_of_the_oedb_library() -> None:
    curve = power_curve()
    assert (curve.nominal_power_mw, curve.rotor_diameter_m) == (3.2, 130.0)
    assert (curve.cut_in_m_per_s, curve.rated_m_per_s, curve.cut_out_m_per_s) == (3.0, 11.5, 25.0)
    # the library's table: 1,857 kW at 8 m/s; 1,263 and 1,547 kW at 7 and 7.5 m/s
    at = dict(zip(curve.wind_speed_m_per_s, curve.power_fraction * 3200.0, strict=True))
    assert (round(at[7.0]), round(at[7.5]), round(at[8.0])) == (1263, 1547, 1857)


def test_below_cut_in_rated_and_above_cut_out() -> None:
    curve = power_curve()
    speeds = np.array([0.0, 2.9, 8.0, 11.5, 15.0, 24.9, 25.1, 30.0])
    got = turbine_output_fraction(speeds, np.full(len(speeds), STANDARD), curve)
    assert got.tolist()[:2] == [0.0, 0.0]  # below cut-in (3 m/s): nothing
    assert got[2] == pytest.approx(1857 / 3200, abs=1e-9)  # on the curve
    assert got.tolist()[3:6] == [1.0, 1.0, 1.0]  # rated and above: the nameplate (clipped)
    assert got.tolist()[6:] == [0.0, 0.0]  # above cut-out (25 m/s): stopped


def test_the_plant_gives_one_minus_its_losses_at_full_wind() -> None:
    losses = PlantLosses()
    assert losses.total_fraction == pytest.approx(
        1 - (1 - 0.06) * (1 - 0.0358) * (1 - 0.005) * (1 - 0.015) * (1 - 0.0191) * (1 - 0.001)
    )
    assert KEPT == pytest.approx(0.8705, abs=1e-4)
    plant = WindPlant(DFW)
    # 10 m wind of 10 m/s is 14.1 m/s at 110 m: above rated at any plausible density
    full = plant_output_fraction(np.array([10.0]), np.array([15.0]), np.array([99_000.0]), plant)
    assert full[0] == pytest.approx(KEPT)
    calm = plant_output_fraction(np.array([2.0]), np.array([15.0]), np.array([99_000.0]), plant)
    assert calm[0] == 0.0  # 2.8 m/s at the hub: below cut-in
    lossless = WindPlant(DFW, losses=PlantLosses(0.0, 0.0, 0.0))
    assert plant_output_fraction(np.array([10.0]), np.array([15.0]), np.array([99e3]), lossless)[
        0
    ] == pytest.approx(1.0)


def test_thinner_air_gives_less_power_below_rated() -> None:
    curve = power_curve()
    got = turbine_output_fraction(np.full(3, 8.0), np.array([1.0, STANDARD, 1.3]), curve)
    assert got[0] < got[1] < got[2]
    # by hand: 8 (1.0 / 1.225)^(1/3) = 7.477 m/s, between 1,263 kW (7 m/s) and 1,547 kW (7.5)
    equivalent = 8.0 * (1.0 / STANDARD) ** (1 / 3)
    assert got[0] == pytest.approx((1263 + (equivalent - 7.0) / 0.5 * (1547 - 1263)) / 3200)
    # above rated the density does not matter
    assert turbine_output_fraction(np.array([14.0]), np.array([1.0]), curve)[0] == 1.0


def test_air_density_at_the_hub() -> None:
    sea_level = hub_air_density_kg_per_m3(np.array([15.0]), np.array([101_325.0]), 0.0)
    assert sea_level[0] == pytest.approx(STANDARD, abs=1e-3)  # ISA, ideal gas
    cold, hot = hub_air_density_kg_per_m3(np.array([-10.0, 35.0]), np.full(2, 101_325.0), 0.0)
    assert cold > STANDARD > hot
    high = hub_air_density_kg_per_m3(np.array([15.0]), np.array([101_325.0]), 110.0)
    assert high[0] < sea_level[0]


def test_power_law_to_the_hub() -> None:
    hub = hub_wind_speed_m_per_s(np.array([0.0, 5.0]), 110.0, 1 / 7)
    assert hub.tolist() == pytest.approx([0.0, 5.0 * 11 ** (1 / 7)])
    assert hub[1] == pytest.approx(7.0427, abs=1e-4)
    assert hub_wind_speed_m_per_s(np.array([5.0]), 110.0, 0.2)[0] > hub[1]


# -- the hours: shape and alignment ----------------------------------------------------------
def first_data_line(path: Path) -> list[str]:
    return path.read_text().splitlines()[8].split(",")  # EPW: 8 header lines


def test_8760_hours_and_the_first_hour_is_the_files_first_row() -> None:
    plant = WindPlant(DFW)
    cf = capacity_factor(plant, INSTANCES)
    assert cf.shape == (8760,) and cf.dtype == float
    assert 0.0 <= cf.min() and cf.max() <= KEPT + 1e-4
    # EPW row 1: 1 January, hour 1 (hour-ending) = the planner's hour 00:00-01:00
    fields = first_data_line(INSTANCES / DFW)
    assert (fields[1], fields[2], fields[3]) == ("1", "1", "1")
    temperature, pressure, speed = float(fields[6]), float(fields[9]), float(fields[21])
    by_hand = plant_output_fraction(
        np.array([speed]), np.array([temperature]), np.array([pressure]), plant
    )
    assert cf[0] == pytest.approx(round(float(by_hand[0]), 4), abs=1e-12)
    stamps = pd.DatetimeIndex(["2028-01-01 00:00", "2023-07-01 00:00", "2023-12-31 23:00"])
    assert capacity_factor_at(plant, stamps, INSTANCES).tolist() == cf[[0, 4344, 8759]].tolist()


def test_cached_profiles_are_copies() -> None:
    plant = WindPlant(DFW)
    first = capacity_factor(plant, INSTANCES)
    first[:] = -1.0
    assert capacity_factor(plant, INSTANCES).min() >= 0.0


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_the_vectorised_density_correction_agrees_with_windpowerlibs_modelchain() -> None:
    """windpowerlib's own chain (the same shear, temperature and density models; its
    density-corrected power curve, Svenningsen's exponent, one interpolation per hour)."""
    import pvlib
    from windpowerlib import ModelChain, WindTurbine

    data, _ = pvlib.iotools.read_epw(INSTANCES / DFW)
    columns = [("wind_speed", 10), ("temperature", 2), ("pressure", 0), ("roughness_length", 0)]
    weather = pd.DataFrame(
        np.column_stack(
            [
                data["wind_speed"],
                data["temp_air"] + 273.15,
                data["atmospheric_pressure"],
                np.full(len(data), 0.03),  # read by its checks only: the chain uses the power law
            ]
        ),
        columns=pd.MultiIndex.from_tuples(columns, names=["variable_name", "height"]),
    )
    turbine = WindTurbine(hub_height=110.0, turbine_type="GE130/3200")
    chain = ModelChain(
        turbine,
        wind_speed_model="hellman",
        hellman_exp=1 / 7,
        temperature_model="linear_gradient",
        density_model="ideal_gas",
        density_correction=True,
    ).run_model(weather)
    theirs = np.clip(chain.power_output.to_numpy() / turbine.nominal_power, 0, 1) * KEPT
    ours = capacity_factor(WindPlant(DFW), INSTANCES)
    assert ours.mean() == pytest.approx(theirs.mean(), abs=0.003)
    assert np.corrcoef(ours, theirs)[0, 1] > 0.999


# -- the annual figures of the shipped sites -------------------------------------------------
PLAUSIBLE = {"abilene_tx": (0.30, 0.42), "dallas_tx": (0.30, 0.42)}
PLAUSIBLE |= {"ashburn_va": (0.10, 0.20), "malaga_wa": (0.12, 0.22)}
"""Texas: about the ERCOT fleet (0.34) and below the best ATB classes (~0.5); Leesburg and
Seattle-Tacoma: weak airport winds, far below their regions' fleets (docs/data.md, Wind)."""


@pytest.mark.parametrize("site", sorted(PLAUSIBLE))
def test_annual_capacity_factor_per_site_is_plausible(site: str) -> None:
    low, high = PLAUSIBLE[site]
    assert low < wind.site_capacity_factor(site).mean() < high


def documented_table() -> list[list[str]]:
    """The rows of the comparison table (docs/data.md, Wind)."""
    text = (ROOT / "docs" / "data.md").read_text()
    assert "<!-- wind capacity factors" in text, "no table of wind capacity factors in data.md"
    table = text.split("<!-- wind capacity factors")[1].split("\n\n")[0]
    return [
        [c.strip() for c in line.strip().strip("|").split("|")] for line in table.splitlines()[3:]
    ]


def test_documented_capacity_factors_are_computed() -> None:
    rows = documented_table()
    assert {row[0].strip("`") for row in rows} == set(SITES)
    computed = {
        key: (weather, round(cf, 3), region, round(fleet, 3))
        for key, weather, cf, region, fleet in wind.comparison_rows()
    }
    for row in rows:
        key = row[0].strip("`")
        weather, cf, region, fleet = computed[key]
        assert (row[1], float(row[2]), row[3].strip("`"), float(row[4])) == (
            weather,
            cf,
            region,
            fleet,
        ), row


# -- the EIA-930 fleet ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("region", "mean"), [("ercot", 0.340), ("pjm_dominion", 0.334), ("bpa_midc", 0.248)]
)
def test_fleet_capacity_factor_is_hour_aligned_with_the_grid_series(
    region: str, mean: float
) -> None:
    cf = fleet_capacity_factor_2022(region)
    grid = region_2022(region).frame
    assert len(cf) == 8760
    assert (cf.index == pd.DatetimeIndex(grid["timestamp"])).all()
    assert cf.between(0, 1).all()
    assert cf.mean() == pytest.approx(mean, abs=0.0005)
    generation = fleet_generation_2022_mw(region)
    share = grid["grid_wind_share"].to_numpy()
    assert np.allclose(generation / grid["grid_generation_mw"].to_numpy(), share, atol=1e-4)


def test_fleet_wraps_the_utc_file_onto_the_local_year() -> None:
    raw = pd.read_csv(ROOT / "instances" / "data" / "eia930_2022" / "ERCO.csv")
    generation = fleet_generation_2022_mw("ercot")
    # local 2022-01-01 00:00 CST is 06:00Z; the file's first 6 rows close the local year
    assert generation.iloc[0] == raw["WND"].iloc[6]
    assert generation.iloc[-6:].tolist() == raw["WND"].iloc[:6].tolist()
    # ERCOT reports 107.2 TWh of wind in 2022 (IEEFA, from ERCOT's 2022 data)
    assert generation.sum() / 1e6 == pytest.approx(107.2, rel=0.005)


def test_fleet_capacity_can_be_given_and_must_be_positive() -> None:
    half = fleet_capacity_factor_2022("ercot", installed_mw=72_000.0)
    assert half.mean() == pytest.approx(0.170, abs=0.001)
    with pytest.raises(ValueError, match="must be positive"):
        fleet_capacity_factor_2022("ercot", installed_mw=0.0)


# -- bad input -----------------------------------------------------------------------------
def test_wind_needs_an_epw_file() -> None:
    with pytest.raises(ProfileError, match="needs an EPW file"):
        capacity_factor(WindPlant("723170TYA.CSV"))


def test_unknown_turbine_is_refused() -> None:
    with pytest.raises(ProfileError, match="no power curve"):
        power_curve("no such turbine")


def test_missing_wind_speed_names_the_line(tmp_path: Path) -> None:
    lines = (INSTANCES / DFW).read_text().splitlines(keepends=True)
    fields = lines[108].split(",")
    fields[21] = "999"  # EPW's missing-value code for wind speed
    lines[108] = ",".join(fields)
    target = tmp_path / "broken.epw"
    target.write_text("".join(lines))
    with pytest.raises(ProfileError, match=r"line 109: wind speed 999 m/s"):
        capacity_factor(WindPlant("broken.epw"), tmp_path)
