"""The command line, run in-process through ``planner.cli.main`` (plus one subprocess run).

Exit codes: 0 solved (or valid), 2 invalid input, 3 infeasible or failed solve. Errors are
one message on stderr, never a traceback. Instances are tiny (6 hours) so solves are instant.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import planner
from planner.cli import main

ROOT = Path(__file__).resolve().parents[1]

GRID = "grid: {price_usd_per_mwh: 40, carbon_intensity_t_per_mwh: 0.4, carbon_free_share: 0.3}\n"
HEAD = "time: {start: 2028-01-01 00:00, hours: 6}\ndemand: {load_mw: 10}\n"

FEASIBLE = (
    "name: tiny\n"
    + HEAD
    + "fusion:\n  - {name: helion, max_capacity_mw: 5, energy_price_usd_per_mwh: 30}\n"
    + GRID
)
INFEASIBLE = "name: no_clean\n" + HEAD + GRID + "policy: {annual_matching_fraction: 1.0}\n"
INVALID = (
    "name: broken\n"
    + HEAD
    + "storage:\n  - {name: li_ion, power_capex_usd_per_kw: 466, energy_capex_usd_per_kwh: 274,\n"
    "     lifetime_yr: 15, charge_efficiency: 1.3, discharge_efficiency: 0.95}\n" + GRID
)

OUTPUT_FILES = (
    "capacity.csv",
    "costs.csv",
    "metrics.csv",
    "dispatch.csv",
    "dispatch.parquet",
    "summary.json",
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def feasible(tmp_path: Path) -> str:
    return write(tmp_path, "tiny.yaml", FEASIBLE)


@pytest.fixture
def infeasible(tmp_path: Path) -> str:
    return write(tmp_path, "no_clean.yaml", INFEASIBLE)


@pytest.fixture
def invalid(tmp_path: Path) -> str:
    return write(tmp_path, "broken.yaml", INVALID)


def assert_one_clean_error(err: str) -> None:
    assert "Traceback" not in err
    assert err.startswith("error: "), err
    assert err.count("error: ") == 1, err


# -- validate ---------------------------------------------------------------------------------
def test_validate_valid_instance(feasible: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", feasible]) == 0
    out, err = capsys.readouterr()
    assert f"{feasible}: valid (6 hours" in out
    assert err == ""


def test_validate_default_instance(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "instances" / "default.yaml")]) == 0
    assert "valid (8760 hours" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["validate", "solve"])
def test_invalid_instance_exits_2(
    command: str, invalid: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, invalid]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_clean_error(err)
    assert f"{invalid}: storage[li_ion].charge_efficiency: " in err


@pytest.mark.parametrize("command", ["validate", "solve"])
def test_missing_instance_file_exits_2(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "absent.yaml")
    assert main([command, path]) == 2
    _, err = capsys.readouterr()
    assert_one_clean_error(err)
    assert f"{path}: file not found" in err


def test_invalid_yaml_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "bad.yaml", "name: [unclosed\n")
    assert main(["validate", path]) == 2
    _, err = capsys.readouterr()
    assert_one_clean_error(err)
    assert f"{path}: not valid YAML" in err


def test_several_problems_listed_in_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "two.yaml", INVALID + "colour: blue\n")
    assert main(["validate", path]) == 2
    _, err = capsys.readouterr()
    assert_one_clean_error(err)
    assert "2 problems in the instance" in err
    assert f"{path}: colour: unknown field" in err
    assert f"{path}: storage[li_ion].charge_efficiency: " in err


# -- solve ------------------------------------------------------------------------------------
def test_solve_writes_summary_and_tables(
    feasible: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    assert main(["solve", feasible, "--out", str(out_dir)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert "status optimal" in out
    assert "Capacity" in out
    assert "helion" in out
    for name in OUTPUT_FILES:
        assert (out_dir / name).is_file(), name
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["instance"] == "tiny"
    capacity = pd.read_csv(out_dir / "capacity.csv", index_col="resource")
    assert set(capacity.index) == {"helion", "grid"}
    assert capacity.loc["helion", "capacity_mw"] == pytest.approx(5.0, rel=1e-6)
    dispatch = pd.read_parquet(out_dir / "dispatch.parquet")
    assert len(dispatch) == 6
    assert len(pd.read_csv(out_dir / "dispatch.csv")) == 6
    costs = pd.read_csv(out_dir / "costs.csv")
    assert costs["cost_usd"].sum() == pytest.approx(summary["objective_usd"], rel=1e-6)


def test_solve_without_out_writes_nothing(
    feasible: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["solve", feasible, "--no-baseline"]) == 0
    assert "Capacity" in capsys.readouterr().out
    assert list(work.iterdir()) == []


def test_instance_without_clean_resource_is_infeasible(infeasible: str) -> None:
    """Precondition of the next test: a hard 100 % annual match with only a grid."""
    res = planner.solve(planner.load_instance(infeasible), baseline=False)
    assert res.status == "infeasible"


def test_solve_infeasible_exits_3(
    infeasible: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    assert main(["solve", infeasible, "--out", str(out_dir)]) == 3
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert "status infeasible" in out
    assert (
        f"error: {infeasible}: annual matching target 100% is infeasible: at most 0.0% is reachable"
        in err
    )
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["status"] == "infeasible"
    assert not (out_dir / "capacity.csv").exists()


def test_malformed_solver_option_exits_2(feasible: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", feasible, "--solver-option", "simplex"]) == 2
    _, err = capsys.readouterr()
    assert_one_clean_error(err)
    assert "--solver-option 'simplex': expected KEY=VALUE" in err


def test_valid_solver_option_is_used(feasible: str, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code = main(
        [
            "solve",
            feasible,
            "--no-baseline",
            "--solver-option",
            "solver=simplex",
            "--out",
            str(out_dir),
        ]
    )
    assert code == 0
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["solver_options"]["solver"] == "simplex"


def test_unknown_solver_option_exits_2(feasible: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", feasible, "--no-baseline", "--solver-option", "solvr=simplex"]) == 2
    _, err = capsys.readouterr()
    assert_one_clean_error(err)


def test_negative_time_limit_exits_2(feasible: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", feasible, "--time-limit", "-1"]) == 2
    _, err = capsys.readouterr()
    assert_one_clean_error(err)


def test_out_is_an_existing_file_gives_clean_error(
    feasible: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "taken"
    target.write_text("", encoding="utf-8")
    code = main(["solve", feasible, "--no-baseline", "--out", str(target)])
    _, err = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in err
    assert str(target) in err


def test_summary_json_reports_extract_time(feasible: str, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    assert main(["solve", feasible, "--no-baseline", "--out", str(out_dir)]) == 0
    summary = json.loads((out_dir / "summary.json").read_text())
    assert "extract_s" in summary["timings_s"]


# -- module entry point -----------------------------------------------------------------------
def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_python_m_planner_validate(feasible: str, invalid: str, tmp_path: Path) -> None:
    ok = run_module("validate", feasible, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "valid (6 hours" in ok.stdout
    bad = run_module("validate", invalid, cwd=tmp_path)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert f"{invalid}: storage[li_ion].charge_efficiency: " in bad.stderr


# -- hardening ----------------------------------------------------------------------------------
def test_internal_error_is_one_line_not_a_traceback(
    feasible: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug (not bad input) exits 1 with one line; PLANNER_DEBUG=1 lets the exception through."""

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("planner.cli.load_instance", broken)
    assert main(["validate", feasible]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_clean_error(err)
    assert err.startswith("error: internal error (KeyError: 'boom'); this is a bug in planner")
    monkeypatch.setenv("PLANNER_DEBUG", "1")
    with pytest.raises(KeyError):
        main(["validate", feasible])


@pytest.mark.parametrize("command", [["frontier"], ["breakeven", "--offer", "helion"]])
def test_analyses_refuse_csv_outside_and_take_allow_dir(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "load.csv").write_text("load_mw\n" + "10\n" * 6, encoding="utf-8")
    folder = tmp_path / "inst"
    folder.mkdir()
    path = write(
        folder,
        "tiny.yaml",
        FEASIBLE.replace("load_mw: 10", "load_mw: {csv: ../data/load.csv, column: load_mw}"),
    )
    out_dir = tmp_path / "out"
    assert main([command[0], path, *command[1:], "--out", str(out_dir), "--no-progress"]) == 2
    _, err = capsys.readouterr()
    assert_one_clean_error(err)
    assert f"{path}: demand.load_mw: CSV file '../data/load.csv' is outside the folders" in err
    assert not out_dir.exists()
    args = [
        command[0],
        path,
        *command[1:],
        "--out",
        str(out_dir),
        "--no-progress",
        "--allow-dir",
        str(data),
    ]
    if command[0] == "frontier":
        args += ["--targets", "0.5"]
    else:
        args += ["--high", "40", "--tol", "10"]
    assert main([*args, "--workers", "1"]) == 0
    capsys.readouterr()
