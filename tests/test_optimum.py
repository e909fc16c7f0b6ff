"""Tiny instances whose optimum is derived by hand in each docstring.

Unless stated otherwise: hours start 2028-01-01 00:00 and weigh 1; no policy; grid clean
share 0. ``Y`` is the horizon in years (sum of weights / 8760): weights of 4380 on two hours
make Y = 1 so that yearly capacity costs appear in full.
"""

from __future__ import annotations

import math

import pytest
from conftest import check_identities, fusion, grid, tiny

import planner

REL = 1e-6


def solve(inst: planner.Instance) -> planner.Result:
    res = planner.solve(inst)
    check_identities(res)
    return res


def test_grid_only_costs_price_times_demand() -> None:
    """Grid only: cost = sum_h price_h * load_h = 50*100 + 60*80 + 70*120 = 18,200 $.

    The marginal cost of each hour is its grid price.
    """
    res = solve(tiny(3, load_mw=[100, 80, 120], grid=grid(price=[50, 60, 70])))
    assert res.objective_usd == pytest.approx(18_200, rel=REL)
    assert list(res.prices.hourly_usd_per_mwh.round(6)) == [50, 60, 70]
    assert res.metrics["grid_import_mwh"] == pytest.approx(300, rel=REL)
    assert res.metrics["hourly_cfe_score"] == pytest.approx(0.0, abs=1e-9)


def test_take_or_pay_fusion_at_full_cfe_covers_peak() -> None:
    """Take-or-pay fusion, availability 1, the only clean source, 100 % CFE target.

    Imports are all fossil, so fusion must cover every hour: F = peak load = 100 MW, paid on
    all 3 h of availability: 30 $/MWh * 3 h * 100 MW = 9,000 $; 30 MWh are curtailed.
    """
    res = solve(
        tiny(
            3,
            load_mw=[80, 100, 90],
            grid=grid(price=50),
            fusion=[fusion(energy_price_usd_per_mwh=30, contract_type="take_or_pay")],
            policy={"hourly_cfe_target": 1.0},
        )
    )
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(100, rel=REL)
    assert res.objective_usd == pytest.approx(9_000, rel=REL)
    assert res.metrics["curtailment_mwh"] == pytest.approx(30, rel=1e-5)


def test_as_available_fusion_pays_per_mwh_taken() -> None:
    """As-available fusion at 40 $/MWh < grid 50 $/MWh, max 60 MW, availability [1, 0.5].

    Take all of it: 60 + 30 = 90 MWh at 40 $, grid 40 + 70 = 110 MWh at 50 $: 9,100 $.
    """
    res = solve(
        tiny(
            2,
            grid=grid(price=50),
            fusion=[
                fusion(
                    max_capacity_mw=60,
                    energy_price_usd_per_mwh=40,
                    contract_type="as_available",
                    availability=[1.0, 0.5],
                )
            ],
        )
    )
    assert res.objective_usd == pytest.approx(9_100, rel=REL)
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(60, rel=REL)


def test_commercial_operation_date_blocks_early_delivery() -> None:
    """Take-or-pay fusion at 10 $/MWh from 02:00 of a 4-hour horizon; grid at 50 $/MWh.

    F = 100 MW delivers only in hours 2-3 and is paid only there: 10 * 200 = 2,000 $; the grid
    covers hours 0-1: 50 * 200 = 10,000 $. Total 12,000 $.
    """
    res = solve(
        tiny(
            4,
            grid=grid(price=50),
            fusion=[
                fusion(
                    max_capacity_mw=100,
                    energy_price_usd_per_mwh=10,
                    commercial_operation_date="2028-01-01 02:00",
                )
            ],
        )
    )
    assert res.objective_usd == pytest.approx(12_000, rel=REL)
    gen = res.dispatch["helion_generation_mw"].to_numpy()
    assert gen[:2] == pytest.approx([0, 0], abs=1e-6)
    assert gen[2:] == pytest.approx([100, 100], rel=REL)


