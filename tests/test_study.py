"""The fusion study pipeline on a tiny configuration: one site (the default instance's first
three days, two representative days), two targets, one sensitivity, one late year.

Checks that the generated document is made of the run's outputs: every figure it links was
written by this run (and no other is left beside it), every number of every table is in the
table's stored CSV, the break-even and frontier numbers are those of the sweep stores, no
template placeholder is left, the HTML is self-contained, and a second run resumes from the
stores without solving anything again.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT, fusion, grid, tiny

import planner
from planner.study import parts
from planner.study.analysis import delivery_long
from planner.study.cases import sensitivity
from planner.study.config import Sensitivity, StudyError, load_study
from planner.study.document import Document
from planner.study.policy_case import PolicyCase
from planner.study.results import StudyResults, count_points, slowest_timings
from planner.study.run import run_study
from planner.study.sections.accuracy import accuracy
from planner.study.validation import answer_stands, compare_full

ANNUAL = {"annual_matching_fraction": 1.0}
TINY = {
    "name": "tiny_study",
    "title": "Tiny fusion study",
    "workers": 1,
    "overrides": {
        "time.hours": 72,
        "time.representative_periods": {"count": 2, "period_hours": 24},
    },
    "sites": [{"instance": str(ROOT / "instances" / "default.yaml"), "offer": "helion"}],
    "benchmarks": [
        {"label": "goal", "low_usd_per_mwh": 10, "high_usd_per_mwh": 10, "source": "a goal"},
        {"label": "restart", "low_usd_per_mwh": 110, "high_usd_per_mwh": 115, "source": "guess"},
    ],
    "literature": {
        "source": "paper",
        "targets": [0.8, 0.9],
        "premium_pct": {"solar_storage": [3, 6]},
    },
    "breakeven": {"policies": [ANNUAL, {"hourly_cfe_target": 0.9}]},
    "contract_curve": {
        "policies": [ANNUAL, {"hourly_cfe_target": 0.9}],
        "prices_usd_per_mwh": [10, 60, 5000],
    },
    "frontier": {
        "policies": [ANNUAL, {"hourly_cfe_target": 0.8}, {"hourly_cfe_target": 0.9}],
        "variants": [
            {
                "name": "solar_storage",
                "label": "solar + Li-ion",
                "fusion": False,
                "long_duration_storage": False,
            },
            {
                "name": "fusion_lds",
                "label": "+ fusion + iron-air",
                "fusion": True,
                "long_duration_storage": True,
            },
        ],
    },
    "delivery_risk": {
        "policy": {"hourly_cfe_target": 0.9},
        "prices_usd_per_mwh": [10],
        "slip_years": [1],
        "availability": [0.5],
        "window_years": 3,
        "strategies": ["fixed", "top_up"],
    },
    "sensitivities": {
        "policy": {"hourly_cfe_target": 0.9},
        "cases": [{"name": "grid_dirtier", "label": "grid x 1.5", "grid_fossil": 1.5}],
    },
    "risk_plan": {
        "policy": {"hourly_cfe_target": 0.9},
        "late_years": 1,
        "window_years": 3,
        "penalty_usd_per_mwh": 30,
        "recourse_lead_time_h": 0,
        "prices_usd_per_mwh": [None, 10],
        "probability_sets": [
            {
                "name": "even",
                "label": "even odds",
                "on_time": 0.5,
                "late": 0.25,
                "never": 0.25,
                "reason": "A test's odds.",
            },
            {
                "name": "grim",
                "label": "grim odds",
                "on_time": 0.2,
                "late": 0.3,
                "never": 0.5,
                "reason": "A darker test's odds.",
            },
        ],
        "cvar_alpha": 0.5,
        "other_sets_prices_usd_per_mwh": [10],
    },
    "competitors": {"policy": {"hourly_cfe_target": 0.9}, "options": ["geothermal", "gas_ccs"]},
    "credibility": {
        "as_of": "2026-12",
        "facts": [
            {"date": "2023-05", "topic": "contract", "fact": "A 50 MW PPA.", "source": "a"},
            {
                "date": "2009 to 2023",
                "topic": "first_of_a_kind",
                "fact": "A plant 7 years late.",
                "source": "b",
                "delay_years": 7,
            },
            {
                "date": "2023",
                "topic": "first_of_a_kind",
                "fact": "A plant cancelled.",
                "source": "c",
                "cancelled": True,
            },
        ],
    },
    "validation": {
        "policies": [{"hourly_cfe_target": 0.9}],
        "breakeven_policies": [{"hourly_cfe_target": 0.9}],
    },
    "assumptions": ["A tiny test."],
}

NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def _numbers(text: str) -> list[tuple[float, int]]:
    """(value, decimals) of every number written in ``text``."""
    out = []
    for token in NUMBER.findall(text):
        plain = token.replace(",", "")
        decimals = len(plain.split(".")[1]) if "." in plain else 0
        out.append((float(plain), decimals))
    return out


def _tables(markdown: str) -> dict[str, list[list[str]]]:
    """Body cells of every Markdown table, by the name of its ``<!-- table: name -->`` marker
    (a table without a marker is filed under ``None``)."""
    tables: dict[str, list[list[str]]] = {}
    name = None
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        marker = re.match(r"<!-- table: (\w+) -->", lines[i])
        if marker:
            name = marker.group(1)
        elif lines[i].startswith("| "):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip("|").split(" | ")])
                i += 1
            tables[str(name)] = rows[2:]  # header and rule are not data
            name = None
            continue
        i += 1
    return tables


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("study")
    config = folder / "study.yaml"
    config.write_text(yaml.safe_dump(TINY), encoding="utf-8")
    doc = folder / "docs" / "study.md"
    stale = doc.parent / "study" / "stale.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"not written by the run")
    started = time.time()
    results = run_study(config, folder / "out", doc, progress=False)
    return {
        "folder": folder,
        "config": config,
        "doc": doc,
        "out": folder / "out",
        "started": started,
        "results": results,
        "markdown": doc.read_text(encoding="utf-8"),
    }


def test_every_figure_is_written_by_the_run(run: dict[str, object]) -> None:
    doc, markdown = run["doc"], run["markdown"]
    assert isinstance(doc, Path) and isinstance(markdown, str)
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert len(links) >= 5  # break-even, premium, capacity, delivery risk, sensitivities
    figure_dir = doc.parent / doc.stem
    for link in links:
        path = (doc.parent / link).resolve()
        assert path.parent == figure_dir.resolve(), link
        assert path.exists() and path.stat().st_mtime >= run["started"], link
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", link
    on_disk = {p.name for p in figure_dir.iterdir()}
    assert on_disk == {Path(link).name for link in links}  # the stale figure is gone


def test_every_table_number_is_in_the_stored_results(run: dict[str, object]) -> None:
    markdown, out = run["markdown"], run["out"]
    assert isinstance(markdown, str) and isinstance(out, Path)
    tables = _tables(markdown)
    assert "None" not in tables, "a table without its data"
    expected = {
        "sites",
        "validation",
        "validation_breakeven",
        "breakeven",
        "contract_curve",
        "frontier_default",
        "premium_comparison",
        "delivery_default",
        "sensitivities",
        "risk_plan_default",
        "credibility_facts",
        "credibility_odds",
        "competitors_default",
        "runtime",
    }
    assert expected <= set(tables)
    for name, rows in tables.items():
        stored = (out / "tables" / f"{name}.csv").read_text(encoding="utf-8")
        values = [v for v, _ in _numbers(stored)]
        assert rows, name
        for row in rows:
            for cell in row:
                for value, decimals in _numbers(cell):
                    found = any(round(v, decimals) == pytest.approx(value) for v in values)
                    assert found, (name, cell)


def test_the_risk_plans_are_the_stored_two_stage_solves(run: dict[str, object]) -> None:
    """The on-time plan and the first set's plan at every price; the CVaR variant and the
    second set at ``other_sets_prices_usd_per_mwh`` only: each from the part's sweep stores,
    the hedging figures >= 0 (EVPI without penalties on both sides)."""
    out = run["out"]
    assert isinstance(out, Path)
    stored = pd.concat(
        pd.read_csv(out / "default" / name / "results.csv")
        for name in ("risk_plan", "risk_plan_sets")
    )
    price = "fusion.helion.energy_price_usd_per_mwh"
    assert sorted(zip(stored[price], stored["scenario"], strict=True)) == [
        (10.0, "even"),
        (10.0, "even__cvar"),
        (10.0, "grim"),
        (10.0, "on_time_plan"),
        (112.5, "even"),
        (112.5, "on_time_plan"),
    ]
    assert (stored["status"] == "optimal").all()
    plans = pd.read_csv(out / "tables" / "risk_plan_default.csv")
    keyed = stored.set_index([price, "scenario"])["helion_capacity_mw"]
    for _, row in plans.iterrows():
        assert row["fusion_mw"] == pytest.approx(keyed[(row["price_usd_per_mwh"], row["key"])])
    two_stage = plans[plans["key"] != "on_time_plan"]
    assert (two_stage["evpi_musd_per_yr"] >= -1e-6).all()  # to the solver tolerance: 1 $/yr
    assert (two_stage["vss_musd_per_yr"] >= -1e-6).all()
    # the CVaR plan costs at least the risk-neutral one in expectation
    at = two_stage[two_stage["price_usd_per_mwh"] == 10.0].set_index("key")
    cost = at["expected_cost_musd_per_yr"]
    assert cost["even__cvar"] >= cost["even"] - 1e-6


def test_the_credibility_section_shows_the_facts_and_reads_the_history(
    run: dict[str, object],
) -> None:
    """Two first plants in the file, one 7 years late and one cancelled: against a late outcome
    of 1 year in a 3-year window, the 7-year delay is past the window (the never outcome)."""
    markdown = str(run["markdown"])
    assert "Of the 2 first plants listed, 1 came late, by 7 years, and 1 was cancelled" in markdown
    assert (
        "none came on time" in markdown
        and "1 of the 1 recorded delays is 3 years or longer" in markdown
    )
    odds = _tables(markdown)["credibility_odds"]
    assert odds == [
        ["even odds", "0.50", "0.25", "0.25", "A test's odds."],
        ["grim odds", "0.20", "0.30", "0.50", "A darker test's odds."],
    ]


def test_the_competitor_cases_agree_with_the_other_parts(run: dict[str, object]) -> None:
    """The case with no clean firm is part 4's reference LP (same policy): same cost without
    fusion, and its break-even is part 1's row at that policy. Offering more options cannot
    cost more: the case with both costs at most the cheaper single option; each option alone
    builds at most the peak load."""
    from planner.study.sections.competitors import competitors_long

    results = run["results"]
    site = results.sites[0]  # type: ignore[attr-defined]
    long = competitors_long(results, site).set_index("case")  # type: ignore[arg-type]
    sens = results.sensitivity_costs[site.name]  # type: ignore[attr-defined]
    ref = sens[(sens["case"] == "reference") & ~sens["fusion_allowed"]].iloc[0]
    assert long.loc["none", "cost_without_fusion_usd_per_mwh"] == pytest.approx(
        float(ref["cost_usd_per_mwh_load"]), rel=1e-6
    )
    part1 = results.breakeven[site.name]  # type: ignore[attr-defined]
    row = part1[part1["policy_label"] == "hourly 90 %"].iloc[0]
    assert long.loc["none", "breakeven_usd_per_mwh"] == pytest.approx(
        float(row["breakeven_usd_per_mwh"]), nan_ok=True
    )
    singles = long.loc[["geothermal", "gas_ccs"], "cost_without_fusion_usd_per_mwh"]
    assert long.loc["all", "cost_without_fusion_usd_per_mwh"] <= singles.min() * (1 + 1e-6)
    peak = float(max(site.full.spec.demand.load_mw))
    assert (long.loc[["geothermal", "gas_ccs"], "clean_firm_mw"] <= peak + 1e-6).all()
    assert "1.1 Against each competing clean-firm offer" in str(run["markdown"])


def test_an_unknown_competitor_is_refused(tmp_path: Path) -> None:
    bad = {**TINY, "competitors": {**TINY["competitors"], "options": ["tokamak_x"]}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(StudyError, match=r"competitors.options: \['tokamak_x'\] not clean_firm"):
        load_study(path)


def test_odds_without_a_reason_are_refused_beside_the_facts(tmp_path: Path) -> None:
    bad = {**TINY, "risk_plan": {**TINY["risk_plan"]}}
    bad["risk_plan"]["probability_sets"] = [
        {"name": "even", "label": "even", "on_time": 0.5, "late": 0.25, "never": 0.25}
    ]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(StudyError, match=r"probability_sets \['even'\]: give each a reason"):
        load_study(path)


def test_breakeven_and_frontier_come_from_the_sweep_stores(run: dict[str, object]) -> None:
    markdown, out = run["markdown"], run["out"]
    assert isinstance(markdown, str) and isinstance(out, Path)
    tables = _tables(markdown)
    searched = pd.read_csv(out / "default" / "breakeven" / "breakeven.csv")
    shown = [float(row[1].replace(",", "")) for row in tables["breakeven"]]
    assert shown == pytest.approx(searched["breakeven_usd_per_mwh"].round(1).tolist())
    sweep = pd.read_csv(out / "default" / "frontier" / "results.csv")
    costs = sorted(round(v, 1) for v in sweep["cost_usd_per_mwh_load"])
    cells = sorted(
        float(cell.split(" ")[0]) for row in tables["frontier_default"] for cell in row[1:]
    )
    assert cells == pytest.approx(costs)


def test_the_contract_curve_is_the_stored_sweep(run: dict[str, object]) -> None:
    """Part 1.2: one solve per policy and price in the part's store, its MW in the table (in
    price order), and the check sentence only when nothing was found to warn about."""
    markdown, out = run["markdown"], run["out"]
    assert isinstance(markdown, str) and isinstance(out, Path)
    sweep = pd.read_csv(out / "default" / "contract_curve" / "results.csv")
    price = "fusion.helion.energy_price_usd_per_mwh"
    assert sorted(zip(sweep["scenario"], sweep[price], strict=True)) == [
        (c, p) for c in ("c0", "c1") for p in (10.0, 60.0, 5000.0)
    ]
    rows = _tables(markdown)["contract_curve"]
    assert [row[1] for row in rows] == ["annual 100 %", "hourly 90 %"]
    for i, row in enumerate(rows):
        stored = sweep[sweep["scenario"] == f"c{i}"].sort_values(price)
        shown = [float(cell.split(" ")[0].replace(",", "")) for cell in row[2:]]
        assert shown == pytest.approx(stored["helion_capacity_mw"].clip(lower=0).round(0).tolist())
    assert "the MW do not rise with the price" in markdown


def test_no_placeholder_is_left_and_the_html_is_self_contained(run: dict[str, object]) -> None:
    markdown, out = run["markdown"], run["out"]
    assert isinstance(markdown, str) and isinstance(out, Path)
    for leftover in (r"\{[A-Za-z_][\w.\[\]'\"]*\}", r"\bnan\b", r"\bNone\b", r"TODO", r"<[a-z_]+>"):
        assert not re.search(leftover, markdown), leftover
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == markdown.count("![")
    assert "http://" not in html and "https://" not in html


def test_a_second_run_resumes_from_the_stores(run: dict[str, object]) -> None:
    out, config, doc = run["out"], run["config"], run["doc"]
    assert isinstance(out, Path)
    held = count_points(out)
    again = run_study(config, out, doc, progress=False)  # type: ignore[arg-type]
    assert again.points_before == held == count_points(out)  # nothing solved again
    first = _tables(str(run["markdown"]))
    second = _tables(Path(str(doc)).read_text(encoding="utf-8"))
    # seconds differ between runs
    for name in first.keys() - {"runtime", "validation", "validation_breakeven"}:
        assert first[name] == second[name], name


def test_the_accuracy_section_compares_the_breakeven_over_every_hour(
    run: dict[str, object],
) -> None:
    """Part 1's break-even at the listed policy beside the same search over every hour (its
    own store); the difference is their subtraction, and each error row is one policy."""
    out, results = run["out"], run["results"]
    assert isinstance(out, Path)
    table = results.validation_breakeven  # type: ignore[attr-defined]
    part1 = results.breakeven["default"]  # type: ignore[attr-defined]
    row = table.iloc[0]
    assert row["policy_label"] == "hourly 90 %"
    mine = part1[part1["policy_label"] == "hourly 90 %"]["breakeven_usd_per_mwh"].iloc[0]
    assert row["representative_breakeven_usd_per_mwh"] == pytest.approx(mine, nan_ok=True)
    searched = pd.read_csv(out / "default" / "validation_breakeven" / "breakeven.csv")
    assert row["full_hourly_breakeven_usd_per_mwh"] == pytest.approx(
        searched["breakeven_usd_per_mwh"].iloc[0], nan_ok=True
    )
    assert row["error_usd_per_mwh"] == pytest.approx(
        row["representative_breakeven_usd_per_mwh"] - row["full_hourly_breakeven_usd_per_mwh"],
        nan_ok=True,
    )
    assert set(results.validation["policy_label"]) == {"hourly 90 %"}  # type: ignore[attr-defined]
    assert "hourly CFE target the annual cost is within" in str(run["markdown"])


def test_a_policy_searched_over_every_hour_is_compared_at_the_searchs_own_solve(
    run: dict[str, object],
) -> None:
    """The tiny study checks 90 % both ways: the every-hour side of the cost comparison is the
    break-even search's first solve (at the offer's price), not a solve of its own; its
    objective is that solve's, and no every-hour solve is made beside the search's."""
    out, results = run["out"], run["results"]
    assert isinstance(out, Path)
    answer = json.loads((out / "validation" / "default_hourly_90.json").read_text())
    assert answer["full_hourly_from"] == "the every-hour break-even search"
    with sqlite3.connect(out / "default" / "validation_breakeven" / "points.sqlite") as db:
        stored = [
            (json.loads(o), json.loads(r))
            for o, r in db.execute("select overrides, record from points")
        ]
    price = parts.offer_price(results.sites[0])  # type: ignore[attr-defined]
    at_offer = [r for o, r in stored if o.get("fusion.helion.energy_price_usd_per_mwh") == price]
    assert len(at_offer) == 1
    rows = results.validation  # type: ignore[attr-defined]
    objective = rows[rows["quantity"] == "objective_usd"]["full_hourly"].iloc[0]
    assert objective == at_offer[0]["objective_usd"]
    assert rows["full_hourly_s"].iloc[0] == pytest.approx(at_offer[0]["wall_s"])
    # the same errors as the point solved over every hour by itself, capacities included
    site = results.sites[0]  # type: ignore[attr-defined]
    full = site.full
    ov = {"policy": {"hourly_cfe_target": 0.9}}
    own = compare_full(str(site.path), dict(full.raw), str(full.base_dir), full.source, ov, None)
    mine = pd.DataFrame(answer["error"]).set_index("quantity").sort_index()
    theirs = pd.DataFrame(own["error"]).set_index("quantity").sort_index()
    assert list(mine.index) == list(theirs.index)
    np.testing.assert_allclose(mine["full_hourly"], theirs["full_hourly"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(mine["representative"], theirs["representative"], rtol=1e-9)
    markdown = str(run["markdown"])
    assert "hourly CFE target is the first solve of the every-hour break-even" in markdown
    assert (
        "plus the accuracy check: 1 solve on the representative days and 0 over every hour "
        "(1 of its points is compared at a solve of its break-even search" in markdown
    )


def _accuracy_text(results: StudyResults, **spec_update: object) -> str:
    """The accuracy section of ``results`` with these fields of its study file changed."""
    study = results.study
    spec = study.spec.model_copy(update=spec_update)
    changed = dataclasses.replace(results, study=dataclasses.replace(study, spec=spec))
    doc = Document("t")
    accuracy(doc, changed)
    return " ".join(b.text for b in doc.blocks)


def test_an_unmeasured_strictest_target_is_said(run: dict[str, object]) -> None:
    """A frontier up to 100 % with the accuracy checked at 90 % only: the section says that
    the strictest target's accuracy is not measured."""
    results = run["results"]
    assert isinstance(results, StudyResults)
    frontier = results.study.spec.frontier
    assert frontier is not None
    wider = frontier.model_copy(
        update={"policies": [*frontier.policies, PolicyCase(hourly_cfe_target=1.0)]}
    )
    text = _accuracy_text(results, frontier=wider)
    assert "strictest target, a 100 % hourly CFE target, is not among these points" in text
    assert "is not among these points" not in _accuracy_text(results)


