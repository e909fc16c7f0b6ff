"""The study on a shared Dask cluster: the sites, the pathway and the accuracy check run at the
same time, each in a thread of its own (planner/study/pipeline.py), with warm-started solves
(``reuse_model``). Two tiny sites (the default instance and helion_wa_2028, first three days,
two representative days), part 1 and part 4 only.

What must hold: each site's answers are those of a run that solves one part after the other,
in one process, with every solve cold (the break-even to its search's tolerance, the costs to
the solver's); the run-time table says the parts overlapped and adds no column across sites;
the document states how many solves were warm-started and how they were checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from conftest import ROOT

from planner.study.run import run_study

pytest.importorskip("distributed")

CONFIG: dict[str, Any] = {
    "name": "tiny_concurrent",
    "title": "Tiny concurrent study",
    "overrides": {
        "time.hours": 72,
        "time.representative_periods": {"count": 2, "period_hours": 24},
    },
    "sites": [
        {"instance": str(ROOT / "instances" / "default.yaml"), "offer": "helion"},
        {"instance": str(ROOT / "instances" / "helion_wa_2028.yaml"), "offer": "helion"},
    ],
    "breakeven": {
        "policies": [{"annual_matching_fraction": 1.0}, {"hourly_cfe_target": 0.9}],
    },
    "sensitivities": {
        "policy": {"hourly_cfe_target": 0.9},
        "cases": [
            {"name": "solar_low", "label": "solar x 0.7", "solar_cost": 0.7},
            {"name": "large", "label": "datacenter x 2", "demand": 2.0},
        ],
    },
    "assumptions": ["A tiny test."],
}


def _run(folder: Path, **fields: Any) -> tuple[Any, str]:
    config = folder / "study.yaml"
    config.write_text(yaml.safe_dump({**CONFIG, **fields}), encoding="utf-8")
    doc = folder / "docs" / "study.md"
    results = run_study(config, folder / "out", doc, progress=False)
    return results, doc.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    concurrent, text = _run(tmp_path_factory.mktemp("concurrent"), workers=2)
    sequential, _ = _run(tmp_path_factory.mktemp("sequential"), workers=1, reuse_model=False)
    return {"concurrent": concurrent, "markdown": text, "sequential": sequential}


def test_each_site_has_the_answers_of_a_cold_run_one_part_after_the_other(
    runs: dict[str, Any],
) -> None:
    a, b = runs["concurrent"], runs["sequential"]
    assert sorted(a.breakeven) == sorted(b.breakeven) == ["default", "helion_wa_2028"]
    for site in a.breakeven:
        for left, right in ((a.breakeven[site], b.breakeven[site]),):
            assert list(left["policy_label"]) == list(right["policy_label"])
            assert list(left["note"].fillna("")) == list(right["note"].fillna(""))
            both = left["breakeven_usd_per_mwh"].notna()
            assert (both == right["breakeven_usd_per_mwh"].notna()).all()
            diff = (left["breakeven_usd_per_mwh"] - right["breakeven_usd_per_mwh"])[both].abs()
            assert (diff <= 2 * 0.5 + 1e-6).all(), (site, diff)  # two searches' tolerances
        costs = [
            t.set_index(["case", "fusion_allowed"])["objective_usd"].sort_index()
            for t in (a.sensitivity_costs[site], b.sensitivity_costs[site])
        ]
        pd.testing.assert_series_equal(costs[0], costs[1], rtol=1e-6)


def test_the_run_time_table_says_the_parts_overlapped(runs: dict[str, Any]) -> None:
    a = runs["concurrent"]
    assert a.timings and all(row["concurrent"] for row in a.timings)
    assert not any(row["concurrent"] for row in runs["sequential"].timings)
    text = runs["markdown"]
    section = text[text.index("## Run time") :]
    assert "ran at the same time, on the same workers" in section
    header = next(line for line in section.splitlines() if line.startswith("| part"))
    assert header.strip(" |").split(" | ") == ["part", "default", "helion_wa_2028"]


def test_the_warm_starts_are_counted_and_checked(runs: dict[str, Any]) -> None:
    warm = runs["concurrent"].warm
    assert warm["points"] > 0 and 0 < warm["warm"] < warm["points"]
    assert warm["checked"] <= warm["warm"]
    assert runs["sequential"].warm["warm"] == 0
    assert f"{int(warm['warm'])} were warm-started" in runs["markdown"]
