"""Part 2 of the study document: the cost of 24/7 CFE with and without fusion and
long-duration storage, and the comparison with Riepin & Brown."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from planner.formats import joined, num, signed
from planner.study import analysis as an
from planner.study import figures as figs
from planner.study.config import Variant
from planner.study.document import Document
from planner.study.results import StudyResults
from planner.study.sites import PreparedSite
from planner.study.words import (
    OPTIMAL,
    policy_words,
    variant,
)


def frontier(doc: Document, r: StudyResults, fig_dir: Path) -> pd.DataFrame | None:
    spec = r.study.spec
    if spec.frontier is None or not r.frontier:
        return None
    part = spec.frontier
    front = an.frontier_long(r.study, r.frontier)
    doc.heading("2. Cost of 24/7 CFE, with and without fusion and long-duration storage")
    doc.para(
        "Least cost ($/MWh of load, grid purchases included) of each policy for each technology "
        "palette. The premium is the rise over the site's least cost of "
        f"{policy_words(part.policies[0].label)} (Riepin & Brown's measure) with whichever "
        "palette reaches it most cheaply: one reference per site, so the palettes compare like "
        "for like. Fusion is offered at each site's offer price; long-duration storage is the "
        "site's iron-air, or the cost set's iron-air added where the site has none. "
        "`infeasible`: the palette cannot reach the policy at all."
    )
    variants = list(part.variants)
    labels = {v.name: v.label for v in variants}
    policies = [p.label for p in part.policies]
    by_name = {s.name: s for s in r.sites}
    for site in dict.fromkeys(front["site"]):
        sub = front[front["site"] == site]
        shown = pd.DataFrame({"policy": policies})
        for v in variants:
            rows = sub[sub["variant"] == v.name].set_index("policy").reindex(policies)
            shown[v.label] = [
                f"{num(c)} ({signed(p, 0, ' %')})" if np.isfinite(c) else str(s)
                for c, p, s in zip(
                    rows["cost_usd_per_mwh_load"], rows["premium_pct"], rows["status"], strict=True
                )
            ]
        ref = sub[(sub["policy"] == policies[0]) & (sub["variant"] == sub["reference_variant"])]
        caption = f"**{site}**: cost, $/MWh of load (premium over the reference). "
        if len(ref):
            caption += (
                f"Reference: {num(ref['cost_usd_per_mwh_load'].iloc[0])} $/MWh, "
                f"{policy_words(policies[0])} with '{labels[ref['variant'].iloc[0]]}', which "
                f"reaches {num(ref['hourly_cfe_score_pct'].iloc[0], 1)} % hourly CFE."
            )
        caption += _reach_text(by_name[site], sub, policies[0])
        doc.table(f"frontier_{site}", shown, sub, caption)
    fig = figs.premium_figure(front, variants, spec.literature)
    doc.figure(
        fig,
        fig_dir / "premium.png",
        "Premium of hourly CFE targets over annual matching, per site and palette, and "
        "the published figures.",
    )
    full = variant(variants, True, True) or variant(variants, True, False)
    if full is not None:
        for site in dict.fromkeys(front["site"]):
            table = r.frontier[site]
            fig = figs.capacity_by_target(table[table["scenario"] == full.name], site, full.label)
            doc.figure(
                fig,
                fig_dir / f"capacity_{site}.png",
                f"{site}: capacity mix along the hourly target, palette '{full.label}'.",
            )
    _shape(doc, r, front, variants)
    return front


def _reach_text(site: PreparedSite, sub: pd.DataFrame, annual: str) -> str:
    """Why the palettes without fusion miss annual matching, when solar is what limits them."""
    missed = sub[(sub["policy"] == annual) & (sub["status"] != OPTIMAL)]
    lim = an.annual_energy_limit(site, fusion=False)
    if not len(missed) or lim["solar_gwh_per_yr"] >= lim["demand_gwh_per_yr"]:
        return ""
    return (
        f" Without fusion, {policy_words(annual)} is out of reach: the largest solar allowed "
        f"({num(lim['solar_max_mw'], 0)} MW) produces {num(lim['solar_gwh_per_yr'], 0)} GWh/yr "
        f"on the modelled days against a demand of {num(lim['demand_gwh_per_yr'], 0)} GWh/yr, "
        "and grid power does not count as procured."
    )


def _premium_text(value: float) -> str:
    return signed(value, 0, " %") if np.isfinite(value) else "out of reach"


def _shape(
    doc: Document, r: StudyResults, front: pd.DataFrame, variants: Sequence[Variant]
) -> None:
    lit = r.study.spec.literature
    bare = variant(variants, False, False)
    lds = variant(variants, False, True)
    firm = variant(variants, True, True) or variant(variants, True, False)
    if bare is None or firm is None:
        return
    doc.heading("Same shape as Riepin & Brown?", 3)
    rows = []
    if lit is not None:
        for name, values in lit.premium_pct.items():
            v = next((x for x in variants if x.name == name), None)
            for t, value in zip(lit.targets, values, strict=True):
                rows.append(
                    {
                        "source": "Riepin & Brown",
                        "palette": v.label if v else name,
                        "target_pct": 100 * t,
                        "premium_pct": value,
                    }
                )
    targets = sorted(front["hourly_target_pct"].dropna().unique())
    for site in dict.fromkeys(front["site"]):
        for v in variants:
            for t in targets:
                rows.append(
                    {
                        "source": site,
                        "palette": v.label,
                        "target_pct": t,
                        "premium_pct": an.premium_at(front, site, v.name, t),
                    }
                )
    table = pd.DataFrame(rows)
    columns = sorted(table["target_pct"].unique())
    display_rows = []
    for (source, palette), group in table.groupby(["source", "palette"], sort=False):
        values = group.set_index("target_pct")["premium_pct"]
        display_rows.append(
            {"source": source, "palette": palette}
            | {f"{num(t, 0)} %": signed(values.get(t, np.nan), 0, " %") for t in columns}
        )
    doc.table(
        "premium_comparison",
        pd.DataFrame(display_rows),
        table,
        "Premium over annual matching at each hourly target: "
        + (f"{lit.source} and " if lit is not None else "")
        + "this study's sites (`-`: not published, or out of reach):",
    )
    top = max(targets) if targets else np.nan
    doc.para(
        "The test applied: (i) without clean firm power the premium rises fastest over the last "
        "percentage points (the rise per point between the two highest targets exceeds that "
        "between the two lowest, an unreachable top target counting as the steepest), and (ii) "
        "adding fusion cuts the premium at the highest target by more than half (or makes it "
        "reachable)."
    )
    items = []
    for site in dict.fromkeys(front["site"]):
        s = an.shape_check(front, site, (bare.name, firm.name))
        verdict = (
            "the same shape"
            if s["steep"] and s["cut"]
            else ("part of the shape" if s["steep"] or s["cut"] else "a different shape")
        )
        premiums = [(bare, s["premium_no_firm_pct"])]
        if lds is not None:
            premiums.append((lds, an.premium_at(front, site, lds.name, top)))
        premiums.append((firm, s["premium_firm_pct"]))
        words = joined([f"{_premium_text(p)} with '{v.label}'" for v, p in premiums])
        items.append(f"**{site}** shows {verdict}. Premium at {num(top, 0)} % hourly CFE: {words}.")
    if lit is not None and bare.name in lit.premium_pct and firm.name in lit.premium_pct:
        items.append(
            f"Riepin & Brown ({lit.source}): {signed(lit.premium_pct[bare.name][-1], 0, ' %')} "
            f"without firm power, {signed(lit.premium_pct[firm.name][-1], 0, ' %')} with it, at "
            f"{num(100 * lit.targets[-1], 0)} %."
        )
    doc.bullets(items)
    doc.para("Why the numbers differ from Ireland's:")
    reasons = []
    for site in r.sites:
        sub = front[(front["site"] == site.name) & front["hourly_target_pct"].isna()]
        ref = sub[sub["variant"] == sub["reference_variant"]]
        lim = an.annual_energy_limit(site, fusion=False)
        peak = float(np.max(site.instance.spec.demand.load_mw))
        ratio = lim["solar_max_mw"] / peak
        spec = site.instance.spec
        wind_mw = sum(float(w.max_capacity_mw or 0.0) for w in spec.wind)
        only = ", the only variable renewable offered," if wind_mw <= 0 else ""
        text = f"{site.name}: solar{only} is limited to {num(lim['solar_max_mw'], 0)} MW "
        text += f"({num(ratio, 1)}x the peak load)"
        if wind_mw > 0:
            text += f", wind to {num(wind_mw, 0)} MW ({num(wind_mw / peak, 1)}x)"
        if len(ref):
            text += (
                f"; annual matching alone reaches {num(ref['hourly_cfe_score_pct'].iloc[0], 1)} % "
                "hourly CFE"
            )
        reasons.append(text + ".")
    any_wind = any(
        float(w.max_capacity_mw or 0.0) > 0 for site in r.sites for w in site.instance.spec.wind
    )
    reasons += [
        (
            "Wind is offered as a PPA at the region's 2022 fleet profile"
            if any_wind
            else "No wind is offered"
        )
        + "; the clean firm resource of the cases is a fusion take-or-pay PPA at the offer price, "
        "not a plant built at a capital cost (Riepin & Brown's clean firm is Allam-cycle gas with "
        "capture and advanced geothermal).",
        "The grid is an exogenous hourly profile (the region's real 2022 data; the PJM and "
        "Mid-Columbia prices synthetic, docs/data.md): the buyer is a price taker and its "
        "procurement does not change the grid's carbon-free share, unlike in a system model.",
        "Riepin & Brown measure the procurement cost of a share of a country's commercial and "
        "industrial load, grid purchases included and revenue from excess sales not netted; "
        "here the cost is the whole bill of one datacenter with its export revenue netted, so "
        "an oversized portfolio looks cheaper here than on their definition.",
    ]
    doc.bullets(reasons)
