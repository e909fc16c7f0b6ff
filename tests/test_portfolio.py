"""A buyer with several campuses (issue 18, items 2 to 6): one LP of site blocks, a portfolio
hourly CFE target, per-site floors, contracts split between sites of one region, a shared
budget and load moved between sites. Optima derived by hand.

The two-site case, one hour: each site's load is 10 MW and its grid costs 40 $/MWh and is all
fossil. Site a can buy clean energy at 80 $/MWh (a PPA with capacity factor 1), site b at 30.
The portfolio must reach 75 % hourly CFE: 15 clean MWh of 20. Rigid: b's 10 MWh of solar
(300 $) and, at a, 5 MWh of solar (400 $) and 5 of grid (200 $): 900 $. With a share s of
each site's load movable (b's installed capacity 20 MW): m <= 10 s MWh of a's load runs at b,
served by b's solar: a needs 5 - m MWh of its own solar, and the cost is 900 - 50 m.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import planner
from planner.cli import main
from planner.errors import InstanceError
from planner.portfolio import report_data

ROOT = Path(__file__).resolve().parents[1]

HOURS_PER_YEAR = 8760.0


def _site(name: str, price: float, hours: int = 1) -> dict[str, Any]:
    return {
        "name": name,
        "time": {"start": "2028-01-01 00:00", "hours": hours},
        "demand": {"load_mw": 10.0},
        "grid": {
            "price_usd_per_mwh": 40.0,
            "carbon_intensity_t_per_mwh": 0.5,
            "carbon_free_share": 0.0,
        },
        "solar": [
            {
                "name": "local",
                "capacity_factor": 1.0,
                "max_capacity_mw": 100,
                "procurement": "ppa",
                "ppa_price_usd_per_mwh": price,
            }
        ],
        "policy": {"hourly_cfe_target": 0.5},
    }


def _write(folder: Path, portfolio: dict[str, Any], prices: dict[str, float]) -> Path:
    for name, price in prices.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(_site(name, price)))
    path = folder / "portfolio.yaml"
    path.write_text(yaml.safe_dump(portfolio, sort_keys=False))
    return path


def _two_sites(tmp_path: Path, **fields: Any) -> Path:
    portfolio = {
        "name": "two",
        "sites": [
            {"name": "a", "region": "R1", "instance": "a.yaml"},
            {
                "name": "b",
                "region": "R2",
                "instance": "b.yaml",
                "overrides": {"demand.flexibility.max_load_mw": 20},
            },
        ],
        "flexibility": {"spatial_share": 0.5},
        "policy": {"hourly_cfe_target": 0.75},
        **fields,
    }
    return _write(tmp_path, portfolio, {"a": 80.0, "b": 30.0})


def _cost(res: Any) -> float:
    """The portfolio's cost over its one modelled hour, $."""
    return float(res.figures["total_cost_usd_per_yr"]) / HOURS_PER_YEAR


def test_moving_load_to_the_clean_site_has_its_optimum_on_paper(tmp_path: Path) -> None:
    """s = 0.5: m = 5: b runs 15 MW on solar (450 $), a's other 5 MW on the grid (200 $):
    650 $, 250 $ below the rigid portfolio. Site scores: a 1 - 5/10 = 0.5, b 1; the
    portfolio 15 / 20 (denominators: the original loads)."""
    pf = planner.load_portfolio(_two_sites(tmp_path))
    res = planner.solve_portfolio(pf, rigid=True)
    assert res.ok, res.message
    assert _cost(res) == pytest.approx(650, rel=1e-6)
    t = res.table
    assert t.loc["a", "load_moved_out_mwh_per_yr"] / HOURS_PER_YEAR == pytest.approx(5, abs=1e-6)
    assert t.loc["b", "load_moved_in_mwh_per_yr"] / HOURS_PER_YEAR == pytest.approx(5, abs=1e-6)
    assert t.loc["a", "hourly_cfe_score"] == pytest.approx(0.5, abs=1e-9)
    assert t.loc["b", "hourly_cfe_score"] == pytest.approx(1.0, abs=1e-9)
    assert res.figures["hourly_cfe_score"] == pytest.approx(0.75, abs=1e-9)
    assert res.figures["rigid_total_cost_usd_per_yr"] / HOURS_PER_YEAR == pytest.approx(900)
    assert res.figures["savings_usd_per_yr"] / HOURS_PER_YEAR == pytest.approx(250, rel=1e-6)
    assert res.sites["b"].capacity.loc["local", "capacity_mw"] == pytest.approx(15, abs=1e-6)
    # the site's own 50 % target is replaced by the portfolio's (a note says so)
    assert any("replaced by the portfolio target" in w for w in res.warnings)


def test_the_share_caps_what_moves(tmp_path: Path) -> None:
    """s = 0.3: m = 3: 900 - 150 = 750 $ (b solar 13, a solar 2 and grid 5)."""
    pf = planner.load_portfolio(_two_sites(tmp_path))
    res = planner.solve_portfolio(pf.with_overrides({"flexibility.spatial_share": 0.3}))
    assert _cost(res) == pytest.approx(750, rel=1e-6)
    assert res.sites["a"].capacity.loc["local", "capacity_mw"] == pytest.approx(2, abs=1e-6)


