"""Part 1.2 of the study document: the MW of fusion contracted against the PPA price (the stored
solves of :mod:`planner.study.curve`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from planner.formats import joined, num
from planner.study import figures as figs
from planner.study.curve import MW_TOL, curve_problems
from planner.study.document import Document
from planner.study.results import StudyResults
from planner.study.words import OPTIMAL


def _cell(row: pd.Series) -> str:
    if row["status"] != OPTIMAL:
        return str(row["status"])
    text = num(row["contracted_mw"], 0)
    return f"{text} (cap)" if row["at_cap"] else text


def _price(value: float) -> str:
    return num(value, 1 if value != round(value) else 0)


def policy_sentence(rows: pd.DataFrame, part1: pd.DataFrame | None) -> str:
    """How the MW fall with the price under one policy, from its optimal solves only."""
    label = str(rows["policy_label"].iloc[0])
    good = rows[rows["status"] == OPTIMAL]
    if not len(good):
        return f"under {label}: no solve ended optimal"
    price = good["price_usd_per_mwh"].to_numpy(float)
    mw = good["contracted_mw"].to_numpy(float)
    none = mw <= MW_TOL
    cap = " (the cap)" if good["at_cap"].iloc[0] else ""
    text = f"under {label}: {num(mw[0], 0)} MW at {_price(price[0])} $/MWh{cap}"
    if none.all():
        text = f"under {label}: none at any price solved (from {_price(price[0])} $/MWh)"
    elif not none.any():
        text += f", still {num(mw[-1], 0)} MW at {_price(price[-1])} $/MWh"
    else:
        k = int(np.flatnonzero(none)[0])
        after = "from" if none[k:].all() else "at"  # a later rise is said by curve_problems
        if k == 0:  # MW further up the prices: a rise, said by curve_problems
            text = f"under {label}: none at {_price(price[0])} $/MWh, MW at higher prices"
        else:
            if k > 1:
                text += f", {num(mw[k - 1], 0)} MW at {_price(price[k - 1])}"
            text += f" and none {after} {_price(price[k])}"
    if part1 is not None and len(part1):
        found = part1[part1["policy_label"] == label]
        if len(found) and pd.notna(found.iloc[0]["breakeven_usd_per_mwh"]):
            be = float(found.iloc[0]["breakeven_usd_per_mwh"])
            text += f" (part 1's break-even: {num(be, 1)} $/MWh)"
    return text


def contract_curve(doc: Document, r: StudyResults, fig_dir: Path) -> None:
    part = r.study.spec.contract_curve
    if part is None or not r.contract_curve:
        return
    curve = pd.concat(list(r.contract_curve.values()), ignore_index=True)  # in site order
    prices = [float(p) for p in part.prices_usd_per_mwh]
    doc.heading("1.2 Fusion MW contracted against the price", level=3)
    doc.para(
        "The break-even of part 1 is the price of the first MW; how many MW a buyer should sign "
        "below it is the curve below: each site solved under each policy of `contract_curve` at "
        f"each of {joined([_price(p) for p in prices])} $/MWh (the site as in part 1, its own "
        "storage types), the MW of the offer in the least-cost portfolio. Lines are straight "
        "between the solved prices, which is not a claim about the prices in between; `(cap)`: "
        "the offer's `max_capacity_mw`, where the MW are set by the cap, not by the price."
    )
    rows_shown = []
    for (site, label), rows in curve.groupby(["site", "policy_label"], sort=False):
        cells = {f"{_price(p)} $/MWh": "-" for p in prices}  # a price with no stored solve
        for _, row in rows.iterrows():
            cells[f"{_price(float(row['price_usd_per_mwh']))} $/MWh"] = _cell(row)
        rows_shown.append({"site": site, "policy": label, **cells})
    shown = pd.DataFrame(rows_shown)
    doc.table("contract_curve", shown, curve, "Fusion contracted, MW, at each price:")
    doc.figure(
        figs.contract_curve(curve, r.study.spec.benchmarks),
        fig_dir / "contract_curve.png",
        "Fusion MW contracted against the PPA price, per site and policy, with the reference "
        "prices.",
    )
    problems = []
    compared: set[str] = set()
    for site, table in r.contract_curve.items():
        part1 = r.breakeven.get(site)
        said = [
            policy_sentence(rows, part1) for _, rows in table.groupby("policy_label", sort=False)
        ]
        doc.para(f"**{site}**: {'; '.join(said)}.")
        problems += [f"{site}: {p}" for p in curve_problems(table, part1)]
        if part1 is not None and len(part1):
            priced = part1[part1["breakeven_usd_per_mwh"].notna()]["policy_label"]
            compared |= set(priced) & set(table["policy_label"])
    if problems:
        doc.para("Read with care (`planner.study.curve.curve_problems`):")
        doc.bullets(problems)
        return
    labels = [p.label for p in part.policies if p.label in compared]
    against = (
        f", and they fall to none where part 1's break-even says, under {joined(labels)} (the "
        "policies where part 1 gives a price)"
        if labels
        else ""
    )
    doc.para(
        "Every solve ended optimal and at every site and policy the MW do not rise with the "
        f"price{against}; checked by `planner.study.curve.curve_problems`."
    )