def test_a_site_left_out_of_the_check_is_named(run: dict[str, object]) -> None:
    """``validation.sites`` without the tiny study's one site: the section names it as not
    checked; with every site checked it names none."""
    results = run["results"]
    assert isinstance(results, StudyResults)
    validation = results.study.spec.validation
    assert validation is not None
    part = validation.model_copy(update={"sites": ["elsewhere"]})
    text = _accuracy_text(results, validation=part)
    assert "default is not checked over every hour by this run (`validation.sites`" in text
    assert "not checked over every hour" not in _accuracy_text(results)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"risk_plan": {**TINY["risk_plan"], "other_sets_prices_usd_per_mwh": [55]}},
            "other_sets_prices_usd_per_mwh [55.0]: not in prices_usd_per_mwh",
        ),
        (
            {
                "validation": {
                    "policies": [{"hourly_cfe_target": 0.9}],
                    "breakeven_policies": [{"hourly_cfe_target": 0.5}],
                }
            },
            "validation.breakeven_policies ['hourly 50 %']: each must be a policy of",
        ),
        (
            {"validation": {**TINY["validation"], "sites": ["atlantis"]}},
            "validation.sites: ['atlantis'] are not sites of the study (have: default)",
        ),
    ],
)
def test_validation_and_plan_prices_outside_their_parts_are_refused(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({**TINY, **change}), encoding="utf-8")
    with pytest.raises(StudyError) as err:
        load_study(path)
    assert message in str(err.value)