def test_min_take_fraction_limits_contract() -> None:
    """As-available fusion at 40 $/MWh, grid 50, load [100, 50], no export, min take 1.

    Taking all available energy each hour caps F at the smallest load, 50 MW:
    40 * 100 + 50 * 50 = 6,500 $ (without the minimum take it would be 40 * 150 = 6,000 $).
    """
    offer = fusion(energy_price_usd_per_mwh=40, contract_type="as_available")
    free = solve(tiny(2, load_mw=[100, 50], grid=grid(), fusion=[offer]))
    assert free.objective_usd == pytest.approx(6_000, rel=REL)
    bound = solve(
        tiny(2, load_mw=[100, 50], grid=grid(), fusion=[{**offer, "min_take_fraction": 1.0}])
    )
    assert bound.objective_usd == pytest.approx(6_500, rel=REL)
    assert bound.capacity.loc["helion", "capacity_mw"] == pytest.approx(50, rel=REL)


def test_capacity_charge_paid_per_mw_year() -> None:
    """Two hours weighted 4380 (Y = 1). Take-or-pay fusion, 0 $/MWh, 1,000 $/MW-yr charge,
    100 % CFE with a fossil grid: F = 100 MW costs 100,000 $/yr; nothing else is paid.
    """
    res = solve(
        tiny(
            2,
            weights=4380,
            grid=grid(),
            fusion=[fusion(energy_price_usd_per_mwh=0, capacity_charge_usd_per_mw_yr=1000)],
            policy={"hourly_cfe_target": 1.0},
        )
    )
    assert res.objective_usd == pytest.approx(100_000, rel=REL)
    assert res.metrics["horizon_years"] == pytest.approx(1.0)


def test_solar_ppa_sized_where_marginal_energy_pays() -> None:
    """Solar PPA at 20 $/MWh as produced, cf [0, 0.5, 1], load 100, grid 50 $/MWh.

    Each MW up to 100 MW yields 1.5 MWh used (75 $ saved) for 30 $; beyond 100 MW only
    0.5 MWh is used (25 $ saved) for 30 $. So P = 100 MW: 30 * 100 + 50 * (100 + 50) = 10,500 $.
    """
    res = solve(
        tiny(
            3,
            grid=grid(),
            solar=[
                {
                    "name": "pv",
                    "capacity_factor": [0.0, 0.5, 1.0],
                    "max_capacity_mw": 1000,
                    "procurement": "ppa",
                    "ppa_price_usd_per_mwh": 20,
                }
            ],
        )
    )
    assert res.capacity.loc["pv", "capacity_mw"] == pytest.approx(100, rel=REL)
    assert res.objective_usd == pytest.approx(10_500, rel=REL)


def test_built_solar_pays_annuity_and_fixed_om() -> None:
    """Built solar: capex 100 $/kW, r = 0, 10-yr life -> 10,000 $/MW-yr, plus 5,000 $/MW-yr O&M.

    Two hours weighted 4380 (Y = 1), cf [1, 0], load 100, grid 50 $/MWh: one MW saves
    4380 * 50 = 219,000 $/yr, so P = 100 MW: 1,500,000 + 50 * 100 * 4380 = 23,400,000 $.
    """
    res = solve(
        tiny(
            2,
            weights=4380,
            grid=grid(),
            finance={"discount_rate": 0.0},
            solar=[
                {
                    "name": "pv",
                    "capacity_factor": [1.0, 0.0],
                    "max_capacity_mw": 1000,
                    "capex_usd_per_kw": 100,
                    "fixed_om_usd_per_kw_yr": 5,
                    "lifetime_yr": 10,
                }
            ],
        )
    )
    assert res.capacity.loc["pv", "capacity_mw"] == pytest.approx(100, rel=REL)
    assert res.objective_usd == pytest.approx(23_400_000, rel=REL)
    costs = res.costs.set_index("component")["cost_usd"]
    assert costs["capex_annuity"] == pytest.approx(1_000_000, rel=REL)
    assert costs["fixed_om"] == pytest.approx(500_000, rel=REL)


def test_storage_arbitrage_sized_by_load() -> None:
    """Storage between a 10 $/MWh hour and a 100 $/MWh hour (weights 4380, Y = 1), load 100.

    Efficiencies 0.9/0.9: charging c in hour 0 delivers 0.81 c in hour 1, saving
    4380 * (100 * 0.81 - 10) = 310,980 $/yr per MW of c, far above its cost
    (1 $/kW power and 1 $/kWh energy, r = 0, 1-yr life: 1,000 c + 1,000 * 0.9 c). Without
    export, discharge is capped by the load: 0.81 c = 100, c = 123.457 MW = power,
    energy = 0.9 c = 111.111 MWh. Cost = 4380 * (11,000 - 71 c) + 1,900 c = 10,021,975.3 $.
    """
    res = solve(
        tiny(
            2,
            weights=4380,
            grid=grid(price=[10, 100]),
            finance={"discount_rate": 0.0},
            storage=[
                {
                    "name": "battery",
                    "power_capex_usd_per_kw": 1,
                    "energy_capex_usd_per_kwh": 1,
                    "lifetime_yr": 1,
                    "charge_efficiency": 0.9,
                    "discharge_efficiency": 0.9,
                }
            ],
        )
    )
    c = 100 / 0.81
    assert res.capacity.loc["battery", "capacity_mw"] == pytest.approx(c, rel=1e-5)
    assert res.capacity.loc["battery", "energy_mwh"] == pytest.approx(0.9 * c, rel=1e-5)
    assert res.objective_usd == pytest.approx(4380 * (11_000 - 71 * c) + 1_900 * c, rel=REL)


