"""Running sweeps: 1 vs 2 workers vs a Dask LocalCluster, resume after SIGKILL and Ctrl-C,
failed points recorded without stopping the others.

The reference sweep is 8 points of the default instance over its first week (168 hours):
fusion price x CFE target. Its one-worker table, solved once per module, is what every other
way of running the same sweep must reproduce, bit for bit: HiGHS's interior point is serial,
so the thread count that follows from the number of workers cannot change the answer
(tests/test_determinism.py; docs/sweeps.md, "Faults and determinism"). Faults (disk full,
worker crashes, corrupted stores, interrupts during a write) are in tests/test_sweep_faults.py.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from conftest import ROOT

import planner
from planner.cli import main
from planner.sweep.runner import timing_columns
from planner.sweep.store import STORE_FILE

SPEC = {
    "name": "parity",
    "base": str(ROOT / "instances" / "default.yaml"),
    "overrides": {"time.hours": 168},
    "baseline": False,
    "parameters": [
        {"path": "fusion.helion.energy_price_usd_per_mwh", "values": [40, 150, 250, 350]},
        {"path": "policy.hourly_cfe_target", "values": [0.6, 0.9]},
    ],
}


def write_spec(folder: Path, spec: dict[str, Any], name: str = "sweep.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def comparable(table: pd.DataFrame) -> pd.DataFrame:
    """The table without what legitimately differs between runs: seconds."""
    return table.drop(columns=timing_columns(table)).reset_index(drop=True)


def assert_same_table(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Every status, objective, metric, capacity and price identical to the last bit."""
    pd.testing.assert_frame_equal(comparable(a), comparable(b), check_exact=True)


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(tmp_path_factory.mktemp("spec"), SPEC)


