"""Wholesale settlement and non-bypassable charges (docs/formulation.md [tariff]): optima
derived by hand on instances of one to 48 hours."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import check_identities, fusion, grid, tiny

import planner
from planner.errors import InstanceError

WHOLESALE = 50.0


def _contracted(price: float, delivery: str, **charges: Any) -> float:
    offer = fusion(energy_price_usd_per_mwh=price, max_capacity_mw=100, delivery=delivery)
    inst = tiny(1, grid=grid(price=WHOLESALE, **charges), fusion=[offer])
    res = planner.solve(inst, baseline=False)
    check_identities(res)
    return float(res.capacity.loc["helion", "capacity_mw"])


@pytest.mark.parametrize("adder", [0.0, 30.0, 300.0])
def test_a_virtual_ppa_breaks_even_at_the_wholesale_price_whatever_the_charges(
    adder: float,
) -> None:
    """One hour, load 100 MW, wholesale 50 $/MWh, a take-or-pay virtual PPA of up to 100 MW,
    an energy charge ``adder`` and a demand charge of 10 $/kW-month. The meter sees the whole
    load whatever is contracted, so the charges are a constant: contracting x MW costs
    p x + 50 (100 - x) + constant, and the PPA is taken below 50 $/MWh and left above."""
    charges = {"energy_charge_usd_per_mwh": adder, "demand_charge_usd_per_kw_month": 10.0}
    assert _contracted(WHOLESALE - 0.5, "virtual", **charges) == pytest.approx(100, abs=1e-3)
    assert _contracted(WHOLESALE + 0.5, "virtual", **charges) == pytest.approx(0, abs=1e-3)


def test_an_on_site_plant_also_avoids_the_charges() -> None:
    """Same hour (1 January, so 1 of January's 744 hours), on-site delivery: each MWh avoids
    50 (wholesale) + 30 (energy charge) + 1000 * 10 / 744 = 13.44 (its share of the month's
    demand charge, the plant cutting the peak MW for MW): break-even 93.44 $/MWh."""
    charges = {"energy_charge_usd_per_mwh": 30.0, "demand_charge_usd_per_kw_month": 10.0}
    breakeven = WHOLESALE + 30.0 + 1000 * 10.0 / 744
    assert _contracted(breakeven - 0.5, "on_site", **charges) == pytest.approx(100, abs=1e-3)
    assert _contracted(breakeven + 0.5, "on_site", **charges) == pytest.approx(0, abs=1e-3)


def test_the_demand_charge_counts_each_month_by_its_share_in_the_horizon() -> None:
    """48 hours from 31 January 2028: 100 MW on the January day, 80 MW on the February day
    (2028 is a leap year: 696 hours). Charge 10 $/kW-month: 1000 * 10 * (24/744 * 100 +
    24/696 * 80) = 59,842.5 $."""
    inst = tiny(
        48, load_mw=[100.0] * 24 + [80.0] * 24, grid=grid(demand_charge_usd_per_kw_month=10)
    )
    inst = inst.with_overrides({"time.start": "2028-01-31 00:00"})
    res = planner.solve(inst, baseline=False)
    cost = res.costs.set_index("component").loc["demand_charge", "cost_usd"]
    assert cost == pytest.approx(1000 * 10 * (24 / 744 * 100 + 24 / 696 * 80), rel=1e-6)


def test_the_coincident_peak_charge_is_set_on_the_import_in_the_peak_hours() -> None:
    """24 hours, load 100 MW except 60 MW at 16:00 and 17:00, the two coincident-peak hours;
    65 $/kW-yr: 1000 * 65 * 24/8760 * 60 = 10,684.9 $."""
    load = [100.0] * 24
    load[16] = load[17] = 60.0
    hours = ["2028-01-01 16:00", "2028-01-01 17:00"]
    g = grid(coincident_peak_charge_usd_per_kw_yr=65, coincident_peak_hours=hours)
    res = planner.solve(tiny(24, load_mw=load, grid=g), baseline=False)
    cost = res.costs.set_index("component").loc["coincident_peak_charge", "cost_usd"]
    assert cost == pytest.approx(1000 * 65 * 24 / 8760 * 60, rel=1e-6)
    assert res.dispatch["grid_metered_import_mw"].iloc[16] == pytest.approx(60)


@pytest.mark.parametrize(("demand_charge", "meter"), [(0.0, [200.0, 0.0]), (10.0, [100.0, 100.0])])
def test_on_site_storage_shaves_the_coincident_peak_unless_the_month_peak_costs_more(
    demand_charge: float, meter: list[float]
) -> None:
    """Two hours, 100 MW each, the second a coincident-peak hour charged 87.6 $/kW-yr, i.e.
    1000 * 87.6 * 2/8760 = 20 $ per MW imported in it. A lossless on-site store (free energy,
    power at 1 $/kW over one year at 7 %: 0.24 $ per MW for the two hours) moving x MW from the
    second hour to the first saves 20 x. Without a demand charge it moves everything: meter
    200, 0. With 10 $/kW-month the January peak rises by x, costing 1000 * 10 * 2/744 = 26.9 $
    per MW, more than the 20 saved: nothing moves."""
    g = grid(
        coincident_peak_charge_usd_per_kw_yr=87.6,
        coincident_peak_hours=["2028-01-01 01:00"],
        demand_charge_usd_per_kw_month=demand_charge,
    )
    store = {"name": "b", "power_capex_usd_per_kw": 1, "energy_capex_usd_per_kwh": 0}
    store |= {"lifetime_yr": 1, "charge_efficiency": 1, "discharge_efficiency": 1}
    res = planner.solve(tiny(2, grid=g, storage=[store]), baseline=False)
    assert res.dispatch["grid_metered_import_mw"].to_numpy() == pytest.approx(meter, abs=1e-3)


def test_virtual_storage_does_not_move_the_meter() -> None:
    """The same store as a virtual contract: it shifts energy in the books, not at the meter,
    so the charge stays on 100 MW and the store is not built."""
    g = grid(coincident_peak_charge_usd_per_kw_yr=87.6, coincident_peak_hours=["2028-01-01 01:00"])
    store = {"name": "b", "power_capex_usd_per_kw": 1, "energy_capex_usd_per_kwh": 0}
    store |= {"lifetime_yr": 1, "charge_efficiency": 1, "discharge_efficiency": 1}
    store["delivery"] = "virtual"
    res = planner.solve(tiny(2, grid=g, storage=[store]), baseline=False)
    assert res.dispatch["grid_metered_import_mw"].to_numpy() == pytest.approx([100, 100])
    assert res.capacity.loc["b", "capacity_mw"] == pytest.approx(0, abs=1e-6)


def test_built_solar_is_on_site_and_ppa_solar_virtual_by_default() -> None:
    """One hour, capacity factor 0.5, 40 MW of solar forced in: built, the meter reads
    100 - 20 = 80 MW and the energy charge 10 * 80; bought by PPA, 100 MW and 10 * 100."""
    base: dict[str, Any] = {"name": "pv", "capacity_factor": 0.5, "max_capacity_mw": 40}
    base["min_capacity_mw"] = 40
    built = base | {"capex_usd_per_kw": 100, "lifetime_yr": 20}
    ppa = base | {"procurement": "ppa", "ppa_price_usd_per_mwh": 30}
    g = grid(energy_charge_usd_per_mwh=10)
    for plant, meter in ((built, 80.0), (ppa, 100.0)):
        res = planner.solve(tiny(1, grid=g, solar=[plant]), baseline=False)
        assert res.dispatch["grid_metered_import_mw"].iloc[0] == pytest.approx(meter)
        cost = res.costs.set_index("component").loc["energy_charge", "cost_usd"]
        assert cost == pytest.approx(10 * meter)


def test_representative_periods_map_every_original_hour() -> None:
    """Three original periods of 2 hours represented by two (sequence 0, 1, 0): the loads of
    the modelled periods are 100, 100 | 70, 130. Every original hour lies in January, so the
    month's peak is 130 MW and it pays 6/744 of the month: 1000 * 10 * 6/744 * 130."""
    inst = tiny(
        4,
        load_mw=[100.0, 100.0, 70.0, 130.0],
        weights=[2.0, 2.0, 1.0, 1.0],
        grid=grid(demand_charge_usd_per_kw_month=10),
    )
    inst = inst.with_overrides({"time.period_hours": 2, "time.period_sequence": [0, 1, 0]})
    res = planner.solve(inst, baseline=False)
    cost = res.costs.set_index("component").loc["demand_charge", "cost_usd"]
    assert cost == pytest.approx(1000 * 10 * 6 / 744 * 130, rel=1e-6)


def test_coincident_peak_hours_outside_the_horizon_are_warned_about() -> None:
    g = grid(coincident_peak_charge_usd_per_kw_yr=60, coincident_peak_hours=["2028-07-20 16:00"])
    res = planner.solve(tiny(24, grid=g), baseline=False)
    assert any("none lies in the modelled horizon" in w for w in res.warnings)
    assert "coincident_peak_charge" not in set(res.costs["component"])


def test_a_peak_charge_above_the_value_of_lost_load_is_warned_about() -> None:
    """Two hours of 100 MW at 50 $/MWh, the second a coincident-peak hour charged
    438 $/kW-yr: over a horizon of 2/8760 years a MW imported in it costs
    1000 * 438 * 2 / 8760 = 100 $, above a value of lost load of 80 $/MWh. The optimum
    leaves the peak hour unserved: 100 * 50 + 100 * 80 = 13,000 $, and says why."""
    g = grid(coincident_peak_charge_usd_per_kw_yr=438, coincident_peak_hours=["2028-01-01 01:00"])
    inst = tiny(2, grid=g)
    inst = inst.with_overrides({"demand.value_of_lost_load_usd_per_mwh": 80})
    res = planner.solve(inst, baseline=False)
    assert res.objective_usd == pytest.approx(13_000, rel=1e-6)
    assert res.dispatch["unserved_mw"].iloc[1] == pytest.approx(100, rel=1e-6)
    assert any("more than demand.value_of_lost_load_usd_per_mwh (80)" in w for w in res.warnings)


def test_the_peak_warning_counts_every_peak_hour_a_modelled_hour_stands_for() -> None:
    """One 2-hour period standing for two (weights 2): the coincident-peak hours 01:00 and
    03:00 are both modelled by hour 1. Over 4/8760 years at 438 $/kW-yr, each costs
    1000 * 438 * (4/8760) / 2 = 100 $ per MW, so a MW imported in hour 1 pays 200 $ for the
    2 MWh it stands for: 100 $/MWh, above a value of lost load of 80. The optimum sheds the
    hour (2 x 100 x 50 + 2 x 100 x 80 = 26,000 $) and the warning says 100 $ per MWh."""
    g = grid(
        coincident_peak_charge_usd_per_kw_yr=438,
        coincident_peak_hours=["2028-01-01 01:00", "2028-01-01 03:00"],
    )
    raw = {
        "name": "cp",
        "time": {
            "start": "2028-01-01 00:00",
            "hours": 2,
            "weights": [2.0, 2.0],
            "period_hours": 2,
            "period_sequence": [0, 0],
        },
        "demand": {"load_mw": 100.0, "value_of_lost_load_usd_per_mwh": 80},
        "grid": g,
    }
    res = planner.solve(planner.Instance.from_dict(raw, source="cp.yaml"), baseline=False)
    assert res.objective_usd == pytest.approx(26_000, rel=1e-6)
    assert any("costs 100 $ per MWh, more than" in w for w in res.warnings)


def test_without_charges_the_model_is_unchanged() -> None:
    inst = tiny(3, grid=grid())
    res = planner.solve(inst, baseline=False)
    assert "grid_metered_import_mw" not in res.dispatch


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"coincident_peak_charge_usd_per_kw_yr": 60}, "needs coincident_peak_hours"),
        ({"demand_charge_usd_per_kw_month": -1}, "demand_charge_usd_per_kw_month"),
        (
            {"coincident_peak_hours": ["2028-07-01 16:00", "2028-07-01 16:00"]},
            "more than once",
        ),
        ({"coincident_peak_hours": ["2028-07-01 16:00+05:00"]}, "without a time zone"),
    ],
)
def test_bad_tariff_fields_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InstanceError, match=message):
        tiny(3, grid=grid(**fields))


def test_an_unknown_delivery_is_refused() -> None:
    with pytest.raises(InstanceError, match="delivery"):
        tiny(3, grid=grid(), fusion=[fusion(delivery="offsite")])
