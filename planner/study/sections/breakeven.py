"""Part 1 of the study document: the break-even fusion PPA price per CFE policy."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from planner.formats import joined, num
from planner.study import analysis as an
from planner.study import figures as figs
from planner.study.cases import long_duration_names
from planner.study.config import Benchmark
from planner.study.document import Document
from planner.study.policy_case import PolicyCase
from planner.study.results import StudyResults
from planner.study.sites import PreparedSite
from planner.study.words import (
    OPTIMAL,
    breakeven_words,
    policies_above,
    policies_words,
    policy_words,
    variant,
)


def _offer_mw(r: StudyResults, site: PreparedSite, policy: str) -> float:
    """MW of the site's offer contracted at its offer price under ``policy``: the frontier's
    fusion palette with the site's own storage types (NaN if not solved)."""
    table = r.frontier.get(site.name)
    part = r.study.spec.frontier
    if table is None or part is None:
        return np.nan
    v = variant(part.variants, True, bool(long_duration_names(site.site.instance)))
    if v is None:
        return np.nan
    rows = table[(table["scenario"] == v.name) & (table["policy_label"] == policy)]
    if not len(rows) or rows["status"].iloc[0] != OPTIMAL:
        return np.nan
    return float(rows[f"{site.offer}_capacity_mw"].iloc[0])


def breakeven(doc: Document, r: StudyResults, fig_dir: Path) -> pd.DataFrame | None:
    spec = r.study.spec
    if spec.breakeven is None or not r.breakeven:
        return None
    long = an.breakeven_long(r.breakeven)
    by_name = {s.name: s for s in r.sites}
    long["offer_price_usd_per_mwh"] = [
        float(
            next(
                o for o in by_name[s].instance.spec.fusion if o.name == by_name[s].offer
            ).energy_price_usd_per_mwh
        )
        for s in long["site"]
    ]
    long["mw_at_offer_price"] = [
        _offer_mw(r, by_name[s], p) for s, p in zip(long["site"], long["policy"], strict=True)
    ]
    doc.heading("1. Break-even fusion PPA price by CFE target")
    benches = spec.benchmarks
    refs = []
    for b in benches:
        value = num(b.low_usd_per_mwh, 0)
        if b.high_usd_per_mwh != b.low_usd_per_mwh:
            value += f"-{num(b.high_usd_per_mwh, 0)}"
        refs.append(f"{b.label} ({value} $/MWh; {b.source})")
    doc.para(
        "The break-even price is the highest energy price ($/MWh, take-or-pay) at which the "
        "least-cost portfolio still contracts the site's fusion offer (`planner.breakeven`: a "
        f"bracketing search to +- {num(spec.breakeven.tol_usd_per_mwh, 1)} $/MWh between 0 and "
        f"{num(spec.breakeven.max_price_usd_per_mwh, 0)} $/MWh, started from the offer's reduced "
        "cost at the top price). It is the value of the "
        "first MW of fusion: below it fusion lowers the cost of meeting the policy, above it the "
        "policy is met without fusion. Next to it, the MW contracted at the offer's own price "
        f"(part 2, the site's storage types). Reference prices: {joined(refs)}."
    )
    long["target_binds"] = target_binds(long, list(spec.breakeven.policies))
    policies = list(dict.fromkeys(long.sort_values("order")["policy"]))
    shown = pd.DataFrame({"policy": policies})
    for site in dict.fromkeys(long["site"]):
        part = long[long["site"] == site].set_index("policy").reindex(policies)
        price = num(part["offer_price_usd_per_mwh"].iloc[0], 1)
        shown[f"{site}: break-even, $/MWh"] = [
            an.breakeven_cell(row) + (" (slack)" if row["target_binds"] is False else "")
            for _, row in part.iterrows()
        ]
        shown[f"{site}: MW at {price} $/MWh"] = (
            part["mw_at_offer_price"].map(lambda v: num(v, 0)).to_list()
        )
    doc.table(
        "breakeven",
        shown,
        long,
        "Break-even price of the fusion PPA, and MW contracted at the offer price (`> x`: "
        "contracted at every price tried, because the policy cannot be met without fusion or "
        "only at a higher cost; `never`: not contracted even free; `slack`: the policy does "
        "not bind where fusion leaves the portfolio, which meets it without fusion and with "
        "room to spare):",
    )
    fig = figs.breakeven_by_policy(long, policies, benches, spec.breakeven.max_price_usd_per_mwh)
    doc.figure(
        fig,
        fig_dir / "breakeven.png",
        "Break-even fusion PPA price by CFE policy, per site, with the reference prices.",
    )
    for site in dict.fromkeys(long["site"]):
        doc.para(_breakeven_sentence(site, long[long["site"] == site], benches))
        slack = _slack_sentence(site, long[long["site"] == site])
        if slack:
            doc.para(slack)
    return long