@pytest.fixture(scope="module")
def reference(spec_file: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The uninterrupted one-worker run."""
    return planner.run_sweep(
        spec_file, workers=1, out=tmp_path_factory.mktemp("ref"), progress=False
    )


def stored(folder: Path) -> dict[str, str]:
    """key -> finished_at of the points stored in ``folder`` (read-only)."""
    path = folder / STORE_FILE
    if not path.exists():
        return {}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return dict(db.execute("SELECT key, finished_at FROM points").fetchall())
        finally:
            db.close()
    except sqlite3.OperationalError:  # the table is not created yet
        return {}


def test_reference_table_is_tidy(reference: pd.DataFrame) -> None:
    assert len(reference) == 8
    assert list(reference.columns[:5]) == [
        "point",
        "base",
        "fusion.helion.energy_price_usd_per_mwh",
        "policy.hourly_cfe_target",
        "status",
    ]
    assert (reference["status"] == "optimal").all()
    for column in (
        "objective_usd",
        "cost_usd_per_mwh_load",
        "hourly_cfe_score",
        "helion_capacity_mw",
        "li_ion_energy_mwh",
        "shadow_hourly_cfe_usd_per_mwh",
        "highs_s",
        "wall_s",
        "key",
    ):
        assert column in reference, column
    assert (reference["hourly_cfe_score"] >= reference["policy.hourly_cfe_target"] - 1e-6).all()
    # a higher fusion price never buys more fusion
    for _, group in reference.groupby("policy.hourly_cfe_target"):
        assert group["helion_capacity_mw"].diff().dropna().max() <= 1e-3
    out = Path(reference.attrs["out"])
    assert {"results.parquet", "results.csv", "manifest.csv", STORE_FILE} <= {
        p.name for p in out.iterdir()
    }
    manifest = pd.read_csv(out / "manifest.csv")
    assert list(manifest["point"]) == list(range(8))
    assert manifest["instance_hash"].nunique() == 8
    assert manifest["package_version"].str.startswith(planner.__version__).all()
    assert manifest["solver_options"].str.contains('"solver": "ipm"').all()
    assert_same_table(pd.read_parquet(out / "results.parquet"), reference)


def test_two_workers_give_the_same_table(
    spec_file: Path, reference: pd.DataFrame, tmp_path: Path
) -> None:
    table = planner.run_sweep(spec_file, workers=2, out=tmp_path, progress=False)
    assert table.attrs["stats"].solved == 8
    assert_same_table(table, reference)
    # threads x workers <= cores: with 2 workers each HiGHS gets cores // 2 threads
    manifest = pd.read_csv(tmp_path / "manifest.csv")
    cores = planner.sweep.runner.available_cores()
    assert manifest["solver_options"].str.contains(f'"threads": {max(1, cores // 2)}').all()


def test_rerun_skips_every_stored_point_whatever_the_workers(
    reference: pd.DataFrame, spec_file: Path
) -> None:
    out = Path(reference.attrs["out"])
    again = planner.run_sweep(spec_file, workers=2, out=out, progress=False)
    stats = again.attrs["stats"]
    assert (stats.skipped, stats.solved) == (8, 0)
    pd.testing.assert_frame_equal(again, reference)


def test_dask_local_cluster_gives_the_same_table(
    spec_file: Path, reference: pd.DataFrame, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        table = planner.run_sweep(
            spec_file, out=tmp_path, scheduler=cluster.scheduler_address, progress=False
        )
    assert table.attrs["stats"].solved == 8
    assert_same_table(table, reference)
    workers = pd.read_csv(tmp_path / "manifest.csv")["worker"]
    assert workers.notna().all()


def _start(spec_file: Path, out: Path, workers: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "planner",
            "sweep",
            str(spec_file),
            "--workers",
            str(workers),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so its workers can be cleaned up
    )


def _wait_for(
    out: Path, count: int, proc: subprocess.Popen[str], limit_s: float = 120
) -> dict[str, str]:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        done = stored(out)
        if len(done) >= count:
            return done
        if proc.poll() is not None:
            pytest.fail(f"sweep ended early: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.02)
    pytest.fail("no point stored in time")


def _cleanup(proc: subprocess.Popen[str]) -> None:
    """Kill what is left of the process group we started (orphaned workers, if any)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(timeout=30)


def test_sigkill_midway_then_rerun_loses_and_repeats_nothing(
    spec_file: Path, reference: pd.DataFrame, tmp_path: Path
) -> None:
    proc = _start(spec_file, tmp_path, workers=2)  # a pool: its workers die with it or after
    try:
        _wait_for(tmp_path, 2, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        _cleanup(proc)
    assert proc.returncode == -signal.SIGKILL
    before = stored(tmp_path)
    assert 2 <= len(before) < 8, "the sweep must be killed mid-way"

    table = planner.run_sweep(spec_file, workers=1, out=tmp_path, progress=False)
    stats = table.attrs["stats"]
    assert (stats.skipped, stats.solved) == (len(before), 8 - len(before))
    after = stored(tmp_path)
    assert len(after) == 8
    assert {k: after[k] for k in before} == before  # finished points kept as they were
    assert_same_table(table, reference)


@pytest.mark.parametrize("workers", [1, 2])  # in-process (the signal may reach HiGHS), a pool
def test_ctrl_c_stops_cleanly_and_the_sweep_resumes(
    spec_file: Path, reference: pd.DataFrame, tmp_path: Path, workers: int
) -> None:
    proc = _start(spec_file, tmp_path, workers=workers)
    try:
        _wait_for(tmp_path, 1, proc)
        os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        _cleanup(proc)
    if proc.returncode == 0:
        # the pool finished the last points before the signal was handled (seen on a loaded
        # 2-core machine): then the run must be complete and nothing lost
        assert len(stored(tmp_path)) == 8, err
        return
    assert proc.returncode == 130, err
    assert "interrupted:" in err and "run the same command again to resume" in err
    assert "Traceback" not in err
    before = stored(tmp_path)
    assert 1 <= len(before) <= 8
    runs = sqlite3.connect(tmp_path / STORE_FILE).execute("SELECT outcome FROM runs").fetchall()
    assert runs == [("interrupted",)] or len(before) == 8
    table = planner.run_sweep(spec_file, workers=1, out=tmp_path, progress=False)
    assert table.attrs["stats"].skipped == len(before)
    assert_same_table(table, reference)


TINY = """\
name: tiny
time: {start: 2028-01-01 00:00, hours: 6}
demand: {load_mw: 10}
fusion:
  - {name: helion, max_capacity_mw: 5, energy_price_usd_per_mwh: 30}
storage:
  - {name: li_ion, power_capex_usd_per_kw: 466, energy_capex_usd_per_kwh: 274, lifetime_yr: 15,
     charge_efficiency: 0.95, discharge_efficiency: 0.95, min_duration_h: 1, max_duration_h: 8}
grid: {price_usd_per_mwh: 40, carbon_intensity_t_per_mwh: 0.4, carbon_free_share: 0.3}
"""


def test_failed_points_are_recorded_and_the_others_solved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY)
    spec = {
        "name": "failures",
        "base": "tiny.yaml",
        "combine": "zip",
        "parameters": [
            # point 1: no clean source but 100 % annual matching -> infeasible
            {"path": "fusion.helion.max_capacity_mw", "values": [5, 0, 5, 5]},
            {"path": "policy.annual_matching_fraction", "values": [0.2, 1.0, 0.2, 0.3]},
            # point 2: each duration is valid alone, together min > max -> invalid
            {"path": "storage.li_ion.min_duration_h", "values": [1, 1, 6, 1]},
            {"path": "storage.li_ion.max_duration_h", "values": [8, 8, 4, 8]},
        ],
    }
    path = write_spec(tmp_path, spec)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--workers", "1", "--out", str(out), "--no-progress"]) == 3
    captured = capsys.readouterr()
    assert "error: point 1: infeasible" in captured.err
    assert "error: point 2: invalid" in captured.err
    table = pd.read_parquet(out / "results.parquet")
    assert list(table["status"]) == ["optimal", "infeasible", "invalid", "optimal"]
    # the error carries the solver's diagnosis (which target fails, by how much)
    tiny = planner.Instance.from_dict(yaml.safe_load(TINY), source=str(tmp_path / "tiny.yaml"))
    infeasible = tiny.with_overrides(
        {"fusion.helion.max_capacity_mw": 0, "policy.annual_matching_fraction": 1.0}
    )
    diagnosis = planner.solve(infeasible, baseline=True).diagnosis.message
    assert table.loc[1, "error"] == f"solve ended with status infeasible: {diagnosis}"
    assert "max_duration_h (4.0) is below min_duration_h (6.0)" in table.loc[2, "error"]
    assert table.loc[[0, 3], "objective_usd"].notna().all()
    assert table.loc[[1, 2], "objective_usd"].isna().all()

    # Recorded failures count as finished: a re-run skips them, --retry-failed solves them again.
    again = planner.run_sweep(path, out=out, progress=False)
    assert (again.attrs["stats"].skipped, again.attrs["stats"].solved) == (4, 0)
    retried = planner.run_sweep(path, out=out, workers=1, retry_failed=True, progress=False)
    assert (retried.attrs["stats"].skipped, retried.attrs["stats"].solved) == (2, 2)
    assert list(retried["status"]) == ["optimal", "infeasible", "invalid", "optimal"]