def test_storage_duration_bounds_and_self_discharge() -> None:
    """As above, with a minimum duration of 2 h and 10 %/h self-discharge.

    The charge of hour 0 loses 10 % before hour 1: soc_1 = 0.9 * soc_0, and soc_0 = 0.9 c, so
    discharge = 0.9 * 0.9 * 0.9 c = 0.729 c = 100 -> c = 137.17 MW. Energy must be at least
    2 h * power = 274.35 MWh (> the 123.46 MWh needed).
    """
    res = solve(
        tiny(
            2,
            weights=4380,
            grid=grid(price=[10, 100]),
            finance={"discount_rate": 0.0},
            storage=[
                {
                    "name": "battery",
                    "power_capex_usd_per_kw": 1,
                    "energy_capex_usd_per_kwh": 1,
                    "lifetime_yr": 1,
                    "charge_efficiency": 0.9,
                    "discharge_efficiency": 0.9,
                    "self_discharge_per_h": 0.1,
                    "min_duration_h": 2,
                }
            ],
        )
    )
    c = 100 / 0.729
    assert res.capacity.loc["battery", "capacity_mw"] == pytest.approx(c, rel=1e-5)
    assert res.capacity.loc["battery", "energy_mwh"] == pytest.approx(2 * c, rel=1e-5)


def test_hourly_cfe_target_caps_fossil_imports() -> None:
    """Grid clean share 0.5, prices [50, 60, 70], load 100, take-or-pay fusion at 80 $/MWh.

    90 % CFE: 0.5 * sum(imports) <= 0.1 * 300 -> imports <= 60 MWh -> F >= 80 MW, imports
    20 MW each hour. Cost: 80 * 3 * 80 + 20 * (50 + 60 + 70) = 22,800 $. The CFE row's dual
    is 40 $/MWh. One more MWh of load in hour 0 raises the fossil allowance to
    0.2 * 301 = 60.2 MWh: imports +1 in hour 0, fusion +d with 60 + 1 - 3d = 60.2, d = 0.2667;
    cost 240 d + 50 - 180 d = 66 $. So the hourly marginal costs are 66, 76, 86 $/MWh
    (balance dual 30, 40, 50 plus 0.9 * 40 for the CFE requirement the MWh brings).
    """
    res = solve(
        tiny(
            3,
            grid=grid(price=[50, 60, 70], cfe=0.5),
            fusion=[fusion()],
            policy={"hourly_cfe_target": 0.9},
        )
    )
    assert res.objective_usd == pytest.approx(22_800, rel=REL)
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(80, rel=REL)
    assert res.metrics["hourly_cfe_score"] == pytest.approx(0.9, rel=REL)
    assert res.prices.policy["hourly_cfe_usd_per_mwh"] == pytest.approx(40, rel=1e-5)
    assert list(res.prices.hourly_usd_per_mwh.round(4)) == [66, 76, 86]
    # contracted, so no reduced cost: 80 $/MWh = balance dual + CFE shadow price per hour
    assert res.prices.fusion_reduced_cost.loc["helion", "usd_per_mwh"] == pytest.approx(0, abs=1e-4)


