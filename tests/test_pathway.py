"""Planning over investment periods (issue 17). Periods of one modelled hour each; optima
derived by hand from the discounting.

Discount rate 10 %; periods 2028 and 2030, the last lasting to 2032: each stands for two years,
with discount weights 1 + 1/1.1 = 1.9091 and 1/1.1^2 + 1/1.1^3 = 1.5778. A solar plant built for
1,000 $/kW over 10 years costs A = 1000 * 1000 * crf(10 %, 10) = 162,745 $/MW per year it
exists; it makes 1 MW per MW in the hour. Load 10 MW from a free fossil grid; a 100 % hourly
CFE target only from 2030.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import fusion, grid

import planner
from planner.errors import InstanceError

RATE = 0.1
W2028, W2030 = 1 + 1 / 1.1, 1 / 1.1**2 + 1 / 1.1**3
CRF = RATE / (1 - (1 + RATE) ** -10)
A = 1000 * 1000 * CRF


def _pathway(**fields: Any) -> dict[str, Any]:
    return {"periods": [2028, 2030], "end_year": 2032, **fields}


def _instance(pathway: dict[str, Any], **sections: Any) -> planner.Instance:
    raw: dict[str, Any] = {
        "name": "path",
        "time": {"start": "2028-01-01 00:00", "hours": 1},
        "demand": {"load_mw": 10.0},
        "finance": {"discount_rate": RATE},
        "grid": grid(price=0.0),
        "solar": [
            {
                "name": "pv",
                "capacity_factor": 1.0,
                "max_capacity_mw": 100,
                "capex_usd_per_kw": 1000,
                "lifetime_yr": 10,
            }
        ],
        "pathway": pathway,
        **sections,
    }
    return planner.Instance.from_dict(raw, source="path.yaml")


def _built(res: planner.Result) -> dict[int, float]:
    v = res.pathway.vintages
    return v[v["resource"] == "pv"].set_index("vintage")["built"].to_dict()


TARGET_2030 = {2030: {"policy.hourly_cfe_target": 1.0}}


def test_falling_costs_build_late() -> None:
    """Capex halves by 2030: built early it costs A * (1.9091 + 1.5778) = 3.4869 A per MW,
    built in 2030 0.5 A * 1.5778 = 0.7889 A: 10 MW in 2030, net present cost 7.889 A."""
    inst = _instance(
        _pathway(overrides=TARGET_2030, trajectories={"cost_scale": {"solar": [1, 0.5]}})
    )
    res = planner.solve(inst)
    assert res.ok
    built = _built(res)
    assert built[2028] == pytest.approx(0, abs=1e-4)
    assert built[2030] == pytest.approx(10, abs=1e-4)
    assert res.pathway.npv_usd == pytest.approx(10 * 0.5 * A * W2030, rel=1e-6)


def test_costs_rising_threefold_build_early() -> None:
    """Capex x3 by 2030: built in 2030 it costs 3 A * 1.5778 = 4.733 A per MW, more than the
    3.4869 A of building in 2028 and paying in both periods: 10 MW in 2028."""
    inst = _instance(
        _pathway(overrides=TARGET_2030, trajectories={"cost_scale": {"solar": [1, 3]}})
    )
    res = planner.solve(inst)
    built = _built(res)
    assert built[2028] == pytest.approx(10, abs=1e-4)
    assert built[2030] == pytest.approx(0, abs=1e-4)
    assert res.pathway.npv_usd == pytest.approx(10 * A * (W2028 + W2030), rel=1e-6)
    assert res.pathway.capacity.loc["pv", 2030] == pytest.approx(10, abs=1e-4)


def test_myopic_does_not_anticipate_the_target() -> None:
    """The same rising costs seen period by period: 2028 sees no target and builds nothing;
    2030 must build at 3 A: net present cost 10 * 3 A * 1.5778, above the perfect 3.4869 A x 10."""
    pathway = _pathway(
        overrides=TARGET_2030, trajectories={"cost_scale": {"solar": [1, 3]}}, foresight="myopic"
    )
    res = planner.solve(_instance(pathway))
    built = _built(res)
    assert built[2028] == pytest.approx(0, abs=1e-4)
    assert built[2030] == pytest.approx(10, abs=1e-4)
    assert res.pathway.npv_usd == pytest.approx(10 * 3 * A * W2030, rel=1e-6)


@pytest.mark.parametrize(
    ("term_yr", "signed"), [(2, {2028: 10, 2030: 10, 2032: 10}), (4, {2028: 10, 2030: 0, 2032: 10})]
)
def test_a_contract_ending_mid_horizon_is_signed_again(
    term_yr: float, signed: dict[int, float]
) -> None:
    """Periods 2028, 2030, 2032 (two years each), a 100 % target in all, fusion the only clean
    supply (take-or-pay at 50 $/MWh). A 2-year contract covers its own period only: signed in
    every period; a 4-year one covers two: signed in 2028 and again in 2032."""
    pathway = {"periods": [2028, 2030, 2032], "end_year": 2034, "contract_term_yr": term_yr}
    inst = _instance(
        pathway,
        fusion=[fusion(energy_price_usd_per_mwh=50, max_capacity_mw=100)],
        policy={"hourly_cfe_target": 1.0},
        solar=[],
    )
    res = planner.solve(inst)
    v = res.pathway.vintages
    got = v[v["resource"] == "helion"].set_index("vintage")["built"].to_dict()
    for year, mw in signed.items():
        assert got[year] == pytest.approx(mw, abs=1e-4), (year, got)


def test_the_load_trajectory_scales_each_period() -> None:
    """Load x1 then x2.6 (the growth of the seed's datacenters): with a 100 % target in 2030
    the solar built must cover 26 MW."""
    pathway = _pathway(overrides=TARGET_2030, trajectories={"load_scale": [1.0, 2.6]})
    res = planner.solve(_instance(pathway))
    assert res.pathway.capacity.loc["pv", 2030] == pytest.approx(26, abs=1e-4)


@pytest.mark.parametrize(
    ("pathway", "message"),
    [
        ({"periods": [2030, 2028]}, "must increase"),
        ({"periods": [2028, 2030], "trajectories": {"load_scale": [1.0]}}, "has 1 entries"),
        ({"periods": [2028, 2030], "overrides": {2029: {}}}, "not periods"),
        ({"periods": [2028], "end_year": 2027}, "end_year"),
        ({"periods": [2028], "trajectories": {"cost_scale": {"nuclear": [1]}}}, "unknown kinds"),
    ],
)
def test_bad_pathways_are_refused(pathway: dict[str, Any], message: str) -> None:
    with pytest.raises(InstanceError, match=message):
        _instance(pathway)


def test_the_report_shows_every_period(tmp_path: Any) -> None:
    from planner.report import write_report

    inst = _instance(
        _pathway(overrides=TARGET_2030, trajectories={"cost_scale": {"solar": [1, 3]}})
    )
    res = planner.solve(inst)
    res.to_dir(tmp_path / "r")
    text = write_report(tmp_path / "r", tmp_path / "r" / "report.html").read_text()
    assert "Pathway: every investment period" in text and 'id="pathway"' in text
    assert "Net present cost" in text
