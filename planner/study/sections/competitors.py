"""The study document's part on the other clean firm: fusion against each clean-firm offer of
the sites (:mod:`planner.study.competitors`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.formats import num
from planner.study import analysis as an
from planner.study.competitors import ALL, NONE
from planner.study.document import Document
from planner.study.parts import offer_price
from planner.study.results import StudyResults
from planner.study.sites import PreparedSite
from planner.study.words import OPTIMAL, breakeven_words, policy_words


def offer_terms(site: PreparedSite, name: str) -> str:
    """The price terms of one clean-firm offer: energy price, capacity charge, fuel."""
    item = next(c for c in site.instance.spec.clean_firm if c.name == name)
    terms = []
    if item.energy_price_usd_per_mwh:
        terms.append(f"{num(item.energy_price_usd_per_mwh, 1)} $/MWh")
    if item.capacity_charge_usd_per_mw_yr:
        terms.append(f"{num(item.capacity_charge_usd_per_mw_yr / 1000, 0)} k$/MW-yr")
    fuel = getattr(item, "fuel_cost_usd_per_mwh", 0.0) or 0.0
    if fuel:
        terms.append(f"fuel {num(fuel, 1)} $/MWh")
    return " + ".join(terms) or "free"


def competitors_long(r: StudyResults, site: PreparedSite) -> pd.DataFrame:
    """One row per case: the clean-firm MW built and the cost without fusion, the cost and the
    fusion MW with fusion at the offer's price, and the break-even against that portfolio."""
    part = r.study.spec.competitors
    assert part is not None
    costs = r.competitor_costs[site.name]
    be = r.competitor_breakeven[site.name].set_index("case")
    names = [NONE, *part.options] + ([ALL] if ALL in set(costs["case"]) else [])
    rows = []
    for case in names:
        on = list(part.options) if case == ALL else ([] if case == NONE else [case])
        without = costs[(costs["case"] == case) & ~costs["fusion_allowed"]]
        with_f = costs[(costs["case"] == case) & costs["fusion_allowed"]]
        o: Any = without.iloc[0] if len(without) else {}
        w: Any = with_f.iloc[0] if len(with_f) else {}
        b: Any = be.loc[case] if case in be.index else {}
        ok_o, ok_w = o.get("status") == OPTIMAL, w.get("status") == OPTIMAL
        firm_mw = sum(float(o.get(f"{n}_capacity_mw", 0.0)) for n in on) if ok_o else np.nan
        rows.append(
            {
                "site": site.name,
                "case": case,
                "label": "none (part 1)"
                if case == NONE
                else (
                    "every clean-firm offer together"
                    if case == ALL
                    else f"{case} ({offer_terms(site, case)})"
                ),
                "status_without": o.get("status", "missing"),
                "status_with": w.get("status", "missing"),
                "clean_firm_mw": firm_mw,
                "cost_without_fusion_usd_per_mwh": float(o["cost_usd_per_mwh_load"])
                if ok_o
                else np.nan,
                "cost_with_fusion_usd_per_mwh": float(w["cost_usd_per_mwh_load"])
                if ok_w
                else np.nan,
                "fusion_mw": float(w.get(f"{site.offer}_capacity_mw", np.nan)) if ok_w else np.nan,
                "breakeven_usd_per_mwh": float(b.get("breakeven_usd_per_mwh", np.nan)),
                "note": b.get("note") if isinstance(b.get("note"), str) else "",
                "contracted_at_usd_per_mwh": b.get("contracted_at_usd_per_mwh", np.nan),
                "capacity_mw_contracted": b.get("capacity_mw_contracted", np.nan),
                "cap_bound": bool(b.get("cap_bound", False)),
                "capped": str(b.get("capped_at_max_price") or "").replace("nan", ""),
            }
        )
    return pd.DataFrame(rows)


def _cell(row: pd.Series) -> str:
    cell = an.breakeven_cell(row)
    if row["cap_bound"] and not cell.startswith(">"):
        cell += " (cap-bound)"
    return cell