def test_exports_do_not_count_toward_cfe() -> None:
    """Clean energy sold to the grid adds nothing to the CFE score.

    Load [100, 100] (weights 4380, Y = 1), grid clean share 0, take-or-pay fusion at 0 $/MWh
    plus 1,000 $/MW-yr with availability [1, 0], export allowed at 0 $/MWh up to 100 % of
    demand. 50 % CFE needs half the demand consumed clean: hour 0 alone can give at most its
    load, so F = 100 MW exactly, however much more could be exported.
    """
    res = solve(
        tiny(
            2,
            weights=4380,
            grid=grid(export_price_usd_per_mwh=0.0, export_max_share_of_demand=1.0),
            fusion=[
                fusion(
                    energy_price_usd_per_mwh=0,
                    availability=[1.0, 0.0],
                    capacity_charge_usd_per_mw_yr=1000.0,
                )
            ],
            policy={"hourly_cfe_target": 0.5},
        )
    )
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(100, rel=REL)
    assert res.metrics["hourly_cfe_score"] == pytest.approx(0.5, rel=REL)


def test_annual_matching_hard_and_soft() -> None:
    """Load 100 over 2 h; as-available fusion at 80 $/MWh vs grid at 50; 50 % matching.

    Hard: 100 MWh of fusion: 80 * 100 + 50 * 100 = 13,000 $, dual 30 $/MWh.
    Soft at 20 $/MWh < 30 $/MWh premium: all from the grid plus 100 MWh shortfall:
    50 * 200 + 20 * 100 = 12,000 $.
    """
    offer = fusion(contract_type="as_available")
    hard = solve(tiny(2, grid=grid(), fusion=[offer], policy={"annual_matching_fraction": 0.5}))
    assert hard.objective_usd == pytest.approx(13_000, rel=REL)
    assert hard.metrics["annual_match_fraction"] == pytest.approx(0.5, rel=REL)
    assert hard.prices.policy["annual_matching_usd_per_mwh"] == pytest.approx(30, rel=1e-5)
    soft = solve(
        tiny(
            2,
            grid=grid(),
            fusion=[offer],
            policy={"annual_matching_fraction": 0.5, "annual_matching_penalty_usd_per_mwh": 20},
        )
    )
    assert soft.objective_usd == pytest.approx(12_000, rel=REL)
    assert soft.metrics["annual_matching_shortfall"] == pytest.approx(100, rel=1e-5)


def test_emissions_cap_fraction_and_absolute() -> None:
    """Grid 0.5 t/MWh, load 100 over 2 h: baseline emissions 100 t.

    A cap at 40 % of the baseline (40 t) allows 80 MWh of imports; as-available fusion at
    80 $/MWh supplies 120 MWh: 80 * 120 + 50 * 80 = 13,600 $; dual (80 - 50) / 0.5 = 60 $/t.
    The same cap as 40 t/yr over a horizon weighted to one year (weights 4380) scales every
    energy by 4380: 13,600 * 4380 $.
    """
    offer = fusion(contract_type="as_available")
    frac = solve(
        tiny(2, grid=grid(), fusion=[offer], policy={"emissions_cap_fraction_of_baseline": 0.4})
    )
    assert frac.objective_usd == pytest.approx(13_600, rel=REL)
    assert frac.metrics["emissions_location_t"] == pytest.approx(40, rel=1e-5)
    assert frac.prices.policy["emissions_cap_usd_per_t"] == pytest.approx(60, rel=1e-5)
    absolute = solve(
        tiny(
            2,
            weights=4380,
            grid=grid(),
            fusion=[offer],
            policy={"emissions_cap_t_per_yr": 0.4 * 100 * 4380},
        )
    )
    assert absolute.objective_usd == pytest.approx(13_600 * 4380, rel=REL)


def test_market_based_net_zero_uses_cheapest_abatement() -> None:
    """Grid intensity [0.2, 0.8] t/MWh, price 50, load 100 over 2 h; export at 30 $/MWh.

    As-available fusion at 60 $/MWh abates at 10/0.8 = 12.5 $/t in hour 1, 10/0.2 = 50 $/t in
    hour 0, and by export in hour 1 at (60 - 30)/0.8 = 37.5 $/t. So: hour 1 all fusion
    (80 t abated), then 25 MWh exported in hour 1 offsets hour 0's 20 t.
    Cost: 50 * 100 + 60 * 125 - 30 * 25 = 11,750 $; dual 37.5 $/t.
    """
    res = solve(
        tiny(
            2,
            grid=grid(ci=[0.2, 0.8], export_price_usd_per_mwh=30, export_max_share_of_demand=1.0),
            fusion=[fusion(energy_price_usd_per_mwh=60, contract_type="as_available")],
            policy={"market_based_net_zero": True},
        )
    )
    assert res.objective_usd == pytest.approx(11_750, rel=REL)
    assert res.metrics["emissions_market_t"] == pytest.approx(0, abs=1e-5)
    assert res.metrics["grid_export_mwh"] == pytest.approx(25, rel=1e-5)
    assert res.prices.policy["market_based_net_zero_usd_per_t"] == pytest.approx(37.5, rel=1e-5)


