"""The cost-versus-CFE frontier, built on sweeps.

Its solves run through :class:`~planner.sweep.runner.Runner`, so they are parallel, stored
point by point and resumable: running it again reuses every solve already in its output
folder.

**frontier** solves the instance at each hourly CFE target (default 0 %, 10 %, ..., 100 %) and
reports cost, the marginal cost of each step and the capacity mix. The marginal cost of a step
is the rise in cost per MWh of load divided by the rise of the target in percentage points
($/MWh per pp); equivalently, divided by the extra clean MWh it requires, it is the average
shadow price of the CFE constraint over the step ($/MWh of clean energy).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.inputs.instance import Instance, load_instance
from planner.results.warned import FIELD as WARNINGS
from planner.sweep.export import atomic_write
from planner.sweep.runner import DEFAULT_OUT, Runner
from planner.sweep.spec import Sweep, SweepError

CFE_PATH = "policy.hourly_cfe_target"
DEFAULT_TARGETS = tuple(round(0.1 * i, 10) for i in range(11))


def instance_of(instance: str | Path | Instance) -> Instance:
    return instance if isinstance(instance, Instance) else load_instance(instance)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda p: frame.to_csv(p, index=False))


def frontier(
    instance: str | Path | Instance,
    targets: Sequence[float] | None = None,
    overrides: Mapping[str, Any] | None = None,
    workers: int | None = None,
    out: str | Path | None = None,
    scheduler: Any = None,
    solver_options: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Cost versus hourly CFE target, with the marginal cost of each step and the capacity mix.

    Parameters
    ----------
    instance:
        Instance file or loaded :class:`~planner.Instance`.
    targets:
        CFE targets, 0-1 (default 0, 0.1, ..., 1).
    overrides:
        Applied to every point first (e.g. ``{"time.hours": 168}``).
    out:
        Output folder (default ``out/frontier/<instance name>``), holding the store,
        ``results.*`` and ``frontier.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per target: ``cfe_target_pct``, ``status``, ``total_cost_usd_per_yr``,
        ``cost_usd_per_mwh_load``, ``marginal_cost_usd_per_mwh_per_pp`` (step from the
        previous row), ``marginal_cost_usd_per_clean_mwh``,
        ``shadow_hourly_cfe_usd_per_mwh``, ``hourly_cfe_score``, emissions and
        ``<resource>_capacity_mw`` / ``_energy_mwh``.
    """
    inst = instance_of(instance)
    targets = list(DEFAULT_TARGETS if targets is None else targets)
    problems = [
        f"targets[{i}]: must be in [0, 1], got {t}"
        for i, t in enumerate(targets)
        if not 0 <= t <= 1
    ]
    if not targets:
        problems.append("targets: give at least one target")
    if problems:
        raise SweepError(problems)
    targets = sorted({float(t) for t in targets})
    sweep = Sweep.of_instance(
        inst,
        f"frontier_{inst.name}",
        [{CFE_PATH: t} for t in targets],
        fixed=overrides,
        solver_options=solver_options,
        time_limit_s=time_limit_s,
        baseline=False,
    )
    folder = Path(out) if out is not None else DEFAULT_OUT.parent / "frontier" / inst.name
    with Runner(folder, workers, scheduler, progress) as runner:
        table = runner.run(sweep, label=f"frontier {inst.name}")
    result = frontier_table(table)
    result.attrs = dict(table.attrs)
    write_csv(result, folder / "frontier.csv")
    return result


def frontier_table(table: pd.DataFrame) -> pd.DataFrame:
    """The frontier columns of a CFE-target sweep table (rows sorted by target)."""
    t = table.sort_values(CFE_PATH).reset_index(drop=True)
    out = pd.DataFrame({"cfe_target_pct": 100.0 * t[CFE_PATH].astype(float), "status": t["status"]})
    for column in (
        "total_cost_usd_per_yr",
        "cost_usd_per_mwh_load",
    ):
        out[column] = t.get(column, np.nan)
    ok = t["status"] == "optimal"
    step_pct = out["cfe_target_pct"].where(ok).diff()
    out["marginal_cost_usd_per_mwh_per_pp"] = (
        out["cost_usd_per_mwh_load"].where(ok).diff() / step_pct
    )
    demand_mwh_per_yr = t.get("demand_mwh", np.nan) / t.get("horizon_years", np.nan)
    clean_step_mwh = step_pct / 100.0 * demand_mwh_per_yr
    out["marginal_cost_usd_per_clean_mwh"] = (
        out["total_cost_usd_per_yr"].where(ok).diff() / clean_step_mwh
    )
    for column in (
        "shadow_hourly_cfe_usd_per_mwh",
        "hourly_cfe_score",
        "annual_match_fraction",
        "emissions_location_g_per_kwh",
        "curtailment_mwh",
    ):
        out[column] = t.get(column, np.nan)
    capacity = [c for c in t if c.endswith(("_capacity_mw", "_energy_mwh"))]
    for column in capacity:
        out[column] = t[column]
    if WARNINGS in t:  # what each target's solve warned of (planner.results.warned)
        out[WARNINGS] = t[WARNINGS]
    return out
