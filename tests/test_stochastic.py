"""Two-stage planning under delivery risk (issue 16). Two equally likely outcomes of one hour:
a 10 MW fusion plant on time, or never. Optima derived by hand.

The hour: load 10 MW, a 100 % hourly CFE target in every outcome, a fossil grid. Fusion:
take-or-pay at 70 $/MWh, up to 10 MW, paid only on what it delivers. Solar by PPA at
100 $/MWh (capacity factor 1 in the hour); recourse solar costs 50 % more (150) and delivers
at once (lead time 0). With x MW of fusion and y of solar signed first (x + y >= 10, y <= 10)
and 10 - y of recourse solar when the plant never comes:

- on time: A = 70 x + 100 y;
- never: B = 100 y + 150 (10 - y) - d x = 1500 - 50 y - d x (d: the penalty per MWh);
- expected: E = (A + B) / 2 = (35 - d/2) x + 25 y + 750.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import fusion, grid

import planner
from planner.errors import InstanceError


def _instance(
    penalty: float = 0.0, risk: dict[str, Any] | None = None, **scenarios: Any
) -> planner.Instance:
    offer = fusion(energy_price_usd_per_mwh=70, max_capacity_mw=10)
    if penalty:
        offer |= {
            "contract_start_date": "2028-01-01 00:00",
            "delivery_penalty_usd_per_mwh": penalty,
        }
    solar = {"name": "pv", "capacity_factor": 1.0, "max_capacity_mw": 100}
    solar |= {"procurement": "ppa", "ppa_price_usd_per_mwh": 100}
    raw = {
        "name": "risk",
        "time": {"start": "2028-01-01 00:00", "hours": 1},
        "demand": {"load_mw": 10.0},
        "grid": grid(price=50.0),
        "fusion": [offer],
        "solar": [solar],
        "policy": {"hourly_cfe_target": 1.0},
        "scenarios": {
            "cases": [
                {"name": "on_time", "probability": 0.5},
                {
                    "name": "never",
                    "probability": 0.5,
                    "overrides": {"fusion.helion.commercial_operation_date": "2100-01-01 00:00"},
                },
            ],
            "recourse": {"kinds": ["solar"], "premium_share": 0.5, "lead_time_h": 0},
            **({"risk": risk} if risk else {}),
            **scenarios,
        },
    }
    return planner.Instance.from_dict(raw, source="risk.yaml")


def test_risk_neutral_hedge_signs_no_fusion_and_the_figures_follow() -> None:
    """d = 0: E = 35 x + 25 y + 750: solar is the cheaper clean MW, y = 10, x = 0, 1,000 $.
    Perfect information: 700 on time (fusion), 1,000 never (solar at 100): 850: EVPI 150. The
    on-time plan (x = 10, y = 0) costs 700 and 1,500: 1,100: VSS 100."""
    res = planner.solve(_instance())
    assert res.ok
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(0, abs=1e-4)
    assert res.capacity.loc["pv", "capacity_mw"] == pytest.approx(10, abs=1e-4)
    f = res.risk.figures
    assert f["expected_cost_usd"] == pytest.approx(1000, rel=1e-6)
    assert f["evpi_usd"] == pytest.approx(150, rel=1e-5)
    assert f["vss_usd"] == pytest.approx(100, rel=1e-5)
    table = res.risk.table
    assert table.loc["never", "recourse_mw"] == pytest.approx(0, abs=1e-4)
    assert set(res.risk.results) == {"on_time", "never"}
    # the plan's metrics are the outcomes' weighted by probability: 1,000 $ over 10 MWh
    assert res.metrics["cost_usd_per_mwh_load"] == pytest.approx(100, rel=1e-6)


def test_a_penalty_of_40_makes_the_risk_neutral_buyer_sign() -> None:
    """d = 40: E = 15 x + 25 y + 750: now fusion is the cheaper clean MW, x = 10, y = 0: 900 $
    (700 on time; 1,100 never: 1,500 of recourse solar less a 400 penalty)."""
    res = planner.solve(_instance(penalty=40))
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(10, abs=1e-4)
    table = res.risk.table
    assert table.loc["on_time", "cost_usd"] == pytest.approx(700, rel=1e-6)
    assert table.loc["never", "cost_usd"] == pytest.approx(1100, rel=1e-6)
    assert table.loc["never", "recourse_mw"] == pytest.approx(10, abs=1e-4)
    assert res.risk.figures["expected_cost_usd"] == pytest.approx(900, rel=1e-6)
    # EVPI is that of the problem without penalties: its plan (d = 0) costs 1,000, its
    # wait-and-see outcomes 700 and 1,000: 150. The on-time plan is this plan: VSS 0.
    assert res.risk.figures["evpi_usd"] == pytest.approx(150, rel=1e-5)
    assert res.risk.figures["vss_usd"] == pytest.approx(0, abs=1e-4)


def test_evpi_leaves_out_the_penalty_a_buyer_with_foresight_would_collect() -> None:
    """d = 10: E = 30 x + 25 y + 750: solar again, x = 0, y = 10, 1,000 $ in both outcomes.
    Knowing "never" first, a buyer could sign the 10 MW it knows will fail for a 100 $
    penalty (900 $), and EVPI would read 1,000 - (700 + 900) / 2 = 200. Without penalties
    (the plan of that problem costs 1,000 too): 1,000 - (700 + 1,000) / 2 = 150. VSS keeps the
    penalty (real money in both plans): the on-time plan x = 10 costs 700 and 1,500 - 100 =
    1,400: 1,050, VSS 50."""
    res = planner.solve(_instance(penalty=10))
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(0, abs=1e-4)
    f = res.risk.figures
    assert f["expected_cost_usd"] == pytest.approx(1000, rel=1e-6)
    assert f["evpi_usd"] == pytest.approx(150, rel=1e-5)
    assert f["vss_usd"] == pytest.approx(50, rel=1e-5)
    assert any("without delivery penalties" in n for n in res.risk.notes)


def test_cvar_hedges_the_contract_with_solar() -> None:
    """d = 40, expected cost + CVaR at 0.5 (with two equal outcomes: the worse one). Where
    B > A the objective E + B = -25 x - 25 y + 2250 falls with x and y; where A > B, E + A =
    85 x + 125 y + 750 rises: the optimum lies on A = B, i.e. 110 x = 150 (10 - y), where
    the objective falls with x, so x = 10 and y = 8/3: A = B = 966.67, objective 1,933.33.
    The risk-neutral plan (x = 10, y = 0) would cost 900 + 1,100 = 2,000."""
    risk = {"measure": "cvar", "alpha": 0.5, "weight": 1.0}
    res = planner.solve(_instance(penalty=40, risk=risk))
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(10, abs=1e-4)
    assert res.capacity.loc["pv", "capacity_mw"] == pytest.approx(8 / 3, abs=1e-4)
    f = res.risk.figures
    assert f["objective_usd"] == pytest.approx(2900 / 1.5, rel=1e-6)
    assert f["expected_cost_usd"] == pytest.approx(2900 / 3, rel=1e-6)
    assert f["evpi_usd"] >= -1e-6 and f["vss_usd"] >= -1e-6


def test_targets_in_expectation_let_one_outcome_fall_short() -> None:
    """A 50 % target. Per outcome each needs 5 clean MWh: A = 500 + 20 x + 50 y, B = 500 +
    50 y + 100 z with z >= 5 - y, x >= 5 - y: E = 800 - 10 y at best, so y = 5: 750 $. On
    average instead (x + 2 y + z >= 10): a fusion MW adds 10 $ per clean MWh of the average,
    solar 25, recourse 50: x = 10: on time all fusion (700, 100 %), never all grid (500, 0 %):
    600 $."""
    per = planner.solve(_instance().with_overrides({"policy.hourly_cfe_target": 0.5}))
    assert per.risk.figures["expected_cost_usd"] == pytest.approx(750, rel=1e-6)
    res = planner.solve(
        _instance(targets="expected").with_overrides({"policy.hourly_cfe_target": 0.5})
    )
    assert res.risk.settings["targets"] == "expected"
    assert res.capacity.loc["helion", "capacity_mw"] == pytest.approx(10, abs=1e-4)
    table = res.risk.table
    assert table.loc["on_time", "hourly_cfe_score"] == pytest.approx(1.0, abs=1e-6)
    assert table.loc["never", "hourly_cfe_score"] == pytest.approx(0.0, abs=1e-6)
    assert res.risk.figures["expected_cost_usd"] == pytest.approx(600, rel=1e-6)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"cases": [{"name": "a", "probability": 0.5}, {"name": "b", "probability": 0.4}]},
            "sum to 0.9",
        ),
        (
            {"cases": [{"name": "a", "probability": 0.5}, {"name": "a", "probability": 0.5}]},
            "more than once",
        ),
        (
            {
                "cases": [
                    {
                        "name": "a",
                        "probability": 1.0,
                        "overrides": {"fusion.helion.max_capacity_mw": 5},
                    }
                ]
            },
            "decided first",
        ),
        (
            {
                "cases": [
                    {
                        "name": "a",
                        "probability": 1.0,
                        "overrides": {"fusion.nope.availability": 0.5},
                    }
                ]
            },
            "nope",
        ),
    ],
)
def test_bad_scenarios_are_refused(change: dict[str, Any], message: str) -> None:
    inst = _instance()
    with pytest.raises(InstanceError, match=message):
        raw = dict(inst.raw)
        raw["scenarios"] = {**raw["scenarios"], **change}
        planner.solve(planner.Instance.from_dict(raw, source="risk.yaml"))


def test_the_plan_is_written_and_read_back_with_its_scenarios(tmp_path: Any) -> None:
    from planner.results.folder import read_folder

    res = planner.solve(_instance())
    res.to_dir(tmp_path / "r")
    saved = read_folder(tmp_path / "r")
    assert saved.scenarios is not None
    assert list(saved.scenarios.index) == ["on_time", "never"]
    assert saved.risk is not None
    assert saved.risk["figures"]["vss_usd"] == pytest.approx(100, rel=1e-5)


def test_planner_solve_prints_the_hedging_figures(tmp_path: Any, capsys: Any) -> None:
    import yaml

    from planner.cli import main

    path = tmp_path / "risk.yaml"
    path.write_text(yaml.safe_dump(_instance().raw))
    assert main(["solve", str(path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "EVPI" in out and "VSS" in out and "never" in out


def test_every_outcome_keeps_the_base_representative_days() -> None:
    """Four days clustered into two; an outcome changing the plant's availability (a feature
    of the clustering) still models the base's two days, with the same weights."""
    import numpy as np

    load = np.concatenate(
        [np.full(24, 100.0), np.full(24, 150.0), np.full(24, 100.0), np.full(24, 160.0)]
    )
    raw = dict(_instance().raw)
    raw["time"] = {
        "start": "2028-01-01 00:00",
        "hours": 96,
        "representative_periods": {"count": 2, "period_hours": 24},
    }
    raw["demand"] = {"load_mw": load.tolist()}
    raw["policy"] = {"hourly_cfe_target": 0.5}
    raw["scenarios"] = {
        "cases": [
            {"name": "on_time", "probability": 0.5},
            {
                "name": "half",
                "probability": 0.5,
                "overrides": {"fusion.helion.availability": [0.5] * 96},
            },
        ],
        "evaluate": False,
    }
    inst = planner.Instance.from_dict(raw, source="risk.yaml")
    from planner.scenario_cases import scenario_cases

    cases = scenario_cases(inst)
    for case in cases:
        assert np.array_equal(case.inst.hour_index, inst.hour_index)
        assert np.allclose(case.inst.weights, inst.weights)
    half = next(c for c in cases if c.name == "half")
    assert np.allclose(np.asarray(half.inst.spec.fusion[0].availability), 0.5)
    assert planner.solve(inst).ok


