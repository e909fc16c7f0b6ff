"""Issue 15: each numbered finding of the attack run, as a test that failed before the fix.

Items 7-9 (Ctrl-C, killed coordinator, unguarded script) need processes of their own:
tests/test_hardening_processes.py. Items 13, 15 and 16 (what reports say and how they read):
tests/test_report.py, tests/test_report_sweep.py and tests/test_browser.py.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from conftest import ROOT, grid, tiny

import planner
from planner.cli import main
from planner.errors import InstanceError
from planner.inputs.csv_table import MAX_CSV_BYTES
from planner.solver.heartbeat import PROGRESS, show_progress, ticking
from planner.solver.run import snap_to_bounds
from planner.sweep.progress import Progress, RunStats, describe_stats

DEFAULT = str(ROOT / "instances" / "default.yaml")


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def instance_file(folder: Path, **sections: Any) -> Path:
    raw = {
        "name": "t",
        "time": {"start": "2028-01-01 00:00", "hours": 3},
        "demand": {"load_mw": 100},
        "grid": grid(),
        **sections,
    }
    return write(folder / "t.yaml", yaml.safe_dump(raw))


# 1. HiGHS options that touch files -------------------------------------------------------


@pytest.mark.parametrize(
    "option", ["solution_file", "write_model_file", "log_file", "write_solution_to_file"]
)
def test_1_file_options_are_refused_on_every_path(
    tmp_path: Path, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "overwritten.txt"
    value = "true" if option.startswith("write_") and "file" not in option[6:] else str(target)
    path = instance_file(tmp_path)
    assert main(["solve", str(path), "--solver-option", f"{option}={value}"]) == 2
    assert option in capsys.readouterr().err
    with pytest.raises(planner.SolverOptionError, match=option):
        planner.solve(planner.load_instance(path), solver_options={option: str(target)})
    sweep = write(
        tmp_path / "s.yaml",
        yaml.safe_dump(
            {
                "name": "s",
                "base": "t.yaml",
                "solver_options": {option: str(target)},
                "parameters": [{"path": "demand.load_mw", "values": [100]}],
            }
        ),
    )
    with pytest.raises(InstanceError, match=option):
        planner.run_sweep(planner.load_sweep(sweep), out=tmp_path / "out", progress=False)
    assert not target.exists()


# 2. A sweep's base is confined ---------------------------------------------------------------


def test_2_sweep_base_elsewhere_on_disk_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLANNER_DATA_DIRS", raising=False)
    elsewhere = tmp_path / "a" / "b" / "elsewhere"
    elsewhere.mkdir(parents=True)
    instance_file(elsewhere)
    sweeps = tmp_path / "mine" / "sweeps"
    sweeps.mkdir(parents=True)
    spec = {"name": "s", "base": str(elsewhere / "t.yaml"), "parameters": []}
    spec["parameters"] = [{"path": "demand.load_mw", "values": [100]}]
    path = write(sweeps / "s.yaml", yaml.safe_dump(spec))
    with pytest.raises(InstanceError, match="outside the folders"):
        planner.load_sweep(path)
    assert planner.load_sweep(path, allowed_dirs=[elsewhere]).points


# 3. CSV size cap -------------------------------------------------------------------------------


def test_3_a_csv_over_the_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:  # sparse: no disk space, no memory
        f.write(b"load_mw\n")
        f.truncate(MAX_CSV_BYTES + 1)
    path = instance_file(tmp_path)
    raw = yaml.safe_load(path.read_text())
    raw["demand"]["load_mw"] = {"csv": "big.csv", "column": "load_mw"}
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(InstanceError, match="MiB"):
        planner.load_instance(path)


# 4. A column is the column of its header ----------------------------------------------------


def _with_csv(tmp_path: Path, text: str) -> Path:
    write(tmp_path / "p.csv", text)
    path = instance_file(tmp_path)
    raw = yaml.safe_load(path.read_text())
    raw["demand"]["load_mw"] = {"csv": "p.csv", "column": "load_mw"}
    path.write_text(yaml.safe_dump(raw))
    return path


def test_4_trailing_commas_keep_every_value_under_its_header(tmp_path: Path) -> None:
    path = _with_csv(tmp_path, "load_mw,other\n100,1,\n110,2,\n120,3,\n")
    load = planner.load_instance(path).spec.demand.load_mw
    np.testing.assert_array_equal(load, [100, 110, 120])  # pandas read 1, 2, 3


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("load_mw,other\n100,1\n110,2,9\n120,3\n", "line 3"),
        ("load_mw\n100\n\n110\n120\n", "line 3"),
    ],
)
def test_4_extra_values_or_blank_lines_are_refused_with_their_line(
    tmp_path: Path, text: str, line: str
) -> None:
    with pytest.raises(InstanceError, match=line):
        planner.load_instance(_with_csv(tmp_path, text))


# 5. Free capacity: the least among equal-cost optima, with a warning -------------------------


def test_5_free_solar_is_built_to_the_least_capacity_that_does_the_job() -> None:
    """Load 100 MW, capacity factor 0.5, grid at 50 $/MWh: free solar replaces the grid in
    every hour with 200 MW; any more is as cheap and only curtailed. Least: 200 MW."""
    free = {"name": "pv", "capacity_factor": 0.5, "max_capacity_mw": 1e6}
    free |= {"procurement": "build", "capex_usd_per_kw": 0, "lifetime_yr": 20}
    res = planner.solve(tiny(4, grid=grid(), solar=[free]), baseline=False)
    assert res.capacity.loc["pv", "capacity_mw"] == pytest.approx(200, abs=1e-3)
    assert res.objective_usd == pytest.approx(0, abs=1e-6)  # the tie-break is not a cost
    assert any("tie-breaking" in w for w in res.warnings)


def test_5_free_lossless_storage_is_not_built_when_it_earns_nothing() -> None:
    """A flat grid price: storage moves nothing of value, so its least capacity is 0 (interior
    point put 348 GW of it cycling both ways)."""
    free = {"name": "b", "power_capex_usd_per_kw": 0, "energy_capex_usd_per_kwh": 0}
    free |= {"lifetime_yr": 10, "charge_efficiency": 1, "discharge_efficiency": 1}
    res = planner.solve(tiny(4, grid=grid(), storage=[free]), baseline=False)
    assert res.capacity.loc["b", ["capacity_mw", "energy_mwh"]].abs().max() <= 1e-6
    assert any("tie-breaking" in w for w in res.warnings)


# 6. Degenerate demand and unbounded shares ----------------------------------------------------


def test_6_zero_load_and_export_share_above_one_are_refused() -> None:
    with pytest.raises(InstanceError, match="load_mw"):
        tiny(3, load_mw=0.0, grid=grid())
    with pytest.raises(InstanceError, match="export_max_share_of_demand"):
        tiny(3, grid=grid(export_max_share_of_demand=1e6))


# 10. Solver noise is not shown as a value --------------------------------------------------------


def test_10_values_within_tolerance_of_a_bound_read_as_the_bound() -> None:
    inf = np.inf
    x = np.array([1.3e-6, 0.9999999, 50.00001, 3.0 - 1e-9, -2e-7])
    lower = np.array([0.0, 0.0, -inf, -inf, 0.0])
    upper = np.array([inf, 1.0, inf, 3.0, inf])
    np.testing.assert_array_equal(snap_to_bounds(x, lower, upper, 100), [0, 1, 50.00001, 3, 0])


def test_10_a_solved_week_has_no_values_of_solver_noise() -> None:
    """The default instance's first week: before, 1,807 dispatch values lay between 0 and a
    millionth of the peak load (e.g. curtailment 4e-07 MWh)."""
    inst = planner.load_instance(DEFAULT).with_overrides({"time.hours": 168})
    res = planner.solve(inst, baseline=False)
    peak = float(inst.spec.demand.load_mw.max())
    values = np.concatenate(
        [res.dispatch.to_numpy().ravel(), res.capacity.select_dtypes("number").to_numpy().ravel()]
    )
    values = np.abs(values[np.isfinite(values)])
    assert not ((values > 0) & (values < 1e-5 * peak)).any()
    curtailment = res.metrics["curtailment_mwh"]
    assert curtailment == 0 or curtailment > 1e-3


# 11. A damaged results folder is invalid input ---------------------------------------------------


@pytest.fixture(scope="module")
def results_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results") / "r"
    res = planner.solve(tiny(3, grid=grid(), policy={"hourly_cfe_target": 0.0}), baseline=False)
    res.to_dir(out)
    return out


def _damaged(source: Path, tmp_path: Path, name: str, content: bytes | None) -> Path:
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(source, folder)
    if content is None:
        (folder / name).unlink()
    else:
        (folder / name).write_bytes(content)
    return folder


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("summary.json", b"garbage{"),
        ("summary.json", b"[1, 2]"),
        ("capacity.csv", b"x,y\n1,2\n"),
        ("metrics.csv", b"metric,value\ncost,abc\n"),
        ("dispatch.csv", b""),
        ("dispatch.csv", b"\x00\x01\x02\xff"),
        ("capacity.csv", None),
    ],
)
def test_11_report_on_a_damaged_folder_exits_2_naming_the_file(
    results_folder: Path,
    tmp_path: Path,
    name: str,
    content: bytes | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = _damaged(results_folder, tmp_path, name, content)
    assert main(["report", str(folder)]) == 2
    assert name in capsys.readouterr().err
    assert not (folder / "report.html").exists()


def test_11_summary_is_written_last_with_the_hash_of_every_file(results_folder: Path) -> None:
    summary = json.loads((results_folder / "summary.json").read_text())
    files = summary["files"]
    assert {"capacity.csv", "metrics.csv"} <= set(files)
    assert not list(results_folder.glob("*.tmp*"))


def test_11_a_write_that_fails_midway_leaves_no_readable_half_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    res = planner.solve(tiny(3, grid=grid()), baseline=False)
    calls = {"n": 0}
    real = pd.DataFrame.to_csv

    def failing(self: pd.DataFrame, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    with pytest.raises(OSError):
        res.to_dir(tmp_path / "r")
    assert not (tmp_path / "r" / "summary.json").exists()
    monkeypatch.undo()
    assert main(["report", str(tmp_path / "r")]) == 2


# 12. Exit 1 on input -------------------------------------------------------------------------


def test_12_overlong_file_names_are_input_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "a" * 300
    pv = {"name": "pv", "max_capacity_mw": 10, "capex_usd_per_kw": 1000, "lifetime_yr": 30}
    pv["capacity_factor"] = {"pvlib": {"weather": long + ".epw"}}
    with pytest.raises(InstanceError, match="at most 255"):
        tiny(3, grid=grid(), solar=[pv])
    for argv in (
        ["solve", str(tmp_path / f"{long}.yaml")],
        ["report", str(tmp_path / long)],
        ["solve", str(instance_file(tmp_path)), "--out", str(tmp_path / long)],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "internal error" not in err and len(err) < 400, err


def test_12_breakeven_by_without_values_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["breakeven", DEFAULT, "--offer", "helion", "--by", "policy.hourly_cfe_target="]
    assert main(argv) == 2
    assert "at least one value" in capsys.readouterr().err
    with pytest.raises(InstanceError, match="at least one value"):
        planner.breakeven(planner.load_instance(DEFAULT), "helion", by={"time.hours": []})


def test_12_unreachable_scheduler_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["frontier", DEFAULT, "--targets", "0.5", "--scheduler", "tcp://127.0.0.1:1"]
    assert main([*argv, "--no-progress"]) == 2
    assert "no Dask scheduler answered" in capsys.readouterr().err


@pytest.mark.parametrize(("record", "why"), [("[1, 2]", "a list"), ("{}", "status")])
def test_12_damaged_stored_records_are_refused(
    tmp_path: Path, record: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    instance_file(tmp_path)
    spec = {"name": "s", "base": "t.yaml"}
    spec["parameters"] = [{"path": "demand.load_mw", "values": [100, 120]}]
    path = write(tmp_path / "s.yaml", yaml.safe_dump(spec))
    out = tmp_path / "out"
    planner.run_sweep(path, workers=1, out=out, progress=False)
    with sqlite3.connect(out / "points.sqlite") as db:
        db.execute("UPDATE points SET record = ? WHERE rowid = 1", (record,))
    assert main(["sweep", str(path), "--workers", "1", "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "is damaged" in err and why in err and "nan" not in err


def test_12_targets_stop_below_start_is_one_clean_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["frontier", DEFAULT, "--targets", "1:0:0.1"]) == 2
    err = capsys.readouterr().err
    assert "stop (0.0) is below start (1.0)" in err
    assert "pydantic" not in err and "input_value" not in err


def test_12_an_invalid_fixed_override_exits_2_before_any_solve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["frontier", DEFAULT, "--targets", "0.5", "--set", "time.hours=-1"]
    assert main([*argv, "--out", str(tmp_path / "f"), "--no-progress"]) == 2
    assert "time.hours: must be > 0" in capsys.readouterr().err
    assert not (tmp_path / "f" / "points.sqlite").exists()


def test_12_time_limit_zero_is_said_in_seconds() -> None:
    inst = planner.load_instance(DEFAULT).with_overrides({"time.hours": 168})
    res = planner.solve(inst, solver_options={"time_limit": 0}, baseline=False)
    assert res.status == "time_limit"
    assert res.diagnosis is not None and "(0 s)" in res.diagnosis.message


def test_12_long_values_are_quoted_short() -> None:
    with pytest.raises(InstanceError) as err:
        tiny(3, grid=grid(), policy={"hourly_cfe_target": "x" * 100_000})
    assert len(str(err.value)) < 500


# 14. summary.json can reproduce the run ---------------------------------------------------------


def test_14_summary_records_overrides_and_input_hashes(tmp_path: Path) -> None:
    inst = planner.load_instance(DEFAULT).with_overrides({"time.hours": 24})
    planner.solve(inst, baseline=False).to_dir(tmp_path / "r")
    inputs = json.loads((tmp_path / "r" / "summary.json").read_text())["inputs"]
    assert inputs["overrides"] == [["time.hours", 24]]  # in the order applied
    assert len(inputs["inputs_sha256"]) == 64  # sha256 of the resolved instance
    assert "demand.load_mw" in json.dumps(inputs["series"])


# 17. Say what is happening ---------------------------------------------------------------------


def test_17_solve_prints_its_stages_and_quiet_silences_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(instance_file(tmp_path))
    try:
        assert main(["solve", path]) == 0
        err = capsys.readouterr().err
        assert "building the model" in err and "solving with HiGHS" in err and "rows" in err
    finally:
        for handler in list(PROGRESS.handlers):
            PROGRESS.removeHandler(handler)
        PROGRESS.setLevel(logging.NOTSET)
    assert main(["solve", path, "--quiet"]) == 0
    assert "building the model" not in capsys.readouterr().err


def test_17_a_long_solve_says_it_is_still_solving() -> None:
    import io
    import time

    stream = io.StringIO()
    handler = show_progress(stream)
    try:
        with ticking("still solving", every_s=0.05):
            time.sleep(0.3)
    finally:
        PROGRESS.removeHandler(handler)
        PROGRESS.setLevel(logging.NOTSET)
    assert stream.getvalue().count("still solving") >= 3


def test_17_the_install_step_shows_pip_and_the_readme_gives_the_time() -> None:
    makefile = (ROOT / "Makefile").read_text()
    install = makefile.split("$(STAMP): pyproject.toml constraints.txt")[1].split("\n\n")[0]
    assert "pip install" in install and "--quiet" not in install
    readme = (ROOT / "README.md").read_text()
    assert "small and fast" not in readme


# 18. --set on solve; did-you-mean on instance typos ----------------------------------------------


def test_18_solve_takes_set_and_suggests_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(instance_file(tmp_path))
    assert (
        main(["solve", path, "--quiet", "--set", "time.hours=2", "--out", str(tmp_path / "o")]) == 0
    )
    assert (
        json.loads((tmp_path / "o" / "summary.json").read_text())["inputs"]["modelled_hours"] == 2
    )
    assert main(["solve", path, "--set", "policy.hourly_cfe_targt=0.5"]) == 2
    assert "did you mean 'hourly_cfe_target'" in capsys.readouterr().err


# 9 (the part that needs no process): failures read back are counted ------------------------------


def test_9_failures_read_back_from_the_store_are_counted() -> None:
    import io

    stream = io.StringIO()
    progress = Progress("s", total=5, skipped=5, enabled=True, stored_failed=5, stream=stream)
    progress.close()
    assert "5 failed" in stream.getvalue()
    line = describe_stats(RunStats(points=5, unique=5, skipped=5, stored_failed=5))
    assert "5 of them failed" in line and "--retry-failed" in line
