"""Part 5 of the study document: the decision under delivery risk (two-stage plans)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.formats import joined, num
from planner.study.document import Document
from planner.study.parts import offer_cap_mw, price_path
from planner.study.results import StudyResults
from planner.study.risk_plan import ON_TIME_PLAN
from planner.study.sections.credibility import credibility
from planner.study.sites import PreparedSite
from planner.study.words import OPTIMAL, policy_words

OUTCOMES = ("on_time", "late", "never")


def plan_table(r: StudyResults, site: PreparedSite, table: pd.DataFrame) -> pd.DataFrame:
    """One row per plan: probabilities, fusion signed (MW), expected cost and each outcome's
    cost (M$/yr), EVPI and VSS (M$/yr), status."""
    part = r.study.spec.risk_plan
    assert part is not None
    sets = {p.name: p for p in part.probability_sets}
    rows = []
    for _, row in table.iterrows():
        name = str(row["scenario"])
        base, _, how = name.partition("__")
        probs = sets.get(base)

        def musd(column: str, row: pd.Series = row) -> float:
            value = row.get(column, np.nan)
            return float(value) / 1e6 if pd.notna(value) else np.nan

        ok = row["status"] == OPTIMAL
        expected = musd("risk_expected_cost_usd_per_yr") if probs else musd("total_cost_usd_per_yr")
        rows.append(
            {
                "price_usd_per_mwh": float(row[price_path(site)]),
                "plan": "on-time plan"
                if name == ON_TIME_PLAN
                else (f"{probs.label}, CVaR" if how == "cvar" and probs else probs.label)
                if probs
                else name,
                "key": name,
                "status": row["status"],
                "p_on_time": probs.on_time if probs else 1.0,
                "p_late": probs.late if probs else 0.0,
                "p_never": probs.never if probs else 0.0,
                "fusion_mw": float(row.get(f"{site.offer}_capacity_mw", np.nan)) if ok else np.nan,
                "expected_cost_musd_per_yr": expected if ok else np.nan,
                **{
                    f"{o}_cost_musd_per_yr": musd(f"scenario_{o}_cost_usd_per_yr")
                    if probs and ok
                    else np.nan
                    for o in OUTCOMES
                },
                "evpi_musd_per_yr": musd("risk_evpi_usd_per_yr") if probs and ok else np.nan,
                "vss_musd_per_yr": musd("risk_vss_usd_per_yr") if probs and ok else np.nan,
            }
        )
    return pd.DataFrame(rows).sort_values("price_usd_per_mwh", kind="stable").reset_index(drop=True)


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cell(value: float, decimals: int) -> str:
    if value == np.inf:
        return "on-time plan fails"  # VSS: that plan cannot serve every outcome
    return num(value, decimals) if np.isfinite(value) else "-"


def risk_plan(doc: Document, r: StudyResults) -> pd.DataFrame | None:
    part = r.study.spec.risk_plan
    if part is None or not r.risk_plan:
        return None
    doc.heading("5. Deciding under delivery risk: how many MW to sign")
    share = part.late_years / part.window_years
    penalty = (
        f"the seller pays {num(part.penalty_usd_per_mwh, 0)} $/MWh of promised energy it does "
        "not deliver"
        if part.penalty_usd_per_mwh > 0
        else "no delivery penalty"
    )
    doc.para(
        "The contract is signed before the outcome is known (`scenarios` in the instance, "
        "`planner/stochastic.py`): the fusion MW and every build are decided once, then each "
        "outcome has its own dispatch and may add solar and wind at "
        f"{num(100 * part.recourse_premium_share, 0)} % above their cost, delivering only "
        f"{num(part.recourse_lead_time_h, 0)} hours after the year's start (a representative "
        "day delivers the share of the days it stands for that lie past that). The outcomes: the "
        f"plant on time; {part.late_years} year{'s' if part.late_years != 1 else ''} late "
        f"({num(100 * share, 0)} % of the energy of "
        f"the {part.window_years} contract years the modelled year stands for is missing); "
        f"never. {_first_up(penalty)}. {_first_up(policy_words(part.policy.label))} holds "
        "in every outcome. The on-time plan is the site solved as if the plant were certain; "
        "EVPI is what knowing the outcome before signing would be worth (penalties left out on "
        "both sides), VSS what the two-stage plan saves against signing the on-time plan "
        '("on-time plan fails": signed alone, that plan cannot hold the policy in every '
        "outcome even with recourse)."
    )
    if part.other_sets_prices_usd_per_mwh is not None and (
        len(part.probability_sets) > 1 or part.cvar_alpha is not None
    ):
        at = joined(
            [
                "the offer's price" if p is None else f"{num(p, 1)} $/MWh"
                for p in part.other_sets_prices_usd_per_mwh
            ]
        )
        doc.para(
            f"The first set of odds ({part.probability_sets[0].label}) is planned at every "
            f"price; the other sets and the CVaR plan at {at} only "
            "(`risk_plan.other_sets_prices_usd_per_mwh`: a plan with its EVPI and VSS costs "
            "about fourteen solves of the site, docs/performance.md)."
        )
    credibility(doc, r)
    if r.study.spec.credibility is not None:
        doc.heading("5.2 The plans", 3)
    frames = []
    for site in r.sites:
        table = r.risk_plan.get(site.name)
        if table is None:
            continue
        plans = plan_table(r, site, table)
        frames.append(plans.assign(site=site.name))
        shown = pd.DataFrame(
            {
                "price, $/MWh": plans["price_usd_per_mwh"].map(lambda v: _cell(v, 1)),
                "plan": plans["plan"],
                "p on time / late / never": [
                    f"{a:.2f} / {b:.2f} / {c:.2f}"
                    for a, b, c in zip(
                        plans["p_on_time"], plans["p_late"], plans["p_never"], strict=True
                    )
                ],
                f"{site.offer} signed, MW": plans["fusion_mw"].map(lambda v: _cell(v, 1)),
                "expected cost, M$/yr": plans["expected_cost_musd_per_yr"].map(
                    lambda v: _cell(v, 1)
                ),
                "on time / late / never, M$/yr": [
                    " / ".join(_cell(v, 1) for v in vals)
                    for vals in zip(
                        *(plans[f"{o}_cost_musd_per_yr"] for o in OUTCOMES), strict=True
                    )
                ],
                "EVPI, M$/yr": plans["evpi_musd_per_yr"].map(lambda v: _cell(v, 2)),
                "VSS, M$/yr": plans["vss_musd_per_yr"].map(lambda v: _cell(v, 2)),
            }
        )
        if (plans["status"] != OPTIMAL).any():
            shown.insert(2, "status", plans["status"])
        doc.table(f"risk_plan_{site.name}", shown, plans, f"**{site.name}**:")
        for price, at in plans.groupby("price_usd_per_mwh", sort=True):
            doc.para(_sentence(site, at, float(price), part.penalty_usd_per_mwh))
    return pd.concat(frames, ignore_index=True) if frames else None


def _sentence(site: PreparedSite, plans: pd.DataFrame, price: float, penalty: float) -> str:
    head = f"{site.name} at {num(price, 1)} $/MWh"
    on = plans[plans["key"] == ON_TIME_PLAN]
    others = plans[(plans["key"] != ON_TIME_PLAN) & (plans["status"] == OPTIMAL)]
    if not len(on) or on["status"].iloc[0] != OPTIMAL or not len(others):
        return f"{head}: no comparison (a plan did not solve; its status is in the table)."
    base = float(on["fusion_mw"].iloc[0])
    low, high = float(others["fusion_mw"].min()), float(others["fusion_mw"].max())
    span = num(low, 1) if abs(high - low) < 0.05 else f"{num(low, 1)} to {num(high, 1)}"
    evpi = others["evpi_musd_per_yr"]
    worth = num(float(evpi.min()), 2)
    if float(evpi.max()) - float(evpi.min()) >= 0.005:
        worth += f" to {num(float(evpi.max()), 2)}"
    plans_sign = (
        f"the two-stage plans sign {span} MW"
        if len(others) > 1
        else f"the two-stage plan ({others['plan'].iloc[0]}) signs {span} MW"
    )
    text = (
        f"{head}: the on-time plan signs {num(base, 1)} MW of {site.offer}; {plans_sign}, and "
        f"knowing the outcome first would be worth {worth} M$/yr."
    )
    cap = offer_cap_mw(site)
    capped = plans[(plans["status"] == OPTIMAL) & (plans["fusion_mw"] >= cap - 0.05)]
    if cap > 0 and len(capped):  # an offer of 0 MW signs its cap at every price
        text += (
            f" Cap-bound at the offer's {num(cap, 1)} MW (more would be signed without the cap): "
            f"{'; '.join(capped['plan'])}."
        )
    more = others[others["fusion_mw"] > base + 0.05]
    if penalty > 0 and len(more):
        text += (
            f" Where a plan signs more than the on-time plan ({', '.join(more['plan'])}), it "
            f"signs for the penalty: when the plant fails the seller pays {num(penalty, 0)} "
            "$/MWh of promised energy the buyer never pays for, so the contract is partly a bet "
            "on the plant failing (more MW as failure grows likelier). Read those MW as the "
            "value of the penalty clause, not of the plant: a seller would not sign on these "
            "terms at these odds."
        )
    return text
