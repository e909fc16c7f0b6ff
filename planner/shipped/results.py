"""Key figures and full-year results of the shipped instances (``instances/results.json``).

``make results`` solves every shipped instance over its full horizon and stores its key figures
and results; the table of shipped instances in ``docs/instances.md`` is generated from that
file, and ``tests/test_instances.py`` checks that it matches the current instance files.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from planner.inputs.instance import Instance, load_instance
from planner.shipped.catalogue import SHIPPED
from planner.solve import solve

RESULTS_FILE = "results.json"


def inputs_sha256(name: str, instances_dir: Path) -> str:
    """Hash of an instance file and the profile CSV it reads: tells when results are stale."""
    digest = hashlib.sha256()
    digest.update((instances_dir / f"{name}.yaml").read_bytes())
    digest.update((instances_dir / SHIPPED[name].profile).read_bytes())
    return digest.hexdigest()


def key_figures(inst: Instance) -> dict[str, Any]:
    """Peak load, solar capacity factor, grid means and fusion offers of a loaded instance."""
    spec = inst.spec
    w = inst.weights
    load = np.asarray(spec.demand.load_mw)
    out: dict[str, Any] = {
        "peak_load_mw": round(float(load.max()), 3),
        "energy_gwh_per_yr": round(float((w * load).sum()) / 1e3 / inst.horizon_years, 3),
        "solar_capacity_factor": (
            round(float(np.average(spec.solar[0].capacity_factor, weights=w)), 4)
            if spec.solar
            else None
        ),
        "grid_carbon_intensity_g_per_kwh": None,
        "grid_carbon_free_share": None,
        "fusion_offers": [
            {
                "name": f.name,
                "max_capacity_mw": f.max_capacity_mw,
                "energy_price_usd_per_mwh": f.energy_price_usd_per_mwh,
                "capacity_charge_usd_per_mw_yr": f.capacity_charge_usd_per_mw_yr,
                "from": str(f.commercial_operation_date or spec.time.start)[:10],
            }
            for f in spec.fusion
        ],
    }
    if spec.grid is not None:
        out["grid_carbon_intensity_g_per_kwh"] = round(
            1000 * float(np.average(spec.grid.carbon_intensity_t_per_mwh, weights=w)), 1
        )
        out["grid_carbon_free_share"] = round(
            float(np.average(spec.grid.carbon_free_share, weights=w)), 4
        )
    return out


def solve_entry(name: str, instances_dir: Path) -> dict[str, Any]:
    """Solve one shipped instance over its full horizon; its entry of ``results.json``."""
    started = time.perf_counter()
    inst = load_instance(instances_dir / f"{name}.yaml")
    res = solve(inst)
    wall = time.perf_counter() - started
    entry: dict[str, Any] = {
        "inputs_sha256": inputs_sha256(name, instances_dir),
        "figures": key_figures(inst),
        "status": res.status,
        "timings_s": {k: round(float(v), 2) for k, v in res.timings.items()}
        | {"total": round(wall, 2)},
    }
    if res.ok:
        m = res.metrics
        capacity = res.capacity.drop(index="grid", errors="ignore")
        entry["result"] = {
            "cost_usd_per_mwh": round(float(m["cost_usd_per_mwh_load"]), 2),
            "total_cost_musd_per_yr": round(float(m["total_cost_usd_per_yr"]) / 1e6, 3),
            "hourly_cfe_score": round(float(m["hourly_cfe_score"]), 4),
            "emissions_g_per_kwh": round(float(m["emissions_location_g_per_kwh"]), 1),
            "baseline_cost_usd_per_mwh": (
                round(float(m["baseline_cost_usd_per_mwh_load"]), 2)
                if "baseline_cost_usd_per_mwh_load" in m
                else None
            ),
            "capacity_mw": {str(k): round(float(v), 1) for k, v in capacity["capacity_mw"].items()},
            "energy_mwh": {
                str(k): round(float(v), 1) for k, v in capacity["energy_mwh"].dropna().items()
            },
        }
    return entry


def solve_all(instances_dir: Path, names: list[str]) -> Path:
    """Solve ``names`` (all if empty) one after another and update ``results.json``."""
    path = instances_dir / RESULTS_FILE
    stored = json.loads(path.read_text()) if path.exists() else {}
    for name in names or list(SHIPPED):
        print(f"solving {name} (full year) ...", flush=True)
        stored[name] = solve_entry(name, instances_dir)
        print(
            f"  {json.dumps(stored[name].get('result'))} in {stored[name]['timings_s']['total']} s"
        )
        path.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
    return path
