"""Part 6 of the study document: growth to 2030-2035 (the pathway), when to sign fusion and
for how long, from the stored pathway solves of :mod:`planner.study.growth`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.formats import joined, noise_free, num, pct, signed
from planner.inputs.instance import Instance
from planner.pathway import period_instances
from planner.study.document import Document
from planner.study.growth import AS_SHIPPED, frame, pathway_instance
from planner.study.results import StudyResults
from planner.study.words import OPTIMAL

CAP_TOL_MW = 0.01
"""A period's fusion MW within this of the offer's cap is read as cap-bound."""


def _price_case(answer: dict[str, Any]) -> str:
    return AS_SHIPPED if answer["as_shipped"] else f"{answer['price_usd_per_mwh']:g}"


def _offer_words(inst: Instance, name: str, price: float | None = None) -> str:
    offer = next(o for o in inst.spec.fusion if o.name == name)
    energy = offer.energy_price_usd_per_mwh if price is None else price
    text = f"{name} at {num(energy, 1)} $/MWh"
    charge = float(getattr(offer, "capacity_charge_usd_per_mw_yr", 0.0) or 0.0)
    if charge > 0:
        text += f" + {num(charge / 1e3, 0)} k$/MW-yr"
    return text


def case_label(inst: Instance, offer: str, answer: dict[str, Any]) -> str:
    """``fusion_foak at 80.0 $/MWh``, or ``as shipped`` (every offer at its own price)."""
    if not answer["as_shipped"]:
        return _offer_words(inst, offer, float(answer["price_usd_per_mwh"]))
    return "as shipped"


def signed_table(r: StudyResults, inst: Instance) -> pd.DataFrame:
    """One row per (case, fusion offer): MW signed in each period, MW held in each period,
    whether the last period's MW is at the offer's cap; NaN for a failed case."""
    years = list(inst.spec.pathway.periods) if inst.spec.pathway else []
    rows = []
    for name, answer in r.pathway.items():
        ok = answer["status"] == OPTIMAL
        vintages, capacity = frame(answer, "vintages"), frame(answer, "capacity")
        for offer in inst.spec.fusion:
            if not answer["as_shipped"] and answer["max_capacity_mw"].get(offer.name, 0) <= 0:
                continue  # switched off in this case
            row: dict[str, Any] = {
                "case": name,
                "foresight": answer["foresight"],
                "price_case": _price_case(answer),
                "offer": offer.name,
                "status": answer["status"],
            }
            held = pd.Series(dtype=float)
            if ok:
                mine = vintages[
                    (vintages["kind"] == "fusion") & (vintages["resource"] == offer.name)
                ]
                built = mine.set_index("vintage")["built"]
                cap_row = capacity[capacity["resource"] == offer.name]
                held = cap_row.iloc[0] if len(cap_row) else held
            for year in years:
                row[f"signed_{year}_mw"] = float(built.get(year, 0.0)) if ok else np.nan
                row[f"held_{year}_mw"] = float(held.get(str(year), np.nan)) if ok else np.nan
            cap = float(answer["max_capacity_mw"].get(offer.name, np.inf))
            last = row[f"held_{years[-1]}_mw"] if years else np.nan
            row["max_capacity_mw"] = cap
            row["cap_bound"] = bool(ok and np.isfinite(last) and last >= cap - CAP_TOL_MW)
            rows.append(row)
    return pd.DataFrame(rows)


def cost_table(r: StudyResults) -> pd.DataFrame:
    """One row per price case: net present cost with each foresight (M$), the cost of
    myopia (M$ and %)."""
    rows: dict[str, dict[str, Any]] = {}
    for answer in r.pathway.values():
        key = _price_case(answer)
        row = rows.setdefault(key, {"price_case": key})
        ok = answer["status"] == OPTIMAL
        row[f"{answer['foresight']}_npc_musd"] = float(answer["npv_usd"]) / 1e6 if ok else np.nan
        row[f"{answer['foresight']}_status"] = answer["status"]
    out = pd.DataFrame(list(rows.values()))
    if {"perfect_npc_musd", "myopic_npc_musd"} <= set(out.columns):
        extra = out["myopic_npc_musd"] - out["perfect_npc_musd"]
        share = 100 * extra / out["perfect_npc_musd"]
        # below 1 k$ or 0.005 %: solver tolerance, stored as 0
        out["myopia_cost_musd"] = extra.map(lambda v: noise_free(v, 1e-3))
        out["myopia_cost_pct"] = share.map(lambda v: noise_free(v, 5e-3))
    return out


def builds_table(r: StudyResults, inst: Instance) -> pd.DataFrame:
    """One row per (case, resource other than fusion and the grid) with capacity in some
    period: MW held in each period (storage: power), and the cost per MWh of load."""
    rows = []
    for name, answer in r.pathway.items():
        if answer["status"] != OPTIMAL:
            continue
        capacity = frame(answer, "capacity").set_index("resource")
        periods = frame(answer, "periods").set_index("year")
        fusion = {o.name for o in inst.spec.fusion}
        for resource, held in capacity.iterrows():
            if resource == "grid" or resource in fusion or float(held.max()) < 0.05:
                continue
            rows.append({"case": name, "row": resource, **{str(k): v for k, v in held.items()}})
        rows.append(
            {
                "case": name,
                "row": "cost, $/MWh of load",
                **{str(k): v for k, v in periods["cost_usd_per_mwh_load"].items()},
            }
        )
    return pd.DataFrame(rows)


def _setting(doc: Document, inst: Instance, offer: str) -> list[Instance]:
    path = inst.spec.pathway
    assert path is not None
    periods = period_instances(inst)
    t = path.trajectories
    years = list(path.periods)

    def path_words(values: list[float] | None) -> str:
        if values is None:
            return "unchanged"
        return ", ".join(f"{y}: x {num(v, 2)}" for y, v in zip(years, values, strict=True))

    targets = []
    for y, p in zip(years, periods, strict=True):
        pol = p.spec.policy
        hourly = getattr(pol, "hourly_cfe_target", None) if pol is not None else None
        targets.append(f"{y}: {num(100 * hourly, 0)} %" if hourly is not None else f"{y}: none")
    costs = "; ".join(f"{k} cost {path_words(v)}" for k, v in t.cost_scale.items())
    doc.para(
        f"The pathway instance `{inst.name}` ({inst.spec.description or 'no description'}) plans "
        f"the periods {joined([str(y) for y in years])} to {path.span()[-1][1]} "
        f"(`planner/pathway.py`): load {path_words(t.load_scale)}; the grid's fossil share "
        f"{path_words(t.grid_fossil_scale)}; {costs}; the hourly CFE target by period "
        f"{', '.join(targets)}. A contract signed in a period runs "
        f"{num(path.contract_term_yr, 0)} years (an input, `pathway.contract_term_yr`, not a "
        "choice of the model); built plants live their lifetime; the net present cost discounts "
        f"each period's yearly cost at {num(100 * inst.spec.finance.discount_rate, 0)} % and "
        f"counts nothing after {path.span()[-1][1]} (no end value). Perfect foresight plans "
        "every period at once; myopic plans each period seeing only its own year, the earlier "
        f"signatures fixed. Only {offer} is offered, except 'as shipped': "
        + joined(
            [
                f"{_offer_words(inst, o.name)} (up to {num(o.max_capacity_mw, 0)} MW)"
                for o in inst.spec.fusion
            ]
        )
        + "."
    )
    strict = [y for y, p in zip(years, periods, strict=True) if _hourly(p) >= 0.999]
    if strict:
        doc.para(
            f"CAUTION: the {joined([str(y) for y in strict])} target of 100 % hourly CFE is "
            "where representative days overstated the cost most (docs/performance.md), and no "
            "pathway period is checked against every hour here: read those periods' costs as "
            "indicative."
        )
    return periods


def _hourly(inst: Instance) -> float:
    pol = inst.spec.policy
    value = getattr(pol, "hourly_cfe_target", None) if pol is not None else None
    return float(value) if value is not None else 0.0


def pathway(doc: Document, r: StudyResults) -> pd.DataFrame | None:
    part = r.study.spec.pathway
    if part is None or not r.pathway:
        return None
    doc.heading("6. Growth to 2030-2035: when to sign fusion, and for how long")
    inst = pathway_instance(r.study).with_overrides({**r.study.spec.overrides, **part.overrides})
    _setting(doc, inst, part.offer)
    years = list(inst.spec.pathway.periods) if inst.spec.pathway else []
    signed_mw = signed_table(r, inst)
    labels = {n: case_label(inst, part.offer, a) for n, a in r.pathway.items()}
    signed_mw.insert(1, "case_label", [labels[c] for c in signed_mw["case"]])

    def mw(v: float) -> str:
        return "failed" if not np.isfinite(v) else num(v, 0)

    shown = pd.DataFrame(
        {
            "foresight": signed_mw["foresight"],
            "case": [labels[c] for c in signed_mw["case"]],
            "offer": signed_mw["offer"],
            **{f"signed {y}, MW": signed_mw[f"signed_{y}_mw"].map(mw) for y in years},
            **{
                f"held {years[-1]}, MW": [
                    f"{mw(v)} (cap-bound)" if c else mw(v)
                    for v, c in zip(
                        signed_mw[f"held_{years[-1]}_mw"], signed_mw["cap_bound"], strict=True
                    )
                ]
            },
        }
    )
    doc.table(
        "pathway_fusion",
        shown,
        signed_mw,
        "Fusion signed in each period (MW of new contracts), and held in the last:",
    )
    cost = cost_table(r)
    _cost_shown(doc, cost, r, inst, part.offer)
    for text in _sentences(r, inst, part.offer, signed_mw, cost, years):
        doc.para(text)
    builds = builds_table(r, inst)
    if len(builds):
        builds.insert(1, "case_label", [labels[c] for c in builds["case"]])
        shown_b = pd.DataFrame(
            {
                "case": [f"{r.pathway[c]['foresight']}, {labels[c]}" for c in builds["case"]],
                "resource": builds["row"],
                **{str(y): builds[str(y)].map(lambda v: num(v, 0)) for y in years},
            }
        )
        doc.table(
            "pathway_builds",
            shown_b,
            builds,
            "What else is held in each period (MW; storage: power), and the cost per MWh of load:",
        )
    return signed_mw


def _cost_shown(
    doc: Document, cost: pd.DataFrame, r: StudyResults, inst: Instance, offer: str
) -> None:
    label_of = {_price_case(a): case_label(inst, offer, a) for a in r.pathway.values()}
    cost.insert(1, "case_label", [label_of[k] for k in cost["price_case"]])
    shown = pd.DataFrame({"case": cost["case_label"]})
    for fs in ("perfect", "myopic"):
        if f"{fs}_npc_musd" in cost:
            shown[f"{fs} foresight, M$"] = [
                num(v, 0) if np.isfinite(v) else str(s)
                for v, s in zip(cost[f"{fs}_npc_musd"], cost[f"{fs}_status"], strict=True)
            ]
    if "myopia_cost_musd" in cost:
        shown["cost of myopia, M$"] = cost["myopia_cost_musd"].map(lambda v: signed(v, 0))
        shown["cost of myopia"] = cost["myopia_cost_pct"].map(lambda v: pct(v, 2))
    doc.table("pathway_cost", shown, cost, "Net present cost of the pathway:")


def _sentences(
    r: StudyResults,
    inst: Instance,
    offer: str,
    signed_mw: pd.DataFrame,
    cost: pd.DataFrame,
    years: list[int],
) -> list[str]:
    path = inst.spec.pathway
    assert path is not None
    end = path.span()[-1][1]
    out = []
    by_price: dict[str, list[str]] = {}
    for name, answer in r.pathway.items():
        by_price.setdefault(_price_case(answer), []).append(name)
    for names in by_price.values():
        said = {
            r.pathway[name]["foresight"]: _signing(
                r.pathway[name], signed_mw[signed_mw["case"] == name], years
            )
            for name in names
        }
        label = _first_up(case_label(inst, offer, r.pathway[names[0]]))
        if len(set(said.values())) == 1 and len(names) > 1:
            out.append(f"{label}, every foresight: {next(iter(said.values()))}.")
            continue
        each = "; ".join(f"{fs} foresight {text}" for fs, text in said.items())
        out.append(f"{label}: {each}.")
    signed_any = signed_mw.filter(like="signed_").fillna(0).to_numpy().sum() > 0.5
    if signed_any:
        first = min(y for y in years if (signed_mw[f"signed_{y}_mw"].fillna(0) >= 0.5).any())
        out.append(
            f"For how long: the model does not choose a term; every contract here runs "
            f"{num(path.contract_term_yr, 0)} years, so a {first} signature binds to "
            f"{first + int(path.contract_term_yr)}, {first + int(path.contract_term_yr) - end} "
            f"years past the {end} end of what the pathway prices, and no MW signed is released "
            "within it (the MW held in the last period are every MW signed)."
            if first + path.contract_term_yr > end
            else f"For how long: every contract runs {num(path.contract_term_yr, 0)} years "
            "(an input)."
        )
    for _, row in cost.iterrows():
        if "myopia_cost_musd" not in cost or not np.isfinite(row["myopia_cost_musd"]):
            continue
        extra = float(row["myopia_cost_musd"])
        scale = abs(float(row["perfect_npc_musd"]))
        label = _first_up(
            next(
                case_label(inst, offer, a)
                for a in r.pathway.values()
                if _price_case(a) == row["price_case"]
            )
        )
        if extra == 0 or abs(extra) <= 1e-6 * max(scale, 1.0):
            out.append(f"{label}: planning period by period costs the same as perfect foresight.")
        elif extra > 0:
            out.append(
                f"{label}: planning period by period (myopic) costs {num(extra, 0)} M$ more in "
                f"net present cost ({pct(row['myopia_cost_pct'], 2)}) than "
                "planning with perfect foresight."
            )
        else:
            out.append(
                f"{label}: the myopic plan's net present cost is {num(-extra, 1)} M$ below the "
                "perfect-foresight plan's, which an optimal solve cannot give: read it as "
                "solver tolerance, or check both solves."
            )
    return out


def _first_up(text: str) -> str:
    """A case's label at the head of a sentence: ``With fusion_foak at ...``, ``As shipped``."""
    return "As shipped" if text == "as shipped" else f"With {text}"


def _signing(answer: dict[str, Any], rows: pd.DataFrame, years: list[int]) -> str:
    """What one case signs, in words (or that it failed)."""
    if answer["status"] != OPTIMAL:
        return f"failed (the solve ended {answer['status']}; no numbers are shown for it)"
    parts = []
    for _, row in rows.iterrows():
        when = [(y, row[f"signed_{y}_mw"]) for y in years if row[f"signed_{y}_mw"] >= 0.5]
        if not when:
            parts.append(f"no {row['offer']}")
            continue
        text = f"{row['offer']}: {joined([f'{num(v, 0)} MW in {y}' for y, v in when])}"
        if row["cap_bound"]:
            text += (
                f" (reaching its cap of {num(row['max_capacity_mw'], 0)} MW: a cap, not a choice)"
            )
        parts.append(text)
    return "signs " + "; ".join(parts)