def test_a_sweep_takes_scenario_sets_as_a_parameter(tmp_path: Any) -> None:
    """Two scenario sets, risk-neutral and with CVaR, as the values of the path
    ``scenarios``: each point is a two-stage plan and its record holds the hedging figures."""
    import yaml

    raw = dict(_instance().raw)
    (tmp_path / "risk.yaml").write_text(yaml.safe_dump(raw))
    neutral = raw["scenarios"]
    averse = {**neutral, "risk": {"measure": "cvar", "alpha": 0.5, "weight": 1.0}}
    spec = {"name": "sets", "base": "risk.yaml"}
    spec["parameters"] = [{"path": "scenarios", "values": [neutral, averse]}]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    table = planner.run_sweep(tmp_path / "s.yaml", workers=1, out=tmp_path / "out", progress=False)
    assert list(table["status"]) == ["optimal", "optimal"]
    assert table["risk_objective_usd"].tolist() == pytest.approx([1000, 2000], rel=1e-6)
    assert table["risk_vss_usd"].min() >= -1e-6


def test_the_report_shows_each_outcome_and_the_hedging_figures(tmp_path: Any) -> None:
    from planner.report import write_report

    res = planner.solve(_instance())
    res.to_dir(tmp_path / "r")
    text = write_report(tmp_path / "r", tmp_path / "r" / "report.html").read_text()
    assert "Delivery risk" in text and "EVPI" in text and "VSS" in text
    assert 'id="scenarios"' in text and "never" in text


