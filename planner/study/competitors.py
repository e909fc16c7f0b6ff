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

from planner.study.parts import Context, with_and_without_fusion
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
    return with_and_without_fusion(
        ctx,
        site,
        "competitors",
        f"{site.name}: fusion against each clean-firm offer, one policy",
        part.policy,
        competitor_cases(ctx, site),
        reference_breakeven,
    )
