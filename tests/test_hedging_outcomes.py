"""EVPI and VSS solved outcome by outcome (planner/hedging_outcomes.py) against the same figures
solved as one LP, on the one-hour instance of tests/test_stochastic.py (its docstring derives
the outcomes' costs: on time A = 70 x + 100 y, never B = 1500 - 50 y - d x).

CVaR at 0.5 (two equal outcomes: the worse one), d = 40; the plan costs 2,900 / 1.5 (that test).
- EVPI, without penalties (d = 0): the plan minimises E + max(A, B) with E = 35 x + 25 y + 750;
  on B >= A it is 35 x - 25 y + 2250, least at x = 0, y = 10 (A = B = 1,000): 2,000, and on
  A >= B, 105 x + 125 y + 750 >= 2,000 on x + y >= 10, 70 x + 150 y >= 1500. Wait and see:
  700 on time (x = 10), 1,000 never (y = 10): E 850 + 1,000 = 1,850. EVPI = 150.
- VSS: the on-time plan x = 10, y = 0: A = 700, B = 1,500 - 400 = 1,100: 900 + 1,100 = 2,000,
  against 1,933.33: VSS = 200 / 3.

Probabilities 0.3 on time, 0.7 never, d = 0, expected cost: E = 21 x - 5 y + 1050, least at
x = 0, y = 10: 1,000. Wait and see: 0.3 x 700 + 0.7 x 1,000 = 910: EVPI 90. The on-time plan:
0.3 x 700 + 0.7 x 1,500 = 1,260: VSS 260.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from test_stochastic import _instance

import planner
import planner.stochastic
from planner import hedging_outcomes

CVAR = {"measure": "cvar", "alpha": 0.5, "weight": 1.0}


@pytest.mark.parametrize("separable", [True, False])
def test_cvar_figures_outcome_by_outcome_equal_one_lp(separable: bool, monkeypatch: Any) -> None:
    """EVPI 150 and VSS 200/3 (module docstring), whichever way they are solved."""
    hedging_outcomes.forget()
    monkeypatch.setattr(planner.stochastic, "_separable", lambda spec: separable)
    res = planner.solve(_instance(penalty=40, risk=CVAR))
    f = res.risk.figures
    assert f["objective_usd"] == pytest.approx(2900 / 1.5, rel=1e-6)
    assert f["evpi_usd"] == pytest.approx(150, rel=1e-5)
    assert f["vss_usd"] == pytest.approx(200 / 3, rel=1e-5)
    solved = hedging_outcomes.counts()["solved"]
    # one LP: only the on-time plan is solved alone; outcome by outcome: 2 + 1 + 2
    assert solved == (5 if separable else 1)


def test_a_plan_with_other_odds_reuses_the_outcomes_already_solved() -> None:
    """The second plan (0.3 / 0.7) has the first's outcomes: its wait-and-see outcomes, its
    on-time plan and that plan's fixed outcomes are not solved again; its figures are its own
    (EVPI 90, VSS 260: module docstring)."""
    hedging_outcomes.forget()
    first = planner.solve(_instance())
    assert first.risk.figures["evpi_usd"] == pytest.approx(150, rel=1e-5)
    assert hedging_outcomes.counts() == {"solved": 5, "reused": 0}
    inst = _instance()
    raw = inst.spec.scenarios.model_dump()
    raw["cases"][0]["probability"], raw["cases"][1]["probability"] = 0.3, 0.7
    second = planner.solve(inst.with_overrides({"scenarios": raw}))
    f = second.risk.figures
    assert f["expected_cost_usd"] == pytest.approx(1000, rel=1e-6)
    assert f["evpi_usd"] == pytest.approx(90, rel=1e-5)
    assert f["vss_usd"] == pytest.approx(260, rel=1e-5)
    assert hedging_outcomes.counts() == {"solved": 5, "reused": 5}


def test_answers_in_the_shared_folder_serve_a_process_that_did_not_solve_them() -> None:
    """Inside ``shared_answers`` the first plan's five answers are written as files; with the
    process's own memo emptied (as in another worker) the second plan reads all five back (the
    on-time plan's capacities too: its fixed outcomes are found under the same keys) and gets
    its own figures (EVPI 90, VSS 260); afterwards the variable and the folder are gone."""
    hedging_outcomes.forget()
    with hedging_outcomes.shared_answers() as folder:
        assert os.environ[hedging_outcomes.SHARED_ENV] == str(folder)
        planner.solve(_instance())
        assert len(list(folder.glob("*.json"))) == 5
        hedging_outcomes.forget()
        inst = _instance()
        raw = inst.spec.scenarios.model_dump()
        raw["cases"][0]["probability"], raw["cases"][1]["probability"] = 0.3, 0.7
        second = planner.solve(inst.with_overrides({"scenarios": raw}))
        assert hedging_outcomes.counts() == {"solved": 0, "reused": 5}
    assert second.risk.figures["evpi_usd"] == pytest.approx(90, rel=1e-5)
    assert second.risk.figures["vss_usd"] == pytest.approx(260, rel=1e-5)
    assert hedging_outcomes.SHARED_ENV not in os.environ
    assert not folder.exists()
    hedging_outcomes.forget()


def test_an_outcome_the_fixed_plan_cannot_serve_gives_an_infinite_vss(monkeypatch: Any) -> None:
    """Recourse only after the hour (lead time 1 h): the on-time plan (10 MW of fusion, no
    solar) cannot meet the 100 % target when the plant never comes: VSS is infinite, noted."""
    hedging_outcomes.forget()
    inst = _instance()
    raw = inst.spec.scenarios.model_dump()
    raw["recourse"]["lead_time_h"] = 1
    res = planner.solve(inst.with_overrides({"scenarios": raw}))
    assert res.risk.figures["vss_usd"] == float("inf")
    assert any("cannot serve every outcome" in n for n in res.risk.notes)


@pytest.mark.parametrize(
    "answer",
    [
        ("optimal", 1234.5678901234567),
        ("infeasible", None),
        ("optimal", {("fusion", "f", "capacity_mw"): 10.0}),
    ],
)
def test_a_shared_answer_reads_back_as_written(answer: Any) -> None:
    """A cost, a failed solve and a plan's capacities come back equal from the folder."""
    with hedging_outcomes.shared_answers():
        hedging_outcomes._write_shared("k", answer)
        assert hedging_outcomes._read_shared("k") == answer
        assert hedging_outcomes._read_shared("missing") is None


def test_the_shared_folder_is_undone_after_an_error_and_a_failed_write_is_skipped(
    monkeypatch: Any,
) -> None:
    """A value set before the block comes back after an error inside it, the folder is gone;
    with the variable naming a folder that does not exist, writing an answer is skipped (a
    cache) and reading finds nothing."""
    monkeypatch.setenv(hedging_outcomes.SHARED_ENV, "/nonexistent/answers")
    with pytest.raises(RuntimeError), hedging_outcomes.shared_answers() as folder:
        raise RuntimeError("boom")
    assert os.environ[hedging_outcomes.SHARED_ENV] == "/nonexistent/answers"
    assert not folder.exists()
    hedging_outcomes._write_shared("k", ("optimal", 1.0))  # no error
    assert hedging_outcomes._read_shared("k") is None
