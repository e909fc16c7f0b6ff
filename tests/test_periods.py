"""Time axis made of periods: storage within and across periods, representative periods."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, check_identities, grid, tiny

import planner

STORAGE = {
    "name": "store",
    "power_capex_usd_per_kw": 1,
    "energy_capex_usd_per_kwh": 1,
    "lifetime_yr": 1,
    "charge_efficiency": 1.0,
    "discharge_efficiency": 1.0,
}


def shifting(**time: object) -> planner.Instance:
    """4 hours, load 100 MW, prices [10, 10, 100, 100], lossless storage, r = 0, 1-yr life."""
    inst = tiny(
        4,
        grid=grid(price=[10, 10, 100, 100]),
        finance={"discount_rate": 0.0},
        storage=[STORAGE],
    )
    return inst.with_overrides({f"time.{k}": v for k, v in time.items()}) if time else inst


def test_linked_periods_shift_energy_like_the_full_horizon() -> None:
    """Cyclic over 4 h, storage charges 200 MWh in the cheap hours (P = 100 MW, E = 200 MWh)
    and serves the dear ones: imports 2 * 200 MWh at 10 $ = 4,000 $, plus capacity
    (100 MW * 1000 + 200 MWh * 1000) $/yr * 4/8760 yr = 136.99 $.

    Two 2-hour periods linked by the sequence [0, 1] describe the same year: same optimum.
    """
    expected = 4_000 + 300_000 * 4 / 8760
    whole = planner.solve(shifting())
    check_identities(whole)
    assert whole.objective_usd == pytest.approx(expected, rel=1e-6)
    linked = planner.solve(shifting(period_hours=2, period_sequence=[0, 1]))
    check_identities(linked)
    assert linked.objective_usd == pytest.approx(expected, rel=1e-6)
    assert linked.capacity.loc["store", "energy_mwh"] == pytest.approx(200, rel=1e-5)


def test_unlinked_periods_cannot_shift_energy_between_periods() -> None:
    """Each 2-hour period cyclic on its own: prices are flat within a period, storage is
    useless, cost = 200 MWh * 10 + 200 MWh * 100 = 22,000 $.
    """
    res = planner.solve(shifting(period_hours=2))
    check_identities(res)
    assert res.objective_usd == pytest.approx(22_000, rel=1e-6)
    assert res.capacity.loc["store", "capacity_mw"] == pytest.approx(0, abs=1e-5)


def test_sequence_repeats_representative_periods() -> None:
    """Represent a 6-hour year [cheap, dear, dear] by 2 periods with weights: the cheap period
    once (weight 1), the dear one twice (weight 2). Storage must carry 400 MWh from the cheap
    period through two dear periods: energy 400 MWh, power 200 MW charging 2 h... all in the
    cheap period: imports 2 h * (100 + 200) at 10 $ = 6,000 $; capacity
    (200 MW * 1000 + 400 MWh * 1000) * 6/8760 = 410.96 $.
    """
    inst = tiny(
        4,
        grid=grid(price=[10, 10, 100, 100]),
        finance={"discount_rate": 0.0},
        storage=[STORAGE],
        weights=[1, 1, 2, 2],
    ).with_overrides({"time.period_hours": 2, "time.period_sequence": [0, 1, 1]})
    res = planner.solve(inst)
    check_identities(res)
    assert res.capacity.loc["store", "energy_mwh"] == pytest.approx(400, rel=1e-5)
    assert res.objective_usd == pytest.approx(6_000 + 600_000 * 6 / 8760, rel=1e-6)


@pytest.fixture(scope="module")
def four_weeks() -> planner.Instance:
    return planner.load_instance(ROOT / "instances" / "default.yaml").with_overrides(
        {"time.hours": 28 * 24}
    )


def test_every_day_its_own_representative_matches_hourly(four_weeks: planner.Instance) -> None:
    """28 clusters of 28 days: each day represents itself once, the linked LP is the hourly LP."""
    agg = four_weeks.with_overrides(
        {"time.representative_periods": {"count": 28, "period_hours": 24}}
    )
    assert agg.is_aggregated and agg.hours == 28 * 24
    assert sorted(agg.spec.time.period_sequence) == list(range(28))
    res = planner.solve(agg, baseline=False, compare_full=True)
    check_identities(res)
    err = res.aggregation_error
    assert err is not None
    assert abs(err.loc["objective_usd", "error_rel"]) < 1e-6


def test_representative_days_report_their_error(four_weeks: planner.Instance) -> None:
    agg = four_weeks.with_overrides({"time.representative_periods": {"count": 6}})
    assert agg.hours == 6 * 24
    assert agg.weights.sum() == pytest.approx(28 * 24)
    assert agg.horizon_years == pytest.approx(four_weeks.horizon_years)
    # real hours of the chosen days, in time order
    assert agg.timestamps.is_monotonic_increasing
    assert set(agg.timestamps.hour) == set(range(24))
    res = planner.solve(agg, baseline=False, compare_full=True)
    check_identities(res)
    err = res.aggregation_error
    assert err is not None and "objective_usd" in err.index
    assert abs(err.loc["objective_usd", "error_rel"]) < 0.1  # 6 of 28 days: rough, not exact
    # the clustering is reproducible
    again = four_weeks.with_overrides({"time.representative_periods": {"count": 6}})
    assert list(again.hour_index) == list(agg.hour_index)


@pytest.mark.parametrize(
    ("time", "message"),
    [
        ({"period_hours": 5}, "time.period_hours: must divide time.hours"),
        (
            {"period_hours": 2, "period_sequence": [0, 2]},
            "time.period_sequence: needs values in [0, 1]",
        ),
        ({"period_sequence": [0]}, "time.period_sequence: needs time.period_hours"),
        ({"representative_periods": {"count": 3, "period_hours": 2}}, "must be <= 2"),
    ],
)
def test_period_settings_are_validated(time: dict[str, object], message: str) -> None:
    with pytest.raises(planner.InstanceError) as info:
        shifting(**time)
    assert any(message in p for p in info.value.problems), info.value.problems


def test_aggregation_error_floors_capacities_left_out_of_both_solves() -> None:
    """Relative errors, with capacities below 1e-3 of the largest MW compared to that floor.

    Full: solar 100 MW, storage 2e-7 MW / 1e-6 MWh (an interior point's zero); representative:
    solar 95 MW, storage 3e-7 / 4e-6. Solar: -5 %. Storage: against 0.1 MW (and 0.1 MW x 1 h),
    about 1e-6 and 3e-5, not +50 % and +300 %. Objective: 99 vs 100 -> -1 %.
    """
    from planner.results import aggregation_error

    def result(objective: float, solar: float, power: float, energy: float) -> Any:
        capacity = pd.DataFrame(
            {"capacity_mw": [solar, power, 50.0], "energy_mwh": [np.nan, energy, np.nan]},
            index=["pv", "battery", "grid"],
        )
        return SimpleNamespace(objective_usd=objective, capacity=capacity)

    err = aggregation_error(result(99, 95, 3e-7, 4e-6), result(100, 100, 2e-7, 1e-6))["error_rel"]
    assert err["objective_usd"] == pytest.approx(-0.01)
    assert err["pv_capacity_mw"] == pytest.approx(-0.05)
    assert err["battery_capacity_mw"] == pytest.approx(1e-7 / 0.1)
    assert err["battery_energy_mwh"] == pytest.approx(3e-6 / 0.1)
    assert "grid_capacity_mw" not in err


def test_resolved_spec_of_representative_periods_loads_again() -> None:
    """A sweep worker rebuilds the instance from ``spec.model_dump()``: the clustered spec must
    validate as it is (not cluster again) and give the same optimum."""
    inst = planner.load_instance(ROOT / "instances" / "default.yaml").with_overrides(
        {"time.hours": 96, "time.representative_periods": {"count": 2, "period_hours": 24}}
    )
    again = planner.Instance.from_dict(inst.spec.model_dump(), source="dump.yaml")
    assert again.hours == inst.hours == 48
    first, second = planner.solve(inst, baseline=False), planner.solve(again, baseline=False)
    assert second.objective_usd == pytest.approx(first.objective_usd, rel=1e-9)
