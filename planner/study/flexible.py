"""Flexible load (the study file's ``flexible_load`` block): how much of fusion's value survives
when a share of each hour's load may be deferred or advanced (``demand.flexibility``).

For each site, at the part's policy and each flexible share: one sweep (stored and resumable
like every part) of the cost without fusion and with the site's offer at each price of the
block, and one break-even search per share (the fast method of :func:`planner.breakeven`, all
shares sharing its rounds); the rigid load's break-even is part 1's row at the same policy when
part 1 has it.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from planner.study import cases
from planner.study.parts import Context, offer_price, price_path
from planner.study.sites import PreparedSite
from planner.sweep.breakeven import breakeven

NO_FUSION = "no_fusion"


def share_key(i: int) -> str:
    return f"s{i}"


def flexibility_sections(ctx: Context, site: PreparedSite) -> list[dict[str, Any]]:
    """The ``demand.flexibility`` section at each share of the part, in the part's order."""
    part = ctx.study.spec.flexible_load
    assert part is not None
    peak_mw = float(np.max(site.full.spec.demand.load_mw))
    return [part.flexibility(s, peak_mw) for s in part.shares]


def prices(ctx: Context, site: PreparedSite) -> list[float]:
    part = ctx.study.spec.flexible_load
    assert part is not None
    base = offer_price(site)
    return list(dict.fromkeys(base if p is None else float(p) for p in part.prices_usd_per_mwh))


def flexible_part(
    ctx: Context, site: PreparedSite, reference_breakeven: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(costs, break-evens). Costs: one row per solve, with ``share``, ``fusion_allowed`` and
    ``price_usd_per_mwh`` (NaN without fusion). Break-evens: one row per share (empty when the
    block asks for none); ``reference_breakeven``: a part-1 row at the same policy, used for
    the share 0 (None: searched here)."""
    part = ctx.study.spec.flexible_load
    assert part is not None
    sections = flexibility_sections(ctx, site)
    off = cases.fusion_off(site.instance)
    ppath = price_path(site)
    at = prices(ctx, site)
    scenarios = []
    for i, flex in enumerate(sections):
        ov = {"demand.flexibility": flex}
        if part.without_fusion:
            scenarios.append({"name": f"{share_key(i)}__{NO_FUSION}", "overrides": {**ov, **off}})
        for j, price in enumerate(at):
            scenarios.append({"name": f"{share_key(i)}__p{j}", "overrides": {**ov, ppath: price}})
    costs = ctx.sweep(
        site,
        "flexible_load",
        {
            "description": f"{site.name}: cost with and without fusion, per flexible share",
            "overrides": {"policy": part.policy.policy()},
            "scenarios": scenarios,
        },
    )
    split = costs["scenario"].str.partition("__")
    index = split[0].str.slice(1).astype(int)
    costs.insert(1, "share", [float(part.shares[i]) for i in index])
    costs.insert(2, "fusion_allowed", split[2] != NO_FUSION)
    price_of = [np.nan if tag == NO_FUSION else at[int(tag[1:])] for tag in split[2]]
    costs.insert(3, "price_usd_per_mwh", price_of)
    if not part.breakeven:
        return costs, pd.DataFrame()
    return costs, _breakevens(ctx, site, sections, reference_breakeven)


def _breakevens(
    ctx: Context,
    site: PreparedSite,
    sections: list[dict[str, Any]],
    reference: pd.DataFrame | None,
) -> pd.DataFrame:
    part = ctx.study.spec.flexible_load
    assert part is not None
    be = ctx.study.spec.breakeven
    tol = be.tol_usd_per_mwh if be is not None else 0.5
    top = be.max_price_usd_per_mwh if be is not None else 10_000.0
    reuse = reference is not None and len(reference) > 0
    wanted = part.shares if part.breakeven_shares is None else part.breakeven_shares
    searched = [i for i, s in enumerate(part.shares) if s in wanted and not (reuse and s == 0)]
    rows = []
    if searched:
        found = breakeven(
            site.instance,
            site.offer,
            by={"demand.flexibility": [sections[i] for i in searched]},
            overrides={"policy": part.policy.policy()},
            tol_usd_per_mwh=tol,
            high=top,  # one solve at the top price: its reduced cost gives the break-even
            max_price=top,
            workers=ctx.workers,
            out=ctx.out / site.name / "flexible_breakeven",
            scheduler=ctx.scheduler,
            progress=False,
            reuse_model=ctx.study.spec.reuse_model,
        )
        shares = [_share_of(v) for v in found["demand.flexibility"]]
        assert shares == [float(part.shares[i]) for i in searched], shares  # one row per value
        found.insert(0, "share", shares)
        found.insert(1, "from_part_1", False)
        rows.append(found)
    if reuse and reference is not None:
        row = reference.iloc[[0]].copy()
        row.insert(0, "share", 0.0)
        row.insert(1, "from_part_1", True)
        rows.append(row)
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values("share", kind="stable").reset_index(drop=True)


def _share_of(section: Any) -> float:
    """The share of a ``demand.flexibility`` value as a break-even table holds it (a mapping,
    or its JSON)."""
    value = json.loads(section) if isinstance(section, str) else section
    return float(value["share"])
