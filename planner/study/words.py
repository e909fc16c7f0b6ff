"""Words of the study's document: policies, break-evens and palettes in sentences, shared by
its sections (number formats: :mod:`planner.formats`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from planner.formats import joined, num
from planner.study import analysis as an
from planner.study.config import Benchmark, Variant

OPTIMAL = "optimal"


def policy_words(label: str) -> str:
    """``annual 100 %`` -> ``100 % annual matching``; ``hourly 95 %`` -> ``a 95 % hourly CFE
    target``."""
    kind, _, share = label.partition(" ")
    return f"{share} annual matching" if kind == "annual" else f"a {share} hourly CFE target"


def breakeven_words(row: Any) -> str:
    """A break-even in a sentence: ``up to 130.5 $/MWh``, ``at every price tried (up to
    10,000 $/MWh)``, ``at no price``."""
    cell = an.breakeven_cell(row)
    if cell.startswith(">"):
        top = f"up to {num(row['contracted_at_usd_per_mwh'], 0)} $/MWh"
        if row.get("capped"):
            return (
                f"at every price tried ({top}; {row['capped'].replace(', ', ' and ')} at their "
                "caps: a value set by caps, not a price)"
            )
        if row.get("cap_bound"):
            return (
                f"at every price tried ({top}; at its own cap of "
                f"{num(row['capacity_mw_contracted'], 0)} MW: a value set by caps, not a price)"
            )
        return f"at every price tried ({top})"
    if cell == "never":
        return "at no price, not even free"
    if cell == "failed":
        return "(the search failed)"
    return f"up to {cell} $/MWh"


def variant(variants: Sequence[Variant], fusion: bool, lds: bool) -> Variant | None:
    return next(
        (v for v in variants if v.fusion == fusion and v.long_duration_storage == lds), None
    )


def rel(path: Path | str) -> str:
    p = Path(path)
    try:
        return Path(os.path.relpath(p.resolve(), Path.cwd())).as_posix()
    except ValueError:
        return p.as_posix()


def policies_above(part: pd.DataFrame, bench: Benchmark) -> list[str]:
    return [
        row["policy"]
        for _, row in part.iterrows()
        if an.benchmark_position(row["breakeven_usd_per_mwh"], row["note"], bench) == "above"
    ]


def policies_words(labels: Sequence[str]) -> str:
    """``annual 100 %, hourly 95 %`` -> ``100 % annual matching and the 95 % hourly target``."""
    annual = [policy_words(p) for p in labels if p.startswith("annual")]
    hourly = [p.partition(" ")[2] for p in labels if not p.startswith("annual")]
    if hourly:
        annual.append(f"the {joined(hourly)} hourly target{'s' if len(hourly) > 1 else ''}")
    return joined(annual)
