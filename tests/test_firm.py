"""Firm offers under one contract (issue 14, items 2-4): units and outages, ramp-up, contract
term, delivery penalties, gas with capture. Optima derived by hand in the docstrings."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import check_identities, fusion, grid, tiny

import planner
from planner.errors import InstanceError


def _costs(res: planner.Result) -> dict[str, float]:
    return res.costs.groupby("component")["cost_usd"].sum().to_dict()


def test_one_unit_of_two_out_halves_the_delivery() -> None:
    """4 hours, load 100 MW, grid 100 $/MWh, a take-or-pay offer at 40 $/MWh of two units,
    unit 0 out in hours 0-1, capped at 200 MW. Per contracted MW it delivers 0.5, 0.5, 1, 1.
    The first 100 MW cost 40 * 3 = 120 $ per MW and save 100 * 3 = 300: taken. A MW beyond
    100 costs 120 again but saves grid energy only in hours 0-1: 100 * 1 = 100 < 120, left.
    So 100 MW; cost 40 * 300 + 100 * (50 + 50) = 22,000 $; annual availability 0.75."""
    outage = {"start": "2028-01-01 00:00", "end": "2028-01-01 02:00", "unit": 0}
    offer = fusion(energy_price_usd_per_mwh=40, max_capacity_mw=200, units=2, outages=[outage])
    res = planner.solve(tiny(4, grid=grid(price=100.0), fusion=[offer]), baseline=False)
    check_identities(res)
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(100, abs=1e-4)
    assert res.objective_usd == pytest.approx(22_000, rel=1e-7)
    assert res.capacity.loc["helion", "annual_availability"] == pytest.approx(0.75)


def test_a_late_plant_pays_the_penalty_on_the_energy_it_owed() -> None:
    """Promised from hour 0, running from hour 2 (4 hours), 30 $/MWh of damages, take-or-pay
    at 40, grid 100, capped at 100 MW. Each MW pays 40 * 2 and receives 30 * 2: 20 $ for 200 $
    of grid energy saved, so 100 MW. Penalty -6,000 $; cost 8,000 - 6,000 + 100 * 200 = 22,000."""
    offer = fusion(
        energy_price_usd_per_mwh=40,
        max_capacity_mw=100,
        contract_start_date="2028-01-01 00:00",
        commercial_operation_date="2028-01-01 02:00",
        delivery_penalty_usd_per_mwh=30,
    )
    res = planner.solve(tiny(4, grid=grid(price=100.0), fusion=[offer]), baseline=False)
    check_identities(res)
    assert _costs(res)["delivery_penalty"] == pytest.approx(-6_000, rel=1e-7)
    assert res.objective_usd == pytest.approx(22_000, rel=1e-7)


def test_the_contract_end_stops_delivery_and_payment() -> None:
    """Contract ends at hour 2 of 4: 100 MW delivered and paid (40) in hours 0-1 only; the grid
    (100) serves hours 2-3. Cost 40 * 200 + 100 * 200 = 28,000 $."""
    offer = fusion(energy_price_usd_per_mwh=40, max_capacity_mw=100)
    offer["contract_end_date"] = "2028-01-01 02:00"
    res = planner.solve(tiny(4, grid=grid(price=100.0), fusion=[offer]), baseline=False)
    assert res.objective_usd == pytest.approx(28_000, rel=1e-7)
    gen = res.dispatch["helion_generation_mw"].to_numpy()
    assert gen == pytest.approx([100, 100, 0, 0], abs=1e-4)


def test_the_ramp_up_is_linear_from_its_start_share() -> None:
    """Operation from hour 0, ramp-up to hour 4 from 0.5: shares 0.5, 0.625, 0.75, 0.875 (mean
    0.6875) in the four hours modelled."""
    offer = fusion(ramp_up_end_date="2028-01-01 04:00", ramp_up_start_share=0.5)
    offer["commercial_operation_date"] = "2028-01-01 00:00"
    res = planner.solve(tiny(4, grid=grid(price=10.0), fusion=[offer]), baseline=False)
    assert res.capacity.loc["helion", "annual_availability"] == pytest.approx(0.6875)


def test_an_outage_no_representative_period_shows_still_removes_its_energy() -> None:
    """Three original periods of 2 hours, sequence 0, 1, 0; the whole plant is out in the
    third (original hours 4-5), which period 0 represents: period 0's hours get the mean of
    periods 0 and 2, 0.5; period 1's hours 1. Weighted availability (2 * 0.5 * 2 + 1 * 2) / 6."""
    outage = {"start": "2028-01-01 04:00", "end": "2028-01-01 06:00"}
    time = {"start": "2028-01-01 00:00", "hours": 4, "weights": [2.0, 2.0, 1.0, 1.0]}
    time |= {"period_hours": 2, "period_sequence": [0, 1, 0]}
    raw = {"name": "t", "time": time, "demand": {"load_mw": 100.0}, "grid": grid(price=10.0)}
    raw["fusion"] = [fusion(outages=[outage])]
    inst = planner.Instance.from_dict(raw, source="t.yaml")
    res = planner.solve(inst, baseline=False)
    assert res.capacity.loc["helion", "annual_availability"] == pytest.approx(4 / 6)


