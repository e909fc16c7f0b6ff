"""The fast break-even (one reduced cost, confirmed either side) against hand-derived optima
and against the bracketing search (``method="bisect"``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ROOT, fusion, grid, tiny

import planner
from planner.study.analysis import breakeven_long
from planner.study.policy_case import PolicyCase
from planner.study.sections.breakeven import target_binds

TWO_HOURS = grid(price=[40.0, 60.0], ci=0.5, cfe=0.5)
"""The grid of every tiny case: 40 then 60 $/MWh, half carbon-free, no import limit."""

YEARS = 2 / 8760


def two_hours(offer: dict[str, Any], **policy: Any) -> planner.Instance:
    return tiny(2, fusion=[offer], grid=TWO_HOURS, policy=policy)


def search(inst: planner.Instance, out: Path, **kwargs: Any) -> dict[str, Any]:
    result = planner.breakeven(inst, "helion", workers=1, out=out, progress=False, **kwargs)
    assert len(result) == 1
    row: dict[str, Any] = result.iloc[0].to_dict()
    return row


def test_take_or_pay_in_three_solves(tmp_path: Path) -> None:
    """F MW of take-or-pay fusion at p $/MWh (availability 1, 2 hours) cost 2 p F and displace
    F MW of imports in each hour, (40 + 60) F $: contracted (the whole 100 MW load, F's cap is
    1000) iff p < 50. From the solve at max_price, where F = 0, the reduced cost is
    (2 x 10,000 - 100) / 2 = 9,950 $/MWh, so the estimate 10,000 - 9,950 = 50 is exact and an
    upper bound. The solves at 50 + 0.05 (left out) and 50 - 0.9 (F = 100) confirm it; the
    optimal cost rises by 2 x 100 x (50 - 49.1) = 180 $ from 49.1 to 50.05, which puts the
    break-even at 49.1 + 180 / (2 x 100) = 50 from below: the bracket closes on 50."""
    row = search(two_hours(fusion()), tmp_path)
    assert row["method"] == "fast"
    assert row["solves"] == 3
    assert row["ranging_estimate_usd_per_mwh"] == pytest.approx(50.0, abs=1e-4)
    assert row["breakeven_usd_per_mwh"] == pytest.approx(50.0, abs=1e-3)
    assert row["half_width_usd_per_mwh"] == pytest.approx(0.0, abs=1e-3)
    assert row["contracted_at_usd_per_mwh"] == pytest.approx(49.1, abs=1e-6)
    assert row["not_contracted_at_usd_per_mwh"] == pytest.approx(50.05, abs=1e-6)
    assert row["capacity_mw_contracted"] == pytest.approx(100.0, rel=1e-5)
    assert not row["cap_bound"]
    assert row["note"] == ""
    # the optimum where the offer leaves: the half-clean grid alone, nothing procured
    assert row["hourly_cfe_score_without_offer"] == pytest.approx(0.5, abs=1e-6)
    assert row["annual_match_fraction_without_offer"] == pytest.approx(0.0, abs=1e-6)


def test_a_slack_target_is_told_from_a_binding_one(tmp_path: Path) -> None:
    """With the grid 50 % carbon-free and fusion the only other clean supply: under a 40 %
    hourly target the grid alone meets it with room (score 0.5 > 0.4: slack), so the
    break-even is the market's 50 $/MWh as without a policy; under 60 % nothing but fusion can
    meet it, so it is contracted at every price and there is no optimum without it (None).
    Under a soft 100 % target at 30 $/MWh of shortfall (100 - F MWh over the two hours) a MW
    saves 100 $ of imports and 30 $ of penalty for 2 p: break-even 65, and without fusion the
    score is 0.5, below the target: it binds (True). A failed search is never called slack."""
    policies = [
        PolicyCase(hourly_cfe_target=0.4),
        PolicyCase(hourly_cfe_target=0.6),
        PolicyCase(hourly_cfe_target=1.0),
    ]
    soft = {"hourly_cfe_target": 1.0, "hourly_cfe_penalty_usd_per_mwh": 30.0}
    result = planner.breakeven(
        two_hours(fusion(max_capacity_mw=100.0)),
        "helion",
        by={"policy": [p.policy() for p in policies[:2]] + [soft]},
        workers=1,
        out=tmp_path,
        progress=False,
        max_price=1000.0,
    )
    result.insert(0, "policy_label", [p.label for p in policies])
    long = breakeven_long({"tiny": result})
    assert long["breakeven_usd_per_mwh"].iloc[0] == pytest.approx(50.0, abs=0.5)
    assert long["note"].iloc[1].startswith("contracted up to")
    assert long["breakeven_usd_per_mwh"].iloc[2] == pytest.approx(65.0, abs=0.5)
    assert target_binds(long, policies) == [False, None, True]
    failed = long.iloc[[0]].assign(
        breakeven_usd_per_mwh=np.nan, note="search stopped: solve failed at 50 $/MWh: time_limit"
    )
    assert target_binds(failed, policies) == [None]


def test_soft_cfe_target_and_capacity_charge(tmp_path: Path) -> None:
    """As above with a capacity charge c Y = 20 $ per MW over the 2 hours (c = 87,600
    $/MW-yr) and a soft 100 % CFE target at 30 $/MWh: the shortfall is 100 - F MWh (F <= 100),
    so a MW saves 100 + 30 = 130 $ and costs 2 p + 20: break-even (130 - 20) / 2 = 55. The
    cap of 60 MW binds just below it (cap_bound)."""
    offer = fusion(max_capacity_mw=60.0, capacity_charge_usd_per_mw_yr=20.0 / YEARS)
    inst = two_hours(offer, hourly_cfe_target=1.0, hourly_cfe_penalty_usd_per_mwh=30.0)
    row = search(inst, tmp_path)
    assert row["solves"] == 3
    assert row["breakeven_usd_per_mwh"] == pytest.approx(55.0, abs=1e-3)
    assert row["capacity_mw_contracted"] == pytest.approx(60.0, rel=1e-5)
    assert row["cap_bound"]


def test_never_contracted_in_two_solves(tmp_path: Path) -> None:
    """A capacity charge of c Y = 120 $ per MW over the 2 hours: a MW saves 100 $ and costs
    2 p + 120, contracted at no price >= 0 (the break-even would be -10). The estimate from
    the solve at max_price is -10, so the one confirmation is at low = 0: not contracted."""
    offer = fusion(capacity_charge_usd_per_mw_yr=120.0 / YEARS)
    row = search(two_hours(offer), tmp_path)
    assert row["solves"] == 2
    assert np.isnan(row["breakeven_usd_per_mwh"])
    assert row["note"] == "not contracted even at 0 $/MWh"
    assert row["ranging_estimate_usd_per_mwh"] == pytest.approx(-10.0, abs=1e-4)


def test_censored_in_one_solve(tmp_path: Path) -> None:
    """A hard 100 % CFE target with fusion the only source that is fully clean: the offer is
    contracted at any price, max_price included; one solve, and the note says so."""
    row = search(two_hours(fusion(), hourly_cfe_target=1.0), tmp_path, max_price=400.0)
    assert row["solves"] == 1
    assert np.isnan(row["breakeven_usd_per_mwh"])
    assert row["note"] == "contracted up to 400 $/MWh (max_price)"


def test_signed_contract_is_censored_and_says_why(tmp_path: Path) -> None:
    """min_capacity_mw = max_capacity_mw = 50: the offer is contracted at every price."""
    offer = fusion(min_capacity_mw=50.0, max_capacity_mw=50.0)
    row = search(two_hours(offer), tmp_path, max_price=400.0)
    assert np.isnan(row["breakeven_usd_per_mwh"])
    assert row["note"] == "contracted up to 400 $/MWh (max_price); min_capacity_mw is 50 MW"
    assert row["cap_bound"]


def test_as_available_is_bracketed(tmp_path: Path) -> None:
    """An as-available offer at p $/MWh with a capacity charge of c Y = 10 $ per MW over the 2
    hours takes energy only in hours whose price exceeds p: one MW earns max(40 - p, 0) +
    max(60 - p, 0) and costs 10, so the break-even is 60 - 10 = 50 (40 < 50). Its own price
    changes which hours it takes, so the reduced cost at one price does not give it: the
    search brackets it (method bisect) and is right within tol."""
    offer = fusion(contract_type="as_available", capacity_charge_usd_per_mw_yr=10.0 / YEARS)
    row = search(two_hours(offer), tmp_path)
    assert row["method"] == "bisect"
    assert row["breakeven_usd_per_mwh"] == pytest.approx(50.0, abs=0.5)
    assert row["half_width_usd_per_mwh"] <= 0.5


def test_by_values_share_rounds(tmp_path: Path) -> None:
    """Two penalties of the soft 100 % target, P = 10 and 30 $/MWh: break-evens 50 + P / 2 =
    55 and 65 (test_sweep_analyses.py), each in three solves."""
    path = "policy.hourly_cfe_penalty_usd_per_mwh"
    inst = two_hours(fusion(), hourly_cfe_target=1.0, hourly_cfe_penalty_usd_per_mwh=10.0)
    result = planner.breakeven(
        inst, "helion", by={path: [10.0, 30.0]}, workers=1, out=tmp_path, progress=False
    )
    assert result["breakeven_usd_per_mwh"].to_numpy() == pytest.approx([55.0, 65.0], abs=1e-3)
    assert list(result["solves"]) == [3, 3]


def test_unknown_method_is_refused() -> None:
    with pytest.raises(planner.SweepError, match="method: must be one of fast, bisect"):
        planner.breakeven(two_hours(fusion()), "helion", method="newton")


@pytest.mark.parametrize(("site", "offer"), [("default", "helion"), ("stargate_tx", "fusion_foak")])
def test_fast_agrees_with_bisect_on_a_shipped_week(site: str, offer: str, tmp_path: Path) -> None:
    """The first 168 hours of a shipped site: both methods give the same break-even within
    tol, the fast one in at most 3 solves."""
    inst = planner.load_instance(ROOT / "instances" / f"{site}.yaml")
    inst = inst.with_overrides({"time.hours": 168})
    rows = {
        method: planner.breakeven(
            inst, offer, workers=1, out=tmp_path / method, progress=False, method=method
        ).iloc[0]
        for method in ("fast", "bisect")
    }
    fast, bisect = rows["fast"], rows["bisect"]
    assert fast["note"] == bisect["note"] == ""
    assert fast["solves"] <= 3 < bisect["solves"]
    assert abs(fast["breakeven_usd_per_mwh"] - bisect["breakeven_usd_per_mwh"]) <= 0.5


def test_the_contract_curve_steps_at_the_break_even_and_says_when_the_cap_binds(
    tmp_path: Path,
) -> None:
    """The two hours above with the offer capped at 60 MW: below 50 $/MWh each MW saves
    100 - 2 p $, so all 60 are signed (the cap sets the MW: cap-bound); above 50, none. At
    30 $/MWh the cost is 2 x 30 x 60 + 40 x 40 + 60 x 40 = 7,600 $ over the two hours."""
    inst = two_hours(fusion(max_capacity_mw=60))
    curve = planner.contract_curve(inst, "helion", [70, 30, 51, 49], workers=1, out=tmp_path)
    assert list(curve["price_usd_per_mwh"]) == [30, 49, 51, 70]
    assert list(curve["capacity_mw_contracted"].round(3)) == [60, 60, 0, 0]
    assert list(curve["cap_bound"]) == [True, True, False, False]
    assert curve["total_cost_usd_per_yr"].iloc[0] * YEARS == pytest.approx(7600, rel=1e-6)
    assert (tmp_path / "contract_curve.csv").exists()
    with pytest.raises(planner.SweepError, match="no offer named 'x'"):
        planner.contract_curve(inst, "x", [10], workers=1, out=tmp_path)


def test_a_break_even_beyond_every_price_names_the_caps_that_set_it(tmp_path: Path) -> None:
    """Two hours, 100 % hourly CFE, fusion (up to 1,000 MW) and solar capped at 10 MW that
    makes 1 MW per MW in both hours: without fusion 90 MW of the load cannot be clean, so the
    offer is contracted at every price up to max_price. The solve at the top price has solar at
    its cap: the note says the value is set by it."""
    solar = {"name": "pv", "capacity_factor": 1.0, "max_capacity_mw": 10.0}
    solar |= {"procurement": "ppa", "ppa_price_usd_per_mwh": 20.0}
    inst = tiny(
        2, fusion=[fusion()], solar=[solar], grid=TWO_HOURS, policy={"hourly_cfe_target": 1.0}
    )
    row = search(inst, tmp_path, max_price=1000.0)
    assert np.isnan(row["breakeven_usd_per_mwh"])
    assert row["capped_at_max_price"] == "pv"
    assert row["note"].startswith("contracted up to 1000 $/MWh (max_price)")
    assert row["note"].endswith("at their caps there: pv (a value set by caps, not a price)")
