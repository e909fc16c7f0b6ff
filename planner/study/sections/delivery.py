"""Part 3 of the study document: delivery risk, a late or derated fusion plant."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from planner.formats import joined, num, pct, signed
from planner.study import analysis as an
from planner.study import figures as figs
from planner.study.config import PolicyCase
from planner.study.document import Document
from planner.study.parts import price_path
from planner.study.results import StudyResults
from planner.study.sites import PreparedSite
from planner.study.words import (
    OPTIMAL,
    policy_words,
)


def delivery(doc: Document, r: StudyResults, fig_dir: Path) -> pd.DataFrame | None:
    part = r.study.spec.delivery_risk
    if part is None or not r.delivery_on_time:
        return None
    doc.heading("3. Delivery risk: a late or derated fusion plant")
    soft = part.shortfall_penalty_usd_per_mwh
    kept = (
        f"kept as a soft target at {num(soft, 0)} $/MWh of shortfall"
        if soft is not None
        else "kept (hard: if it cannot be met, the case is `infeasible`)"
    )
    strategies = {
        "fixed": "**fixed**: the contract and every other capacity (solar, wind, storage and any "
        "other resource offered) stay as planned for on-time delivery; the hourly target is "
        "dropped in the affected years (it can no longer be met) and the CFE score reached is "
        "reported",
        "top_up": "**top-up**: the contract stays, every other capacity (solar, wind, storage) "
        f"may grow, never shrink, and the target is {kept}; additions are charged at their "
        "annualised cost in the affected years only (as if leased)",
    }
    doc.para(
        "The contract is sized for on-time delivery: the site is solved under "
        f"{policy_words(part.policy.label)} with the fusion offer at each price, which gives the "
        "contracted MW and the builds. Then the contract is fixed (`min_capacity_mw` = "
        "`max_capacity_mw`) and the year is solved again with the plant late (availability 0: "
        "the buyer pays nothing for undelivered energy; penalties owed by the seller are not "
        "modelled) or delivering at a lower availability, under two strategies:"
    )
    doc.bullets([strategies[s] for s in part.strategies])
    rates = sorted({s.instance.spec.finance.discount_rate for s in r.sites})
    doc.para(
        f"The costs are summed over a {part.window_years}-year contract window, discounted at "
        f"the instance's rate ({joined([pct(100 * x, 0) for x in rates])}, end of year): a plant "
        "k years late gives k years as solved late, then on time; a derated plant is derated "
        "in every year. Each year repeats the modelled year (same weather, load and grid)."
    )
    longs = []
    for site in r.sites:
        on = r.delivery_on_time.get(site.name)
        if on is None:
            continue
        long = an.delivery_long(r.study, site, on, r.delivery_late.get(site.name), price_path(site))
        longs.append(long)
        doc.para(_delivery_sentence(site, long, part.policy))
        rows = long[long["case"] != "on time"]
        if not len(rows):
            continue
        change = [
            f"{signed(d, 1)} ({signed(p, 1, ' %')})" if np.isfinite(d) else str(s)
            for d, p, s in zip(
                rows["delta_pv_musd"], rows["delta_pv_pct"], rows["status"], strict=True
            )
        ]
        shown = pd.DataFrame(
            {
                "price, $/MWh": rows["price_usd_per_mwh"].map(num),
                "strategy": rows["strategy"].str.replace("_", "-"),
                "case": rows["case"],
                "cost in affected years, $/MWh": rows["cost_affected_usd_per_mwh"].map(num),
                "CFE in affected years": rows["cfe_affected_pct"].map(pct),
                "window cost change, M$ (PV)": change,
                "window CO2 change, kt": rows["delta_emissions_kt"].map(lambda v: signed(v, 1)),
            }
        )
        doc.table(
            f"delivery_{site.name}",
            shown,
            long,
            f"**{site.name}**: {part.window_years}-year contract window against on-time delivery:",
        )
    if not longs:
        return None
    delivery = pd.concat(longs, ignore_index=True)
    if (delivery["case"] != "on time").any():
        doc.figure(
            figs.delivery_figure(delivery),
            fig_dir / "delivery_risk.png",
            "Change of the contract window's cost and emissions when the fusion plant is "
            "late or derated.",
        )
    return delivery


def _delivery_sentence(site: PreparedSite, long: pd.DataFrame, policy: PolicyCase) -> str:
    texts = []
    for _, row in long[long["case"] == "on time"].iterrows():
        price = num(row["price_usd_per_mwh"])
        if row.get("status") != OPTIMAL:
            texts.append(f"at {price} $/MWh the on-time solve ended {row.get('status')}")
        elif row["contract_mw"] <= 0:
            texts.append(f"at {price} $/MWh no fusion is contracted, so there is no delivery risk")
        else:
            texts.append(
                f"at {price} $/MWh the on-time portfolio contracts {num(row['contract_mw'], 1)} "
                f"MW; the window costs {num(row['pv_cost_musd'], 1)} M$ (PV) and emits "
                f"{num(row['emissions_kt'], 1)} kt CO2 at {num(row['cfe_affected_pct'], 1)} % "
                "hourly CFE"
            )
    return f"**{site.name}** ({policy_words(policy.label)}): " + "; ".join(texts) + "."