def test_study_file_errors_are_all_reported(tmp_path: Path) -> None:
    bad = {
        **TINY,
        "sites": [{"instance": str(ROOT / "instances" / "default.yaml"), "offer": "tokamak"}],
        "delivery_risk": {**TINY["delivery_risk"], "slip_years": [4]},
        "frontier": {
            **TINY["frontier"],
            "policies": [{"hourly_cfe_target": 0.9}, {"hourly_cfe_target": 1.2}],
        },
    }
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(StudyError) as err:
        load_study(path)
    text = str(err.value)
    assert "frontier.policies[1].hourly_cfe_target: must be <= 1" in text
    assert "delivery_risk: slip_years must be in [1, window_years = 3]" in text
    bad["delivery_risk"] = TINY["delivery_risk"]
    bad["frontier"] = TINY["frontier"]
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(StudyError, match=r"sites\[0\]\.offer: no fusion offer named 'tokamak'"):
        load_study(path)


def test_contract_window_by_hand() -> None:
    """On time: 100 $/yr and 10 t/yr; a late year: 80 $ and 30 t; discount rate 10 %, a
    window of 3 years, end-of-year discounting. One year late: PV changes by
    (80 - 100) / 1.1 = -18.18 $ and emissions by 30 - 10 = +20 t; two years late:
    -20 (1/1.1 + 1/1.21) = -34.71 $ and +40 t; a derated plant at 60 $ and 20 t in every year:
    -40 (1/1.1 + 1/1.21 + 1/1.331) = -99.47 $ and +30 t."""
    part = SimpleNamespace(window_years=3, slip_years=[1, 2])
    study = SimpleNamespace(spec=SimpleNamespace(delivery_risk=part))
    finance = SimpleNamespace(discount_rate=0.1)
    spec = SimpleNamespace(finance=finance)
    site = SimpleNamespace(name="s", offer="f", instance=SimpleNamespace(spec=spec))
    record = {"status": "optimal", "horizon_years": 1.0, "demand_mwh": 1.0, "hourly_cfe_score": 0.9}
    on_time = pd.DataFrame(
        [
            {
                **record,
                "price": 50.0,
                "total_cost_usd_per_yr": 100.0,
                "emissions_location_t": 10.0,
                "f_capacity_mw": 5.0,
            }
        ]
    )
    late = pd.DataFrame(
        [
            {
                **record,
                "price_index": 0,
                "strategy": "fixed",
                "event": "late",
                "total_cost_usd_per_yr": 80.0,
                "emissions_location_t": 30.0,
            },
            {
                **record,
                "price_index": 0,
                "strategy": "fixed",
                "event": "availability_50",
                "total_cost_usd_per_yr": 60.0,
                "emissions_location_t": 20.0,
            },
        ]
    )
    long = delivery_long(study, site, on_time, late, "price")  # type: ignore[arg-type]
    long = long.set_index("case")
    assert long.loc["1 yr late", "delta_pv_musd"] * 1e6 == pytest.approx(-20 / 1.1)
    two = -20 * (1 / 1.1 + 1 / 1.21)
    assert long.loc["2 yr late", "delta_pv_musd"] * 1e6 == pytest.approx(two)
    assert long.loc["availability 50 %", "delta_pv_musd"] * 1e6 == pytest.approx(
        -40 * (1 / 1.1 + 1 / 1.21 + 1 / 1.331)
    )
    assert long.loc["1 yr late", "delta_emissions_kt"] * 1e3 == pytest.approx(20.0)
    assert long.loc["2 yr late", "delta_emissions_kt"] * 1e3 == pytest.approx(40.0)
    assert long.loc["availability 50 %", "delta_emissions_kt"] * 1e3 == pytest.approx(30.0)
    assert long.loc["on time", "contract_mw"] == 5.0