def gas(**fields: Any) -> dict[str, Any]:
    return {
        "name": "ccgt_ccs",
        "technology": "gas_ccs",
        "max_capacity_mw": 1000,
        "energy_price_usd_per_mwh": 20,
        "contract_type": "as_available",
        "availability": 1.0,
        "fuel_cost_usd_per_mwh": 30,
        "gross_emissions_t_per_mwh": 0.4,
        "capture_rate": 0.9,
        **fields,
    }


def test_gas_with_capture_emits_its_residual_and_is_clean_for_its_captured_share() -> None:
    """One hour, load 100 MW, grid 100 $/MWh at 0.5 t/MWh, gas with capture at 20 + 30 fuel:
    it serves the whole load (50 < 100). Residual emissions 0.4 * 0.1 * 100 = 4 t; the CFE
    score and the annual match are its captured share, 0.9; fuel 3,000 $."""
    res = planner.solve(tiny(1, grid=grid(price=100.0, ci=0.5), clean_firm=[gas()]), baseline=False)
    check_identities(res)
    assert res.dispatch["ccgt_ccs_generation_mw"].iloc[0] == pytest.approx(100, abs=1e-4)
    assert res.metrics["emissions_location_t"] == pytest.approx(4.0, rel=1e-6)
    assert res.metrics["emissions_market_t"] == pytest.approx(4.0, rel=1e-6)
    assert res.metrics["hourly_cfe_score"] == pytest.approx(0.9, abs=1e-6)
    assert res.metrics["annual_match_fraction"] == pytest.approx(0.9, abs=1e-6)
    assert _costs(res)["fuel"] == pytest.approx(3_000, rel=1e-6)


def test_fission_restart_is_an_offer_like_fusion() -> None:
    """The same hour with a fission restart at 60 $/MWh take-or-pay capped at 30 MW: 30 MW
    taken, 70 from the grid: 60 * 30 + 100 * 70 = 8,800 $."""
    restart = {"name": "crane", "technology": "fission_restart", "max_capacity_mw": 30}
    restart |= {"energy_price_usd_per_mwh": 60, "availability": 1.0}
    res = planner.solve(tiny(1, grid=grid(price=100.0), clean_firm=[restart]), baseline=False)
    assert res.objective_usd == pytest.approx(8_800, rel=1e-7)
    assert res.capacity.loc["crane", "kind"] == "clean_firm"


@pytest.mark.parametrize(
    ("section", "item", "message"),
    [
        (
            "fusion",
            fusion(
                units=2,
                outages=[{"start": "2028-01-01 00:00", "end": "2028-01-01 02:00", "unit": 2}],
            ),
            "not a unit",
        ),
        (
            "fusion",
            fusion(
                outages=[
                    {"start": "2028-01-01 00:00", "end": "2028-01-01 03:00"},
                    {"start": "2028-01-01 02:00", "end": "2028-01-01 04:00"},
                ]
            ),
            "overlap",
        ),
        (
            "fusion",
            fusion(outages=[{"start": "2028-01-01 02:00", "end": "2028-01-01 01:00"}]),
            "must be after",
        ),
        ("fusion", fusion(delivery_penalty_usd_per_mwh=10), "needs contract_start_date"),
        (
            "fusion",
            fusion(contract_start_date="2028-01-02 00:00", contract_end_date="2028-01-01 00:00"),
            "contract_end_date",
        ),
        ("clean_firm", gas(capture_rate=1.2), "capture_rate"),
        ("clean_firm", gas(gross_emissions_t_per_mwh=0), "needs gross_emissions_t_per_mwh"),
        ("clean_firm", gas(technology="geothermal"), "forms no CO2"),
    ],
)
def test_bad_contract_fields_are_refused(section: str, item: dict[str, Any], message: str) -> None:
    with pytest.raises(InstanceError, match=message):
        tiny(4, grid=grid(), **{section: [item]})


def test_an_outage_outside_the_horizon_is_refused() -> None:
    outage = {"start": "2027-03-01 00:00", "end": "2027-03-08 00:00"}
    with pytest.raises(InstanceError, match=r"outages\[0\].*outside the horizon"):
        tiny(4, grid=grid(), fusion=[fusion(outages=[outage])])


def test_partial_units_are_counted_hour_by_hour() -> None:
    import pandas as pd

    from planner.inputs.contract import ContractOffer
    from planner.inputs.schedule import deliverable_factor

    offer = ContractOffer.model_validate(
        {
            "name": "x",
            "max_capacity_mw": 10,
            "energy_price_usd_per_mwh": 1,
            "units": 4,
            "outages": [
                {"start": "2028-01-01 01:00", "end": "2028-01-01 03:00", "unit": 1},
                {
                    "start": "2028-01-01 02:00",
                    "end": "2028-01-01 04:00",
                    "unit": 3,
                    "kind": "forced",
                },
            ],
        }
    )
    stamps = pd.date_range("2028-01-01", periods=5, freq="h")
    np.testing.assert_allclose(deliverable_factor(offer, stamps), [1, 0.75, 0.5, 0.75, 1])
