"""A solve's warnings survive a sweep: stored with the point's record (``warnings``, a JSON
list), shown in the sweep table, said in the sweep's opening paragraph and the CLI's output, and
summed over a study's stores (planner/results/warned.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT

import planner
from planner.cli import main
from planner.report.labels import labelled
from planner.results.warned import field_of, kind_of, warned, warned_sentence, warnings_of
from planner.solver.numerics import NumericsWarning
from planner.study.results import stored_warnings
from planner.study.sections.conclusions import warnings_text
from planner.sweep.worker import flatten

SPAN = (
    "cost coefficients span 3 to 1e+12 (ratio 3.3e+11 > 1e+09) even after scaling: HiGHS may "
    "return inaccurate results"
)


def test_the_field_round_trips_and_tolerates_what_older_stores_hold() -> None:
    assert warnings_of(field_of(["a", "b"])) == ["a", "b"]
    assert warnings_of(field_of([])) == []
    for missing in (None, float("nan"), "", "  "):
        assert warnings_of(missing) == []
    assert warnings_of("not json") == ["not json"]  # kept whole, never dropped
    assert warnings_of('"a text"') == ['"a text"']
    assert warnings_of(["x"]) == ["x"]


def test_a_kind_is_the_text_without_its_numbers() -> None:
    other = SPAN.replace("1e+12", "4.5e+10").replace("3.3e+11", "1.5e+10")
    assert kind_of(SPAN) == kind_of(other)
    assert kind_of(SPAN) == (
        "cost coefficients span # to # (ratio # > #) even after scaling: HiGHS may return "
        "inaccurate results"
    )
    assert kind_of("a peak charge of 1,000.5 $/MW") == "a peak charge of # $/MW"


def test_the_sentence_names_each_kind_its_points_and_the_optimal_ones() -> None:
    """Points 1 and 3 raise the span warning at two values (one kind), point 3 also another,
    point 2 none; point 3 did not end optimal."""
    table = pd.DataFrame(
        {
            "point": [1, 2, 3],
            "status": ["optimal", "optimal", "time_limit"],
            "warnings": [
                field_of([SPAN]),
                field_of([]),
                field_of([SPAN.replace("1e+12", "2e+12"), "free solar sized by a tie-break"]),
            ],
        }
    )
    kinds = warned(table)
    assert list(kinds.values()) == [[0, 2], [2]]
    text = warned_sentence(table)
    assert text.startswith("2 points raised warnings (the `warnings` column): 'cost coefficients")
    assert "(points 1, 3)" in text and "'free solar sized by a tie-break' (point 3)" in text
    assert "1 of 2 ended optimal" in text
    assert warned_sentence(table.iloc[[1]]) == ""
    assert warned_sentence(table.drop(columns="warnings")) == ""
    # records without point ids (a break-even folder's store): counts instead
    assert "(2 solves)" in warned_sentence(table.drop(columns="point"))
    # the report shows the texts, not the JSON
    assert labelled(table, text=True)["warnings"].iloc[0] == SPAN


def test_flatten_keeps_the_results_warnings() -> None:
    inst = planner.load_instance(ROOT / "instances" / "default.yaml").with_overrides(
        {"time.hours": 24, "demand.value_of_lost_load_usd_per_mwh": 1e12}
    )
    with pytest.warns(NumericsWarning):
        res = planner.solve(inst, baseline=False)
    record = flatten(res)
    assert res.warnings and json.loads(record["warnings"]) == res.warnings
    assert any("even after scaling" in w for w in warnings_of(record["warnings"]))


def test_a_sweep_says_which_points_warned(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Two points of the default instance's first day: at a value of lost load of 1e12 $/MWh
    the costs span more than 1e9 after scaling; at 1e4 they do not. Both warn that no
    coincident-peak hour lies in the day. The table, the opening paragraph (printed by the CLI)
    and a study's summary of the stores all say so."""
    spec = {
        "name": "warned",
        "base": str(ROOT / "instances" / "default.yaml"),
        "overrides": {"time.hours": 24},
        "baseline": False,
        "parameters": [{"path": "demand.value_of_lost_load_usd_per_mwh", "values": [1e4, 1e12]}],
    }
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.warns(NumericsWarning):  # solved in this process
        code = main(["sweep", str(path), "--workers", "1", "--out", str(out), "--no-progress"])
    assert code == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert (
        "2 points raised warnings (the `warnings` column): 'grid.coincident_peak_hours" in printed
    )
    assert "'cost coefficients span # to # (ratio # > #) even after scaling" in printed
    assert "(point 1)" in printed and "2 of 2 ended optimal" in printed
    table = pd.read_parquet(out / "results.parquet")
    spans = [any("even after scaling" in w for w in warnings_of(v)) for v in table["warnings"]]
    assert spans == [False, True]

    summary = stored_warnings(tmp_path)
    assert summary["points"] == 2 and summary["warned"] == 2 and summary["unrecorded"] == 0
    (span,) = [k for k in summary["kinds"] if k["kind"].startswith("cost coefficients span")]
    assert span["solves"] == 1 and span["optimal"] == 1 and span["parts"] == ["out"]
    assert span["prices_usd_per_mwh"] == []  # the points set no fusion price
    text = warnings_text(summary)
    assert text.startswith("2 of the 2 stored solves raised warnings")
    assert "One solve warned: 'cost coefficients span 3 to 1e+12" in text
    assert "(all optimal; in `out`)" in text


