"""Part 6 of the study document, the conclusions per site, and the run time."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.formats import joined, num, signed
from planner.study import analysis as an
from planner.study.config import Variant
from planner.study.document import Document
from planner.study.results import StudyResults
from planner.study.sections.competitors import competitor_words
from planner.study.sections.setting import method_text
from planner.study.words import (
    breakeven_words,
    policies_above,
    policies_words,
    policy_words,
    variant,
)


def conclusions(
    doc: Document,
    r: StudyResults,
    be: pd.DataFrame | None,
    front: pd.DataFrame | None,
    delivery: pd.DataFrame | None,
    sens: pd.DataFrame | None,
) -> None:
    spec = r.study.spec
    doc.heading("8. Conclusions per site")
    variants = list(spec.frontier.variants) if spec.frontier else []
    bare = variant(variants, False, False)
    firm = variant(variants, True, True) or variant(variants, True, False)
    for site in r.sites:
        lines = []
        if be is not None:
            part = be[be["site"] == site.name].sort_values("order")
            if len(part):
                first, last = part.iloc[0], part.iloc[-1]
                lines.append(
                    f"Fusion is worth contracting {breakeven_words(first)} under "
                    f"{policy_words(first['policy'])} and {breakeven_words(last)} under "
                    f"{policy_words(last['policy'])}."
                )
                for bench in spec.benchmarks:
                    above = policies_above(part, bench)
                    if len(above) == len(part):
                        lines.append(f"At {bench.label} it pays under every policy studied.")
                    elif not above:
                        lines.append(f"At {bench.label} it pays under no policy studied.")
                    else:
                        lines.append(
                            f"At {bench.label} it pays only under {policies_words(above)}."
                        )
        lines.append(competitor_words(r, site).strip())
        if front is not None and bare is not None and firm is not None:
            s = an.shape_check(front, site.name, (bare.name, firm.name))
            lines.append(_premium_sentence(s, bare, firm))
        if delivery is not None and spec.delivery_risk is not None:
            lines += _delivery_conclusion(
                delivery[delivery["site"] == site.name], min(spec.delivery_risk.slip_years)
            )
        if sens is not None:
            lines += _sensitivity_conclusion(
                sens[(sens["site"] == site.name) & (sens["case"] != "reference")]
            )
        doc.para(f"**{site.name}.** " + " ".join(line for line in lines if line))
    doc.para("These conclusions rest on these assumptions:")
    doc.bullets(list(spec.assumptions) + [method_text(r.study)])
    voll = {x.name: float(x.instance.spec.demand.value_of_lost_load_usd_per_mwh) for x in r.sites}
    unserved = unserved_text(r.unserved, voll)
    if unserved:
        doc.para(unserved)


def unserved_text(unserved: dict[str, dict[str, Any]], voll: dict[str, float]) -> str:
    """The load the stored solves leave unserved, by site (:func:`planner.study.results.
    stored_unserved`; ``voll``: each site's value of lost load): where, how much at most, and
    why where the solves say so; that none is when none is; "" before any solve."""
    if not any(e["solves"] for e in unserved.values()):
        return ""
    some = {site: e for site, e in unserved.items() if e["unserved"]}
    if not some:
        return (
            "No stored solve leaves load unserved (each site's load is met in every modelled hour)."
        )
    parts = []
    for site, e in some.items():
        known = e["unserved"] - e.get("unknown", 0)
        why = (
            f"{'all' if e['at_peaks'] == e['unserved'] else e['at_peaks']} of them in a solve "
            "that warned that a coincident-peak hour's charge costs more per MWh than "
            "unserved load"
            if e["at_peaks"]
            else f"none of the {known} with their warnings kept warned of the coincident peaks"
        )
        if e.get("unknown"):
            why += f" ({e['unknown']} stored before warnings were kept)"
        at = f" (value of lost load {num(voll[site], 0)} $/MWh)" if site in voll else ""
        parts.append(
            f"at {site}{at} {e['unserved']} of {e['solves']} solves, up to "
            f"{num(100 * e['max_share'], 3)} % of the load (that solve: "
            f"{num(e['max_mwh'], 0)} MWh), {why}"
        )
    met = [site for site, e in unserved.items() if e["solves"] and not e["unserved"]]
    tail = f"; at {', '.join(met)} none" if met else ""
    return (
        "**Unserved load.** Load may be left unserved at the site's value of lost load "
        "(`demand.value_of_lost_load_usd_per_mwh`) where that is cheaper than "
        "serving it (a campus curtailing for the grid's coincident peaks rather than paying "
        "their charge): " + "; ".join(parts) + tail + ". Its cost is in every figure above; "
        "a campus that cannot curtail needs a higher value of lost load."
    )


def _premium_sentence(s: dict[str, Any], bare: Variant, firm: Variant) -> str:
    """The premium at the top target without and with firm power, in words."""
    top = f"{num(s['top_pct'], 0)} % hourly CFE"
    no, yes = s["premium_no_firm_pct"], s["premium_firm_pct"]
    if np.isfinite(no) and np.isfinite(yes):
        return (
            f"At {top} the premium over annual matching is {signed(no, 0, ' %')} with "
            f"'{bare.label}' and {signed(yes, 0, ' %')} with '{firm.label}'."
        )
    if np.isfinite(yes):
        return (
            f"{top[0].upper()}{top[1:]} is out of reach with '{bare.label}'; with '{firm.label}' "
            f"its premium over annual matching is {signed(yes, 0, ' %')}."
        )
    return f"{top[0].upper()}{top[1:]} is out of reach even with '{firm.label}'."


def _delivery_conclusion(d: pd.DataFrame, years: int) -> list[str]:
    lines = []
    late = d[d["years_affected"] == years]
    for price, rows in late.groupby("price_usd_per_mwh", sort=False):
        fixed = rows[rows["strategy"] == "fixed"]
        top = rows[rows["strategy"] == "top_up"]
        text = f"With the contract signed at {num(price)} $/MWh, a plant {years} yr late"
        parts = []
        if len(fixed) and np.isfinite(fixed["delta_pv_musd"].iloc[0]):
            f = fixed.iloc[0]
            parts.append(
                f"changes the {int(f['window_years'])}-year cost by "
                f"{signed(f['delta_pv_musd'], 1)} M$ ({signed(f['delta_pv_pct'], 1, ' %')}) and "
                f"emissions by {signed(f['delta_emissions_kt'], 1)} kt CO2 if the builds stay as "
                "planned"
            )
        if len(top):
            t = top.iloc[0]
            if np.isfinite(t["delta_pv_musd"]):
                parts.append(
                    f"holding the target by adding solar, wind and storage changes the cost by "
                    f"{signed(t['delta_pv_musd'], 1)} M$ ({signed(t['delta_pv_pct'], 1, ' %')})"
                )
            else:
                parts.append(f"the target cannot be held without the plant ({t['status']})")
        if parts:
            lines.append(text + " " + "; ".join(parts) + ".")
    return lines


def runtime(doc: Document, r: StudyResults) -> None:
    doc.heading("Run time")
    slowest = r.slowest or {"timings": r.timings, "total_s": r.total_s}
    t = pd.DataFrame(slowest["timings"])
    if not len(t):
        return
    concurrent = bool(t.get("concurrent", pd.Series(False, index=t.index)).fillna(False).any())
    table = t.pivot_table(index="part", columns="site", values="seconds", aggfunc="sum", sort=False)
    if concurrent:
        # each site's parts ran one after another: a column adds up to its elapsed time; the
        # columns overlap, so no sum across them
        table.loc["total"] = table.sum(axis=0)
        if "all sites" in table.columns:  # the pathway and the accuracy check overlap too
            table.loc["total", "all sites"] = float("nan")
        note = (
            " the sites, the pathway and the accuracy check ran at the same time, on the same "
            "workers: a site's parts ran one after another, so its total is its elapsed time, "
            "and the columns overlap;"
        )
    else:
        table["total"] = table.sum(axis=1)
        table.loc["total"] = table.sum(axis=0)
        note = ""
    # under ten seconds with a tenth (the clustering takes a fraction of a second, not 0)
    shown = table.map(lambda v: num(v, 1 if abs(v) < 10 else 0)).reset_index()
    shown.columns = [str(c) for c in shown.columns]
    doc.table(
        "runtime",
        shown,
        table.reset_index(),
        f"Wall time, seconds, by part and site ({r.executor};{note} the longest time of each "
        "part over the runs that filled the stores, `runtime.json` in the output folder: a "
        "resumed run skips stored solves and is faster). The longest run took "
        f"{num(float(slowest['total_s']) / 60, 1)} min from its start to the writing of the "
        f"document; this one {num(r.total_s / 60, 1)} min.",
    )
    warm = r.warm
    if warm.get("warm"):
        worst = float(warm["max_check_rel"])
        check = (
            f"{int(warm['checked'])} of them were solved again cold and compared: the objectives "
            f"agree to {worst:.1e} (relative) at most"
            if warm["checked"]
            else "none of them was checked against a cold solve"
        )
        doc.para(
            f"Of the {int(warm['points'])} stored solves, {int(warm['warm'])} were warm-started "
            "from the previous solve of the same LP in their worker (the study's `reuse_model`: "
            f"simplex from the kept basis); {check}. A warm solve ends on a vertex: where "
            "several portfolios cost the same, it may pick another one than a cold solve."
        )
    text = warnings_text(r.warned)
    if text:
        doc.para(text)


def warnings_text(warned: dict[str, Any]) -> str:
    """What the stored solves warned of (:func:`planner.study.results.stored_warnings`): each
    kind with one example, how many solves raised it, in which parts, at which fusion prices,
    how many ended optimal; or that none did; "" before any point was stored."""
    points = int(warned.get("points", 0))
    if not points:
        return ""
    unknown = int(warned.get("unrecorded", 0))
    tail = (
        f" {unknown} of them were stored by an earlier version that did not keep warnings: "
        "whether they raised one is not known."
        if unknown
        else ""
    )
    kinds = warned.get("kinds", [])
    if not kinds:
        return (
            f"None of the {points} stored solves raised a warning (`warnings` in the stores).{tail}"
        )
    lines = [
        f"{int(warned['warned'])} of the {points} stored solves raised warnings (`warnings` in "
        "their stores, the planner's checks of the LP and its inputs):"
    ]
    for k in kinds:
        n, ok = int(k["solves"]), int(k["optimal"])
        outcome = (
            "all optimal" if ok == n else f"{ok} optimal, {n - ok} not (their numbers are not used)"
        )
        said = "One solve warned" if n == 1 else f"{n} solves warned, one of them"
        lines.append(
            f"{said}: '{k['example']}' ({outcome}; "
            f"{_where(k['parts'])}{_at(k['prices_usd_per_mwh'])})."
        )
    lines.append(
        "An optimal answer passed the planner's check of every row and bound in original units "
        "(docs/reliability.md): the warning says what could still make it misleading."
    )
    return " ".join(lines) + tail


def _where(parts: list[str], limit: int = 4) -> str:
    """The stores a warning came from: each, or how many and at which sites."""
    if len(parts) <= limit:
        return "in " + ", ".join(f"`{p}`" for p in parts)
    sites = list(dict.fromkeys(p.split("/")[0] for p in parts))
    return f"in {len(parts)} stores of {joined(sites)}"


def _at(prices: list[float], limit: int = 6) -> str:
    """The fusion prices a warning's points set: each, or their range."""
    if not prices:
        return ""
    if len(prices) <= limit:
        return f", at fusion prices of {', '.join(num(p, 1) for p in prices)} $/MWh"
    return (
        f", at {len(prices)} fusion prices from {num(min(prices), 1)} to "
        f"{num(max(prices), 1)} $/MWh"
    )


def _sensitivity_conclusion(sub: pd.DataFrame) -> list[str]:
    """Which case moves the break-even the most, over every case: one whose break-even left
    the range searched (censored: contracted at every price tried, or at none) moves it further
    than any finite one, and is named as such rather than dropped."""
    finite = sub[np.isfinite(sub["delta_breakeven_usd_per_mwh"])]
    notes = sub["breakeven_note"].fillna("").astype(str)
    up = sub[notes.str.startswith("contracted up to")]
    down = sub[notes.str.startswith("not contracted")]
    lines = []
    if len(up) or len(down):
        parts = []
        if len(up):
            parts.append(
                f"{', '.join(up['label'])} move{'s' if len(up) == 1 else ''} it above every price "
                "tried"
            )
        if len(down):
            parts.append(
                f"{', '.join(down['label'])} leave{'s' if len(down) == 1 else ''} fusion "
                "uncontracted even when free"
            )
        lines.append(
            "Of the sensitivities, the largest moves are censored: " + "; ".join(parts) + "."
        )
        if len(finite):
            top = finite.loc[finite["delta_breakeven_usd_per_mwh"].abs().idxmax()]
            lines.append(
                f"Among the others, {top['label']} moves it the most "
                f"({signed(top['delta_breakeven_usd_per_mwh'], 1)} $/MWh)."
            )
    elif len(finite):
        top = finite.loc[finite["delta_breakeven_usd_per_mwh"].abs().idxmax()]
        lines.append(
            f"Of the sensitivities, {top['label']} moves the break-even the most "
            f"({signed(top['delta_breakeven_usd_per_mwh'], 1)} $/MWh)."
        )
    return lines