def test_halving_the_fossil_share_equals_relaxing_the_target(tmp_path: Path) -> None:
    """The hourly CFE constraint caps the fossil part of imports: sum_h (1 - cfe_h) import_h
    <= (1 - x) demand. With the fossil share halved, a 95 % target allows as many fossil
    imports as 90 % with the original share, so both optima cost the same. Grid: fossil shares
    0.5, 0.8, 0.2, 0.4 (intensity 0.3 t/MWh per unit of fossil share); x 1.5 caps the second
    hour at 1 (intensity 0.3, not 0.36)."""
    fossil = np.array([0.5, 0.8, 0.2, 0.4])
    inst = tiny(
        4,
        load_mw=100.0,
        grid=grid(price=[40.0, 60.0, 50.0, 70.0], ci=list(0.3 * fossil), cfe=list(1 - fossil)),
        fusion=[fusion(energy_price_usd_per_mwh=90.0)],
        policy={"hourly_cfe_target": 0.95},
    )

    def scaled(factor: float) -> dict[str, np.ndarray]:
        ov = sensitivity(inst, Sensitivity(name="g", label="g", grid_fossil=factor), tmp_path)
        frame = pd.read_csv(ov["grid.carbon_free_share"]["csv"])
        return {
            "grid.carbon_free_share": frame["grid_carbon_free_share"].to_numpy(),
            "grid.carbon_intensity_t_per_mwh": frame["grid_carbon_intensity_t_per_mwh"].to_numpy(),
        }

    half = scaled(0.5)
    assert half["grid.carbon_free_share"] == pytest.approx(1 - 0.5 * fossil)
    assert half["grid.carbon_intensity_t_per_mwh"] == pytest.approx(0.15 * fossil)
    more = scaled(1.5)
    assert more["grid.carbon_free_share"] == pytest.approx([0.25, 0.0, 0.7, 0.4])
    assert more["grid.carbon_intensity_t_per_mwh"] == pytest.approx([0.225, 0.3, 0.09, 0.18])
    cleaner = planner.solve(inst.with_overrides(half), baseline=False)
    relaxed = planner.solve(inst.with_overrides({"policy.hourly_cfe_target": 0.9}), baseline=False)
    strict = planner.solve(inst, baseline=False)
    assert cleaner.ok and relaxed.ok and strict.ok
    assert cleaner.objective_usd == pytest.approx(relaxed.objective_usd, rel=1e-6)
    assert cleaner.capacity.loc["helion", "capacity_mw"] > 1.0  # the target binds
    assert strict.objective_usd > relaxed.objective_usd * (1 + 1e-3)