def test_the_study_says_when_no_solve_warned_and_what_it_cannot_know() -> None:
    assert warnings_text({}) == ""
    text = warnings_text({"points": 5, "unrecorded": 2, "warned": 0, "kinds": []})
    assert text.startswith("None of the 5 stored solves raised a warning")
    assert "2 of them were stored by an earlier version" in text
    kinds = [
        {
            "kind": "k",
            "example": "a warning",
            "solves": 3,
            "optimal": 2,
            "parts": ["site/part"],
            "prices_usd_per_mwh": [80.0, 10_000.0],
        }
    ]
    text = warnings_text({"points": 5, "unrecorded": 0, "warned": 3, "kinds": kinds})
    assert (
        "3 solves warned, one of them: 'a warning' (2 optimal, 1 not (their numbers are not "
        in text
    )
    assert "used); in " in text
    assert "`site/part`, at fusion prices of 80.0, 10,000.0 $/MWh)" in text


def _fake_store(folder: Path, rows: list[tuple[str, dict[str, object]]]) -> None:
    """A table ``points`` with the columns the study's summaries read."""
    import sqlite3

    folder.mkdir(parents=True)
    with sqlite3.connect(folder / "points.sqlite") as db:
        db.execute("CREATE TABLE points (status TEXT, overrides TEXT, record TEXT)")
        for status, record in rows:
            db.execute("INSERT INTO points VALUES (?, '{}', ?)", (status, json.dumps(record)))


def test_the_study_counts_unserved_load_by_site_and_says_why(tmp_path: Path) -> None:
    """Site a: one solve leaves 50 of 1,000 MWh unserved (5 %) and warned of the peak charge,
    one 2e-7 of the load (noise, not counted), one failed; site b: none left unserved."""
    from planner.model.tariff import PEAK_ABOVE_VOLL
    from planner.study.results import stored_unserved
    from planner.study.sections.conclusions import unserved_text

    peak = field_of([f"{PEAK_ABOVE_VOLL} 24,020 $ per MWh, more than ..."])
    _fake_store(
        tmp_path / "a" / "breakeven",
        [
            ("optimal", {"unserved_mwh": 50.0, "demand_mwh": 1000.0, "warnings": peak}),
            ("optimal", {"unserved_mwh": 2e-4, "demand_mwh": 1000.0, "warnings": "[]"}),
            ("infeasible", {"objective_usd": None}),
        ],
    )
    _fake_store(
        tmp_path / "b" / "frontier", [("optimal", {"unserved_mwh": 0.0, "demand_mwh": 9.0})]
    )
    summary = stored_unserved(tmp_path, ["a", "b"])
    assert summary["a"] == {
        "solves": 2,
        "unserved": 1,
        "max_share": 0.05,
        "max_mwh": 50.0,
        "at_peaks": 1,
        "unknown": 0,
    }
    assert summary["b"]["solves"] == 1 and summary["b"]["unserved"] == 0
    text = unserved_text(summary, {"a": 10_000.0, "b": 5_000.0})
    assert text.startswith("**Unserved load.** Load may be left unserved at the site's value")
    assert (
        "at a (value of lost load 10,000 $/MWh) 1 of 2 solves, up to 5.000 % of the load (that "
        "solve: 50 MWh), all of" in text
    )
    assert text.endswith(
        "; at b none. Its cost is in every figure above; a campus that cannot curtail needs a "
        "higher value of lost load."
    )
    none = {"a": {"solves": 3, "unserved": 0, "max_share": 0.0, "max_mwh": 0.0, "at_peaks": 0}}
    assert unserved_text(none, {}).startswith("No stored solve leaves load unserved")
    assert unserved_text({"a": {**none["a"], "solves": 0}}, {}) == ""