def test_net_zero_shift_keeps_each_sites_load_over_the_horizon(tmp_path: Path) -> None:
    """One hour and net_zero_shift: what a sends it must take back in the same hour: 900 $."""
    pf = planner.load_portfolio(_two_sites(tmp_path, net_zero_shift=True))
    res = planner.solve_portfolio(pf)
    assert _cost(res) == pytest.approx(900, rel=1e-6)
    assert res.figures["load_moved_mwh_per_yr"] == pytest.approx(0, abs=1e-6)


def test_a_site_floor_holds_alongside_the_portfolio_target(tmp_path: Path) -> None:
    """a's floor 0.6: a burns at most 4 MWh of grid energy. Cost 40 a + 700 - 10 m with
    m <= 5 and a >= 1 (a's solar): 690 $, portfolio score 16 / 20."""
    path = _two_sites(tmp_path)
    pf = planner.load_portfolio(path).with_overrides({"sites.a.cfe_floor": 0.6})
    res = planner.solve_portfolio(pf)
    assert _cost(res) == pytest.approx(690, rel=1e-6)
    assert res.table.loc["a", "hourly_cfe_score"] == pytest.approx(0.6, abs=1e-9)
    assert res.figures["hourly_cfe_score"] == pytest.approx(0.8, abs=1e-9)


def test_a_shared_budget_limits_what_a_soft_target_buys(tmp_path: Path) -> None:
    """Rigid, the target soft at 1,000 $/MWh short, a budget of 850 $ for the hour: b's 10 MWh
    of solar cost 300 $, a's load 400 + 40 x with x MWh of solar: 700 + 40 x <= 850, x =
    3.75: 13.75 clean MWh, 1.25 short (1,250 $ of penalty, outside the budget)."""
    pf = planner.load_portfolio(_two_sites(tmp_path)).with_overrides(
        {
            "flexibility.spatial_share": 0,
            "policy.hourly_cfe_penalty_usd_per_mwh": 1000,
            "policy.budget_usd_per_yr": 850 * HOURS_PER_YEAR,
        }
    )
    res = planner.solve_portfolio(pf)
    assert _cost(res) == pytest.approx(850, rel=1e-6)
    assert res.figures["hourly_cfe_score"] == pytest.approx(13.75 / 20, abs=1e-9)
    assert res.figures["hourly_cfe_shortfall_mwh_per_yr"] / HOURS_PER_YEAR == pytest.approx(1.25)


def test_a_contract_serving_two_sites_of_one_region_is_split_by_the_optimiser(
    tmp_path: Path,
) -> None:
    """Both sites in region R; a shared PPA at 30 $/MWh, 12 MW in all; a's own solar costs
    80, b's 70; target 100 %. A contract MW saves 50 $ at a, 40 at b: a takes 10, b 2, and b
    buys 8 MWh of its own at 70: 360 + 560 = 920 $."""
    contract = {
        "name": "shared_ppa",
        "kind": "solar",
        "region": "R",
        "sites": ["a", "b"],
        "item": {
            "capacity_factor": 1.0,
            "max_capacity_mw": 12,
            "procurement": "ppa",
            "ppa_price_usd_per_mwh": 30,
        },
    }
    portfolio = {
        "name": "shared",
        "sites": [
            {"name": "a", "region": "R", "instance": "a.yaml"},
            {"name": "b", "region": "R", "instance": "b.yaml"},
        ],
        "policy": {"hourly_cfe_target": 1.0},
        "contracts": [contract],
    }
    path = _write(tmp_path, portfolio, {"a": 80.0, "b": 70.0})
    res = planner.solve_portfolio(planner.load_portfolio(path))
    assert _cost(res) == pytest.approx(920, rel=1e-6)
    assert res.sites["a"].capacity.loc["shared_ppa", "capacity_mw"] == pytest.approx(10, abs=1e-6)
    assert res.sites["b"].capacity.loc["shared_ppa", "capacity_mw"] == pytest.approx(2, abs=1e-6)


def test_bad_input_is_reported_at_once_one_line_each(tmp_path: Path) -> None:
    """A flexible share above 1, a delay of 0 with a share, a site named twice, a contract
    naming an unknown site and one naming a site of another region."""
    portfolio = {
        "name": "bad",
        "sites": [
            {"name": "a", "region": "R1", "instance": "a.yaml"},
            {"name": "a", "region": "R1", "instance": "a.yaml"},
            {
                "name": "b",
                "region": "R2",
                "instance": "b.yaml",
                "overrides": {"demand.flexibility": {"share": 0.3, "max_delay_h": 0}},
            },
        ],
        "flexibility": {"share": 1.5},
        "contracts": [
            {"name": "far", "kind": "solar", "region": "R1", "sites": ["b"], "item": {}},
            {"name": "nowhere", "kind": "solar", "region": "R1", "sites": ["c"], "item": {}},
        ],
    }
    path = _write(tmp_path, portfolio, {"a": 80.0, "b": 30.0})
    with pytest.raises(InstanceError) as err:
        planner.load_portfolio(path)
    problems = err.value.problems
    expected = [
        "flexibility.share: must be <= 1",
        "sites[1].name: 'a' is named more than once",
        "max_delay_h is 0 while share is 0.3",
        "contracts[far].sites: site 'b' lies in region 'R2'",
        "contracts[nowhere].sites: no site named 'c'",
    ]
    for text in expected:
        found = [p for p in problems if text in p]
        assert len(found) == 1, (text, problems)
        assert found[0].startswith(str(path)), found
        assert "\n" not in found[0]


