"""Part 1.2, the contract curve, and the ties of part 1.1: what :func:`planner.study.curve.curve_problems` reports, and
the study file's checks of the block. The curve itself is solved by the tiny study of
tests/test_study.py, which checks its table against the stored results."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.study.analysis import least_cost
from planner.study.config import ContractCurvePart
from planner.study.curve import curve_problems
from planner.study.sections.curve import policy_sentence


def _curve(mw: list[float], status: list[str] | None = None) -> pd.DataFrame:
    prices = [10.0, 50.0, 100.0, 150.0][: len(mw)]
    return pd.DataFrame(
        {
            "site": "s",
            "policy_label": "hourly 95 %",
            "price_usd_per_mwh": prices,
            "status": status or ["optimal"] * len(mw),
            "contracted_mw": mw,
            "max_capacity_mw": 100.0,
            "at_cap": [m >= 100.0 for m in mw],
        }
    )


def _part1(breakeven: float, half: float = 0.5) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "policy_label": ["hourly 95 %"],
            "breakeven_usd_per_mwh": [breakeven],
            "half_width_usd_per_mwh": [half],
        }
    )


def test_a_falling_curve_that_agrees_with_part_1_has_no_problem() -> None:
    """100 MW (the cap) at 10, 40 at 50, none at 100 and 150; part 1: 80 +- 0.5."""
    assert curve_problems(_curve([100.0, 40.0, 0.0, 0.0]), _part1(80.0)) == []


def test_a_rise_with_the_price_is_said() -> None:
    """40 MW at 50 $/MWh, then 45 at 100: the MW rose by 5 > MW_TOL."""
    said = curve_problems(_curve([100.0, 40.0, 45.0, 0.0]), None)
    assert said == [
        "hourly 95 %: 45.0 MW at 100 $/MWh against 40.0 MW at 50 $/MWh "
        "(the contracted MW should not rise with the price)"
    ]


def test_prices_on_the_wrong_side_of_the_breakeven_are_said() -> None:
    """Part 1 says 120: MW at 150 are above it; part 1 says 30: none at 50 is fine but MW at
    50 and 100 are above it."""
    above = curve_problems(_curve([100.0, 40.0, 20.0, 5.0]), _part1(120.0))
    assert above == ["hourly 95 %: 5.0 MW at 150 $/MWh, above part 1's break-even (120.0)"]
    below = curve_problems(_curve([100.0, 0.0, 0.0, 0.0]), _part1(90.0))
    assert below == [
        "hourly 95 %: no MW at 50 $/MWh, below part 1's break-even (90.0)",
    ]


def test_a_solve_that_did_not_end_optimal_is_said_and_left_out_of_the_checks() -> None:
    """The 100 $/MWh solve hit a time limit: said; its NaN MW do not count as a rise."""
    curve = _curve(
        [100.0, 40.0, float("nan"), 0.0], ["optimal", "optimal", "time_limit", "optimal"]
    )
    assert curve_problems(curve, _part1(80.0)) == [
        "hourly 95 %: the solve at 100 $/MWh ended time_limit"
    ]


@pytest.mark.parametrize("prices", [[10, 10], [50, 10], [-5, 10], [10]])
def test_prices_must_be_two_or_more_ascending_and_not_negative(prices: list[float]) -> None:
    with pytest.raises(ValueError):
        ContractCurvePart.model_validate(
            {"policies": [{"hourly_cfe_target": 0.9}], "prices_usd_per_mwh": prices}
        )


@pytest.mark.parametrize(
    ("mw", "said"),
    [
        (
            [100.0, 40.0, 10.0, 0.0],
            "under hourly 95 %: 100 MW at 10 $/MWh (the cap), 10 MW at 100 and none from 150 "
            "(part 1's break-even: 120.0 $/MWh)",
        ),
        (
            [40.0, 0.0, 0.0, 0.0],
            "under hourly 95 %: 40 MW at 10 $/MWh and none from 50 "
            "(part 1's break-even: 120.0 $/MWh)",
        ),
        (
            [0.0, 0.0, 0.0, 0.0],
            "under hourly 95 %: none at any price solved (from 10 $/MWh) "
            "(part 1's break-even: 120.0 $/MWh)",
        ),
        (
            [100.0, 100.0, 90.0, 80.0],
            "under hourly 95 %: 100 MW at 10 $/MWh (the cap), still 80 MW at 150 $/MWh "
            "(part 1's break-even: 120.0 $/MWh)",
        ),
        (
            [40.0, 0.0, 5.0, 0.0],
            "under hourly 95 %: 40 MW at 10 $/MWh and none at 50 (part 1's break-even: 120.0 $/MWh)",
        ),
        (
            [0.0, 5.0, 0.0, 0.0],
            "under hourly 95 %: none at 10 $/MWh, MW at higher prices "
            "(part 1's break-even: 120.0 $/MWh)",
        ),
    ],
)
def test_the_sentence_says_only_what_the_solves_show(mw: list[float], said: str) -> None:
    """From the optimal solves only; 'none from' only when every higher price has none (a
    later rise is reported by curve_problems, not hidden by the sentence)."""
    assert policy_sentence(_curve(mw), _part1(120.0)) == said


def test_a_tie_between_competitor_cases_names_the_first() -> None:
    """gas_ccs alone and every offer together (which builds only gas_ccs) cost the same to
    1e-14: the first listed is named, whichever the solver put a hair lower."""
    solved = pd.DataFrame(
        {
            "case": ["none", "gas_ccs", "all"],
            "cost_without_fusion_usd_per_mwh": [94.04, 80.48668207047128, 80.48668207047123],
        }
    )
    assert least_cost(solved, "cost_without_fusion_usd_per_mwh")["case"] == "gas_ccs"
    solved.loc[1, "cost_without_fusion_usd_per_mwh"] = 80.6  # a real difference: together wins
    assert least_cost(solved, "cost_without_fusion_usd_per_mwh")["case"] == "all"


def test_per_site_tables_follow_the_study_order_whichever_site_finished_first() -> None:
    """Sites a, b, c finished c, a (b had no curve): tables in a, c order; the pathway's
    cases (not sites) untouched."""
    from types import SimpleNamespace

    from planner.study.results import StudyResults

    r = StudyResults(study=None, out=None)  # type: ignore[arg-type]
    r.sites = [SimpleNamespace(name=n) for n in ("a", "b", "c")]  # type: ignore[misc]
    r.contract_curve = {"c": pd.DataFrame(), "a": pd.DataFrame()}
    r.breakeven = {"b": pd.DataFrame(), "a": pd.DataFrame(), "c": pd.DataFrame()}
    r.pathway = {"perfect": {}, "myopic": {}}
    r.in_site_order()
    assert list(r.contract_curve) == ["a", "c"]
    assert list(r.breakeven) == ["a", "b", "c"]
    assert list(r.pathway) == ["perfect", "myopic"]
