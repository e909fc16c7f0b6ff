"""Sweeps re-use one model (issue 19, item 2): warm-started simplex gives the cold answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from conftest import fusion, grid, tiny

import planner
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
