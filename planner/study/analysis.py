"""Derived tables of the study, computed from the raw tables of :mod:`planner.study.parts`.

Pure pandas: no solve happens here. Each function returns a tidy ("long") table; the document
(:mod:`planner.study.document`) shows them, and ``<out>/tables/`` keeps them as CSV.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from planner.study.config import Benchmark, Study
from planner.study.sites import PreparedSite

OPTIMAL = "optimal"
NOISE = 1e-3
"""Capacities (MW, MWh) below this are solver noise."""


def _ok(row: Mapping[str, Any]) -> bool:
    return row.get("status") == OPTIMAL


def _cost(row: Mapping[str, Any]) -> float:
    """The cost per MWh of load of an optimal record, else NaN."""
    return float(row["cost_usd_per_mwh_load"]) if _ok(row) else np.nan


# -- part 1 ----------------------------------------------------------------------------------
TIE_REL = 1e-6
"""Costs within this share of the least are a tie (the solver's tolerance): the first row in
the table's order is named, so that a tie does not name another case from one run to the next
(e.g. "every clean-firm offer together" that builds one offer costs what that offer alone does)."""


def least_cost(rows: pd.DataFrame, column: str) -> pd.Series:
    """The row of ``rows`` with the least ``column``; among ties (:data:`TIE_REL`) the first."""
    cost = rows[column]
    return rows[cost <= cost.min() * (1 + TIE_REL)].iloc[0]


def breakeven_long(results: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per site and policy: break-even, half-width, contracted MW at the bracket's lower
    end, why a value is missing (``note``), and the hourly CFE score and annual match of the
    optimum where the offer leaves (the bracket's upper end)."""
    rows = []
    for site, table in results.items():
        for order, (_, r) in enumerate(table.iterrows()):
            rows.append(
                {
                    "site": site,
                    "order": order,
                    "policy": r["policy_label"],
                    "breakeven_usd_per_mwh": r["breakeven_usd_per_mwh"],
                    "half_width_usd_per_mwh": r["half_width_usd_per_mwh"],
                    "contracted_at_usd_per_mwh": r["contracted_at_usd_per_mwh"],
                    "not_contracted_at_usd_per_mwh": r["not_contracted_at_usd_per_mwh"],
                    "capacity_mw_contracted": r["capacity_mw_contracted"],
                    "cap_bound": bool(r.get("cap_bound", False)),
                    "capped": str(r.get("capped_at_max_price") or "").replace("nan", ""),
                    "solves": r["solves"],
                    "note": r["note"] if isinstance(r["note"], str) else "",
                    "hourly_cfe_score_without_offer": float(
                        r.get("hourly_cfe_score_without_offer", np.nan)
                    ),
                    "annual_match_fraction_without_offer": float(
                        r.get("annual_match_fraction_without_offer", np.nan)
                    ),
                }
            )
    return pd.DataFrame(rows)


def breakeven_cell(row: Mapping[str, Any]) -> str:
    """A break-even as shown: ``123.4``, ``> 10,000`` (contracted at every price tried) or
    ``never`` (not even free); ``failed`` if a solve failed."""
    value = row["breakeven_usd_per_mwh"]
    if value is not None and np.isfinite(value):
        return f"{value:,.1f}"
    note = str(row.get("note") or "")
    if note.startswith("contracted up to"):
        capped = " (cap-bound)" if row.get("cap_bound") or row.get("capped") else ""
        return f"> {row['contracted_at_usd_per_mwh']:,.0f}{capped}"
    if note.startswith("not contracted"):
        return "never"
    return "failed"


def benchmark_position(value: float, note: str, bench: Benchmark) -> str:
    """``above``, ``below`` or ``within`` the benchmark's range."""
    if note.startswith("contracted up to"):
        return "above"
    if note.startswith("not contracted"):
        return "below"
    if value > bench.high_usd_per_mwh:
        return "above"
    if value < bench.low_usd_per_mwh:
        return "below"
    return "within"


# -- part 2 ----------------------------------------------------------------------------------
def frontier_long(study: Study, results: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per site, palette and policy: cost, premium over the site's reference cost, CFE
    score reached, capacities.

    The reference is the least cost of the first policy (100 % annual matching) over the
    palettes where it is feasible: the cost of annual matching with the cheapest means at hand,
    the same for every palette of the site (a palette with more options can only cost less, so
    this is the full palette's cost whenever that one is feasible).
    """
    part = study.spec.frontier
    assert part is not None
    labels = {v.name: v.label for v in part.variants}
    order = {p.label: i for i, p in enumerate(part.policies)}
    rows = []
    for site_order, (site, table) in enumerate(results.items()):
        annual = table["policy_label"] == part.policies[0].label
        ref_rows = table[annual & (table["status"] == OPTIMAL)]
        ref_cost, ref_variant = np.nan, ""
        if len(ref_rows):
            ref_cost = float(ref_rows["cost_usd_per_mwh_load"].min())
            ref_variant = str(least_cost(ref_rows, "cost_usd_per_mwh_load")["scenario"])
        for variant_order, variant in enumerate(part.variants):
            sub = table[table["scenario"] == variant.name]
            for _, r in sub.iterrows():
                cost = float(r["cost_usd_per_mwh_load"]) if _ok(r) else np.nan
                row = {
                    "site": site,
                    "site_order": site_order,
                    "variant_order": variant_order,
                    "variant": variant.name,
                    "variant_label": labels[variant.name],
                    "policy": r["policy_label"],
                    "order": order[r["policy_label"]],
                    "hourly_target_pct": (
                        100 * float(r["policy.hourly_cfe_target"])
                        if pd.notna(r.get("policy.hourly_cfe_target"))
                        else np.nan
                    ),
                    "status": r["status"],
                    "cost_usd_per_mwh_load": cost,
                    "reference_cost_usd_per_mwh": ref_cost,
                    "reference_variant": ref_variant,
                    "premium_pct": 100 * (cost / ref_cost - 1) if np.isfinite(ref_cost) else np.nan,
                    "hourly_cfe_score_pct": (
                        100 * float(r["hourly_cfe_score"]) if _ok(r) else np.nan
                    ),
                }
                for c in table.columns:
                    if c.endswith(("_capacity_mw", "_energy_mwh")) and not c.startswith("grid_"):
                        row[c] = r[c] if _ok(r) else np.nan
                rows.append(row)
    out = pd.DataFrame(rows).sort_values(["site_order", "variant_order", "order"], kind="stable")
    return out.reset_index(drop=True)


def annual_energy_limit(site: PreparedSite, fusion: bool) -> dict[str, float]:
    """The most clean energy the site can procure in a year (GWh): every solar resource at its
    largest capacity, plus every fusion offer at its largest capacity and availability if
    ``fusion``; and the demand (GWh/yr). Explains an infeasible annual-matching target."""
    inst = site.instance
    w = inst.weights
    years = inst.horizon_years
    solar = sum(
        float((w * np.asarray(s.capacity_factor)).sum()) * s.max_capacity_mw
        for s in inst.spec.solar
    )
    firm = sum(
        float((w * np.asarray(o.availability)).sum()) * o.max_capacity_mw
        for o in inst.spec.fusion
        if fusion
    )
    demand = float((w * np.asarray(inst.spec.demand.load_mw)).sum())
    return {
        "solar_gwh_per_yr": solar / years / 1e3,
        "fusion_gwh_per_yr": firm / years / 1e3,
        "demand_gwh_per_yr": demand / years / 1e3,
        "solar_max_mw": sum(s.max_capacity_mw for s in inst.spec.solar),
    }


def premium_at(front: pd.DataFrame, site: str, variant: str, target_pct: float) -> float:
    at = (front["site"] == site) & (front["variant"] == variant)
    sub = front[at & (front["hourly_target_pct"] == target_pct)]
    return float(sub["premium_pct"].iloc[0]) if len(sub) else np.nan


def shape_check(front: pd.DataFrame, site: str, variants: Sequence[str]) -> dict[str, Any]:
    """Does the site show Riepin & Brown's shape? (i) without clean firm, the last steps cost
    the most: the premium's rise per percentage point from the second-highest to the highest
    hourly target exceeds that between the two lowest hourly targets; (ii) clean firm cuts
    the premium at the highest target by more than half.

    ``variants``: (no firm, with firm) palette names.
    """
    no_firm, firm = variants
    at = (front["site"] == site) & (front["variant"] == no_firm)
    sub = front[at & front["hourly_target_pct"].notna()].sort_values("hourly_target_pct")
    t = sub["hourly_target_pct"].to_numpy()
    p = sub["premium_pct"].to_numpy()
    steep = False
    if len(t) >= 3:
        last = (p[-1] - p[-2]) / (t[-1] - t[-2])
        first = (p[1] - p[0]) / (t[1] - t[0])
        # an unreachable top target is the steepest last step there is
        steep = bool(np.isfinite(first) and (not np.isfinite(last) or last > first))
    top = float(t[-1]) if len(t) else np.nan
    p_no = premium_at(front, site, no_firm, top)
    p_firm = premium_at(front, site, firm, top)
    cut = bool(np.isfinite(p_no) and np.isfinite(p_firm) and p_firm < 0.5 * p_no)
    if not np.isfinite(p_no) and np.isfinite(p_firm):
        cut = True  # not reachable without firm power at all
    return {
        "steep": steep,
        "cut": cut,
        "top_pct": top,
        "premium_no_firm_pct": p_no,
        "premium_firm_pct": p_firm,
    }


# -- part 3 ----------------------------------------------------------------------------------
def discount_factors(rate: float, years: int) -> np.ndarray:
    """End-of-year discount factors of years 1..``years``."""
    return (1.0 + rate) ** -np.arange(1, years + 1, dtype=float)


def delivery_long(
    study: Study,
    site: PreparedSite,
    on_time: pd.DataFrame,
    late: pd.DataFrame,
    price_column: str,
) -> pd.DataFrame:
    """Contract-window totals: present value of cost (discounted at the instance's rate) and
    emissions over ``window_years``, for the plant on time, ``k`` years late (the first ``k``
    years without fusion, then on time) and derated for the whole window; each against on time.
    """
    part = study.spec.delivery_risk
    assert part is not None
    n = part.window_years
    rate = site.instance.spec.finance.discount_rate
    df = discount_factors(rate, n)
    rows = []
    for i, (_, r) in enumerate(on_time.iterrows()):
        if not _ok(r):
            price = float(r[price_column])
            rows.append(
                {
                    "site": site.name,
                    "price_usd_per_mwh": price,
                    "case": "on time",
                    "status": r["status"],
                }
            )
            continue
        years = float(r["horizon_years"])
        c0 = float(r["total_cost_usd_per_yr"])
        e0 = float(r["emissions_location_t"]) / years
        d0 = float(r["demand_mwh"]) / years
        mw = float(r.get(f"{site.offer}_capacity_mw", 0.0) or 0.0)
        pv0 = c0 * df.sum()
        base = {
            "site": site.name,
            "price_usd_per_mwh": float(r[price_column]),
            "contract_mw": mw if mw >= 1e-3 else 0.0,
            "window_years": n,
            "discount_rate": rate,
        }
        rows.append(
            {
                **base,
                "strategy": "as planned",
                "case": "on time",
                "years_affected": 0,
                "status": OPTIMAL,
                "cost_affected_usd_per_mwh": c0 / d0,
                "cfe_affected_pct": 100 * float(r["hourly_cfe_score"]),
                "emissions_affected_kt_per_yr": e0 / 1e3,
                "pv_cost_musd": pv0 / 1e6,
                "delta_pv_musd": 0.0,
                "delta_pv_pct": 0.0,
                "emissions_kt": n * e0 / 1e3,
                "delta_emissions_kt": 0.0,
            }
        )
        if late is None or not len(late):
            continue
        sub = late[late["price_index"] == i]
        for _, s in sub.iterrows():
            event = s["event"]
            ok = _ok(s)
            cs = float(s["total_cost_usd_per_yr"]) if ok else np.nan
            es = float(s["emissions_location_t"]) / years if ok else np.nan
            cases: list[tuple[str, int]]
            if event == "late":
                cases = [(f"{k} yr late", k) for k in part.slip_years]
            else:
                cases = [(f"availability {event.split('_')[-1]} %", n)]
            for label, k in cases:
                pv = cs * df[:k].sum() + c0 * df[k:].sum()
                em = k * es + (n - k) * e0
                rows.append(
                    {
                        **base,
                        "strategy": s["strategy"],
                        "case": label,
                        "years_affected": k,
                        "status": s["status"],
                        "cost_affected_usd_per_mwh": cs / d0,
                        "cfe_affected_pct": 100 * float(s["hourly_cfe_score"]) if ok else np.nan,
                        "emissions_affected_kt_per_yr": es / 1e3,
                        "pv_cost_musd": pv / 1e6,
                        "delta_pv_musd": (pv - pv0) / 1e6,
                        "delta_pv_pct": 100 * (pv - pv0) / pv0,
                        "emissions_kt": em / 1e3,
                        "delta_emissions_kt": (em - n * e0) / 1e3,
                    }
                )
    return pd.DataFrame(rows)


# -- part 4 ----------------------------------------------------------------------------------
def sensitivity_long(
    study: Study, site: PreparedSite, costs: pd.DataFrame, breakeven: pd.DataFrame
) -> pd.DataFrame:
    """One row per case: break-even at the part's policy and its change from the reference;
    cost with fusion allowed (at the offer's price) and without; fusion MW contracted."""
    part = study.spec.sensitivities
    assert part is not None
    labels = {"reference": "reference"} | {c.name: c.label for c in part.cases}
    be = breakeven.set_index("case")
    ref_be = np.nan
    if "reference" in be.index:
        ref_be = float(be.loc["reference", "breakeven_usd_per_mwh"])
    rows = []
    for name, label in labels.items():
        with_f = costs[(costs["case"] == name) & costs["fusion_allowed"]]
        without = costs[(costs["case"] == name) & ~costs["fusion_allowed"]]
        w = with_f.iloc[0] if len(with_f) else {}
        o = without.iloc[0] if len(without) else {}
        b = be.loc[name] if name in be.index else None
        value = float(b["breakeven_usd_per_mwh"]) if b is not None else np.nan
        note = b["note"] if b is not None and isinstance(b["note"], str) else ""
        rows.append(
            {
                "site": site.name,
                "case": name,
                "label": label,
                "breakeven_usd_per_mwh": value,
                "breakeven_note": note,
                "contracted_at_usd_per_mwh": (
                    b["contracted_at_usd_per_mwh"] if b is not None else np.nan
                ),
                "delta_breakeven_usd_per_mwh": value - ref_be,
                "cost_with_fusion_usd_per_mwh": _cost(w),
                "cost_without_fusion_usd_per_mwh": _cost(o),
                "fusion_mw": (
                    float(w.get(f"{site.offer}_capacity_mw", np.nan)) if _ok(w) else np.nan
                ),
                "status_with": w.get("status", "missing") if len(with_f) else "missing",
                "status_without": o.get("status", "missing") if len(without) else "missing",
            }
        )
    out = pd.DataFrame(rows)
    out["fusion_saves_usd_per_mwh"] = (
        out["cost_without_fusion_usd_per_mwh"] - out["cost_with_fusion_usd_per_mwh"]
    )
    return out
