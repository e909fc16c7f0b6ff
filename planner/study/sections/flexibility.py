"""Part 7 of the study document: how much of fusion's value survives when part of the load can
move in time (the stored solves of :mod:`planner.study.flexible`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.formats import joined, num, pct
from planner.study import analysis as an
from planner.study.document import Document
from planner.study.parts import offer_cap_mw
from planner.study.results import StudyResults
from planner.study.sites import PreparedSite
from planner.study.words import OPTIMAL, policy_words

MIN_VALUE_MUSD = 0.01
"""A value (M$/yr) below this at the rigid load leaves no share to survive."""
MIN_MW = 0.5
"""MW contracted below this at the rigid load leave no share to survive."""


CAP_TOL_MW = 0.01


def _musd(row: pd.Series) -> float:
    value = row.get("total_cost_usd_per_yr", np.nan)
    return float(value) / 1e6 if row["status"] == OPTIMAL and pd.notna(value) else np.nan


def value_table(site: PreparedSite, costs: pd.DataFrame, be: pd.DataFrame) -> pd.DataFrame:
    """One row per (share, price): cost without fusion, with it, fusion's value (the
    difference, M$/yr), the MW contracted, and the break-even at that share; the shares of the
    rigid load's value and break-even that survive."""
    rows = []
    for share, at in costs.groupby("share", sort=True):
        off = at[~at["fusion_allowed"]]
        without = _musd(off.iloc[0]) if len(off) else np.nan
        brow = be[be["share"] == share] if len(be) else be
        bcell = an.breakeven_cell(brow.iloc[0]) if len(brow) else "-"
        bvalue = float(brow.iloc[0]["breakeven_usd_per_mwh"]) if len(brow) else np.nan
        for _, row in at[at["fusion_allowed"]].iterrows():
            ok = row["status"] == OPTIMAL
            mw = float(row.get(f"{site.offer}_capacity_mw", np.nan)) if ok else np.nan
            rows.append(
                {
                    "share": float(share),
                    "share_pct": 100 * float(share),
                    "price_usd_per_mwh": float(row["price_usd_per_mwh"]),
                    "cost_without_fusion_musd_per_yr": without,
                    "cost_with_fusion_musd_per_yr": _musd(row),
                    "value_musd_per_yr": without - _musd(row),
                    "fusion_mw": mw,
                    "breakeven_usd_per_mwh": bvalue,
                    "breakeven_cell": bcell,
                    "breakeven_contracted_at_usd_per_mwh": float(
                        brow.iloc[0]["contracted_at_usd_per_mwh"]
                    )
                    if len(brow)
                    else np.nan,
                    "cap_bound": bool(ok and mw >= offer_cap_mw(site) - CAP_TOL_MW),
                    "status": row["status"],
                    "status_without_fusion": off.iloc[0]["status"] if len(off) else "missing",
                }
            )
    out = pd.DataFrame(rows)
    for _, at in out.groupby("price_usd_per_mwh"):
        rigid = at[at["share"] == 0]
        v0 = float(rigid["value_musd_per_yr"].iloc[0]) if len(rigid) else np.nan
        b0 = float(rigid["breakeven_usd_per_mwh"].iloc[0]) if len(rigid) else np.nan
        index = at.index
        keep = np.isfinite(v0) and v0 >= MIN_VALUE_MUSD
        out.loc[index, "value_survives_pct"] = (
            100 * at["value_musd_per_yr"] / v0 if keep else np.nan
        )
        m0 = float(rigid["fusion_mw"].iloc[0]) if len(rigid) else np.nan
        m_ok = np.isfinite(m0) and m0 >= MIN_MW
        out.loc[index, "mw_survives_pct"] = 100 * at["fusion_mw"] / m0 if m_ok else np.nan
        b_ok = np.isfinite(b0) and b0 > 0
        out.loc[index, "breakeven_survives_pct"] = (
            100 * at["breakeven_usd_per_mwh"] / b0 if b_ok else np.nan
        )
    return out