def test_only_medoid_periods_are_written(tmp_path: Path) -> None:
    """The prepared site writes the modelled hours of real (medoid) days; mean periods are
    refused, read from the study's overrides since a resolved spec forgets how it clustered."""
    from planner.study.config import LoadedSite
    from planner.study.sites import REPRESENTATIVE, prepare

    base = planner.load_instance(ROOT / "instances" / "default.yaml")
    site = LoadedSite("default", ROOT / "instances" / "default.yaml", "helion", {}, base, base)
    common = {"time.hours": 72, REPRESENTATIVE: {"count": 2, "period_hours": 24}}
    prepared = prepare(site, common, tmp_path / "medoid")
    assert prepared.instance.hours == 48
    mean = {**common, REPRESENTATIVE: {"count": 2, "period_hours": 24, "values": "mean"}}
    with pytest.raises(ValueError, match="medoid periods only"):
        prepare(site, mean, tmp_path / "mean")


@pytest.mark.parametrize(
    ("stored", "limit_s", "stands"),
    [
        ({"status": "optimal", "error": {}}, 900.0, True),
        ({"status": "time_limit", "full_hourly_s": 901.0}, 900.0, True),
        ({"status": "time_limit", "full_hourly_s": 901.0}, 1800.0, False),  # a larger limit
        ({"status": "time_limit", "full_hourly_s": 901.0}, None, False),  # no limit
        ({"status": "infeasible", "full_hourly_s": 5.0}, 900.0, False),
    ],
)
def test_a_stored_accuracy_point_is_solved_again_only_if_it_could_finish_now(
    stored: dict[str, object], limit_s: float | None, stands: bool
) -> None:
    assert answer_stands(stored, limit_s) is stands


