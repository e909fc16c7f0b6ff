"""Capacities set by a cap, not by costs: which resource sits at an upper limit of the
catalogue (``Limit.upper``: ``max_capacity_mw``, ``max_power_mw``, ``import_limit_mw``...) and
what one more unit of that limit is worth.

The worth is the reduced cost of the bounded variable at the optimum: HiGHS's column dual
``d = c - A'y`` is <= 0 for a variable at its upper bound, and raising the bound by one unit
lowers the objective by ``-d`` (over the horizon; per year here). A grid import limit bounds
one variable per hour: its worth is the sum over the hours. A resource at its cap with a worth
of 0 sits there by a tie, not because the cap binds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from planner.inputs.catalogue import KINDS, Kind
from planner.inputs.instance import Instance
from planner.solver.run import SNAP_REL, SolverRun

CAP_COLUMNS = ("at_cap", "cap_value_usd_per_mw_yr", "cap_value_usd_per_mwh_yr")
"""Columns added to ``Result.capacity``: whether a capacity sits at its upper limit, and what
one more MW (MWh for storage energy) of that limit would save per year (NaN when not at it)."""


def cap_table(inst: Instance, m: pyo.ConcreteModel, run: SolverRun) -> pd.DataFrame:
    """One row per resource with a capacity at an upper limit (see :data:`CAP_COLUMNS`)."""
    assert run.lp_run.col_dual is not None
    col_dual = run.lp_run.col_dual
    column_of = run.compiled.column_of
    scale = max(1.0, float(np.max(inst.spec.demand.load_mw)))
    rows: dict[str, dict[str, Any]] = {}
    for k in KINDS:
        block = getattr(m, k.key, None)
        if block is None:
            continue
        for limit in k.limits:
            var = getattr(block, limit.variable, None)
            if limit.upper is None or var is None:
                continue
            for resource, datas in _by_resource(k, var).items():
                worth, at = 0.0, False
                for data in datas:
                    ub = data.ub
                    if ub is None or data.value is None:
                        continue
                    if data.value >= ub - SNAP_REL * max(scale, abs(ub)):
                        at = True
                        j = column_of.get(id(data))
                        worth += -float(col_dual[j]) if j is not None else 0.0
                if not at:
                    continue
                row = rows.setdefault(resource, {c: np.nan for c in CAP_COLUMNS})
                row["at_cap"] = True
                unit = "mwh" if limit.unit == "MWh" else "mw"
                row[f"cap_value_usd_per_{unit}_yr"] = max(worth, 0.0) / inst.horizon_years
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(CAP_COLUMNS))
    frame.index.name = "resource"
    return frame


def _by_resource(k: Kind, var: Any) -> dict[str, list[Any]]:
    """The variable data of each resource: indexed by item name, by (name, hour), or (a single
    section such as the grid) by hour."""
    out: dict[str, list[Any]] = {}
    if not var.is_indexed():
        out[k.key] = [var]
        return out
    for index, data in var.items():
        if not k.many:
            out.setdefault(k.key, []).append(data)
        else:
            name = index[0] if isinstance(index, tuple) else index
            out.setdefault(str(name), []).append(data)
    return out


def with_caps(capacity: pd.DataFrame, caps: pd.DataFrame | None) -> pd.DataFrame:
    """``capacity`` with the :data:`CAP_COLUMNS` (``at_cap`` False where no cap binds)."""
    out = capacity.copy()
    for column in CAP_COLUMNS:
        out[column] = np.nan
    out["at_cap"] = False
    if caps is not None and len(caps):
        shared = caps.index.intersection(out.index)
        for column in CAP_COLUMNS:
            values = caps.loc[shared, column]
            out.loc[shared, column] = values if column != "at_cap" else values.astype(bool)
    out["at_cap"] = out["at_cap"].astype(bool)
    return out
