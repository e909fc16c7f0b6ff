"""Part 5's first section: the public record on fusion and on first-of-a-kind schedules (the
study file's ``credibility`` block), and the outcome probabilities judged from it."""

from __future__ import annotations

import pandas as pd

from planner.formats import num
from planner.study.document import Document
from planner.study.results import StudyResults

TOPICS = {"fusion": "fusion milestone", "contract": "contract", "first_of_a_kind": "first plant"}


def history_words(delays: list[float], cancelled: int, late_years: int, window_years: int) -> str:
    """What the recorded first-of-a-kind history says about part 5's outcomes (empty when the
    file records no history).

    >>> history_words([7.0, 13.0], 1, 2, 5)[:60]
    'Of the 3 first plants listed, 2 came late, by 7 to 13 years,'
    """
    total = len(delays) + cancelled
    if not total:
        return ""
    parts = []
    if delays:
        low, high = min(delays), max(delays)
        span = f"{num(low, 0)} years" if low == high else f"{num(low, 0)} to {num(high, 0)} years"
        parts.append(f"{len(delays)} came late, by {span}")
    if cancelled:
        parts.append(f"{cancelled} {'was' if cancelled == 1 else 'were'} cancelled")
    on_time = sum(1 for d in delays if d <= 0)
    text = f"Of the {total} first plants listed, {', and '.join(parts)}"
    text += f"; {on_time} came on time." if on_time else "; none came on time."
    beyond = [d for d in delays if d >= window_years]
    text += (
        f" This part's late outcome is {late_years} year{'s' if late_years != 1 else ''} late "
        f"within a window of {window_years} contract years."
    )
    if beyond:
        text += (
            f" {len(beyond)} of the {len(delays)} recorded delays "
            f"{'is' if len(beyond) == 1 else 'are'} {num(window_years, 0)} years or longer: a "
            "plant that late misses the whole window, which within the window is the never "
            "outcome, so odds that weigh late above never read this history leniently."
        )
    return text


def credibility(doc: Document, r: StudyResults) -> pd.DataFrame | None:
    """The facts and the odds (``None`` without a credibility block)."""
    spec = r.study.spec
    cred, part = spec.credibility, spec.risk_plan
    if cred is None or part is None:
        return None
    doc.heading(f"5.1 Is a fusion plant credible? The public record as of {cred.as_of}", 3)
    doc.para(
        "No price or model settles whether the plant comes: the odds of its outcomes are a "
        "judgement. The facts it is judged from are public reporting, dated and sourced, kept in "
        "the study file (`credibility`) so that a reader can update them."
    )
    facts = pd.DataFrame([f.model_dump() for f in cred.facts])
    shown = pd.DataFrame(
        {
            "when": facts["date"],
            "what": facts["topic"].map(TOPICS),
            "fact": facts["fact"],
            "source": facts["source"],
        }
    )
    doc.table("credibility_facts", shown, facts)
    history = [f for f in cred.facts if f.topic == "first_of_a_kind"]
    delays = [float(f.delay_years) for f in history if f.delay_years is not None]
    words = history_words(
        delays, sum(f.cancelled for f in history), part.late_years, part.window_years
    )
    if words:
        doc.para(words)
    sets = pd.DataFrame([p.model_dump() for p in part.probability_sets])
    doc.table(
        "credibility_odds",
        pd.DataFrame(
            {
                "odds": sets["label"],
                "on time": sets["on_time"].map(lambda v: num(v, 2)),
                f"{part.late_years} year{'s' if part.late_years != 1 else ''} late": sets[
                    "late"
                ].map(lambda v: num(v, 2)),
                "never": sets["never"].map(lambda v: num(v, 2)),
                "why": sets["reason"],
            }
        ),
        sets,
        "The odds this part plans with (`risk_plan.probability_sets` in the study file: change "
        "them there and rerun `make study`):",
    )
    return facts
