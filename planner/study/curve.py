"""The contract curve (the study file's ``contract_curve`` block, part 1.2): how many MW of the
site's fusion offer the least-cost portfolio contracts at each price, under each policy.

One sweep per site (stored and resumable like every part): the policies as scenarios, the
offer's energy price as the parameter, the site as in part 1 (its own storage types). The
contracted capacity of a take-or-pay offer does not increase with its price (the optimal cost
is concave in the price: :mod:`planner.sweep.breakeven`); :func:`curve_problems` says where a
stored curve breaks that or disagrees with part 1's break-even, instead of letting a table show
it silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.study.parts import Context, offer_cap_mw, price_path
from planner.study.sites import PreparedSite
from planner.study.words import OPTIMAL

MW_TOL = 1e-3
"""MW at or below this count as not contracted (the break-even search's threshold)."""
CAP_REL = 1e-6
"""Contracted MW within this share of ``max_capacity_mw`` are at the cap."""


def scenario_name(i: int) -> str:
    return f"c{i}"


def contract_curve_part(ctx: Context, site: PreparedSite) -> pd.DataFrame:
    """One row per policy and price: ``policy_label``, ``price_usd_per_mwh``, ``status``,
    ``contracted_mw`` (NaN unless optimal), ``max_capacity_mw`` and ``at_cap``."""
    part = ctx.study.spec.contract_curve
    assert part is not None
    path = price_path(site)
    spec = {
        "description": f"{site.name}: MW of the fusion offer contracted at each price",
        "parameters": [{"path": path, "values": [float(p) for p in part.prices_usd_per_mwh]}],
        "scenarios": [
            {"name": scenario_name(i), "description": p.label, "overrides": {"policy": p.policy()}}
            for i, p in enumerate(part.policies)
        ],
    }
    table = ctx.sweep(site, "contract_curve", spec)
    labels = {scenario_name(i): p.label for i, p in enumerate(part.policies)}
    cap = offer_cap_mw(site)
    ok = table["status"] == OPTIMAL
    mw = pd.to_numeric(table[f"{site.offer}_capacity_mw"], errors="coerce").where(ok)
    out = pd.DataFrame(
        {
            "site": site.name,
            "policy_label": table["scenario"].map(labels),
            "price_usd_per_mwh": table[path].astype(float),
            "status": table["status"],
            "contracted_mw": mw.clip(lower=0.0),
            "max_capacity_mw": cap,
        }
    )
    out["at_cap"] = out["contracted_mw"] >= cap * (1 - CAP_REL)
    order = {p.label: i for i, p in enumerate(part.policies)}
    out["order"] = out["policy_label"].map(order)
    out = out.sort_values(["order", "price_usd_per_mwh"], kind="stable").drop(columns="order")
    return out.reset_index(drop=True)


def curve_problems(curve: pd.DataFrame, breakeven: pd.DataFrame | None) -> list[str]:
    """What a reader must be told about ``curve`` (one site): solves that did not end optimal,
    MW that rise with the price (beyond ``MW_TOL``: a degenerate optimum or the solver's
    tolerance), and prices on the wrong side of part 1's break-even (``breakeven``: part 1's
    table of the site, with ``policy_label`` and ``breakeven_usd_per_mwh``)."""
    out = []
    for label, rows in curve.groupby("policy_label", sort=False):
        bad = rows[rows["status"] != OPTIMAL]
        for _, r in bad.iterrows():
            out.append(
                f"{label}: the solve at {r['price_usd_per_mwh']:g} $/MWh ended {r['status']}"
            )
        good = rows[rows["status"] == OPTIMAL]
        mw = good["contracted_mw"].to_numpy(float)
        price = good["price_usd_per_mwh"].to_numpy(float)
        rise = np.flatnonzero(np.diff(mw) > MW_TOL)
        for k in rise:
            out.append(
                f"{label}: {mw[k + 1]:.1f} MW at {price[k + 1]:g} $/MWh against {mw[k]:.1f} MW at "
                f"{price[k]:g} $/MWh (the contracted MW should not rise with the price)"
            )
        if breakeven is None or not len(breakeven):
            continue
        found = breakeven[breakeven["policy_label"] == label]
        if not len(found) or pd.isna(found.iloc[0].get("breakeven_usd_per_mwh")):
            continue
        be = float(found.iloc[0]["breakeven_usd_per_mwh"])
        half = float(found.iloc[0].get("half_width_usd_per_mwh", 0.0) or 0.0)
        above = (price > be + half) & (mw > MW_TOL)
        below = (price < be - half) & (mw <= MW_TOL)
        for p, m in zip(price[above], mw[above], strict=True):
            out.append(f"{label}: {m:.1f} MW at {p:g} $/MWh, above part 1's break-even ({be:.1f})")
        for p in price[below]:
            out.append(f"{label}: no MW at {p:g} $/MWh, below part 1's break-even ({be:.1f})")
    return out
