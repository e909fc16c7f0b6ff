"""Part 5's sentences (planner/study/sections/risk_plan.py): what a plan signs, and where a
plan sits at the offer's cap (cap-bound, not a choice of MW)."""

from __future__ import annotations

import pandas as pd


def test_a_plan_at_the_offers_cap_is_called_cap_bound() -> None:
    """A 50 MW offer: the on-time plan and one two-stage plan sign 50 MW (cap-bound), the other
    40 MW; the sentence says which plans sit at the cap."""
    from types import SimpleNamespace

    from planner.study.sections.risk_plan import _sentence

    offer = SimpleNamespace(name="helion", max_capacity_mw=50.0)
    site = SimpleNamespace(
        name="s", offer="helion", instance=SimpleNamespace(spec=SimpleNamespace(fusion=[offer]))
    )
    plans = pd.DataFrame(
        {
            "key": ["on_time_plan", "even", "foak"],
            "plan": ["on-time plan", "even odds", "first-of-a-kind"],
            "status": ["optimal"] * 3,
            "fusion_mw": [50.0, 49.99, 40.0],
            "evpi_musd_per_yr": [float("nan"), 1.0, 2.0],
        }
    )
    text = _sentence(site, plans, 80.0, 0.0)  # type: ignore[arg-type]
    assert (
        "Cap-bound at the offer's 50.0 MW (more would be signed without the cap): on-time " in text
    )
    assert "plan; even odds." in text
    plans.loc[1, "fusion_mw"] = 45.0
    assert "without the cap): on-time plan." in _sentence(
        site,  # type: ignore[arg-type]
        plans,
        80.0,
        0.0,
    )
    plans["fusion_mw"] = [10.0, 20.0, 30.0]
    assert "cap-bound" not in _sentence(site, plans, 80.0, 0.0)  # type: ignore[arg-type]


def test_an_offer_of_no_mw_is_not_called_cap_bound() -> None:
    """A cap of 0 MW: every plan signs 0 MW, which is the cap but no binding choice."""
    from types import SimpleNamespace

    from planner.study.sections.risk_plan import _sentence

    offer = SimpleNamespace(name="helion", max_capacity_mw=0.0)
    site = SimpleNamespace(
        name="s", offer="helion", instance=SimpleNamespace(spec=SimpleNamespace(fusion=[offer]))
    )
    plans = pd.DataFrame(
        {
            "key": ["on_time_plan", "even"],
            "plan": ["on-time plan", "even odds"],
            "status": ["optimal"] * 2,
            "fusion_mw": [0.0, 0.0],
            "evpi_musd_per_yr": [float("nan"), 0.0],
        }
    )
    assert "Cap-bound" not in _sentence(site, plans, 80.0, 0.0)  # type: ignore[arg-type]
