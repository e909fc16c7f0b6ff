"""Regression values of the shipped instances (first four weeks, so the suite stays fast).

Set PLANNER_UPDATE_REGRESSION=1 to rewrite tests/data/regression.json after an intended change,
and say why in the commit message::

    PLANNER_UPDATE_REGRESSION=1 .venv/bin/python -m pytest tests/test_regression.py

Full-year results of the same instances are in instances/results.json (``make results``).
The stored values are those of the real 2022 grid data and the sites' tariffs (issue 13).
"""

from __future__ import annotations

import json
import os

import pytest
from conftest import ROOT

import planner
from planner.shipped.catalogue import SHIPPED

DATA = ROOT / "tests" / "data" / "regression.json"
HOURS = 672
CASES = {name: f"instances/{name}.yaml" for name in SHIPPED}
"""Every shipped instance (planner/shipped/catalogue.py), cut to its first four weeks."""

CUT = {"stargate_delivery_risk": {"scenarios.recourse.lead_time_h": 168}}
"""What the cut needs besides its hours: the recourse lead time (1,752 h of the full year) within
the four weeks, one week, so that the cut keeps a recourse (past the horizon it would have none)."""

DECIMALS = {"objective_usd": 0, "hourly_cfe_score": 4, "emissions_location_t": 1}
"""Stored to the solver's tolerance: 1 USD, 1e-4 of the score, 0.1 t; capacities 1e-3 MW."""


def figures(res: planner.Result) -> dict[str, float]:
    out = {
        "objective_usd": res.objective_usd,
        "hourly_cfe_score": res.metrics["hourly_cfe_score"],
        "emissions_location_t": res.metrics["emissions_location_t"],
    }
    for name, row in res.capacity.drop(index="grid").iterrows():  # peak import: not unique
        out[f"{name}_capacity_mw"] = row["capacity_mw"]
    return {k: round(float(v), DECIMALS.get(k, 3)) for k, v in out.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_shipped_instance_regression(name: str) -> None:
    inst = planner.load_instance(ROOT / CASES[name]).with_overrides(
        {"time.hours": HOURS, **CUT.get(name, {})}
    )
    res = planner.solve(inst, baseline=False)
    assert res.ok
    assert not [w for w in res.warnings if "recourse" in w], res.warnings
    got = figures(res)
    stored = json.loads(DATA.read_text()) if DATA.exists() else {}
    if os.environ.get("PLANNER_UPDATE_REGRESSION") == "1":
        stored[name] = got
        DATA.parent.mkdir(exist_ok=True)
        DATA.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
    assert name in stored, "no stored values: run with PLANNER_UPDATE_REGRESSION=1"
    expected = stored[name]
    assert set(got) == set(expected)
    for key, value in expected.items():
        # objective to 1e-6; capacities to 1e-3 MW or 1e-4 relative (interior-point solutions)
        tol = 1e-6 if key == "objective_usd" else 1e-4
        assert got[key] == pytest.approx(value, rel=tol, abs=1e-3), key
