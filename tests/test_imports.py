"""The CSV import path: EIA-930, Electricity Maps and ISO price files -> profile columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

import planner
from planner.imports import (
    EMISSION_FACTORS_T_PER_MWH,
    ImportFormatError,
    import_eia930,
    import_electricitymaps,
    import_price,
    main,
)

DATA = ROOT / "tests" / "data" / "imports"


def test_eia930_six_month_file() -> None:
    got = import_eia930(DATA / "eia930_balance.csv", utc_offset_h=-6, ba="ERCO")
    frame = got.frame
    assert len(frame) == 24 and got.filled_hours == 1 and got.source_rows == 23
    # hour ending 07:00 UTC = 00:00-01:00 CST
    assert frame.index[0] == pd.Timestamp("2023-01-01 00:00")
    row = frame.iloc[0]
    total = 8000 + 20000 + 5000 + 100 + 0 + 10000 + 200
    assert row["grid_carbon_free_share"] == pytest.approx((5000 + 100 + 10000) / total)
    ef = EMISSION_FACTORS_T_PER_MWH
    assert row["grid_carbon_intensity_t_per_mwh"] == pytest.approx(
        (8000 * ef["coal"] + 20000 * ef["gas"]) / total
    )
    # the missing hour (index 10) is interpolated between its neighbours
    ci = frame["grid_carbon_intensity_t_per_mwh"].to_numpy()
    assert ci[10] == pytest.approx((ci[9] + ci[11]) / 2)
    # midday solar makes the grid cleaner
    assert frame["grid_carbon_free_share"].iloc[12] > frame["grid_carbon_free_share"].iloc[2]


def test_eia930_needs_one_balancing_authority() -> None:
    with pytest.raises(ImportFormatError, match="several balancing authorities .*--ba"):
        import_eia930(DATA / "eia930_balance.csv", utc_offset_h=-6)
    with pytest.raises(ImportFormatError, match="no rows for balancing authority 'XYZ'"):
        import_eia930(DATA / "eia930_balance.csv", utc_offset_h=-6, ba="XYZ")


def test_eia930_per_ba_layout_and_pumping() -> None:
    frame = import_eia930(DATA / "eia930_ba.csv", utc_offset_h=-8).frame
    assert frame.index[0] == pd.Timestamp("2023-05-31 23:00")  # 08:00 UTC hour ending, UTC-8
    first = frame.iloc[0]  # hydro -200 (pumping) counts as 0
    total = 600 + 1100 + 0 + 1500 + 50
    assert first["grid_carbon_free_share"] == pytest.approx((1100 + 1500) / total)
    other_clean = import_eia930(DATA / "eia930_ba.csv", utc_offset_h=-8, other_clean=True).frame
    assert other_clean.iloc[0]["grid_carbon_free_share"] == pytest.approx(
        (1100 + 1500 + 50) / total
    )


def test_electricitymaps_export() -> None:
    frame = import_electricitymaps(DATA / "electricitymaps_hourly.csv", utc_offset_h=-5).frame
    source = pd.read_csv(DATA / "electricitymaps_hourly.csv")
    assert len(frame) == 48
    assert frame.index[0] == pd.Timestamp("2022-12-31 19:00")  # 00:00 UTC in EST
    np.testing.assert_allclose(
        frame["grid_carbon_intensity_t_per_mwh"],
        source["Carbon Intensity gCO₂eq/kWh (direct)"] / 1000,
    )
    np.testing.assert_allclose(
        frame["grid_carbon_free_share"], source["Low Carbon Percentage"] / 100
    )
    lca = import_electricitymaps(
        DATA / "electricitymaps_hourly.csv", utc_offset_h=-5, lifecycle=True
    ).frame
    assert (lca["grid_carbon_intensity_t_per_mwh"] > frame["grid_carbon_intensity_t_per_mwh"]).all()


def test_ercot_day_ahead_prices_across_the_autumn_clock_change() -> None:
    frame = import_price(
        DATA / "ercot_dam_spp.csv",
        utc_offset_h=-6,
        preset="ercot",
        node="HB_WEST",
        adder_usd_per_mwh=34,
    ).frame
    # 25 wall-clock hours on 5 Nov 2023 are 25 distinct standard-time hours
    assert len(frame) == 25
    assert frame.index[0] == pd.Timestamp("2023-11-04 23:00")  # HE 01:00 CDT = 23:00 CST
    np.testing.assert_allclose(frame["grid_export_price_usd_per_mwh"], 25 + np.arange(25))
    np.testing.assert_allclose(frame["grid_price_usd_per_mwh"], 59 + np.arange(25))
    with pytest.raises(ImportFormatError, match="several nodes"):
        import_price(DATA / "ercot_dam_spp.csv", utc_offset_h=-6, preset="ercot")


def test_pjm_data_miner_lmps() -> None:
    frame = import_price(DATA / "pjm_da_hrl_lmps.csv", utc_offset_h=-5, preset="pjm").frame
    assert frame.index[0] == pd.Timestamp("2023-06-30 23:00")  # 04:00 UTC
    np.testing.assert_allclose(frame["grid_export_price_usd_per_mwh"], 31.5 + np.arange(24))


def test_generic_price_file_is_averaged_to_hours() -> None:
    frame = import_price(
        DATA / "rt_prices_15min.csv",
        utc_offset_h=-8,
        time_column="interval_start_utc",
        price_column="lmp_usd_per_mwh",
    ).frame
    np.testing.assert_allclose(frame["grid_price_usd_per_mwh"], [21.5, 25.5, 29.5, 33.5])
    with pytest.raises(ImportFormatError, match="--time-column and --price-column"):
        import_price(DATA / "rt_prices_15min.csv", utc_offset_h=-8)


def test_cli_writes_a_profile_the_planner_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "grid.csv"
    code = main(
        [
            "eia930",
            str(DATA / "eia930_balance.csv"),
            "--ba",
            "ERCO",
            "--utc-offset",
            "-6",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert "1 missing hours interpolated" in capsys.readouterr().out
    written = pd.read_csv(out)
    assert list(written.columns) == [
        "timestamp",
        "grid_carbon_intensity_t_per_mwh",
        "grid_carbon_free_share",
    ]
    raw = {
        "name": "imported",
        "time": {"start": "2023-01-01 00:00", "hours": 24},
        "demand": {"load_mw": 10.0},
        "grid": {
            "price_usd_per_mwh": 50.0,
            "carbon_intensity_t_per_mwh": {
                "csv": "grid.csv",
                "column": "grid_carbon_intensity_t_per_mwh",
            },
            "carbon_free_share": {"csv": "grid.csv", "column": "grid_carbon_free_share"},
        },
    }
    inst = planner.Instance.from_dict(raw, base_dir=tmp_path, source="imported.yaml")
    assert 0.3 < inst.spec.grid.carbon_free_share.mean() < 0.4


def test_cli_into_refuses_misaligned_rows_and_places_by_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "profile.csv"
    pd.DataFrame(
        {
            "timestamp": [f"2028-01-01 {h:02d}:00" for h in range(4)],
            "load_mw": [1.0] * 4,
            "grid_price_usd_per_mwh": [9.0] * 4,
        }
    ).to_csv(target, index=False)
    before = target.read_bytes()
    args = [
        "price",
        str(DATA / "pjm_da_hrl_lmps.csv"),
        "--preset",
        "pjm",
        "--utc-offset",
        "-5",
        "--into",
        str(target),
    ]
    # 2023 hours into a file of 2028 hours: refused, the file untouched
    assert main([*args, "--start", "2023-07-01 00:00", "--adder-usd-per-mwh", "10"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--into {target} row 2: timestamp 2028-01-01 00:00" in err
    assert target.read_bytes() == before
    # placed by position, as asked
    placed = [*args, "--start", "2023-07-01 00:00", "--place-at", "2028-01-01 00:00"]
    assert main([*placed, "--adder-usd-per-mwh", "10"]) == 0
    merged = pd.read_csv(target)
    assert list(merged["timestamp"]) == [f"2028-01-01 {h:02d}:00" for h in range(4)]  # untouched
    np.testing.assert_allclose(merged["grid_price_usd_per_mwh"], [42.5, 43.5, 44.5, 45.5])
    np.testing.assert_allclose(merged["grid_export_price_usd_per_mwh"], [32.5, 33.5, 34.5, 35.5])
    np.testing.assert_allclose(merged["load_mw"], 1.0)
    # a file whose hours are one hour off is refused at its first mismatching row
    shifted = tmp_path / "shifted.csv"
    pd.DataFrame(
        {"timestamp": ["2023-07-01 00:00", "2023-07-01 01:00", "2023-07-01 03:00"], "x": 1}
    ).to_csv(shifted, index=False)
    assert main([*args[:-1], str(shifted)]) == 2
    assert f"--into {shifted} row 4: timestamp 2023-07-01 03:00, the imported hour is " in (
        capsys.readouterr().err
    )
    no_stamps = tmp_path / "no_stamps.csv"
    no_stamps.write_text("x\n1\n")
    assert main([*args[:-1], str(no_stamps)]) == 2
    assert "no 'timestamp' column" in capsys.readouterr().err


def test_cli_reports_problems_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert (
        main(["electricitymaps", str(bad), "--utc-offset", "0", "--out", str(tmp_path / "o.csv")])
        == 2
    )
    assert "error: " in capsys.readouterr().err
    assert (
        main(
            [
                "eia930",
                str(tmp_path / "missing.csv"),
                "--utc-offset",
                "0",
                "--out",
                str(tmp_path / "o.csv"),
            ]
        )
        == 2
    )
    args = ["price", str(DATA / "pjm_da_hrl_lmps.csv"), "--preset", "pjm", "--utc-offset", "-5"]
    assert main([*args, "--out", str(tmp_path / "o.csv"), "--start", "2030-01-01 00:00"]) == 2
    assert "outside the data" in capsys.readouterr().err
    assert main([*args, "--out", str(tmp_path / "o.csv"), "--hours", "100"]) == 2


# -- real downloads as they come: the short-code EIA-930 layout, UTC years, zones --------------
PEAK_UTC_HOUR = 18
"""The synthetic file's clean share peaks at 18:00 UTC every day: 12:00 in Central standard
time, 13:00 in Eastern standard time."""


def short_code_year(path: Path, year: int = 2022) -> pd.DataFrame:
    """A synthetic UTC year in the short-code layout whose solar (so the clean share) peaks at
    :data:`PEAK_UTC_HOUR`; gas fills the rest. ``NG`` carries the UTC row number, to follow
    rows."""
    utc = pd.date_range(f"{year}-01-01 00:00", f"{year}-12-31 23:00", freq="h", tz="UTC")
    hour = utc.hour.to_numpy()
    sun = np.maximum(0.0, 1000.0 - 150.0 * np.abs(hour - PEAK_UTC_HOUR))
    frame = pd.DataFrame(
        {
            "timestamp": utc.strftime("%Y-%m-%d %H:%M:%S+00:00"),
            "WND": 100.0,
            "SUN": sun,
            "WAT": 50.0,
            "OIL": 0.0,
            "NG": 2000.0 + np.arange(len(utc)) * 1e-3,
            "COL": 500.0,
            "NUC": 300.0,
            "OTH": 10.0,
        }
    )
    frame.to_csv(path, index=False)
    return frame


def test_utc_eia930_lands_each_hour_on_its_local_hour(tmp_path: Path) -> None:
    source = tmp_path / "XYZ.csv"
    short_code_year(source)
    for offset, peak in ((-6, 12), (-5, 13), (-8, 10)):
        got = import_eia930(source, utc_offset_h=offset)
        frame = got.frame
        # the whole local year, wrapped by the stated rule (no '8754 hours')
        assert len(frame) == 8760 and got.wrapped_hours == -offset
        assert frame.index[0] == pd.Timestamp("2022-01-01 00:00")
        assert frame.index[-1] == pd.Timestamp("2022-12-31 23:00")
        share = frame["grid_carbon_free_share"].to_numpy().reshape(365, 24)
        assert (share.argmax(axis=1) == peak).all(), offset
    # the rows: local 00:00 CST is 06:00 UTC; the last 6 local hours are the file's first 6
    ci = import_eia930(source, utc_offset_h=-6).frame["grid_carbon_intensity_t_per_mwh"]
    raw = pd.read_csv(source)
    total = raw[["WND", "SUN", "WAT", "OIL", "NG", "COL", "NUC", "OTH"]].sum(axis=1)
    direct = (raw["NG"] * 0.437 + raw["COL"] * 1.050) / total
    np.testing.assert_allclose(ci.to_numpy()[:8754], direct.to_numpy()[6:])
    np.testing.assert_allclose(ci.to_numpy()[8754:], direct.to_numpy()[:6])


def test_cli_short_code_file_with_an_iana_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "ERCO.csv"
    short_code_year(source)
    out = tmp_path / "out.csv"
    assert main(["eia930", str(source), "--tz", "America/Chicago", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "UTC-6 = America/Chicago standard time" in said and "6 hours moved" in said
    written = pd.read_csv(out)
    assert written["timestamp"].iloc[0] == "2022-01-01 00:00"
    assert written["timestamp"].iloc[-1] == "2022-12-31 23:00"
    share = written["grid_carbon_free_share"].to_numpy().reshape(365, 24)
    assert (share.argmax(axis=1) == 12).all()  # 18:00 UTC = 12:00 CST, in July too (no DST)
    # the same file stamped hour-ending: each hour moves one earlier
    assert main(["eia930", str(source), "--tz", "America/Chicago", "--hour-ending", "--out",
                 str(out)]) == 0  # fmt: skip
    ending = pd.read_csv(out, index_col="timestamp")["grid_carbon_free_share"]
    july = ending[ending.index.str.startswith("2022-07-01")]
    assert july.idxmax() == "2022-07-01 11:00"
    # into a 2028 profile, placed by position
    target = tmp_path / "profile.csv"
    stamps = pd.date_range("2028-01-01 00:00", periods=8760, freq="h").strftime("%Y-%m-%d %H:%M")
    pd.DataFrame({"timestamp": stamps, "load_mw": 1.0}).to_csv(target, index=False)
    base = ["eia930", str(source), "--tz", "America/Chicago", "--into", str(target)]
    assert main(base) == 2
    assert "row 2: timestamp 2028-01-01 00:00 is not among the imported hours" in (
        capsys.readouterr().err
    )
    assert main([*base, "--place-at", "2028-01-01 00:00"]) == 0
    merged = pd.read_csv(target)
    np.testing.assert_allclose(merged["grid_carbon_free_share"], written["grid_carbon_free_share"])


def test_short_code_defects_are_repaired_and_counted(tmp_path: Path) -> None:
    source = tmp_path / "BA.csv"
    frame = short_code_year(source)
    frame.loc[1000:1021, ["WND", "SUN", "NG"]] = np.nan  # an empty day, as PJM's in March
    frame.to_csv(source, index=False)
    got = import_eia930(source, utc_offset_h=-5)
    assert got.repaired_hours == 22
    share = got.frame["grid_carbon_free_share"].to_numpy()
    assert np.isfinite(share).all()
    # the repaired day keeps the diurnal shape: same hours of the neighbouring days
    assert share.reshape(365, 24).argmax(axis=1).tolist() == [13] * 365


def test_errors_name_the_file_column_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.csv"
    short_code_year(source)
    lines = source.read_text().splitlines()
    lines[5] = lines[5].replace(",500.0,", ",lots,")
    source.write_text("\n".join(lines) + "\n")
    out = str(tmp_path / "o.csv")
    assert main(["eia930", str(source), "--utc-offset", "-6", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {source}: column 'COL' line 6: 'lots' is not a number\n"
    prices = tmp_path / "p.csv"
    prices.write_text("when,usd\n2023-01-01 00:00,1\nyesterday,2\n")
    args = ["price", str(prices), "--time-column", "when", "--price-column", "usd"]
    assert main([*args, "--utc-offset", "0", "--out", out]) == 2
    assert "column 'when' line 3: 'yesterday' is not a timestamp" in capsys.readouterr().err
    assert main([*args, "--tz", "Mars/Olympus", "--out", out]) == 2
    assert "unknown IANA time zone 'Mars/Olympus'" in capsys.readouterr().err
