"""The contract curve of a fusion offer: the contracted MW along its energy price.

:func:`planner.breakeven` finds the price where the first MW leaves; a buyer also asks how
much is worth signing at each price (the LP's optimal MW falls in steps as the price rises, a
step wherever another resource takes over a block of hours). :func:`contract_curve` solves the
instance at each price, through :class:`~planner.sweep.runner.Runner` like the frontier (in
parallel, stored point by point, resumable), and reports the contracted MW, whether the offer
sits at its ``max_capacity_mw`` there (``cap_bound``: the MW is set by the cap, not by the
price) and the cost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.inputs.instance import Instance
from planner.sweep.frontier import instance_of, write_csv
from planner.sweep.runner import DEFAULT_OUT, Runner
from planner.sweep.spec import Sweep, SweepError


def contract_curve(
    instance: str | Path | Instance,
    offer: str,
    prices_usd_per_mwh: Sequence[float],
    overrides: Mapping[str, Any] | None = None,
    workers: int | None = None,
    out: str | Path | None = None,
    scheduler: Any = None,
    solver_options: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Contracted MW of fusion ``offer`` at each energy price.

    Returns
    -------
    pandas.DataFrame
        One row per price, ascending: ``price_usd_per_mwh``, ``status``,
        ``capacity_mw_contracted``, ``max_capacity_mw``, ``cap_bound`` (at the cap, to 1e-6),
        ``total_cost_usd_per_yr``, ``cost_usd_per_mwh_load``. Written to
        ``<out>/contract_curve.csv`` (default folder ``out/curve/<instance>_<offer>``).
    """
    inst = instance_of(instance)
    fixed = dict(overrides or {})
    offers = {o.name: o for o in inst.spec.fusion}
    problems = []
    if offer not in offers:
        have = ", ".join(offers) or "none"
        problems.append(f"{inst.source}: fusion: no offer named {offer!r} (have: {have})")
    prices = sorted({float(p) for p in prices_usd_per_mwh})
    if not prices:
        problems.append("prices_usd_per_mwh: give at least one price")
    problems += [f"prices_usd_per_mwh: must be >= 0, got {p:g}" for p in prices if not p >= 0]
    if problems:
        raise SweepError(problems)
    path = f"fusion.{offer}.energy_price_usd_per_mwh"
    sweep = Sweep.of_instance(
        inst,
        f"curve_{inst.name}_{offer}",
        [{path: p} for p in prices],
        fixed=fixed,
        solver_options=solver_options,
        time_limit_s=time_limit_s,
        baseline=False,
    )
    folder = Path(out) if out is not None else DEFAULT_OUT.parent / "curve" / f"{inst.name}_{offer}"
    with Runner(folder, workers, scheduler, progress) as runner:
        table = runner.run(sweep, label=f"contract curve {inst.name} {offer}")
    table = table.sort_values(path).reset_index(drop=True)
    cap_mw = float(fixed.get(f"fusion.{offer}.max_capacity_mw", offers[offer].max_capacity_mw))
    contracted = table.get(f"{offer}_capacity_mw", pd.Series(np.nan, index=table.index))
    result = pd.DataFrame(
        {
            "price_usd_per_mwh": table[path].astype(float),
            "status": table["status"],
            "capacity_mw_contracted": contracted.astype(float),
            "max_capacity_mw": cap_mw,
        }
    )
    result["cap_bound"] = result["capacity_mw_contracted"] >= cap_mw * (1 - 1e-6) - 1e-6
    for column in ("total_cost_usd_per_yr", "cost_usd_per_mwh_load"):
        result[column] = table.get(column, np.nan)
    write_csv(result, folder / "contract_curve.csv")
    return result
