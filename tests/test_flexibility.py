"""Flexible load at one site (issue 18, item 1): work deferred or advanced within a delay limit,
under the installed IT capacity, with an optional loss. Optima derived by hand.

The two-hour case: load 10 MW in each hour; hour 0 is dark, hour 1 sunny. Solar by PPA at
30 $/MWh (capacity factor 0 then 1; paid on what it could produce, as produced), the grid at
50 $/MWh. Rigid: 10 MW of solar serves hour 1 (300 $), the grid hour 0 (500 $): 800 $. With a
share f of each hour's load flexible, x <= 10 f MWh of hour 0's work runs in hour 1 instead:
solar 10 + x (30 $/MWh), grid 10 - x (50 $/MWh): 800 - 20 x, so x is as large as allowed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import grid, tiny

import planner
from planner.errors import InstanceError

SUNNY_SECOND = [
    {
        "name": "pv",
        "capacity_factor": [0.0, 1.0],
        "max_capacity_mw": 100,
        "procurement": "ppa",
        "ppa_price_usd_per_mwh": 30,
    }
]


def _two_hours(flexibility: dict[str, Any] | None, **sections: Any) -> planner.Instance:
    inst = tiny(2, load_mw=10.0, solar=SUNNY_SECOND, grid=grid(price=50.0), **sections)
    if flexibility is None:
        return inst
    return inst.with_overrides({"demand.flexibility": flexibility})


def _solve(inst: planner.Instance) -> planner.Result:
    res = planner.solve(inst, baseline=False)
    assert res.ok, res.status
    return res


def _fossil_identity(res: planner.Result) -> None:
    """The CFE score is the original load less the fossil and unserved energy, over the
    original load: the denominator stays demand.load_mw."""
    d = res.dispatch
    w = res.instance.weights
    cfe = np.asarray(res.instance.spec.grid.carbon_free_share)
    fossil = (1 - cfe) * d["grid_import_mw"].to_numpy() + d["unserved_mw"].to_numpy()
    load = float((w * d["demand_mw"]).sum())
    assert res.metrics["hourly_cfe_score"] == pytest.approx(
        1 - float((w * fossil).sum()) / load, abs=1e-9
    )
    assert res.metrics["demand_mwh"] == pytest.approx(load)


def test_rigid_load_costs_800() -> None:
    res = _solve(_two_hours(None))
    assert res.objective_usd == pytest.approx(800, rel=1e-6)


def test_shifting_into_the_sunny_hour_has_its_optimum_on_paper() -> None:
    """f = 0.4, capacity 20 MW: x = 4: solar 14 MW (420 $), grid 6 MWh (300 $): 720 $. The
    CFE score is 14 / 20 = 0.7 of the original 20 MWh (the denominator stays the load)."""
    res = _solve(_two_hours({"share": 0.4, "max_delay_h": 1, "max_load_mw": 20}))
    assert res.objective_usd == pytest.approx(720, rel=1e-6)
    assert res.capacity.loc["pv", "capacity_mw"] == pytest.approx(14, abs=1e-6)
    assert res.dispatch["demand_served_mw"].tolist() == pytest.approx([6, 14], abs=1e-6)
    assert res.metrics["hourly_cfe_score"] == pytest.approx(0.7, abs=1e-9)
    assert res.metrics["cost_usd_per_mwh_load"] == pytest.approx(720 / 20, rel=1e-6)
    _fossil_identity(res)
    # the tie-breaking cost (1e-3 $/MWh shifted) is not a cost of the portfolio
    assert res.costs["cost_usd"].sum() == pytest.approx(res.objective_usd, rel=1e-9)


def test_the_installed_capacity_caps_the_catch_up() -> None:
    """Capacity 12 MW: hour 1 takes at most 2 MWh more: solar 12 (360 $), grid 8 (400 $):
    760 $. Without max_load_mw the cap is the peak load, 10 MW: nothing can move: 800 $."""
    res = _solve(_two_hours({"share": 0.4, "max_delay_h": 1, "max_load_mw": 12}))
    assert res.objective_usd == pytest.approx(760, rel=1e-6)
    rigid = _solve(_two_hours({"share": 0.4, "max_delay_h": 1}))
    assert rigid.objective_usd == pytest.approx(800, rel=1e-6)


def test_a_loss_makes_shifted_work_cost_more_energy() -> None:
    """Loss 0.2: serving x MWh of shifted work takes x / 0.8 MWh: 30 (10 + x / 0.8) + 50 (10 -
    x) = 800 - 12.5 x, still falling: x = 4, solar 15 MW: 450 + 300 = 750 $. The lost 1 MWh is
    served, but the score stays (20 - 6) / 20 = 0.7 over the original load."""
    res = _solve(_two_hours({"share": 0.4, "max_delay_h": 1, "max_load_mw": 20, "loss_share": 0.2}))
    assert res.objective_usd == pytest.approx(750, rel=1e-6)
    assert res.dispatch["demand_served_mw"].sum() == pytest.approx(21, abs=1e-6)
    assert res.metrics["hourly_cfe_score"] == pytest.approx(0.7, abs=1e-9)
    _fossil_identity(res)


def test_nothing_moves_when_it_saves_nothing() -> None:
    """A flat price and no solar: every plan costs the same; the tie-break moves no work."""
    inst = tiny(2, load_mw=10.0, grid=grid(price=50.0)).with_overrides(
        {"demand.flexibility": {"share": 0.5, "max_delay_h": 1, "max_load_mw": 20}}
    )
    res = _solve(inst)
    assert res.objective_usd == pytest.approx(1000, rel=1e-9)
    assert res.dispatch["demand_deferred_mw"].abs().max() <= 1e-9


SUNNY_LAST = [
    {
        "name": "pv",
        "capacity_factor": [0.0, 0.0, 0.0, 1.0],
        "max_capacity_mw": 100,
        "procurement": "ppa",
        "ppa_price_usd_per_mwh": 30,
    }
]


@pytest.mark.parametrize(
    ("delay_h", "advance_h", "cost", "served"),
    [
        (1, 0, 1600, [10, 10, 0, 20]),
        (2, 0, 1400, [10, 0, 0, 30]),
        (3, 0, 1200, [0, 0, 0, 40]),
        (1, 1, 1400, [0, 10, 0, 30]),
    ],
)
def test_the_delay_limit_binds(
    delay_h: int, advance_h: int, cost: float, served: list[float]
) -> None:
    """Four hours, only the last sunny; all load flexible, capacity 100 MW. Work deferred from
    hour h must be served within tau hours (backlog[h] <= catch-up over hours h+1..h+tau), so
    only the tau hours before the sunny hour can empty into it: the cost is 30 (10 + 10 tau) +
    50 (30 - 10 tau) = 1800 - 200 tau. A daily balance alone (tau = 3) would move every hour.
    With advancing allowed one hour, hour 0's work runs in hour 3 of the cycle before (the
    period wraps): 1,400 $ at tau = 1."""
    inst = tiny(4, load_mw=10.0, solar=SUNNY_LAST, grid=grid(price=50.0))
    flexibility = {
        "share": 1.0,
        "max_delay_h": delay_h,
        "max_advance_h": advance_h,
        "max_load_mw": 100,
    }
    res = _solve(inst.with_overrides({"demand.flexibility": flexibility}))
    assert res.objective_usd == pytest.approx(cost, rel=1e-6)
    assert res.dispatch["demand_served_mw"].tolist() == pytest.approx(served, abs=1e-6)


def test_work_wraps_within_each_period_not_across() -> None:
    """Two periods of two hours (time.period_hours = 2), hour 3 sunny: hour 2's work can wait
    for it, hours 0 and 1 cannot leave their own period, even with a delay of 3 hours (the
    limit is cut to the period's other hour, with a warning): 30 * 20 + 50 * 20 = 1,600 $."""
    inst = tiny(4, load_mw=10.0, solar=SUNNY_LAST, grid=grid(price=50.0))
    inst = inst.with_overrides(
        {
            "time.period_hours": 2,
            "demand.flexibility": {"share": 1.0, "max_delay_h": 3, "max_load_mw": 100},
        }
    )
    res = _solve(inst)
    assert res.objective_usd == pytest.approx(1600, rel=1e-6)
    assert any("not shorter than a period" in w for w in res.warnings)


def test_the_metered_import_follows_the_load_as_it_runs() -> None:
    """An energy charge of 5 $/MWh on the metered import: the deferred 4 MWh leave hour 0's
    meter and, served by PPA solar (virtual), reach hour 1's: 20 metered MWh either way, so
    the charge adds 100 $ to 720 $."""
    inst = _two_hours({"share": 0.4, "max_delay_h": 1, "max_load_mw": 20})
    res = _solve(inst.with_overrides({"grid.energy_charge_usd_per_mwh": 5}))
    assert res.dispatch["grid_metered_import_mw"].tolist() == pytest.approx([6, 14], abs=1e-6)
    assert res.objective_usd == pytest.approx(820, rel=1e-6)


def test_spatial_share_alone_moves_nothing_and_says_so() -> None:
    res = _solve(_two_hours({"spatial_share": 0.5, "max_load_mw": 20}))
    assert res.objective_usd == pytest.approx(800, rel=1e-6)
    assert res.dispatch["demand_moved_out_mw"].abs().max() <= 1e-9
    assert any("spatial_share" in w for w in res.warnings)


@pytest.mark.parametrize(
    ("flexibility", "message"),
    [
        ({"share": 1.5}, "demand.flexibility.share: must be <= 1"),
        ({"share": -0.1}, "demand.flexibility.share: must be >= 0"),
        ({"share": 0.2, "max_delay_h": 0}, "max_delay_h is 0 while share is 0.2"),
        ({"spatial_share": 2}, "demand.flexibility.spatial_share: must be <= 1"),
        ({"loss_share": 1}, "demand.flexibility.loss_share: must be < 1"),
    ],
)
def test_bad_flexibility_is_refused(flexibility: dict[str, Any], message: str) -> None:
    with pytest.raises(InstanceError, match=message) as err:
        _two_hours(flexibility)
    assert all(p.startswith("tiny.yaml: demand.flexibility") for p in err.value.problems)


def test_every_flexibility_problem_at_once() -> None:
    raw = dict(_two_hours(None).raw)
    raw["demand"] = {"load_mw": 10.0, "flexibility": {"share": 2, "spatial_share": -1}}
    with pytest.raises(InstanceError) as err:
        planner.Instance.from_dict(raw, source="tiny.yaml")
    assert len(err.value.problems) == 2
