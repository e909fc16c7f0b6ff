"""A representative-period solve against the full hourly one: the errors of its objective and
capacities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.results.result import Result


def aggregation_error(representative: Result, full: Result) -> pd.DataFrame:
    """Objective and capacities of a representative-period solve against the full hourly one.

    ``error_rel`` is (representative - full) / full. A capacity below 1e-3 of the largest power
    capacity of the full solve (for energies: that MW for one hour) is compared against that
    floor instead, so that a storage left out of both solves (0 MWh give or take an interior
    point's 1e-6) does not blow the error up.
    """
    return capacity_error(
        representative.objective_usd, representative.capacity, full.objective_usd, full.capacity
    )


def capacity_error(
    objective_r: float | None,
    cap_r: pd.DataFrame,
    objective_f: float | None,
    cap_f: pd.DataFrame,
) -> pd.DataFrame:
    """:func:`aggregation_error` of an objective and a capacity table (``capacity_mw`` and
    ``energy_mwh`` by resource, as ``Result.capacity``) of each solve."""
    rows = {"objective_usd": (objective_r, objective_f)}
    for name in cap_f.index.drop("grid", errors="ignore"):
        rows[f"{name}_capacity_mw"] = (
            cap_r.loc[name, "capacity_mw"],
            cap_f.loc[name, "capacity_mw"],
        )
        if pd.notna(cap_f.loc[name, "energy_mwh"]):
            rows[f"{name}_energy_mwh"] = (
                cap_r.loc[name, "energy_mwh"],
                cap_f.loc[name, "energy_mwh"],
            )
    frame = pd.DataFrame(rows, index=["representative", "full_hourly"]).T.astype(float)
    largest_mw = float(cap_f["capacity_mw"].drop("grid", errors="ignore").abs().max())
    if not largest_mw > 0:
        largest_mw = 1.0
    scale = frame["full_hourly"].abs().copy()
    capacities = frame.index != "objective_usd"
    scale[capacities] = np.maximum(scale[capacities], 1e-3 * largest_mw)
    frame["error_rel"] = (frame["representative"] - frame["full_hourly"]) / scale
    return frame
