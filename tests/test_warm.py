"""Sweeps re-use one model (issue 19, item 2): warm-started simplex gives the cold answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pytest
import yaml
from conftest import fusion, grid, tiny

import planner
from planner.solver import warm
from planner.solver.highs import new_highs, set_time_limit
from planner.solver.settings import SolveSettings
from planner.solver.warm import CHECK_EVERY, forget


def _instance(**overrides: Any) -> planner.Instance:
    solar = {"name": "pv", "capacity_factor": [0.0, 0.6, 1.0, 0.3], "max_capacity_mw": 400}
    solar |= {"capex_usd_per_kw": 900, "lifetime_yr": 25}
    store = {"name": "b", "power_capex_usd_per_kw": 300, "energy_capex_usd_per_kwh": 200}
    store |= {"lifetime_yr": 15, "charge_efficiency": 0.95, "discharge_efficiency": 0.95}
    inst = tiny(
        4,
        grid=grid(price=[40.0, 60.0, 30.0, 90.0], cfe=0.3),
        fusion=[fusion(energy_price_usd_per_mwh=90, max_capacity_mw=80)],
        solar=[solar],
        storage=[store],
        policy={"hourly_cfe_target": 0.8},
    )
    return inst.with_overrides(overrides)


@pytest.mark.parametrize(
    "path, values",
    [
        ("fusion.helion.energy_price_usd_per_mwh", [60, 80, 100, 120, 140, 160, 180]),  # costs
        ("policy.hourly_cfe_target", [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0]),  # a row bound
        ("fusion.helion.availability", [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0]),  # matrix values
        ("solar.pv.max_capacity_mw", [10, 50, 100, 150, 200, 300, 400]),  # a column bound
    ],
)
def test_warm_solves_give_the_cold_objectives(path: str, values: list[Any]) -> None:
    forget()
    for i, value in enumerate(values):
        inst = _instance(**{path: value})
        cold = planner.solve(inst, baseline=False)
        warm = planner.solve(inst, baseline=False, settings=SolveSettings(reuse=True))
        assert warm.ok and cold.ok
        assert warm.objective_usd == pytest.approx(cold.objective_usd, rel=1e-7)
        assert warm.model_stats["warm_start"] == (0.0 if i == 0 else 1.0)
    forget()


def test_every_fifth_warm_solve_is_checked_cold() -> None:
    forget()
    checked = []
    for i in range(CHECK_EVERY + 1):
        inst = _instance(**{"fusion.helion.energy_price_usd_per_mwh": 60 + 10 * i})
        res = planner.solve(inst, baseline=False, settings=SolveSettings(reuse=True))
        checked.append(np.isfinite(res.model_stats["warm_check_rel"]))
    assert checked == [False] * CHECK_EVERY + [True]
    forget()


def test_a_sweep_with_reuse_matches_the_cold_sweep(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(dict(_instance().raw)))
    spec: dict[str, Any] = {"name": "warm", "base": "b.yaml", "baseline": False}
    spec["parameters"] = [
        {"path": "fusion.helion.energy_price_usd_per_mwh", "values": [60, 90, 120, 150]}
    ]
    (tmp_path / "cold.yaml").write_text(yaml.safe_dump(spec))
    (tmp_path / "warm.yaml").write_text(yaml.safe_dump({**spec, "reuse_model": True}))
    cold = planner.run_sweep(tmp_path / "cold.yaml", workers=1, out=tmp_path / "c", progress=False)
    warm = planner.run_sweep(tmp_path / "warm.yaml", workers=1, out=tmp_path / "w", progress=False)
    assert warm["objective_usd"].to_numpy() == pytest.approx(
        cold["objective_usd"].to_numpy(), rel=1e-7
    )
    assert set(warm["key"]).isdisjoint(cold["key"])  # a warm point is not a cold one
    assert warm["warm_start"].tolist()[1:] == [1.0, 1.0, 1.0]


def _two_weeks(target: float) -> planner.Instance:
    """336 hours of varied sun and prices: warm solves take hundreds of simplex iterations
    (on the 4-hour instance the kept basis is often optimal at once, and HiGHS never looks at
    its clock)."""
    hours = 24 * 14
    rng = np.random.default_rng(0)
    sun = np.clip(np.sin(np.arange(hours) / 24 * 2 * np.pi - 1.5), 0, None)
    solar = {"name": "pv", "capacity_factor": (sun * rng.uniform(0.5, 1, hours)).tolist()}
    solar |= {"max_capacity_mw": 400, "capex_usd_per_kw": 900, "lifetime_yr": 25}
    store = {"name": "b", "power_capex_usd_per_kw": 300, "energy_capex_usd_per_kwh": 200}
    store |= {"lifetime_yr": 15, "charge_efficiency": 0.95, "discharge_efficiency": 0.95}
    return tiny(
        hours,
        grid=grid(price=(40 + 30 * rng.random(hours)).tolist(), cfe=0.3),
        fusion=[fusion(energy_price_usd_per_mwh=90, max_capacity_mw=80)],
        solar=[solar],
        storage=[store],
        policy={"hourly_cfe_target": target},
    )


def test_a_warm_solve_past_its_cap_is_abandoned_for_a_cold_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A warm run whose limit is below the kept model's run clock stops at once (HiGHS: time
    limit reached), as one past its cap does: the point is solved cold and its answer is the
    cold one; its record says the warm try was dropped (warm_start 0, warm_abandoned_s > 0);
    the model is no longer kept, so the next point starts cold again (nothing abandoned)."""
    forget()
    monkeypatch.setattr(warm, "set_time_limit", lambda h, s: h.setOptionValue("time_limit", 0.0))
    seen = []
    for target in (0.6, 0.8, 0.9):
        inst = _two_weeks(target)
        cold = planner.solve(inst, baseline=False)
        res = planner.solve(inst, baseline=False, settings=SolveSettings(reuse=True))
        assert res.ok and res.objective_usd == pytest.approx(cold.objective_usd, rel=1e-7)
        seen.append((res.model_stats["warm_start"], res.model_stats["warm_abandoned_s"] > 0))
    assert seen == [(0.0, False), (0.0, True), (0.0, False)]
    forget()


