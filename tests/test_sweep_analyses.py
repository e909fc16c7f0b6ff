"""The frontier and break-even analyses on tiny instances whose answers are derived by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import fusion, grid, tiny

import planner
from planner.cli import main

PENALTY = "policy.hourly_cfe_penalty_usd_per_mwh"


def two_hours(**policy: float) -> planner.Instance:
    """Load 100 MW in 2 hours; grid at 40 then 60 $/MWh, 50 % carbon-free; one take-or-pay
    fusion offer, availability 1, up to 100 MW; optionally a soft 100 % hourly CFE target."""
    return tiny(
        2,
        load_mw=100.0,
        grid=grid(price=[40.0, 60.0], ci=0.5, cfe=0.5),
        fusion=[fusion(max_capacity_mw=100.0, energy_price_usd_per_mwh=80.0)],
        policy=dict(policy),
    )


def test_breakeven_by_hand(tmp_path: Path) -> None:
    """Contracting F MW of take-or-pay fusion at p $/MWh costs 2 p F (2 hours, availability 1)
    and displaces F MW of imports each hour: (40 + 60) F $ of grid energy. With a soft 100 %
    CFE target priced at P $/MWh, the shortfall is 200 - [2 F + 0.5 * 2 (100 - F)] = 100 - F
    MWh, so F also saves P F $. The cost is linear in F with slope 2 p - 100 - P: the offer is
    contracted (F = 100) iff p < 50 + P / 2. Break-even: 50 $/MWh without a target, 55 with
    P = 10, 65 with P = 30.
    """
    plain = planner.breakeven(
        two_hours(), "helion", workers=1, out=tmp_path / "plain", progress=False
    )
    assert plain.loc[0, "breakeven_usd_per_mwh"] == pytest.approx(50.0, abs=0.5)
    assert plain.loc[0, "capacity_mw_contracted"] == pytest.approx(100.0, rel=1e-4)

    by = planner.breakeven(
        two_hours(hourly_cfe_target=1.0, hourly_cfe_penalty_usd_per_mwh=10.0),
        "helion",
        by={PENALTY: [10.0, 30.0]},
        workers=2,
        out=tmp_path / "by",
        progress=False,
    )
    assert list(by[PENALTY]) == [10.0, 30.0]
    assert by["breakeven_usd_per_mwh"].to_numpy() == pytest.approx([55.0, 65.0], abs=0.5)
    assert (by["half_width_usd_per_mwh"] <= 0.5).all()
    assert (by["contracted_at_usd_per_mwh"] < [55, 65]).all()
    assert (by["not_contracted_at_usd_per_mwh"] > [55, 65]).all()
    assert (by["note"] == "").all()
    assert (tmp_path / "by" / "breakeven.csv").exists()


def test_breakeven_outside_the_range_is_explained(tmp_path: Path) -> None:
    """With a hard 100 % target and fusion the only clean source, it is contracted at any
    price: the search stops at max_price and says so."""
    res = planner.breakeven(
        two_hours(hourly_cfe_target=1.0),
        "helion",
        max_price=400,
        workers=1,
        out=tmp_path,
        progress=False,
    )
    assert res.loc[0, "breakeven_usd_per_mwh"] != res.loc[0, "breakeven_usd_per_mwh"]  # NaN
    assert res.loc[0, "note"] == "contracted up to 400 $/MWh (max_price)"


def test_breakeven_input_errors() -> None:
    with pytest.raises(planner.SweepError) as info:
        planner.breakeven(two_hours(), "tokamak", tol_usd_per_mwh=0)
    assert info.value.problems == [
        "tiny.yaml: fusion: no offer named 'tokamak' (have: helion)",
        "tol: must be > 0, got 0",
    ]


def test_frontier_by_hand(tmp_path: Path) -> None:
    """Same two hours, fusion at 80 $/MWh (above the grid's mean 50 $/MWh): the CFE score
    is [2 F + 0.5 * 2 (100 - F)] / 200 = 0.5 + F / 200 and the cost 10,000 + (2 * 80 - 100) F
    = 10,000 + 60 F $. Up to a 50 % target F = 0 and the cost stays 10,000 $; above it
    F = 200 (x - 0.5) MW, so each percentage point costs 60 * 2 = 120 $, i.e. 0.6 $/MWh of
    load (200 MWh) per pp, or 60 $ per extra clean MWh (2 MWh per pp).
    """
    res = planner.frontier(
        two_hours(), targets=[0.4, 0.5, 0.75, 1.0], workers=1, out=tmp_path, progress=False
    )
    assert list(res["cfe_target_pct"]) == [40, 50, 75, 100]
    years = 2 / 8760
    assert res["total_cost_usd_per_yr"].to_numpy() * years == pytest.approx(
        [10_000, 10_000, 10_000 + 25 * 120, 10_000 + 50 * 120], rel=1e-6
    )
    assert res["marginal_cost_usd_per_mwh_per_pp"].to_numpy()[1:] == pytest.approx(
        [0.0, 0.6, 0.6], abs=1e-6
    )
    assert res["marginal_cost_usd_per_clean_mwh"].to_numpy()[2:] == pytest.approx(
        [60.0, 60.0], rel=1e-6
    )
    assert res["helion_capacity_mw"].to_numpy()[2:] == pytest.approx([50.0, 100.0], rel=1e-5)
    assert (tmp_path / "frontier.csv").exists()


def test_cli_frontier_and_breakeven(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(
        "name: two\n"
        "time: {start: 2028-01-01 00:00, hours: 2}\n"
        "demand: {load_mw: 100}\n"
        "fusion:\n  - {name: helion, max_capacity_mw: 100, energy_price_usd_per_mwh: 80, availability: 1}\n"
        "grid: {price_usd_per_mwh: 50, carbon_intensity_t_per_mwh: 0.5, carbon_free_share: 0.5}\n"
    )
    code = main(
        [
            "breakeven",
            str(path),
            "--offer",
            "helion",
            "--workers",
            "1",
            "--out",
            str(tmp_path / "b"),
            "--by",
            f"{PENALTY}=20",
            "--set",
            "policy.hourly_cfe_target=1",
            "--no-progress",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "breakeven_usd_per_mwh" in out and "60" in out  # 50 + 20 / 2
    code = main(
        [
            "frontier",
            str(path),
            "--targets",
            "0.5,1",
            "--workers",
            "1",
            "--out",
            str(tmp_path / "f"),
            "--no-progress",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "marginal_cost_usd_per_mwh_per_pp" in out
    assert main(["breakeven", str(path), "--offer", "nope", "--no-progress"]) == 2
    assert "no offer named 'nope'" in capsys.readouterr().err
