"""Identities and monotonicity on the shipped default instance, cut to short horizons."""

from __future__ import annotations

import pytest
from conftest import ROOT, check_identities

import planner

HOURS = 168


@pytest.fixture(scope="module")
def week() -> planner.Instance:
    return planner.load_instance(ROOT / "instances" / "default.yaml").with_overrides(
        {"time.hours": HOURS}
    )


def test_default_week_identities(week: planner.Instance) -> None:
    res = planner.solve(week)
    check_identities(res)
    assert res.baseline is not None
    check_identities(res.baseline)
    assert res.metrics["hourly_cfe_score"] >= 0.9 - 1e-6
    firm = {"fission_restart", "smr", "geothermal", "gas_ccs"}  # the library, switched off
    assert set(res.capacity.index) == {"helion", "solar_pv", "wind_ppa", "li_ion", "grid"} | firm
    assert (res.capacity.loc[sorted(firm), "capacity_mw"] == 0).all()
    assert list(res.dispatch.index[:2].strftime("%Y-%m-%d %H:%M")) == [
        "2028-01-01 00:00",
        "2028-01-01 01:00",
    ]


def test_raising_cfe_target_never_lowers_cost(week: planner.Instance) -> None:
    costs = []
    for target in (0.0, 0.5, 0.7, 0.8, 0.9, 0.95):
        res = planner.solve(
            week.with_overrides({"policy.hourly_cfe_target": target}), baseline=False
        )
        check_identities(res)
        costs.append(res.objective_usd)
    assert all(b >= a * (1 - 1e-7) for a, b in zip(costs, costs[1:], strict=False)), costs
    assert costs[-1] > costs[0]


def test_cheaper_fusion_never_lowers_fusion_capacity(week: planner.Instance) -> None:
    # the shipped offer's 50 MW cap binds at any price: lift it so that the price decides
    roomy = week.with_overrides({"fusion.helion.max_capacity_mw": 200})
    capacities = []
    for price in (150, 120, 90, 70, 50, 30, 10):
        res = planner.solve(
            roomy.with_overrides({"fusion.helion.energy_price_usd_per_mwh": price}), baseline=False
        )
        check_identities(res)
        capacities.append(res.capacity.loc["helion", "capacity_mw"])
    assert all(b >= a - 1e-4 for a, b in zip(capacities, capacities[1:], strict=False)), capacities
    assert capacities[-1] > capacities[0] + 1, capacities


def test_soft_cfe_target_is_cheaper_or_equal(week: planner.Instance) -> None:
    hard = planner.solve(week.with_overrides({"policy.hourly_cfe_target": 1.0}), baseline=False)
    soft = planner.solve(
        week.with_overrides(
            {"policy.hourly_cfe_target": 1.0, "policy.hourly_cfe_penalty_usd_per_mwh": 100}
        ),
        baseline=False,
    )
    check_identities(soft)
    assert soft.objective_usd <= hard.objective_usd * (1 + 1e-7)
    assert soft.metrics["hourly_cfe_shortfall"] > 0


def test_infeasible_target_reported() -> None:
    """A hard annual-matching target with no clean resource at all cannot be met."""
    inst = planner.Instance.from_dict(
        {
            "name": "infeasible",
            "time": {"start": "2028-01-01", "hours": 3},
            "demand": {"load_mw": 10},
            "grid": {
                "price_usd_per_mwh": 50,
                "carbon_intensity_t_per_mwh": 0.4,
                "carbon_free_share": 0.5,
            },
            "policy": {"annual_matching_fraction": 1.0},
        }
    )
    res = planner.solve(inst)
    assert res.status in {"infeasible", "infeasible_or_unbounded"}
    assert not res.ok and res.objective_usd is None
    assert res.costs.empty


def test_time_limit_reported(week: planner.Instance) -> None:
    res = planner.solve(
        week, solver_options={"solver": "simplex"}, time_limit_s=0.0, baseline=False
    )
    assert res.status == "time_limit"