def test_many_stores_and_prices_are_summed_up_not_listed() -> None:
    """Five stores at two sites and seven prices: counted, with the sites and the range."""
    kinds = [
        {
            "kind": "k",
            "example": "w",
            "solves": 7,
            "optimal": 7,
            "parts": ["s1/a", "s1/b", "s2/a", "s2/b", "s2/c"],
            "prices_usd_per_mwh": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 10_000.0],
        }
    ]
    text = warnings_text({"points": 9, "unrecorded": 0, "warned": 7, "kinds": kinds})
    assert "7 solves warned, one of them: 'w' (all optimal; in 5 stores of s1 and s2, at 7 " in text
    assert "fusion prices from " in text
    assert "10.0 to 10,000.0 $/MWh)." in text


def test_unserved_load_stored_before_warnings_were_kept_is_unknown_not_unwarned(
    tmp_path: Path,
) -> None:
    """Two solves leave load unserved: one stored without the ``warnings`` field, one with
    none. The text must not say the first raised no peak warning; the largest share (10 %,
    of a 100 MWh load) is given with that solve's energy, not the largest energy elsewhere."""
    from planner.study.results import stored_unserved
    from planner.study.sections.conclusions import unserved_text

    _fake_store(
        tmp_path / "a" / "p",
        [
            ("optimal", {"unserved_mwh": 10.0, "demand_mwh": 100.0}),
            ("optimal", {"unserved_mwh": 20.0, "demand_mwh": 1000.0, "warnings": "[]"}),
        ],
    )
    summary = stored_unserved(tmp_path, ["a"])
    assert summary["a"]["max_share"] == pytest.approx(0.1) and summary["a"]["max_mwh"] == 10.0
    assert summary["a"]["unknown"] == 1 and summary["a"]["at_peaks"] == 0
    text = unserved_text(summary, {})
    assert "up to 10.000 % of the load (that solve: 10 MWh)" in text
    assert "none of the 1 with their warnings kept warned of the coincident peaks (1 stored" in text


def test_warned_rows_go_by_position_and_without_status_no_optimal_claim() -> None:
    """Duplicate index labels (a concatenation) must not double rows; a frame without a
    status makes no claim about how many ended optimal; pd.NA and JSON null are no warning."""
    table = pd.DataFrame(
        {"status": ["optimal", "infeasible"], "warnings": [field_of(["w"]), field_of(["w"])]},
        index=[0, 0],
    )
    assert warned(table) == {"w": [0, 1]}
    assert "1 of 2 ended optimal" in warned_sentence(table)
    assert "(2 solves)" in warned_sentence(table)
    assert "ended optimal" not in warned_sentence(table.drop(columns="status"))
    assert warnings_of(pd.NA) == [] and warnings_of("null") == []


def test_frontier_and_breakeven_print_the_warnings_of_their_own_solves(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """The default instance's first day warns that no coincident-peak hour lies in it: the
    frontier (two targets) and the break-even search print it for their solves, and a second
    frontier into the same folder at another target counts only its own solve."""
    base = str(ROOT / "instances" / "default.yaml")
    out = tmp_path / "front"
    args = ["frontier", base, "--set", "time.hours=24", "--out", str(out), "--no-progress"]
    assert main([*args, "--targets", "0.5,0.8", "--workers", "1"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "2 solves raised warnings (the `warnings` column of frontier.csv)" in printed
    assert "'grid.coincident_peak_hours: none lies in the modelled horizon" in printed
    assert "warnings" in pd.read_csv(out / "frontier.csv").columns
    assert main([*args, "--targets", "0.6", "--workers", "1"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "1 solve raised warnings" in printed  # not the two stored before

    be = ["breakeven", base, "--offer", "helion", "--set", "time.hours=24"]
    be += ["--out", str(tmp_path / "be"), "--no-progress", "--workers", "1"]
    code = main(be)
    printed = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "solves raised warnings (the `warnings` of the records in points.sqlite)" in printed