def test_set_time_limit_is_measured_from_the_run_clock() -> None:
    """HiGHS's time_limit counts every run of one Highs object: after a few runs, a limit set
    as the bare option below the clock's reading stops the next run at once, the same limit
    set by :func:`set_time_limit` lets it finish."""
    highs = new_highs()
    highs.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    # min x + y  s.t.  x + 2y >= 2, 3x + y >= 3, x, y >= 0: optimum 1.4 at (0.8, 0.6)
    highs.addVars(2, np.zeros(2), np.full(2, inf))
    highs.changeColsCost(2, np.array([0, 1], dtype=np.int32), np.ones(2))
    for coeffs, rhs in (([1.0, 2.0], 2.0), ([3.0, 1.0], 3.0)):
        highs.addRow(rhs, inf, 2, np.array([0, 1], dtype=np.int32), np.array(coeffs))
    for _ in range(3):
        highs.clearSolver()
        highs.run()
    clock = highs.getRunTime()
    assert clock > 0
    highs.clearSolver()
    highs.setOptionValue("time_limit", clock / 2)
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    highs.clearSolver()
    set_time_limit(highs, clock / 2)
    assert highs.getOptionValue("time_limit")[1] >= clock + clock / 2
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert highs.getInfo().objective_function_value == pytest.approx(1.4)
    before = highs.getOptionValue("time_limit")[1]
    set_time_limit(highs, None)  # None leaves the option as it was
    assert highs.getOptionValue("time_limit")[1] == before


def test_a_large_structure_is_made_by_interior_point_and_still_warm_starts(
    monkeypatch: Any,
) -> None:
    """With CROSSOVER_ROWS at 0 every structure's cold solve is interior point with crossover:
    the kept model is switched to simplex, and the next points of the price sweep are solved
    warm from the crossover's basis, at the cold objectives."""
    forget()
    monkeypatch.setattr(warm, "CROSSOVER_ROWS", 0)
    assert warm.cold_options({"solver": "ipm", "run_crossover": "off"}, 10) == {
        "solver": "ipm",
        "run_crossover": "on",
    }
    for i, price in enumerate([60, 90, 120, 150]):
        inst = _instance(**{"fusion.helion.energy_price_usd_per_mwh": price})
        cold = planner.solve(inst, baseline=False)
        kept = planner.solve(inst, baseline=False, settings=SolveSettings(reuse=True))
        assert kept.objective_usd == pytest.approx(cold.objective_usd, rel=1e-7)
        assert kept.model_stats["warm_start"] == (0.0 if i == 0 else 1.0)
        if i == 0:
            assert kept.model_stats["ipm_iteration_count"] > 0
        else:
            assert kept.model_stats["ipm_iteration_count"] == 0
    entry = next(iter(warm._KEPT.values()))
    assert entry.highs.getOptionValue("solver")[1] == "simplex"
    forget()


def test_below_crossover_rows_the_cold_solve_is_simplex() -> None:
    assert warm.cold_options({"solver": "ipm", "run_crossover": "off"}, 100) == {
        "solver": "simplex"
    }
