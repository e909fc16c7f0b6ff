"""Wind as a resource (issue 14, item 1): the variable renewable model on its own section."""

from __future__ import annotations

import pytest
from conftest import check_identities, grid, tiny

import planner


def test_wind_fills_the_hour_solar_cannot() -> None:
    """Two hours, load 100 MW, 100 % hourly CFE target, a grid with no clean share. Solar
    (PPA, 30 $/MWh) makes 1 then 0 per MW, wind (PPA, 50 $/MWh) 0 then 1: each must cover its
    own hour, 100 MW each; cost 30 * 100 + 50 * 100 = 8,000 $. Without wind the target cannot
    be met."""
    solar = {"name": "pv", "capacity_factor": [1.0, 0.0], "max_capacity_mw": 1000}
    solar |= {"procurement": "ppa", "ppa_price_usd_per_mwh": 30}
    wind = {"name": "wt", "capacity_factor": [0.0, 1.0], "max_capacity_mw": 1000}
    wind |= {"procurement": "ppa", "ppa_price_usd_per_mwh": 50}
    policy = {"hourly_cfe_target": 1.0}
    res = planner.solve(
        tiny(2, grid=grid(price=100.0), solar=[solar], wind=[wind], policy=policy), baseline=False
    )
    check_identities(res)
    assert res.capacity.loc["wt", "capacity_mw"] == pytest.approx(100, abs=1e-4)
    assert res.capacity.loc["wt", "kind"] == "wind"
    assert res.objective_usd == pytest.approx(8_000, rel=1e-7)
    alone = planner.solve(tiny(2, grid=grid(price=100.0), solar=[solar], policy=policy))
    assert alone.status == "infeasible"


def test_built_wind_pays_its_annuity() -> None:
    """One hour, wind forced to 10 MW at 1,000 $/kW over 1 year at 7 %: 1,070,000 $/MW-yr,
    i.e. 10 * 1,070,000 / 8760 = 1,221.46 $ for the hour."""
    wind = {"name": "wt", "capacity_factor": 0.4, "max_capacity_mw": 10, "min_capacity_mw": 10}
    wind |= {"capex_usd_per_kw": 1000, "lifetime_yr": 1}
    res = planner.solve(tiny(1, grid=grid(price=0.0), wind=[wind]), baseline=False)
    cost = res.costs.set_index("resource").loc["wt", "cost_usd"]
    assert cost == pytest.approx(10 * 1_070_000 / 8760, rel=1e-7)