def flexibility(doc: Document, r: StudyResults) -> pd.DataFrame | None:
    part = r.study.spec.flexible_load
    if part is None or not r.flexible_costs:
        return None
    doc.heading("7. Flexible load: how much of fusion's value survives")
    advance = part.max_delay_h if part.max_advance_h is None else part.max_advance_h
    doc.para(
        f"A share of each hour's load (`demand.flexibility.share`: "
        f"{joined([pct(100 * s, 0) for s in part.shares])}) may be deferred by up to "
        f"{part.max_delay_h} hours or served up to {advance} hours early "
        "(`planner/model/flexibility.py`), never above an installed IT capacity "
        f"{pct(100 * part.headroom_share, 0)} above the site's peak load (an ASSUMPTION, as in "
        f"`instances/portfolio_three_sites.yaml`), losing {pct(100 * part.loss_share, 0)} of the "
        f"shifted energy; each site alone, nothing moves between sites; "
        f"{policy_words(part.policy.label)}. With representative days, work is deferred "
        "within its day, which wraps around (an approximation of the real sequence of hours). "
        + (
            "Fusion's value at a price is the cost without fusion minus the cost with the offer "
            "at that price (M$/yr). "
            if part.without_fusion
            else ""
        )
        + (
            "The break-even is the highest price at which fusion is still contracted (part 1's "
            "method)"
            + (
                ", searched at "
                + joined([pct(100 * v, 0) for v in sorted({0.0, *part.breakeven_shares})])
                + " flexible only ('-' elsewhere). "
                if part.breakeven_shares is not None
                else ". "
            )
            if part.breakeven
            else ""
        )
        + "'Survives' is each as a share of the rigid load's (0 %)."
    )
    frames = []
    for site in r.sites:
        costs = r.flexible_costs.get(site.name)
        if costs is None:
            continue
        be = r.flexible_breakeven.get(site.name, pd.DataFrame())
        table = value_table(site, costs, be)
        frames.append(table.assign(site=site.name))
        doc.table(f"flexible_load_{site.name}", _shown(site, table), table, f"**{site.name}**:")
        for text in _sentences(site, table):
            doc.para(text)
    return pd.concat(frames, ignore_index=True) if frames else None


def _shown(site: PreparedSite, table: pd.DataFrame) -> pd.DataFrame:
    def musd(v: float, status: str) -> str:
        return num(v, 1) if np.isfinite(v) else f"({status})"

    shown: dict[str, Any] = {
        "flexible share": table["share_pct"].map(lambda v: pct(v, 0)),
        "fusion price, $/MWh": table["price_usd_per_mwh"].map(lambda v: num(v, 1)),
    }
    valued = table["status_without_fusion"].ne("missing").any()
    if valued:
        shown["cost without fusion, M$/yr"] = [
            musd(v, s)
            for v, s in zip(
                table["cost_without_fusion_musd_per_yr"],
                table["status_without_fusion"],
                strict=True,
            )
        ]
    shown["cost with fusion, M$/yr"] = [
        musd(v, s)
        for v, s in zip(table["cost_with_fusion_musd_per_yr"], table["status"], strict=True)
    ]
    shown[f"{site.offer}, MW"] = [
        f"{num(v, 1)} (cap-bound)" if c else num(v, 1)
        for v, c in zip(table["fusion_mw"], table["cap_bound"], strict=True)
    ]
    shown["MW survive"] = table["mw_survives_pct"].map(lambda v: pct(v, 0))
    if valued:
        shown["fusion's value, M$/yr"] = table["value_musd_per_yr"].map(lambda v: num(v, 2))
        shown["value survives"] = table["value_survives_pct"].map(lambda v: pct(v, 0))
    if table["breakeven_cell"].ne("-").any():
        shown["break-even, $/MWh"] = table["breakeven_cell"]
        shown["break-even survives"] = table["breakeven_survives_pct"].map(lambda v: pct(v, 0))
    return pd.DataFrame(shown)


