"""Infeasible instances are explained: which hard target fails, its best achievable value (derived
by hand in each docstring), the limits that bind, and HiGHS's irreducible infeasible subset in
readable names. Instances are 6-24 hours, so every solve is instant.

Unless stated otherwise: 24 hours of 100 MW load from 2028-01-01 00:00, weights 1, so the
horizon is Y = 24 / 8760 years and the demand D = 2,400 MWh.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import fusion, grid, tiny

import planner
from planner.diagnose import BindingLimit, TargetFinding, explain_infeasibility

HOURS = 24
YEARS = HOURS / 8760
SUN = [1.0] * 12 + [0.0] * 12
"""Capacity factor: full sun for 12 hours, night for 12."""


def solar(max_mw: float, cf: object = SUN) -> dict[str, object]:
    return {
        "name": "pv",
        "capacity_factor": cf,
        "max_capacity_mw": max_mw,
        "capex_usd_per_kw": 1000,
        "lifetime_yr": 30,
    }


def cfe_case(**policy: object) -> planner.Instance:
    """Grid half carbon-free with a 50 MW import limit, solar up to 20 MW (cf ``SUN``)."""
    return tiny(
        HOURS,
        grid=grid(price=50, cfe=0.5, import_limit_mw=50),
        solar=[solar(20)],
        policy={"hourly_cfe_target": 1.0, **policy},
    )


def by_component(finding: TargetFinding) -> dict[str, BindingLimit]:
    return {b.component: b for b in finding.binding}


def test_cfe_target_reports_best_reachable_share_and_binding_limits() -> None:
    """100 % hourly CFE cannot be met. Each hour the clean supply is the solar used plus half
    of the import: at most 20 cf_h + 0.5 * 50 = 45 MW in the 12 sunny hours and 25 MW in the
    12 dark ones, 12 * 45 + 12 * 25 = 840 MWh of 2,400: 35 %. The import limit binds in all
    24 hours (more import always adds clean energy) and so does the solar maximum.
    """
    res = planner.solve(cfe_case(), baseline=False)
    assert res.status == "infeasible"
    d = res.diagnosis
    assert d is not None and d.cause == "targets"
    (finding,) = d.targets
    assert finding.policy == "hourly_cfe"
    assert finding.alone
    assert finding.target == pytest.approx(1.0)
    assert finding.best == pytest.approx(0.35, abs=1e-6)
    assert finding.shortfall == pytest.approx(2400 - 840, rel=1e-6)
    limits = by_component(finding)
    assert set(limits) == {"grid.import_mw", "solar.capacity_mw"}
    assert limits["grid.import_mw"].hours == 24 and limits["grid.import_mw"].bound == "upper"
    assert limits["solar.capacity_mw"].limit == "solar[pv].max_capacity_mw = 20 MW"
    assert "hourly CFE target 100% is infeasible: at most 35.0% is reachable" in d.message
    assert "grid.import_limit_mw = 50 MW in 24 of 24 hours" in d.message
    assert d.message in res.summary().replace("\n  ", " ")


def test_best_value_equals_the_soft_target_with_a_large_penalty() -> None:
    """The same instance with the target soft at 1e6 $/MWh of shortfall: every MWh of CFE is
    worth the penalty, so the optimum reaches the best value the diagnosis reported (35 %)."""
    res = planner.solve(cfe_case(hourly_cfe_penalty_usd_per_mwh=1e6), baseline=False)
    assert res.ok
    assert res.metrics["hourly_cfe_score"] == pytest.approx(0.35, abs=1e-6)
    assert res.diagnosis is None


def test_annual_matching_alone_names_the_solar_limit() -> None:
    """50 % annual matching with solar at most 20 MW and cf 0.5: 10 MW * 24 h = 240 MWh of
    2,400 procured at best: 10 %. Only the solar maximum binds."""
    inst = tiny(
        HOURS,
        grid=grid(price=50),
        solar=[solar(20, cf=0.5)],
        policy={"annual_matching_fraction": 0.5},
    )
    d = explain_infeasibility(inst)
    assert d is not None and d.cause == "targets"
    (finding,) = d.targets
    assert finding.policy == "annual_matching"
    assert finding.best == pytest.approx(0.10, abs=1e-6)
    assert [b.limit for b in finding.binding] == ["solar[pv].max_capacity_mw = 20 MW"]


def emissions_case(**policy: object) -> planner.Instance:
    """Grid only: half carbon-free, 0.25 t/MWh."""
    return tiny(HOURS, grid=grid(price=50, ci=0.25, cfe=0.5), policy=policy)


CAP_T_PER_YR = 300 / YEARS
"""300 t over the 24 hours."""


def test_emissions_cap_and_cfe_target_conflict() -> None:
    """40 % CFE from a half-clean grid needs 0.4 * 2,400 / 0.5 = 1,920 MWh of imports, which
    emit 0.25 * 1,920 = 480 t; a 300 t cap allows 1,200 MWh of imports, 600 MWh clean: 25 %.
    Each target alone is met (the cap by serving less load), not both: with the cap held CFE
    reaches 25 %; with the CFE target held emissions are at least 480 t, 480 / Y t/yr.
    """
    both = emissions_case(hourly_cfe_target=0.4, emissions_cap_t_per_yr=CAP_T_PER_YR)
    assert planner.solve(emissions_case(hourly_cfe_target=0.4), baseline=False).ok
    assert planner.solve(emissions_case(emissions_cap_t_per_yr=CAP_T_PER_YR), baseline=False).ok

    res = planner.solve(both, baseline=False)
    d = res.diagnosis
    assert res.status == "infeasible" and d is not None
    assert d.cause == "combination"
    found = {f.policy: f for f in d.targets}
    assert set(found) == {"hourly_cfe", "emissions_cap"}
    assert not any(f.alone for f in d.targets)
    assert found["hourly_cfe"].best == pytest.approx(0.25, abs=1e-6)
    cap = found["emissions_cap"]
    assert cap.unit == "t/yr"
    assert cap.target == pytest.approx(CAP_T_PER_YR, rel=1e-9)
    assert cap.best == pytest.approx(480 / YEARS, rel=1e-6)
    assert cap.shortfall == pytest.approx(180, rel=1e-6)
    assert [b.limit for b in found["hourly_cfe"].binding] == [
        f"policy.emissions_cap_t_per_yr = {CAP_T_PER_YR:g} (held)"
    ]
    assert [b.limit for b in cap.binding] == ["policy.hourly_cfe_target = 0.4 (held)"]
    assert "can each be met alone but not all together" in d.message


def test_only_the_target_infeasible_on_its_own_is_blamed() -> None:
    """Three hard targets on the grid-only case: 40 % CFE and a 500 t cap can be met together
    (1,920 MWh of imports emit 480 t), but 10 % annual matching cannot be met at all (no clean
    resource is procured: best 0 %), so only the matching target is reported."""
    inst = emissions_case(
        hourly_cfe_target=0.4, emissions_cap_t_per_yr=500 / YEARS, annual_matching_fraction=0.1
    )
    d = explain_infeasibility(inst)
    assert d is not None and d.cause == "targets"
    (finding,) = d.targets
    assert finding.policy == "annual_matching"
    assert finding.best == pytest.approx(0.0, abs=1e-9)
    assert "no input limit binds" in finding.message


def test_market_net_zero_and_cfe_conflict() -> None:
    """Market-based net zero without exports forbids imports; 40 % CFE needs 1,920 MWh of them
    (480 t): with net zero held CFE reaches 0 %, with the CFE target held 480 t remain."""
    d = explain_infeasibility(emissions_case(hourly_cfe_target=0.4, market_based_net_zero=True))
    assert d is not None and d.cause == "combination"
    found = {f.policy: f for f in d.targets}
    assert found["hourly_cfe"].best == pytest.approx(0.0, abs=1e-6)
    assert found["market_net_zero"].best == pytest.approx(480 / YEARS, rel=1e-6)


def oversupply() -> planner.Instance:
    """A 200 MW fusion contract that must be taken in full, 100 MW of load, no export and no
    storage: infeasible whatever the policy."""
    return tiny(
        6,
        grid=grid(price=50),
        fusion=[fusion(contract_type="as_available", min_take_fraction=1.0, min_capacity_mw=200)],
    )


def test_infeasibility_without_policy_gets_a_readable_irreducible_subset() -> None:
    """The IIS of one hour: the balance (supply = 100 MW), the minimum take (generation >=
    capacity), the imports and unserved load >= 0, and the contract >= 200 MW."""
    res = planner.solve(oversupply(), baseline=False)
    d = res.diagnosis
    assert res.status == "infeasible" and d is not None
    assert d.cause == "structural"
    assert "no hard policy target is set" in d.message
    assert d.iis_irreducible
    stamp = r"\[(helion, )?2028-01-01 0[0-5]:00\]"
    assert any(re.fullmatch(rf"power_balance{stamp}: .* = 100", m) for m in d.iis), d.iis
    assert any(re.match(rf"fusion\.gen_ge_min_take{stamp}: ", m) for m in d.iis), d.iis
    assert "fusion.capacity_mw[helion] >= 200" in d.iis
    assert len(d.iis) == 5
    assert "Irreducible infeasible subset (HiGHS): power_balance[2028-01-01" in d.message


def test_structural_infeasibility_with_a_hard_target_is_not_blamed_on_it() -> None:
    inst = oversupply().with_overrides({"policy.annual_matching_fraction": 0.5})
    d = explain_infeasibility(inst)
    assert d is not None and d.cause == "structural"
    assert "even with every hard policy target relaxed" in d.message
    assert d.targets == []
    assert "fusion.capacity_mw[helion] >= 200" in d.iis


def test_iis_on_request_names_target_and_limits() -> None:
    """The CFE case: the target row, the solar maximum and the import limit of every hour."""
    d = explain_infeasibility(cfe_case(), iis=True)
    assert d is not None and d.cause == "targets"
    assert d.iis[0].startswith("hourly_cfe_target (")
    assert d.iis[0].endswith(">= 2400")
    assert "solar.capacity_mw[pv] <= 20" in d.iis
    imports = [m for m in d.iis if m.startswith("grid.import_mw[")]
    assert imports[0] == "grid.import_mw[2028-01-01 00:00] <= 50"
    assert len(imports) == 24
    assert "Irreducible infeasible subset (HiGHS):" in d.text()


def test_failed_result_writes_its_diagnosis(tmp_path: Path) -> None:
    res = planner.solve(cfe_case(), baseline=False)
    out = res.to_dir(tmp_path / "out")
    assert (out / "diagnosis.txt").read_text().strip() == res.diagnosis.text()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "infeasible"
    assert summary["diagnosis"]["cause"] == "targets"
    assert summary["diagnosis"]["targets"][0]["best"] == pytest.approx(0.35, abs=1e-6)
    assert summary["diagnosis"]["targets"][0]["binding"][0]["hours"] == 24
    text = res.summary()
    assert "Diagnosis" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_without_explain_no_resolve_is_made() -> None:
    res = planner.solve(cfe_case(), baseline=False, explain=False)
    assert res.status == "infeasible"
    assert res.diagnosis is not None and res.diagnosis.cause == "not_explained"
    assert res.diagnosis.resolves == 0


def test_unbounded_is_told_apart_from_infeasible() -> None:
    """Imports paid -10 $/MWh without limit, burnt in a free storage charging and discharging
    at once (90 % each way): the cost falls without limit. Interior point cannot tell this
    from infeasible; a re-solve without costs finds the LP feasible, so it is unbounded."""
    inst = tiny(
        2,
        grid=grid(price=-10),
        storage=[
            {
                "name": "free",
                "power_capex_usd_per_kw": 0,
                "energy_capex_usd_per_kwh": 0,
                "lifetime_yr": 10,
                "charge_efficiency": 0.9,
                "discharge_efficiency": 0.9,
            }
        ],
    )
    res = planner.solve(inst, baseline=False)
    assert res.status == "unbounded"
    assert res.diagnosis is not None and res.diagnosis.cause == "unbounded"
    assert "grid.import_mw" in res.diagnosis.message


def test_time_limit_gets_a_message() -> None:
    res = planner.solve(cfe_case(hourly_cfe_target=0.3), baseline=False, time_limit_s=0.0)
    assert res.status == "time_limit"
    assert res.diagnosis is not None and res.diagnosis.cause == "limit"
    assert "time limit" in res.diagnosis.message
