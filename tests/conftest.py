"""Shared helpers: tiny instances built in code, and identity checks for solved results."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import planner

ROOT = Path(__file__).resolve().parents[1]


# Tests write sweep files in temporary folders that name the shipped instances by path: the
# shipped instances' folder is an allowed data folder for the whole session (module fixtures
# included), as a user allows a folder with --allow-dir (a sweep's base must lie in its folder,
# its parent or an allowed one). Tests of the rule itself set the variable as they need.
os.environ["PLANNER_DATA_DIRS"] = str(ROOT / "instances")


def tiny(hours: int, load_mw: Any = 100.0, **sections: Any) -> planner.Instance:
    """An instance of ``hours`` hours from 2028-01-01 with the given sections."""
    raw: dict[str, Any] = {
        "name": "tiny",
        "time": {"start": "2028-01-01 00:00", "hours": hours},
        "demand": {"load_mw": load_mw},
    }
    for key, value in sections.items():
        if key == "weights":
            raw["time"]["weights"] = value
        else:
            raw[key] = copy.deepcopy(value)
    return planner.Instance.from_dict(raw, source="tiny.yaml")


def grid(price: Any = 50.0, ci: Any = 0.5, cfe: Any = 0.0, **extra: Any) -> dict[str, Any]:
    """A grid section."""
    return {
        "price_usd_per_mwh": price,
        "carbon_intensity_t_per_mwh": ci,
        "carbon_free_share": cfe,
        **extra,
    }


def fusion(name: str = "helion", **fields: Any) -> dict[str, Any]:
    """A fusion offer with availability 1 unless told otherwise."""
    return {
        "name": name,
        "max_capacity_mw": 1000.0,
        "energy_price_usd_per_mwh": 80.0,
        "availability": 1.0,
        **fields,
    }


def check_identities(res: planner.Result, rel: float = 1e-6) -> None:
    """Accounting identities every optimal result must satisfy."""
    assert res.ok, res.status
    inst = res.instance
    w = inst.weights
    d = res.dispatch
    scale = max(float(d["demand_mw"].abs().max()), 1.0)

    # costs add up to the objective
    assert res.costs["cost_usd"].sum() == pytest.approx(res.objective_usd, rel=rel, abs=1e-6)

    # every hour balances
    def cols(suffix: str) -> np.ndarray:
        names = [c for c in d if c.endswith(suffix)]
        return d[names].to_numpy().sum(axis=1) if names else np.zeros(len(d))

    supply = (
        cols("_generation_mw") + cols("_discharge_mw") + d["grid_import_mw"].to_numpy()
        if "grid_import_mw" in d
        else cols("_generation_mw") + cols("_discharge_mw")
    )
    withdrawal = cols("_charge_mw") + (
        d["grid_export_mw"].to_numpy() if "grid_export_mw" in d else 0.0
    )
    residual = supply - withdrawal + d["unserved_mw"].to_numpy() - d["demand_mw"].to_numpy()
    assert np.abs(residual).max() <= 1e-6 * scale

    # the CFE score recomputed from the dispatch equals the reported one (gas with capture:
    # only its captured share is clean)
    g = inst.spec.grid
    partly = {o.name: o.clean_share for o in inst.spec.clean_firm if o.clean_share < 1}
    not_clean = sum(
        ((1 - share) * d[f"{name}_generation_mw"].to_numpy() for name, share in partly.items()),
        start=np.zeros(len(d)),
    )
    clean = cols("_generation_mw") - not_clean + cols("_discharge_mw") - withdrawal
    clean = clean + cols("_claim_mw")  # certificates re-label fossil imports
    if g is not None:
        clean = clean + np.asarray(g.carbon_free_share) * d["grid_import_mw"].to_numpy()
    demand_mwh = float((w * d["demand_mw"]).sum())
    score = float((w * clean).sum()) / demand_mwh
    assert score == pytest.approx(res.metrics["hourly_cfe_score"], abs=1e-6)
    target = inst.spec.policy.hourly_cfe_target
    if target is not None and inst.spec.policy.hourly_cfe_penalty_usd_per_mwh is None:
        assert score >= target - 1e-6

    # no unserved energy unless lost load is the cheapest way to balance
    voll = inst.spec.demand.value_of_lost_load_usd_per_mwh
    if res.metrics["unserved_mwh"] > 1e-6 * demand_mwh:
        assert res.prices.hourly_usd_per_mwh.max() >= voll * (1 - 1e-6)
