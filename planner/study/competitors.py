"""The study part "against the other clean firm": each clean-firm offer of the site switched on
alone (up to the campus's peak load), then all of them, at one policy. Per case: the
least-cost portfolio without fusion (its cost and the clean-firm MW it builds), the fusion MW
signed at the offer's price, and the fusion break-even against that portfolio.

The shipped instances carry the library switched off (``max_capacity_mw: 0``,
:mod:`planner.shipped.clean_firm`); a case switches an offer on by its cap, nothing else of
the offer changes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.study import cases
from planner.study.parts import Context
from planner.study.sites import PreparedSite

NONE = "none"
"""The case with every clean-firm offer off (the portfolio of part 1)."""
ALL = "all"


def competitor_cases(ctx: Context, site: PreparedSite) -> dict[str, dict[str, Any]]:
    """Case name -> overrides: ``none`` first, each option alone, then ``all``."""
    part = ctx.study.spec.competitors
    assert part is not None
    peak_mw = float(np.max(np.asarray(site.full.spec.demand.load_mw, dtype=float)))

    def on(names: list[str]) -> dict[str, Any]:
        return {f"clean_firm.{n}.max_capacity_mw": peak_mw for n in names}

    out: dict[str, dict[str, Any]] = {NONE: {}}
    for name in part.options:
        out[name] = on([name])
    if part.together and len(part.options) > 1:
        out[ALL] = on(list(part.options))
    return out


def competitors_part(
    ctx: Context, site: PreparedSite, reference_breakeven: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(costs, break-evens): one sweep of every case with and without fusion, then one
    break-even search per case (``reference_breakeven``, a part-1 row at the same policy, is
    reused for ``none``)."""
    part = ctx.study.spec.competitors
    assert part is not None
    by_case = competitor_cases(ctx, site)
    off = cases.fusion_off(site.instance)
    scenarios = []
    for name, ov in by_case.items():
        scenarios.append({"name": name, "overrides": ov})
        scenarios.append({"name": f"{name}__no_fusion", "overrides": {**ov, **off}})
    costs = ctx.sweep(
        site,
        "competitors",
        {
            "description": f"{site.name}: fusion against each clean-firm offer, one policy",
            "overrides": {"policy": part.policy.policy()},
            "scenarios": scenarios,
        },
    )
    split = costs["scenario"].str.partition("__")
    costs.insert(1, "case", split[0])
    costs.insert(2, "fusion_allowed", split[2] != "no_fusion")
    rows = []
    for name, ov in by_case.items():
        if name == NONE and reference_breakeven is not None and len(reference_breakeven):
            row = reference_breakeven.iloc[[0]].copy()
        else:
            folder = ctx.out / site.name / "competitors_breakeven" / name
            row = ctx.breakeven(site, folder, [part.policy], ov)
        row.insert(0, "case", name)
        rows.append(row)
    return costs, pd.concat(rows, ignore_index=True)
