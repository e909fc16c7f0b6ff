"""The overrides that turn an on-time solve into the delivery-risk cases
(:mod:`planner.study.cases`): every capacity the solve decided, of every kind but the fusion
contract, is fixed (``fixed``) or kept as a floor (``top_up``)."""

from __future__ import annotations

import pytest
from conftest import fusion, grid, tiny

from planner.inputs.catalogue import BY_KEY
from planner.study.cases import BAND, fixed_builds, kept_builds


def _site() -> object:
    """Four hours with one item of every kind that builds capacity besides fusion."""
    items = {
        key: [{"name": f"{key}_1", **BY_KEY[key].example}]
        for key in ("clean_firm", "solar", "wind", "storage")
    }
    return tiny(4, fusion=[fusion(), fusion("second")], grid=grid(), **items)


RECORD = {
    "helion_capacity_mw": 40.0,
    "second_capacity_mw": 15.0,
    "clean_firm_1_capacity_mw": 30.0,
    "solar_1_capacity_mw": 20.0,
    "wind_1_capacity_mw": 50.0,
    "storage_1_capacity_mw": 10.0,
    "storage_1_energy_mwh": 40.0,
}


def test_fixed_builds_fix_every_capacity_but_the_contract() -> None:
    """Wind, clean firm and a second fusion offer are fixed like solar and storage (wind was
    left free before, so a late plant could re-size it); the studied contract is the caller's
    to fix."""
    out = fixed_builds(_site(), RECORD, "helion")  # type: ignore[arg-type]
    expected = {
        "clean_firm.clean_firm_1.": ("min_capacity_mw", "max_capacity_mw", 30.0),
        "solar.solar_1.": ("min_capacity_mw", "max_capacity_mw", 20.0),
        "wind.wind_1.": ("min_capacity_mw", "max_capacity_mw", 50.0),
        "storage.storage_1.": ("min_power_mw", "max_power_mw", 10.0),
        "fusion.second.": ("min_capacity_mw", "max_capacity_mw", 15.0),
    }
    for prefix, (low, high, mw) in expected.items():
        assert out[prefix + low] == pytest.approx(mw * (1 - BAND) - BAND)
        assert out[prefix + high] == pytest.approx(mw * (1 + BAND) + BAND)
    assert out["storage.storage_1.min_energy_mwh"] == pytest.approx(40.0 * (1 - BAND) - BAND)
    assert not any(path.startswith("fusion.helion.") for path in out)
    assert len(out) == 12  # two bounds of each of the six capacities


def test_kept_builds_are_floors_and_a_storage_without_energy_is_none() -> None:
    record = {**RECORD, "storage_1_energy_mwh": 0.0, "wind_1_capacity_mw": None}
    out = kept_builds(_site(), record, "helion")  # type: ignore[arg-type]
    assert out["storage.storage_1.min_power_mw"] == 0.0
    assert out["storage.storage_1.min_energy_mwh"] == 0.0
    assert out["wind.wind_1.min_capacity_mw"] == 0.0  # missing: nothing built
    assert out["solar.solar_1.min_capacity_mw"] == pytest.approx(20.0 * (1 - BAND) - BAND)
    assert not any("max_" in path for path in out)


def test_a_record_without_a_capacity_column_is_refused() -> None:
    """A record that does not hold a resource's capacity (a different site's record, a renamed
    resource) must not fix that resource at 0 without a word."""
    record = {k: v for k, v in RECORD.items() if k != "wind_1_capacity_mw"}
    with pytest.raises(KeyError, match="no wind_1_capacity_mw"):
        fixed_builds(_site(), record, "helion")  # type: ignore[arg-type]