SLACK = 5e-4
"""A target counts as binding unless the optimum exceeds it by more than this share of demand
(the interior-point solver's tolerance on a score, with room)."""


def target_binds(long: pd.DataFrame, policies: Sequence[PolicyCase]) -> list[bool | None]:
    """Per row: does the row's policy bind where the offer leaves the portfolio (the optimum at
    the search's upper end: its hourly CFE score, or annual match, at most the target plus
    :data:`SLACK`)? None where the search found no break-even (censored, never contracted,
    failed)."""
    by_label = {p.label: p for p in policies}
    out: list[bool | None] = []
    for _, row in long.iterrows():
        policy = by_label.get(row["policy"])
        column = "annual_match_fraction" if policy and policy.is_annual else "hourly_cfe_score"
        score = row.get(f"{column}_without_offer", np.nan)
        found = row["note"] == "" and np.isfinite(row["breakeven_usd_per_mwh"])
        if policy is None or not found or score is None or not np.isfinite(score):
            out.append(None)
        else:
            out.append(bool(score <= policy.share + SLACK))
    return out


def _slack_sentence(site: str, part: pd.DataFrame) -> str:
    """Which policies do not bind at the site where fusion leaves, and what that means."""
    slack = part[part["target_binds"].map(lambda b: b is False)].sort_values("order")
    if not len(slack):
        return ""
    values = [an.breakeven_cell(row) for _, row in slack.iterrows()]
    same = len(set(values)) == 1
    hourly = slack["hourly_cfe_score_without_offer"]
    annual = slack["annual_match_fraction_without_offer"]
    reached = (
        f"{num(100 * hourly.min(), 1)} % hourly CFE"
        + (f" to {num(100 * hourly.max(), 1)} %" if hourly.max() - hourly.min() > SLACK else "")
        + f" and {num(100 * annual.min(), 0)} % annual matching"
    )
    return (
        f"**{site}**: {policies_words(list(slack['policy']))} "
        f"{'does' if len(slack) == 1 else 'do'} not bind where fusion leaves the portfolio: "
        f"without fusion the least-cost portfolio already reaches {reached}. The break-even "
        f"under {'it' if len(slack) == 1 else 'them'} "
        f"({values[0] if same else ', '.join(values)} $/MWh) is fusion's value against the "
        "other resources and the wholesale market, not a price of the policy."
    )


def _breakeven_sentence(site: str, part: pd.DataFrame, benches: Sequence[Benchmark]) -> str:
    part = part.sort_values("order")
    first, last = part.iloc[0], part.iloc[-1]
    text = (
        f"**{site}**: fusion is worth contracting {breakeven_words(first)} under "
        f"{policy_words(first['policy'])} and {breakeven_words(last)} under "
        f"{policy_words(last['policy'])}."
    )
    for bench in benches:
        above = policies_above(part, bench)
        if len(above) == len(part):
            text += f" At {bench.label} it is contracted under every policy."
        elif not above:
            text += f" At {bench.label} it is contracted under no policy."
        else:
            text += f" At {bench.label} it is contracted only under {policies_words(above)}."
    return text
