"""The shipped real 2022 data: files and licences, the repair, the statistics of the shared
data's README, the price series (real and synthetic), and the derived CSVs bit for bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from planner.data.eia930 import (
    CLEAN_FUELS,
    FUELS,
    LIFECYCLE_G_PER_KWH,
    defects,
    file_statistics,
    grid_series,
    read_short_codes,
    repair,
)
from planner.data.prices import MIDC_2022, PJM_DOM_2022, autocorrelation, pjm_dominion_2022
from planner.data.regions import (
    COLUMNS,
    REGIONS,
    SITES,
    column_sources,
    data_dir,
    derived_path,
    derived_text,
    region_2022,
)

DATA = ROOT / "instances" / "data"
SHARED = ROOT.parent / "shared" / "data"
EIA = DATA / "eia930_2022"

README = {
    "ERCO": (347, 111, 517, 0.417, 0.107, 0.842, 0.26),
    "PJM": (363, 273, 449, 0.396, 0.267, 0.563, 0.04),
    "BPAT": (55, 22, 114, 0.920, 0.781, 0.993, 0.06),
}
"""shared/data/README.md: life-cycle CI mean/min/max (g/kWh), clean share mean/min/max, wind
share, 2022, the defective rows left out."""

DEFECTS = {"ERCO": 0, "PJM": 28, "BPAT": 12}


def test_raw_files_and_licences_are_shipped() -> None:
    assert data_dir() == DATA
    for folder, licence in (
        ("eia930_2022", "LICENSE-dc-rl"),
        ("prices_2022", "LICENSE-green-dcc"),
        ("weather_tmyx", "LICENSE-dc-rl"),
    ):
        assert (DATA / folder / licence).read_text().startswith("MIT License")
    readme = (DATA / "README.md").read_text()
    for words in ("EIA-930", "public domain", "Copernicus", "ERCOT", "HewlettPackard/dc-rl"):
        assert words in readme
    if SHARED.is_dir():  # the shared copy beside the checkout: byte-exact
        for path in SHARED.rglob("*"):
            if path.is_file() and path.name != "README.md":
                shipped = DATA / path.relative_to(SHARED)
                assert shipped.read_bytes() == path.read_bytes(), path


@pytest.mark.parametrize("ba", sorted(README))
def test_file_statistics_reproduce_the_readme(ba: str) -> None:
    fuels = read_short_codes(EIA / f"{ba}.csv")
    assert len(fuels) == 8760 and not (fuels.fillna(0) < 0).to_numpy().any()  # no pumping here
    got = file_statistics(fuels)
    lc_mean, lc_min, lc_max, cs_mean, cs_min, cs_max, wind = README[ba]
    assert round(got["lifecycle_mean_g_per_kwh"]) == lc_mean
    assert round(got["lifecycle_min_g_per_kwh"]) == lc_min
    assert round(got["lifecycle_max_g_per_kwh"]) == lc_max
    assert round(got["clean_share_mean"], 3) == pytest.approx(cs_mean, abs=1e-3)
    assert round(got["clean_share_min"], 3) == cs_min
    assert round(got["clean_share_max"], 3) == cs_max
    assert round(got["wind_share_mean"], 2) == wind


@pytest.mark.parametrize("ba", sorted(README))
def test_lifecycle_factors_reproduce_avg_ci_exactly(ba: str) -> None:
    raw = pd.read_csv(EIA / f"{ba}.csv")
    lifecycle = grid_series(read_short_codes(EIA / f"{ba}.csv"))[
        "grid_carbon_intensity_lifecycle_t_per_mwh"
    ]
    given = raw["avg_CI"].to_numpy()
    ok = np.isfinite(given)
    np.testing.assert_allclose(lifecycle.to_numpy()[ok] * 1000, given[ok], rtol=1e-12)
    assert set(LIFECYCLE_G_PER_KWH) == set(FUELS) and set(CLEAN_FUELS) < set(FUELS)


def test_defects_are_the_listed_rows_and_are_repaired() -> None:
    for ba, count in DEFECTS.items():
        fuels = read_short_codes(EIA / f"{ba}.csv")
        bad, _ = defects(fuels)
        assert bad.sum() == count, ba
        fixed = repair(fuels)
        assert np.isfinite(fixed.fuels.to_numpy()).all()
        np.testing.assert_array_equal(fixed.fuels[~bad], fuels[~bad])  # good rows untouched
    pjm = read_short_codes(EIA / "PJM.csv")
    bad, reasons = defects(pjm)
    stamps = pjm.index[bad].strftime("%Y-%m-%d %H:%M").tolist()
    spring = pd.date_range("2022-03-13 07:00", "2022-03-14 04:00", freq="h")
    low = ["2022-10-01 05:00", "2022-10-01 06:00", "2022-10-01 07:00", "2022-10-01 08:00"]
    assert stamps == [*spring.strftime("%Y-%m-%d %H:%M"), *low, "2022-10-02 04:00",
                      "2022-11-07 05:00"]  # fmt: skip
    assert reasons["empty fuel column"] == 23 and reasons["total below 10 % of the median"] == 5
    # the rule: the mean of the same hour on the neighbouring good days
    fixed = repair(pjm).fuels
    hour = pd.Timestamp("2022-03-13 12:00", tz="UTC")
    day = pd.Timedelta(days=1)
    expected = (pjm.loc[hour - day] + pjm.loc[hour + day]) / 2
    np.testing.assert_allclose(fixed.loc[hour], expected)
    bpat = read_short_codes(EIA / "BPAT.csv")
    bad, reasons = defects(bpat)
    assert reasons["two or more steady fuels reported as 0"] == 12
    assert bpat.index[bad][0] == pd.Timestamp("2022-02-17 21:00", tz="UTC")


@pytest.mark.parametrize("key", sorted(REGIONS))
def test_region_year_is_the_local_standard_year(key: str) -> None:
    region = REGIONS[key]
    got = region_2022(key)
    frame = got.frame
    assert list(frame.columns) == ["timestamp", *COLUMNS]
    assert len(frame) == 8760 and frame["timestamp"].iloc[0] == pd.Timestamp("2022-01-01 00:00")
    assert frame["timestamp"].iloc[-1] == pd.Timestamp("2022-12-31 23:00")
    assert frame.notna().all().all()
    assert got.repaired_hours == DEFECTS[region.balancing_authority]
    assert frame["grid_repaired_hour"].sum() == got.repaired_hours
    # local hour 0 is UTC hour -offset of the file; the last hours are the file's first (wrap)
    series = grid_series(repair(read_short_codes(EIA / f"{region.balancing_authority}.csv")).fuels)
    share = series["grid_carbon_free_share"].round(5).to_numpy()
    shift = int(-region.utc_offset_h)
    np.testing.assert_array_equal(frame["grid_carbon_free_share"].to_numpy()[: 8760 - shift],
                                  share[shift:])  # fmt: skip
    np.testing.assert_array_equal(frame["grid_carbon_free_share"].to_numpy()[8760 - shift :],
                                  share[:shift])  # fmt: skip
    # the shipped series agree with the README's statistics (repaired hours included)
    lc = frame["grid_carbon_intensity_lifecycle_t_per_mwh"] * 1000
    expected = README[region.balancing_authority]
    assert abs(lc.mean() - expected[0]) < 0.6 and round(lc.min()) == expected[1]
    assert round(lc.max()) == expected[2]
    share_mean = frame["grid_carbon_free_share"].mean()
    assert share_mean == pytest.approx(expected[3], abs=1.5e-3)
    # direct intensity: zero for an all-clean hour, above life-cycle where coal burns
    assert (frame["grid_carbon_intensity_t_per_mwh"] >= 0).all()
    sources = column_sources(key)
    assert set(sources) == {"timestamp", *COLUMNS}
    assert sources["grid_wholesale_price_usd_per_mwh"].kind == region.price_kind
    assert {s.kind for c, s in sources.items() if c != "grid_wholesale_price_usd_per_mwh"} == {
        "derived"
    }


def test_ercot_price_is_the_real_series_in_standard_time() -> None:
    price = region_2022("ercot").frame.set_index("timestamp")["grid_wholesale_price_usd_per_mwh"]
    assert price.mean() == pytest.approx(64.31, abs=0.005)
    assert price.median() == pytest.approx(47.99) and price.max() == pytest.approx(2539.16)
    assert (price > 500).sum() == 56
    assert price.idxmax() == pd.Timestamp("2022-12-24 07:00")  # Winter Storm Elliott, 07:00 CST
    raw = pd.read_csv(DATA / "prices_2022" / "ERCOT_DAM_HB_HUBAVG_2022.csv")
    # 1 July 00:00 CDT (UTC-5) is 30 June 23:00 CST: one hour earlier on the standard clock
    july = raw.index[raw["Datetime"] == "2022-07-01 00:00:00-05:00"][0]
    assert price[pd.Timestamp("2022-06-30 23:00")] == raw["Price (USD/MWh)"].iloc[july]


def test_pjm_dominion_synthetic_price_matches_every_published_fact() -> None:
    price = pjm_dominion_2022()
    values = price.to_numpy()
    facts = PJM_DOM_2022
    assert values.mean() == pytest.approx(facts.mean, abs=0.05)
    assert np.median(values) == pytest.approx(facts.median, abs=0.1)
    assert values.std() == pytest.approx(facts.std, abs=0.1)
    for q, x in facts.quantiles:
        assert np.quantile(values, q) == pytest.approx(x, rel=0.002, abs=0.02), q
    monthly = price.groupby(price.index.month).mean().to_numpy()
    np.testing.assert_allclose(monthly, facts.monthly_means, atol=1.0)
    eastern = price.index.tz_localize("Etc/GMT+5").tz_convert("America/New_York").hour
    hourly = price.groupby(eastern).mean().to_numpy()
    np.testing.assert_allclose(hourly, facts.hour_of_day_means, atol=1.0)
    assert autocorrelation(values, 1) == pytest.approx(facts.autocorrelation_1h, abs=0.01)
    assert autocorrelation(values, 24) == pytest.approx(facts.autocorrelation_24h, abs=0.01)
    np.testing.assert_array_equal(pjm_dominion_2022(), price)  # fixed seed
    assert "SYNTHETIC" in REGIONS["pjm_dominion"].price_source


def test_midc_synthetic_price_meets_its_stated_targets() -> None:
    frame = region_2022("bpa_midc").frame.set_index("timestamp")
    price = frame["grid_wholesale_price_usd_per_mwh"]
    assert price.mean() == pytest.approx(MIDC_2022.annual_mean_usd_per_mwh, abs=0.05)
    september = price[price.index.month == 9].mean()
    assert september == pytest.approx(MIDC_2022.september_mean_usd_per_mwh, abs=0.05)
    monthly = price.groupby(price.index.month).mean()
    assert monthly.idxmax() == 9 and monthly[[5, 6]].max() < monthly.min() * 1.05  # runoff low
    fossil = 1 - frame["grid_carbon_free_share"]
    assert np.corrcoef(price, fossil)[0, 1] > 0.3  # dearer when the real grid burns more gas
    assert (price > 0).all()
    assert "SYNTHETIC" in REGIONS["bpa_midc"].price_source


@pytest.mark.parametrize("key", sorted(REGIONS))
def test_derived_csvs_regenerate_bit_for_bit(key: str) -> None:
    shipped = derived_path(key).read_bytes()
    assert shipped == derived_text(key).encode("ascii")
    assert b"\r" not in shipped
    back = pd.read_csv(derived_path(key))
    np.testing.assert_allclose(
        back["grid_carbon_free_share"], region_2022(key).frame["grid_carbon_free_share"]
    )


def test_sites_name_their_region_and_weather() -> None:
    for site in SITES.values():
        assert site.region in REGIONS
        assert (ROOT / "instances" / site.weather).is_file()
    assert "Seattle" in SITES["malaga_wa"].weather and "%" in SITES["malaga_wa"].weather_note


def test_region_frames_are_copies(tmp_path: Path) -> None:
    first = region_2022("ercot").frame
    first.loc[0, "grid_carbon_free_share"] = -1.0
    assert region_2022("ercot").frame.loc[0, "grid_carbon_free_share"] >= 0