def test_export_share_cap() -> None:
    """Free take-or-pay fusion (availability 1, max 300 MW) can sell at 10 $/MWh, but exports
    are capped at 20 % of demand: 0.2 * 200 = 40 MWh -> revenue 400 $; objective -400 $.
    """
    res = solve(
        tiny(
            2,
            grid=grid(export_price_usd_per_mwh=10),
            fusion=[fusion(max_capacity_mw=300, energy_price_usd_per_mwh=0)],
        )
    )
    assert res.metrics["grid_export_mwh"] == pytest.approx(40, rel=1e-5)
    assert res.objective_usd == pytest.approx(-400, rel=1e-5)


def test_unserved_energy_only_when_cheaper() -> None:
    """Import limit 80 MW, load 100 MW for 1 h, VOLL 1,000 $/MWh.

    Fusion at 2,000 $/MWh is dearer than lost load: 20 MWh unserved,
    cost 50 * 80 + 1,000 * 20 = 24,000 $. At 500 $/MWh fusion serves the 20 MWh instead:
    50 * 80 + 500 * 20 = 14,000 $.
    """

    def instance(fusion_price: float) -> planner.Instance:
        return planner.Instance.from_dict(
            {
                "name": "voll",
                "time": {"start": "2028-01-01", "hours": 1},
                "demand": {"load_mw": 100, "value_of_lost_load_usd_per_mwh": 1000},
                "grid": grid(import_limit_mw=80),
                "fusion": [
                    fusion(energy_price_usd_per_mwh=fusion_price, contract_type="as_available")
                ],
            }
        )

    dear = solve(instance(2000))
    assert dear.metrics["unserved_mwh"] == pytest.approx(20, rel=1e-5)
    assert dear.objective_usd == pytest.approx(24_000, rel=REL)
    cheap = solve(instance(500))
    assert cheap.metrics["unserved_mwh"] == pytest.approx(0, abs=1e-5)
    assert cheap.objective_usd == pytest.approx(14_000, rel=REL)


def test_fusion_reduced_cost_when_left_out() -> None:
    """Take-or-pay fusion at 70 $/MWh vs a 50 $/MWh grid, no policy: not contracted.

    One MW forced in costs 70 * 2 h and saves 50 * 2 h: reduced cost 20 $/MWh of available
    energy, i.e. 40 $ over the 2-h horizon = 40 / Y $/MW-yr.
    """
    res = solve(tiny(2, grid=grid(), fusion=[fusion(energy_price_usd_per_mwh=70)]))
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(0, abs=1e-6)
    rc = res.prices.fusion_reduced_cost.loc["helion"]
    assert rc["usd_per_mwh"] == pytest.approx(20, rel=1e-5)
    assert rc["usd_per_mw_yr"] == pytest.approx(40 / res.metrics["horizon_years"], rel=1e-5)


def test_minimum_capacities_force_a_contract_and_builds() -> None:
    """The reduced-cost case above with ``min_capacity_mw: 30``: 30 MW are contracted anyway.

    Fusion at 70 $/MWh, availability 1, 2 h: 30 MW cost 70 * 60 = 4,200 $ and displace 60 MWh
    of grid at 50 $/MWh; the other 70 MW of load come from the grid: 50 * 140 = 7,000 $, total
    11,200 $. A storage forced to 5 MW / 10 MWh at 1 $/kW and 1 $/kWh (r = 0, 1-yr life,
    Y = 2/8760) adds (5,000 + 10,000) * Y = 3.4247 $ and a solar plant forced to 2 MW that never
    produces (cf 0, capex 1 $/kW, 1-yr life) adds 2,000 * Y = 0.4566 $.
    """
    y = 2 / 8760
    res = solve(
        tiny(
            2,
            grid=grid(),
            finance={"discount_rate": 0.0},
            fusion=[fusion(energy_price_usd_per_mwh=70, min_capacity_mw=30)],
            storage=[
                {
                    "name": "battery",
                    "power_capex_usd_per_kw": 1,
                    "energy_capex_usd_per_kwh": 1,
                    "lifetime_yr": 1,
                    "charge_efficiency": 0.9,
                    "discharge_efficiency": 0.9,
                    "min_power_mw": 5,
                    "min_energy_mwh": 10,
                }
            ],
            solar=[
                {
                    "name": "pv",
                    "capacity_factor": 0.0,
                    "max_capacity_mw": 10,
                    "min_capacity_mw": 2,
                    "capex_usd_per_kw": 1,
                    "lifetime_yr": 1,
                }
            ],
        )
    )
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(30, rel=REL)
    assert res.capacity.loc["battery", "capacity_mw"] == pytest.approx(5, rel=REL)
    assert res.capacity.loc["battery", "energy_mwh"] == pytest.approx(10, rel=REL)
    assert res.capacity.loc["pv", "capacity_mw"] == pytest.approx(2, rel=REL)
    assert res.objective_usd == pytest.approx(11_200 + 17_000 * y, rel=REL)


