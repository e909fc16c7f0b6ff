"""Part 4 of the study document: sensitivities of the break-even and the cost."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.formats import joined, num, pct
from planner.study import analysis as an
from planner.study import figures as figs
from planner.study.document import Document
from planner.study.results import StudyResults
from planner.study.words import (
    policy_words,
)

FACTOR_WORDS = {
    "solar_cost": "solar capex (or the solar PPA price)",
    "storage_cost": "storage power and energy capex (every storage type)",
    "grid_fossil": "the grid's fossil share in every hour (carbon intensity alike, the fossil mix "
    "unchanged; the carbon-free share is the rest)",
    "demand": "the datacenter's load and its grid connection (fusion offer size and solar "
    "limits unchanged)",
}


def sensitivities(doc: Document, r: StudyResults, fig_dir: Path) -> pd.DataFrame | None:
    part = r.study.spec.sensitivities
    if part is None or not r.sensitivity_costs:
        return None
    doc.heading("4. Sensitivities")
    doc.para(
        f"One input changed at a time, under {policy_words(part.policy.label)}: the break-even "
        "fusion price, and the cost with fusion allowed at the offer's price and without fusion. "
        "The cases (factors on the reference inputs):"
    )
    items = []
    for c in part.cases:
        factors = [
            f"{FACTOR_WORDS[k]} x {num(getattr(c, k), 2)}"
            for k in FACTOR_WORDS
            if getattr(c, k) != 1
        ]
        items.append(f"{c.label}: {joined(factors) or 'no change'}")
    doc.bullets(items)
    sens = pd.concat(
        [
            an.sensitivity_long(
                r.study, site, r.sensitivity_costs[site.name], r.sensitivity_breakeven[site.name]
            )
            for site in r.sites
            if site.name in r.sensitivity_costs
        ],
        ignore_index=True,
    )
    labels = list(dict.fromkeys(sens["label"]))
    shown = pd.DataFrame({"case": labels})
    for site in dict.fromkeys(sens["site"]):
        sub = sens[sens["site"] == site].set_index("label").reindex(labels)
        shown[f"{site}: break-even, $/MWh"] = [
            an.breakeven_cell(
                {"breakeven_usd_per_mwh": b, "note": n, "contracted_at_usd_per_mwh": c}
            )
            for b, n, c in zip(
                sub["breakeven_usd_per_mwh"],
                sub["breakeven_note"],
                sub["contracted_at_usd_per_mwh"],
                strict=True,
            )
        ]
        shown[f"{site}: cost with / without fusion, $/MWh"] = [
            f"{num(a)} / {num(b)}"
            for a, b in zip(
                sub["cost_with_fusion_usd_per_mwh"],
                sub["cost_without_fusion_usd_per_mwh"],
                strict=True,
            )
        ]
    doc.table(
        "sensitivities",
        shown,
        sens,
        f"Break-even price and cost under {policy_words(part.policy.label)}, per case "
        "(`-`: the policy is out of reach without fusion):",
    )
    doc.figure(
        figs.tornado(sens),
        fig_dir / "sensitivities.png",
        "Change of the break-even fusion price from the reference, per case and site.",
    )
    grid_cases = [c for c in part.cases if c.grid_fossil != 1]
    if grid_cases and not part.policy.is_annual:
        x = part.policy.share
        equivalents = joined(
            [
                f"x {num(c.grid_fossil, 2)} acts like a "
                f"{pct(100 * (1 - (1 - x) / c.grid_fossil), 1)} "
                "target"
                for c in grid_cases
            ]
        )
        doc.para(
            "The grid cases change the target more than the grid: the hourly CFE constraint caps "
            "the fossil part of grid imports, sum over hours of (1 - CFE share) x import <= "
            "(1 - target) x demand (Riepin & Brown's formulation), so scaling the fossil share by "
            "k is the same as the target 1 - (1 - target) / k wherever the share stays below one "
            f"(on a {pct(100 * x, 0)} target: {equivalents}); emissions scale with k as well."
        )
    return sens