def competitors(doc: Document, r: StudyResults) -> pd.DataFrame | None:
    part = r.study.spec.competitors
    if part is None or not r.competitor_costs:
        return None
    doc.heading("1.1 Against each competing clean-firm offer", 3)
    doc.para(
        f"Under {policy_words(part.policy.label)}, each clean-firm offer of the instances is "
        "switched on alone, up to the campus's peak load, then all of them together; everything "
        "else is as in part 1. Per case: the least-cost portfolio without fusion (the clean-firm "
        "MW it builds, its cost per MWh of load), the same with fusion at the offer's price, and "
        'the fusion break-even against that portfolio ("cap-bound": the offer is at its cap '
        "just below the break-even). The offers' prices are the instances' (cited there): gas "
        "with capture rests on a gas price and a capture rate that are assumptions."
    )
    frames = []
    for site in r.sites:
        if site.name not in r.competitor_costs:
            continue
        long = competitors_long(r, site)
        frames.append(long)
        shown = pd.DataFrame(
            {
                "clean firm offered": long["label"],
                "built without fusion, MW": long["clean_firm_mw"].map(lambda v: num(v, 0)),
                "cost without / with fusion, $/MWh": [
                    f"{num(a, 2)} / {num(b, 2)}"
                    for a, b in zip(
                        long["cost_without_fusion_usd_per_mwh"],
                        long["cost_with_fusion_usd_per_mwh"],
                        strict=True,
                    )
                ],
                f"{site.offer} signed at {num(offer_price(site), 1)} $/MWh, MW": long[
                    "fusion_mw"
                ].map(lambda v: num(v, 1)),
                "fusion break-even, $/MWh": [_cell(row) for _, row in long.iterrows()],
            }
        )
        failed = long[(long["status_without"] != OPTIMAL) | (long["status_with"] != OPTIMAL)]
        if len(failed):
            shown["status without / with"] = long["status_without"] + " / " + long["status_with"]
        doc.table(f"competitors_{site.name}", shown, long, f"**{site.name}**:")
        doc.para(_sentence(site, long))
    return pd.concat(frames, ignore_index=True) if frames else None


def _sentence(site: PreparedSite, long: pd.DataFrame) -> str:
    solved = long[np.isfinite(long["cost_without_fusion_usd_per_mwh"])]
    if not len(solved):
        return f"{site.name}: no case solved without fusion (statuses in the table)."
    best = an.least_cost(solved, "cost_without_fusion_usd_per_mwh")
    text = (
        f"{site.name}: the least-cost portfolio without fusion is with "
        f"{best['label']} at {num(best['cost_without_fusion_usd_per_mwh'], 2)} $/MWh; against "
        f"it fusion pays {breakeven_words(best)}"
    )
    price = offer_price(site)
    signed = solved[solved["fusion_mw"] > 0.05]
    text += (
        f", and at the offer's {num(price, 1)} $/MWh it is signed in "
        f"{len(signed)} of the {len(long)} cases"
        + (f" ({', '.join(signed['case'])})" if len(signed) else "")
        + "."
    )
    return text


def competitor_words(r: StudyResults, site: PreparedSite) -> str:
    """One sentence (with a leading space) on fusion against the least-cost portfolio of the
    other clean firm; empty without the part."""
    part = r.study.spec.competitors
    if part is None or site.name not in r.competitor_costs:
        return ""
    long = competitors_long(r, site)
    solved = long[np.isfinite(long["cost_without_fusion_usd_per_mwh"])]
    if not len(solved):
        return " Against the other clean firm no case solved (part 1.1)."
    best = an.least_cost(solved, "cost_without_fusion_usd_per_mwh")
    if best["case"] == NONE:
        return (
            f" No clean-firm offer lowers the cost under {policy_words(part.policy.label)} "
            "(part 1.1)."
        )
    return (
        f" With the other clean firm offered (part 1.1, {policy_words(part.policy.label)}) the "
        f"least-cost portfolio without fusion takes {best['label']}, and fusion pays against it "
        f"{breakeven_words(best)}."
    )