def test_the_run_time_record_keeps_the_longest_time_of_each_part(tmp_path: Path) -> None:
    """A first run solves (100 s), a resumed one skips (1 s): the record keeps 100 s for that
    part, adds a part seen only later, and keeps the longest whole run; a part the latest run
    did not run is dropped, and a record of another study file starts again."""
    path = tmp_path / "runtime.json"
    first = [
        {"part": "frontier", "site": "a", "seconds": 100.0},
        {"part": "sensitivities", "site": "a", "seconds": 50.0},
    ]
    slowest_timings(path, first, 120.0, "study-1")
    again = [
        {"part": "frontier", "site": "a", "seconds": 1.0},
        {"part": "pathway", "site": "all sites", "seconds": 5.0},
    ]
    record = slowest_timings(path, again, 6.0, "study-1")
    seconds = {(r["part"], r["site"]): r["seconds"] for r in record["timings"]}
    assert seconds == {("frontier", "a"): 100.0, ("pathway", "all sites"): 5.0}
    assert record["total_s"] == 120.0
    other = slowest_timings(path, again, 6.0, "study-2")
    assert {r["seconds"] for r in other["timings"]} == {1.0, 5.0}
    assert other["total_s"] == 6.0


def test_own_and_shared_comparison_rows_come_back_by_site_then_strictest_policy() -> None:
    """Rows of the points solved over every hour by themselves (100 %) and of those compared
    at their break-even search (95 %), concatenated in that order, are put back as one call
    gives them: by the study's site order, the strictest policy first."""
    from planner.study.validation import _in_order

    sites = [SimpleNamespace(name="a"), SimpleNamespace(name="b")]
    policies = [PolicyCase(hourly_cfe_target=0.95), PolicyCase(hourly_cfe_target=1.0)]
    rows = pd.DataFrame(
        {
            "site": ["b", "a", "b", "a"],
            "policy_label": ["hourly 100 %", "hourly 100 %", "hourly 95 %", "hourly 95 %"],
        }
    )
    got = _in_order(rows, sites, policies)  # type: ignore[arg-type]
    assert list(zip(got["site"], got["policy_label"], strict=True)) == [
        ("a", "hourly 100 %"),
        ("a", "hourly 95 %"),
        ("b", "hourly 100 %"),
        ("b", "hourly 95 %"),
    ]
