"""The accuracy section: the study's representative days against every hour, at each point of
the ``validation`` block (cost and capacities) and at its break-even policies (the price)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.formats import joined, num, signed
from planner.study import analysis as an
from planner.study.analysis import NOISE
from planner.study.document import Document
from planner.study.results import StudyResults
from planner.study.words import OPTIMAL, policy_words

COST_TOLERANCE_PCT = 1.0
CAPACITY_TOLERANCE_PCT = 5.0
"""The accuracy target of docs/performance.md: cost within 1 %, every capacity within 5 %."""


def validation_summary(validation: pd.DataFrame) -> pd.DataFrame:
    """Per site and policy: objective error, the largest capacity error (relative to that
    quantity, and in MW or MWh relative to the largest capacity of its unit), the solve times."""
    rows = []
    for (site, policy), sub in validation.groupby(["site", "policy_label"], sort=False):
        if "quantity" not in sub or sub["quantity"].isna().all():
            rows.append({"site": site, "policy_label": policy, "status": sub["status"].iloc[0]})
            continue
        obj = sub[sub["quantity"] == "objective_usd"].iloc[0]
        caps = sub[sub["quantity"] != "objective_usd"].copy()
        caps["abs_error"] = (caps["representative"] - caps["full_hourly"]).abs()
        # both below the noise of an interior-point solve: no capacity, no error
        noise = (caps["representative"].abs() < NOISE) & (caps["full_hourly"].abs() < NOISE)
        caps.loc[noise, "abs_error"] = 0.0
        caps["unit"] = caps["quantity"].str.endswith("_energy_mwh").map({True: "MWh", False: "MW"})
        largest_mw = float(caps.loc[caps["unit"] == "MW", "full_hourly"].abs().max())
        largest = caps.groupby("unit")["full_hourly"].transform(lambda s: s.abs().max())
        # a unit whose capacities are all tiny is measured against the largest power capacity
        scale = np.maximum(largest, largest_mw)
        caps["error_of_largest"] = caps["abs_error"] / scale.where(scale > 0, np.nan)
        worst = None
        if caps["error_of_largest"].notna().any():
            worst = caps.loc[caps["error_of_largest"].idxmax()]
        rows.append(
            {
                "site": site,
                "policy_label": policy,
                "status": obj["status"],
                "objective_error_pct": 100 * float(obj["error_rel"]),
                "worst_quantity": worst["quantity"] if worst is not None else "",
                "worst_representative": _value(worst, "representative"),
                "worst_full_hourly": _value(worst, "full_hourly"),
                "worst_error_of_largest_pct": 100 * _value(worst, "error_of_largest"),
                "representative_s": float(obj["representative_s"]),
                "full_hourly_s": float(obj["full_hourly_s"]),
                "speed_up": float(obj["full_hourly_s"]) / float(obj["representative_s"]),
            }
        )
    return pd.DataFrame(rows)


def _value(row: pd.Series | None, column: str) -> float:
    return float(row[column]) if row is not None else np.nan


def accuracy(doc: Document, r: StudyResults) -> None:
    """The errors table, a sentence per policy, then the break-evens over every hour."""
    if r.validation is None or not len(r.validation):
        return
    summary = validation_summary(r.validation)
    doc.heading("Accuracy of the representative periods", 3)
    if "objective_error_pct" not in summary:
        doc.para("The every-hour solves did not reach an optimum: no accuracy figure.")
        doc.tables["validation"] = summary
        return
    worst = [
        f"{q}: {num(a, 1)} vs {num(b, 1)} ({num(e, 1)} % of the largest capacity)"
        if isinstance(q, str) and q
        else "-"
        for q, a, b, e in zip(
            summary["worst_quantity"],
            summary["worst_representative"],
            summary["worst_full_hourly"],
            summary["worst_error_of_largest_pct"],
            strict=True,
        )
    ]
    shown = pd.DataFrame(
        {
            "site": summary["site"],
            "policy": summary["policy_label"],
            "status": summary["status"],
            "cost error": summary["objective_error_pct"].map(lambda v: signed(v, 2, " %")),
            "largest capacity error": worst,
            "representative, s": summary["representative_s"].map(num),
            "every hour, s": summary["full_hourly_s"].map(num),
            "speed-up": summary["speed_up"].map(lambda v: f"{num(v, 0)}x" if v == v else "-"),
        }
    )
    labels = list(dict.fromkeys(summary["policy_label"]))
    part = r.study.spec.validation
    limit_s = part.full_hourly_time_limit_s if part is not None else None
    doc.table(
        "validation",
        shown,
        summary,
        "Each site at the offer's price under "
        + joined([policy_words(p) for p in labels])
        + " (`validation.policies` in the study file; the strictest target is where the cost "
        "is decided) is solved on the study's representative days and on every hour and "
        "compared as `planner.solve(..., compare_full=True)` does "
        "(`planner.results.aggregation_error`): the error is representative minus every hour; "
        "the largest capacity error is relative to the largest capacity of its unit (MW or "
        "MWh). Every quantity: `tables/validation_detail.csv`.",
    )
    doc.tables["validation_detail"] = r.validation
    from_search = r.validation
    if "full_hourly_from" in from_search:
        from_search = from_search[from_search["full_hourly_from"].notna()]
        reused = list(dict.fromkeys(from_search["policy_label"]))
        if reused:
            doc.para(
                f"The every-hour solve under {joined([policy_words(p) for p in reused])} is the "
                "first solve of the every-hour break-even search below, at the offer's price "
                "(its seconds are that solve's): the same point, not solved twice."
            )
    for label in labels:
        doc.para(_policy_sentence(summary[summary["policy_label"] == label], label, limit_s))
    left_out = [s.name for s in r.sites if part is not None and not part.checks(s.name)]
    if left_out:
        doc.para(
            f"{joined(left_out)} {'is' if len(left_out) == 1 else 'are'} not checked over every "
            "hour by this run (`validation.sites` in the study file lists the sites checked): "
            "the accuracy of their representative days is not measured here; the study file "
            "says why."
        )
    strictest = _strictest(r)
    if strictest is not None and strictest not in labels:
        doc.para(
            f"The study's strictest target, {policy_words(strictest)}, is not among these "
            "points: its accuracy is not measured by this run (add it to `validation.policies`)."
        )
    _breakevens(doc, r)


def _strictest(r: StudyResults) -> str | None:
    """The label of the strictest hourly target of parts 1 and 2 (None: none is hourly)."""
    spec = r.study.spec
    policies = [*(spec.breakeven.policies if spec.breakeven else [])]
    policies += [*(spec.frontier.policies if spec.frontier else [])]
    hourly = [p for p in policies if not p.is_annual]
    return max(hourly, key=lambda p: p.share).label if hourly else None


def _status_words(status: str, limit_s: float | None) -> str:
    if status == "time_limit" and limit_s is not None:
        return f"did not finish within the {num(limit_s, 0)} s time limit"
    return f"ended {status}"


def _policy_sentence(rows: pd.DataFrame, label: str, limit_s: float | None) -> str:
    ok = rows[rows["status"] == OPTIMAL]
    head = f"Under {policy_words(label)}"
    failed = rows[rows["status"] != OPTIMAL]
    why = "; ".join(
        f"at {', '.join(sub['site'])} the every-hour solve {_status_words(status, limit_s)}"
        for status, sub in failed.groupby("status", sort=True)
    )
    if not len(ok):
        return f"{head} no site is compared: {why}."
    top = ok.loc[ok["objective_error_pct"].abs().idxmax()]
    within = ok[
        (ok["objective_error_pct"].abs() <= COST_TOLERANCE_PCT)
        & (ok["worst_error_of_largest_pct"] <= CAPACITY_TOLERANCE_PCT)
    ]
    where = (
        f"at every site (worst: {top['site']})"
        if len(ok) == len(rows) and len(ok) > 1
        else f"at {', '.join(ok['site'])}"
    )
    text = (
        f"{head} the annual cost is within {num(abs(float(top['objective_error_pct'])), 2)} % "
        f"of the every-hour solve {where}; capacities move by up to "
        f"{num(float(ok['worst_error_of_largest_pct'].max()), 1)} % of the largest capacity; "
        + (
            f"{len(within)} of the {len(ok)} sites compared meet"
            if len(ok) > 1
            else f"the site {'meets' if len(within) else 'does not meet'}"
        )
        + f" the target of {num(COST_TOLERANCE_PCT, 0)} % on cost and "
        f"{num(CAPACITY_TOLERANCE_PCT, 0)} % on capacities."
    )
    if len(failed):
        text += f" Not compared: {why}."
    if len(within) < len(ok):
        text += " Read the costs and sizes of this target as indicative, not as measured."
    return text


def _cell(row: pd.Series, prefix: str) -> str:
    plain = {c.removeprefix(prefix): row[c] for c in row.index if c.startswith(prefix)}
    if plain.get("breakeven_usd_per_mwh") is None:
        plain["breakeven_usd_per_mwh"] = float("nan")
    note = str(plain.get("note") or "")
    if note.startswith("search stopped: solve failed"):
        return "not finished (time limit)" if "time_limit" in note else "failed"
    return an.breakeven_cell(plain)


def _breakevens(doc: Document, r: StudyResults) -> None:
    table = r.validation_breakeven
    if table is None or not len(table):
        return
    shown = pd.DataFrame(
        {
            "site": table["site"],
            "policy": table["policy_label"],
            "representative days, $/MWh": [
                _cell(row, "representative_") for _, row in table.iterrows()
            ],
            "every hour, $/MWh": [_cell(row, "full_hourly_") for _, row in table.iterrows()],
            "difference, $/MWh": table["error_usd_per_mwh"].map(lambda v: signed(v, 1, "")),
            "every-hour solves": table["full_hourly_solves"].map(lambda v: f"{int(v)}"),
        }
    )
    doc.table(
        "validation_breakeven",
        shown,
        table,
        "The break-even price of part 1 (representative days) against the same search over "
        "every hour (`validation.breakeven_policies`; part 1's fast method: a reduced-cost "
        "estimate confirmed either side; every-hour solves: those that finished). A difference "
        "is given only where both are prices; 'cap-bound', '>' and a search stopped by the "
        "time limit are shown as such.",
    )
    known = table.dropna(subset=["error_usd_per_mwh"])
    if len(known):
        top = known.loc[known["error_usd_per_mwh"].abs().idxmax()]
        where = (
            f"at most {num(abs(float(top['error_usd_per_mwh'])), 1)} $/MWh ({top['site']}, "
            f"{policy_words(str(top['policy_label']))})"
            if len(known) > 1
            else f"{signed(float(top['error_usd_per_mwh']), 1, ' $/MWh')} at {top['site']} "
            f"under {policy_words(str(top['policy_label']))}"
        )
        doc.para(f"Against every hour, the representative days move the break-even by {where}.")
    censored = table[table["error_usd_per_mwh"].isna()]
    if len(censored):
        doc.para(
            "No difference where a side is not a price (site, policy: representative days vs "
            "every hour): "
            + "; ".join(
                f"{row['site']}, {row['policy_label']}: {_cell(row, 'representative_')} vs "
                f"{_cell(row, 'full_hourly_')}"
                for _, row in censored.iterrows()
            )
            + "."
        )
