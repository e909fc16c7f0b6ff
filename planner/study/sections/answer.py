"""The study's first screen: the answer, per site, computed from the parts below it.

For each site: up to which fusion price a PPA pays under the weakest and the strictest policy
studied, where the plausible prices (the study file's benchmarks: the offer price, Helion's goal,
the Crane restart) fall, how many MW the least-cost portfolio signs at the offer's own price,
and what the plan made under delivery risk signs. Every figure is one of a table below; a
censored break-even is said as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.formats import num
from planner.study import analysis as an
from planner.study.document import Document
from planner.study.parts import offer_price, price_path
from planner.study.results import StudyResults
from planner.study.risk_plan import ON_TIME_PLAN
from planner.study.sections.competitors import competitor_words
from planner.study.sections.flexibility import flexible_words
from planner.study.sites import PreparedSite
from planner.study.words import (
    OPTIMAL,
    breakeven_words,
    policies_above,
    policies_words,
    policy_words,
)


def answer(doc: Document, r: StudyResults) -> None:
    spec = r.study.spec
    if spec.breakeven is None or not r.breakeven:
        return
    doc.heading("The answer in short")
    long = an.breakeven_long(r.breakeven)
    items = []
    for site in r.sites:
        part = long[long["site"] == site.name].sort_values("order")
        if not len(part):
            continue
        offer = next(o for o in site.instance.spec.fusion if o.name == site.offer)
        price = float(offer.energy_price_usd_per_mwh)
        first, last = part.iloc[0], part.iloc[-1]
        text = (
            f"**{site.name}** ({site.offer}, up to {num(offer.max_capacity_mw, 0)} MW): a fusion "
            f"PPA pays {breakeven_words(first)} under {policy_words(first['policy'])} and "
            f"{breakeven_words(last)} under {policy_words(last['policy'])}."
        )
        paying = [row["policy"] for _, row in part.iterrows() if _pays_at(row, price)]
        text += (
            f" At the offer's {num(price, 1)} $/MWh it pays under "
            + (policies_words(paying) if paying else "no policy studied")
            + "."
        )
        for bench in spec.benchmarks:
            above = policies_above(part, bench)
            where = (
                "every policy studied"
                if len(above) == len(part)
                else (policies_words(above) if above else "no policy studied")
            )
            text += f" At {bench.label} it pays under {where}."
        text += _risk_words(r, site)
        text += competitor_words(r, site)
        text += flexible_words(r, site)
        items.append(text)
    doc.bullets(items)
    offered = _offered(r)
    firm = (
        "the clean-firm offers of the instances are off except in part 1.1, which offers each"
        if "clean firm" not in offered and spec.competitors is not None
        else "the clean-firm library is off in every case, see the assumptions at the end"
        if "clean firm" not in offered
        else "with the clean-firm offers of the instances"
    )
    doc.para(
        f"Conditions: fusion competes here with {', '.join(offered)} and the grid ({firm}); a "
        "break-even is the price of the first MW leaving the least-cost portfolio (part 1); the "
        "plan under risk is part 5, its probabilities "
        + (
            "judged from the public record of part 5.1 and kept in the study file"
            if spec.credibility is not None
            else "assumptions of the study file"
        )
        + ("; part 6 follows a campus as it grows over the pathway's periods" if r.pathway else "")
        + "."
    )


def _offered(r: StudyResults) -> list[str]:
    """The kinds other than fusion that some studied site offers (a capacity above 0)."""
    names = {"solar": "solar", "wind": "wind", "storage": "storage", "clean_firm": "clean firm"}
    out = []
    for key, name in names.items():
        for site in r.sites:
            items = getattr(site.instance.spec, key)
            caps = [getattr(i, "max_capacity_mw", getattr(i, "max_power_mw", None)) for i in items]
            if any(c is None or c > 0 for c in caps):
                out.append(name)
                break
    return out


def _pays_at(row: pd.Series, price: float) -> bool:
    value = row["breakeven_usd_per_mwh"]
    if value is not None and np.isfinite(value):
        return bool(value > price)
    return str(row.get("note") or "").startswith("contracted up to")


def _risk_words(r: StudyResults, site: PreparedSite) -> str:
    offer = site.offer
    table = r.risk_plan.get(site.name)
    part = r.study.spec.risk_plan
    if table is None or part is None or not len(table):
        return ""
    column = f"{offer}_capacity_mw"
    table = table[table[price_path(site)].astype(float) == offer_price(site)]
    on = table[(table["scenario"] == ON_TIME_PLAN) & (table["status"] == OPTIMAL)]
    first = part.probability_sets[0]
    plan = table[(table["scenario"] == first.name) & (table["status"] == OPTIMAL)]
    if not len(on) or not len(plan) or column not in table:
        return " Under delivery risk a plan did not solve (part 5)."
    return (
        f" Signed at that price before knowing whether the plant comes (part 5, {first.label}): "
        f"{num(float(plan[column].iloc[0]), 1)} MW, against {num(float(on[column].iloc[0]), 1)} "
        "MW if delivery were certain."
    )