def _price_sentence(site: PreparedSite, price: float, at: pd.DataFrame, top: float) -> str:
    rigid = at[at["share"] == 0].iloc[0]
    most = at[at["share"] == top].iloc[0]
    head = f"{site.name}, {site.offer} at {num(price, 1)} $/MWh"
    flexible = f"{pct(100 * top, 0)} of it flexible"
    capped = (
        " The offer is at its cap in a case: those numbers are set by the cap."
        if at["cap_bound"].any()
        else ""
    )
    if not (np.isfinite(rigid["fusion_mw"]) and np.isfinite(most["fusion_mw"])):
        return f"{head}: a case did not solve (its status is in the table); no share is given."
    if rigid["fusion_mw"] < MIN_MW:
        return (
            f"{head}: with a rigid load {num(rigid['fusion_mw'], 1)} MW are contracted, so no "
            "value is there to survive at this price."
        )
    text = (
        f"{head}: {num(rigid['fusion_mw'], 0)} MW are contracted with a rigid load and "
        f"{num(most['fusion_mw'], 0)} MW with {flexible} ({pct(most['mw_survives_pct'], 0)} "
        "survive)"
    )
    v0, vt = rigid["value_musd_per_yr"], most["value_musd_per_yr"]
    if np.isfinite(v0) and np.isfinite(vt) and v0 >= MIN_VALUE_MUSD:
        text += (
            f"; fusion saves {num(v0, 2)} M$/yr with the rigid load and {num(vt, 2)} M$/yr "
            f"with {flexible}: {pct(most['value_survives_pct'], 0)} of its value survives"
        )
    return text + "." + capped


def _sentences(site: PreparedSite, table: pd.DataFrame) -> list[str]:
    top = float(table["share"].max())
    out = [
        _price_sentence(site, float(price), at, top)
        for price, at in table.groupby("price_usd_per_mwh", sort=True)
    ]
    first = table.drop_duplicates("share").set_index("share")
    if first.loc[[0.0, top], "breakeven_cell"].ne("-").all():
        b0, bt = first.loc[0.0], first.loc[top]
        if np.isfinite(b0["breakeven_usd_per_mwh"]) and np.isfinite(bt["breakeven_usd_per_mwh"]):
            verb = (
                "falls" if bt["breakeven_usd_per_mwh"] <= b0["breakeven_usd_per_mwh"] else "rises"
            )
            out.append(
                f"{site.name}: the break-even {verb} from {b0['breakeven_cell']} $/MWh (rigid) "
                f"to {bt['breakeven_cell']} $/MWh with {pct(100 * top, 0)} flexible "
                f"({pct(bt['breakeven_survives_pct'], 0)} of it)."
            )
        else:
            out.append(
                f"{site.name}: break-even {b0['breakeven_cell']} $/MWh (rigid) and "
                f"{bt['breakeven_cell']} $/MWh with {pct(100 * top, 0)} flexible: at least one "
                "lies outside the prices searched (or a search failed), so no share is given."
            )
    return out


def flexible_words(r: StudyResults, site: PreparedSite) -> str:
    """One sentence (with a leading space) for the first screen: the break-even with the most
    flexible share studied against the rigid load; empty without the part or the values."""
    costs = r.flexible_costs.get(site.name)
    be = r.flexible_breakeven.get(site.name)
    if costs is None or be is None or not len(costs):
        return ""
    table = value_table(site, costs, be)
    top = float(table["share"].max())
    first = table.drop_duplicates("share").set_index("share")
    if top <= 0 or 0.0 not in first.index:
        return ""
    b0, bt = first.loc[0.0], first.loc[top]
    if not (np.isfinite(b0["breakeven_usd_per_mwh"]) and np.isfinite(bt["breakeven_usd_per_mwh"])):
        return ""
    return (
        f" With {pct(100 * top, 0)} of the load flexible (part 7) the break-even is "
        f"{bt['breakeven_cell']} $/MWh against {b0['breakeven_cell']} with a rigid load."
    )
