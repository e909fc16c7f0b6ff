"""Hourly energy attribute certificates (issue 14, item 5). Optima derived by hand."""

from __future__ import annotations

import pytest
from conftest import check_identities, grid, tiny

import planner
from planner.errors import InstanceError


def _certs(volume_mwh_per_yr: float = 1e7, price: float = 10.0) -> list[dict[str, object]]:
    return [{"name": "gc", "price_usd_per_mwh": price, "max_volume_mwh_per_yr": volume_mwh_per_yr}]


def test_certificates_cover_the_fossil_part_of_imports() -> None:
    """One hour, load 100 MW from a grid at 50 $/MWh that is 40 % carbon-free at 0.5 t/MWh;
    90 % hourly CFE target; certificates at 10 $/MWh. The grid brings 40 clean MWh, 50
    certificates make 90: cost 5,000 + 500. Market-based emissions 0.5 * (100 - 50) = 25 t;
    location-based 50 t."""
    inst = tiny(1, grid=grid(price=50.0, ci=0.5, cfe=0.4), certificates=_certs())
    inst = inst.with_overrides({"policy.hourly_cfe_target": 0.9})
    res = planner.solve(inst, baseline=False)
    check_identities(res)
    assert res.dispatch["gc_claim_mw"].iloc[0] == pytest.approx(50, abs=1e-4)
    assert res.objective_usd == pytest.approx(5_500, rel=1e-7)
    assert res.metrics["hourly_cfe_score"] == pytest.approx(0.9, abs=1e-6)
    assert res.metrics["emissions_market_t"] == pytest.approx(25, rel=1e-6)
    assert res.metrics["emissions_location_t"] == pytest.approx(50, rel=1e-6)


def test_a_full_target_can_be_met_up_to_the_fossil_import_and_no_further() -> None:
    """100 % target: 60 certificates re-label all 60 fossil MWh (cost 5,000 + 600); a volume
    of 30 MWh in the hour (262,800 MWh/yr) leaves it at 70 %: infeasible."""
    inst = tiny(1, grid=grid(price=50.0, ci=0.5, cfe=0.4), certificates=_certs())
    inst = inst.with_overrides({"policy.hourly_cfe_target": 1.0})
    res = planner.solve(inst, baseline=False)
    assert res.objective_usd == pytest.approx(5_600, rel=1e-7)
    short = inst.with_overrides({"certificates.gc.max_volume_mwh_per_yr": 30 * 8760})
    assert planner.solve(short, baseline=False).status == "infeasible"


def test_certificates_need_a_grid() -> None:
    with pytest.raises(InstanceError, match="certificates: need a grid"):
        tiny(1, certificates=_certs())