def test_a_site_outside_the_allowed_folders_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "portfolios" / "deep"
    inner.mkdir(parents=True)
    portfolio = {
        "name": "far",
        "sites": [{"name": "x", "region": "R", "instance": "../../../../etc/passwd"}],
    }
    path = inner / "p.yaml"
    path.write_text(yaml.safe_dump(portfolio))
    with pytest.raises(InstanceError, match="outside the folders"):
        planner.load_portfolio(path)


def test_planner_solve_prints_the_portfolio_and_sets_the_exit_code(
    tmp_path: Path, capsys: Any
) -> None:
    """0 solved; 2 invalid input; 3 infeasible: without solar at a, the most clean energy is
    b's 15 MWh (its 10 and the 5 a may send): 75 % at most, so 90 % fails and the message
    says how far it can go."""
    path = _two_sites(tmp_path)
    assert main(["solve", str(path), "--quiet", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Portfolio two" in out and "Load moved between sites" in out
    assert (tmp_path / "out" / "sites.csv").exists()
    assert (tmp_path / "out" / "sites" / "a" / "summary.json").exists()
    assert main(["validate", str(path)]) == 0
    assert main(["solve", str(path), "--quiet", "--set", "flexibility.spatial_share=2"]) == 2
    capsys.readouterr()
    no_solar = ["--set", "sites.a.overrides={solar.local.max_capacity_mw: 0}"]
    code = main(["solve", str(path), "--quiet", "--no-baseline", *no_solar,
                 "--set", "policy.hourly_cfe_target=0.9"])  # fmt: skip
    assert code == 3
    err = capsys.readouterr().err
    assert "policy.hourly_cfe_target" in err and "at most 75.0%" in err


def test_the_report_data_says_where_the_load_went(tmp_path: Path) -> None:
    res = planner.solve_portfolio(planner.load_portfolio(_two_sites(tmp_path)))
    data = report_data(res)
    assert list(data["sites"].index) == ["a", "b"]
    moved = data["moved"]
    assert moved.loc[0, "a"] == pytest.approx(-5, abs=1e-6)
    assert moved.loc[0, "b"] == pytest.approx(5, abs=1e-6)
    assert moved.sum(axis=1).abs().max() <= 1e-9  # energy conserved across sites every hour


def test_the_shipped_portfolio_solves_on_a_short_horizon() -> None:
    """Smoke test: the three shipped campuses over two days, every hour, with temporal and
    spatial flexibility; each site's own CFE floor absent, the portfolio's 95 % met."""
    path = Path(__file__).resolve().parents[1] / "instances" / "portfolio_three_sites.yaml"
    pf = planner.load_portfolio(path).with_overrides(
        {
            "representative_periods": None,
            "time.hours": 48,
            "flexibility.share": 0.2,
            "flexibility.spatial_share": 0.2,
        }
    )
    assert [s.region for s in pf.sites] == ["ERCOT", "PJM", "BPAT"]
    res = planner.solve_portfolio(pf)
    assert res.ok, res.message
    assert res.figures["hourly_cfe_score"] >= 0.95 - 1e-6
    assert set(res.sites) == {"texas", "virginia", "washington"}
    hourly = res.hourly
    moved_in = sum(hourly[(s, "moved_in_mw")] for s in res.sites)
    moved_out = sum(hourly[(s, "moved_out_mw")] for s in res.sites)
    assert (moved_in - moved_out).abs().max() <= 1e-6


def test_a_sweep_over_the_shipped_portfolio(tmp_path: Path) -> None:
    """The flexibility sweep's base, two days, two temporal shares: every point a portfolio
    solve, its record holding the portfolio's figures and each site's capacities."""
    import yaml

    spec = {
        "name": "flex",
        "base": str(ROOT / "instances" / "portfolio_three_sites.yaml"),
        "overrides": {"time.hours": 48, "representative_periods": None},
        "parameters": [{"path": "flexibility.share", "values": [0.0, 0.2]}],
    }
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    sweep = planner.load_sweep(tmp_path / "s.yaml", allowed_dirs=[ROOT / "instances"])
    table = planner.run_sweep(sweep, workers=1, out=tmp_path / "out", progress=False)
    assert list(table["status"]) == ["optimal", "optimal"]
    assert "texas.solar_pv_capacity_mw" in table
    assert table["cost_usd_per_mwh_load"].iloc[1] <= table["cost_usd_per_mwh_load"].iloc[0] + 1e-6