def test_minimum_above_maximum_is_reported() -> None:
    with pytest.raises(planner.InstanceError) as err:
        tiny(2, grid=grid(), fusion=[fusion(max_capacity_mw=10, min_capacity_mw=20)])
    assert err.value.problems == [
        "tiny.yaml: fusion[helion]: min_capacity_mw (20.0) is above max_capacity_mw (10.0)"
    ]


def test_baseline_and_abatement_cost() -> None:
    """Baseline of the CFE case above: 100 MW from the grid at 50/60/70 $/MWh costs 18,000 $
    and emits 0.5 t/MWh * 300 MWh = 150 t. The portfolio emits 0.5 * 60 = 30 t, abating 120 t
    for 22,800 - 18,000 = 4,800 $ more: 40 $/t.
    """
    res = solve(
        tiny(
            3,
            grid=grid(price=[50, 60, 70], cfe=0.5),
            fusion=[fusion()],
            policy={"hourly_cfe_target": 0.9},
        )
    )
    assert res.baseline is not None and res.baseline.ok
    assert res.baseline.objective_usd == pytest.approx(18_000, rel=REL)
    assert res.metrics["baseline_emissions_location_t"] == pytest.approx(150, rel=REL)
    assert res.metrics["emissions_abated_t"] == pytest.approx(120, rel=1e-5)
    assert res.metrics["abatement_cost_usd_per_t"] == pytest.approx(40, rel=1e-5)


@pytest.mark.parametrize("hours", [3, 48])
def test_lean_and_naive_formulations_agree(hours: int) -> None:
    """The shared-curtailment (lean) LP and the per-source (naive) LP have the same optimum.

    Two must-pay sources (take-or-pay fusion, solar) and one dispatched offer (as-available
    with a minimum take), storage, a 90 % CFE target.
    """
    cf = [max(0.0, math.sin((h % 24 - 6) / 12 * math.pi)) for h in range(hours)]
    inst = tiny(
        hours,
        grid=grid(price=[40 + (h % 24) for h in range(hours)], cfe=0.3),
        fusion=[
            fusion(name="firm", energy_price_usd_per_mwh=70, max_capacity_mw=60),
            fusion(
                name="flex",
                energy_price_usd_per_mwh=65,
                contract_type="as_available",
                min_take_fraction=0.2,
                max_capacity_mw=30,
            ),
        ],
        solar=[
            {
                "name": "pv",
                "capacity_factor": cf,
                "max_capacity_mw": 500,
                "procurement": "ppa",
                "ppa_price_usd_per_mwh": 35,
            }
        ],
        storage=[
            {
                "name": "battery",
                "power_capex_usd_per_kw": 300,
                "energy_capex_usd_per_kwh": 200,
                "lifetime_yr": 15,
                "charge_efficiency": 0.95,
                "discharge_efficiency": 0.95,
            }
        ],
        policy={"hourly_cfe_target": 0.9},
    )
    lean = planner.solve(inst, formulation="lean", baseline=False)
    naive = planner.solve(inst, formulation="naive", baseline=False)
    check_identities(lean)
    check_identities(naive)
    assert lean.objective_usd == pytest.approx(naive.objective_usd, rel=1e-6)
    # only the total use of the must-pay sources is determined; the lean results split it
    must_pay = ["firm_generation_mw", "pv_generation_mw"]
    assert lean.dispatch[must_pay].sum(axis=1).to_numpy() == pytest.approx(
        naive.dispatch[must_pay].sum(axis=1).to_numpy(), abs=1e-4
    )
    assert lean.metrics["hourly_cfe_score"] == pytest.approx(
        naive.metrics["hourly_cfe_score"], abs=1e-6
    )