def test_a_lead_time_past_the_horizon_warns_that_there_is_no_recourse() -> None:
    """The one-hour instance with a lead time of 1 h: the recourse solar can deliver in no
    modelled hour, so the "never" outcome cannot buy any (recourse 0 MW) and the plan says so
    instead of silently planning without recourse."""
    inst = _instance(recourse={"kinds": ["solar"], "premium_share": 0.5, "lead_time_h": 1})
    res = planner.solve(inst)
    assert res.ok
    assert res.risk.table.loc["never", "recourse_mw"] == pytest.approx(0, abs=1e-4)
    assert any("no recourse capacity can deliver" in w for w in res.warnings)
    assert not any("recourse" in w for w in planner.solve(_instance()).warnings)


def test_the_lead_time_counts_from_the_horizon_start_not_the_first_modelled_hour() -> None:
    """Modelled hours 24-47 of a 48-hour horizon (as representative days may be): they are
    24-47 hours from the start; a lead time of 36 h leaves recourse in half of them (no
    warning), one of 40 h in a third (warned)."""
    import dataclasses

    import numpy as np

    from planner.scenario_cases import ready_share, recourse_warnings

    inst = _instance().with_overrides({"time.hours": 48, "demand.load_mw": [10.0] * 48})
    later = dataclasses.replace(inst, hour_index=np.arange(24, 48))
    later = dataclasses.replace(
        later,
        spec=later.spec.model_copy(
            update={
                "time": later.spec.time.model_copy(
                    update={"hours": 24, "weights": np.full(24, 2.0)}
                )
            }
        ),
    )
    assert np.array_equal(ready_share(later, 36.0), (np.arange(24, 48) >= 36).astype(float))
    half = later.spec.scenarios.recourse.model_copy(update={"lead_time_h": 36})
    third = later.spec.scenarios.recourse.model_copy(update={"lead_time_h": 40})

    def with_lead(recourse: Any) -> planner.Instance:
        scenarios = later.spec.scenarios.model_copy(update={"recourse": recourse})
        return dataclasses.replace(
            later, spec=later.spec.model_copy(update={"scenarios": scenarios})
        )

    assert recourse_warnings(with_lead(half)) == []
    assert "only 33 %" in recourse_warnings(with_lead(third))[0]


