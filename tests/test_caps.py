"""Capacities set by a cap are reported as such, with what one more unit would save (issue
14, item 6). Optima derived by hand."""

from __future__ import annotations

import pytest
from conftest import fusion, grid, tiny

import planner


def test_an_offer_at_its_cap_says_what_one_more_mw_saves() -> None:
    """Grid at 100 $/MWh, fusion at 60 $/MWh capped at 30 MW, load 100 MW: all 30 MW are
    contracted, and one more MW would replace grid energy at 40 $/MWh in every hour:
    40 * 8760 = 350,400 $/MW-yr. The grid is not at a limit."""
    inst = tiny(2, grid=grid(price=100.0, import_limit_mw=80), fusion=[fusion(max_capacity_mw=30)])
    inst = inst.with_overrides({"fusion.helion.energy_price_usd_per_mwh": 60})
    cap = planner.solve(inst, baseline=False).capacity
    assert bool(cap.loc["helion", "at_cap"])
    assert cap.loc["helion", "cap_value_usd_per_mw_yr"] == pytest.approx(350_400, rel=1e-6)
    assert not bool(cap.loc["grid", "at_cap"])


def test_a_binding_import_limit_is_worth_the_price_gap_in_every_hour() -> None:
    """Load 100 MW, imports limited to 80 MW at 100 $/MWh, fusion at 120 $/MWh: the grid
    gives 80 MW and fusion 20; one more MW of connection saves 20 $/MWh in both hours, i.e.
    20 * 8760 = 175,200 $/MW-yr. Fusion is not at its cap (1000 MW)."""
    inst = tiny(2, grid=grid(price=100.0, import_limit_mw=80), fusion=[fusion()])
    inst = inst.with_overrides({"fusion.helion.energy_price_usd_per_mwh": 120})
    cap = planner.solve(inst, baseline=False).capacity
    assert bool(cap.loc["grid", "at_cap"])
    assert cap.loc["grid", "cap_value_usd_per_mw_yr"] == pytest.approx(175_200, rel=1e-6)
    assert not bool(cap.loc["helion", "at_cap"])


def test_a_storage_energy_cap_is_valued_per_mwh() -> None:
    """Two hours at 10 and 110 $/MWh, load 100 MW, a lossless store of free power and 1 $/kWh
    of energy (annuity over 1 year at 7 %: 1070 $/MWh-yr, i.e. 0.244 $ per MWh for the two
    hours) capped at 30 MWh: it moves 30 MWh from the cheap hour to the dear one, and one
    more MWh would save 100 - 0.244 = 99.76 $ over the two hours: 99.76 * 4380 per year."""
    store = {"name": "b", "power_capex_usd_per_kw": 0, "energy_capex_usd_per_kwh": 1}
    store |= {"lifetime_yr": 1, "charge_efficiency": 1, "discharge_efficiency": 1}
    store["max_energy_mwh"] = 30
    res = planner.solve(tiny(2, grid=grid(price=[10.0, 110.0]), storage=[store]), baseline=False)
    cap = res.capacity
    assert cap.loc["b", "energy_mwh"] == pytest.approx(30, abs=1e-4)
    assert bool(cap.loc["b", "at_cap"])
    per_two_hours = 100 - 1070 * 2 / 8760
    expected = per_two_hours * 8760 / 2
    assert cap.loc["b", "cap_value_usd_per_mwh_yr"] == pytest.approx(expected, rel=1e-4)