def test_the_lead_time_counts_on_the_days_a_representative_day_stands_for() -> None:
    """Two representative periods of 2 hours in the sequence 0, 1, 0, 1: 4 modelled hours
    standing for an 8-hour horizon. A lead time of 5 h lies past the modelled hours but inside
    the horizon: original hours 5, 6, 7 are ready. Period 0 (modelled hours 0, 1) stands for
    original hours 0, 1 and 4, 5: shares 0 and 1/2; period 1 (modelled 2, 3) for 2, 3 and
    6, 7: 1/2 and 1/2. Recourse delivers in 3 of the 8 hours: warned (under half), never "no
    recourse" (as it was when the lead time was read on the modelled hours). At 8 h nothing is
    ready: warned as no recourse."""
    import numpy as np

    from planner.scenario_cases import ready_share, recourse_warnings, with_recourse

    time = {"start": "2028-01-01 00:00", "hours": 4, "weights": [2.0] * 4}
    time |= {"period_hours": 2, "period_sequence": [0, 1, 0, 1]}
    inst = _instance().with_overrides({"time": time, "demand.load_mw": [10.0] * 4})

    def with_lead(lead_h: float) -> planner.Instance:
        return inst.with_overrides({"scenarios.recourse.lead_time_h": lead_h})

    assert np.allclose(ready_share(inst, 5.0), [0.0, 0.5, 0.5, 0.5])
    assert np.allclose(ready_share(inst, 3.0), [0.5, 0.5, 0.5, 1.0])
    assert np.allclose(ready_share(inst, 0.0), 1.0)
    copy, problems = with_recourse(with_lead(5), with_lead(5).spec.scenarios.recourse)
    assert problems == []
    pv = {s.name: s for s in copy.spec.solar}["pv_recourse"]
    assert np.allclose(pv.capacity_factor, [0.0, 0.5, 0.5, 0.5])
    assert recourse_warnings(with_lead(3)) == []  # 5 of 8 hours
    (warned,) = recourse_warnings(with_lead(5))
    assert "only 38 % of the horizon's hours" in warned
    (none,) = recourse_warnings(with_lead(8))
    assert "reaches past the horizon's last hour (8 h from the start)" in none


def test_a_clean_firm_recourse_copy_starts_its_contract_at_the_lead_time() -> None:
    """The sequence above (periods of 2 hours, 0, 1, 0, 1) with a firm offer operating from
    original hour 6 and a lead time of 5 h. Its copy delivers in original hours 6 and 7 (both
    ready and operating), which period 1's modelled hours 2 and 3 stand for with hours 2 and
    3: shares 0, 0, 1/2, 1/2. Multiplying the two averaged shares (ready 0, 1/2, 1/2, 1/2 by
    operating 0, 0, 1/2, 1/2) would give 1/4 in hours 2 and 3."""
    import numpy as np

    from planner.inputs.schedule import offer_shares
    from planner.scenario_cases import with_recourse

    time = {"start": "2028-01-01 00:00", "hours": 4, "weights": [2.0] * 4}
    time |= {"period_hours": 2, "period_sequence": [0, 1, 0, 1]}
    firm = {
        "name": "geo",
        "technology": "geothermal",
        "max_capacity_mw": 10,
        "energy_price_usd_per_mwh": 60,
        "availability": 1.0,
        "commercial_operation_date": "2028-01-01 06:00",
    }
    inst = _instance().with_overrides(
        {"time": time, "demand.load_mw": [10.0] * 4, "clean_firm": [firm]}
    )
    recourse = inst.spec.scenarios.recourse.model_copy(
        update={"kinds": ["clean_firm"], "lead_time_h": 5}
    )
    copy, problems = with_recourse(inst, recourse)
    assert problems == []
    geo = {o.name: o for o in copy.spec.clean_firm}["geo_recourse"]
    deliverable, _ = offer_shares(geo, copy.spec, copy.timestamps)
    assert np.allclose(deliverable, [0.0, 0.0, 0.5, 0.5])
    assert str(geo.contract_start_date) == "2028-01-01 05:00:00"
