"""Which capacities sit at their caps in a stored solve: what sets a break-even that no price
in range reaches.

An offer still contracted at ``max_price`` is worth more than any price tried because what
would replace it is capped (solar and wind at their ``max_capacity_mw``, storage at its
``max_power_mw``) or the target cannot be met without it. :func:`with_caps_note` names the
capacities at their caps in the solve at the top price, so that a break-even of "> 10,000" reads
as set by caps, not as a price.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from planner.inputs.catalogue import KINDS
from planner.inputs.instance import Instance

COLUMN = {"capacity_mw": "capacity_mw", "power_mw": "capacity_mw", "energy_mwh": "energy_mwh"}
"""Record column (``<name>_<column>``) of each limited variable of the catalogue."""


def at_caps(inst: Instance, record: Mapping[str, Any], skip: str) -> list[str]:
    """Names of the items of ``inst`` whose capacity in ``record`` (a sweep record) is at its
    upper limit (to 1e-6 relative), ``skip`` (the searched offer) left out."""
    out = []
    for kind in KINDS:
        if not kind.many:
            continue
        for item in inst.spec.items(kind):
            if item.name == skip:
                continue
            for limit in kind.limits:
                cap = getattr(item, limit.upper, None) if limit.upper else None
                column = COLUMN.get(limit.variable)
                value = record.get(f"{item.name}_{column}") if column else None
                if cap is None or value is None or pd.isna(value) or cap <= 0:
                    continue
                if float(value) >= float(cap) * (1 - 1e-6) - 1e-6:
                    out.append(item.name)
                    break
    return out


def with_caps_note(
    result: pd.DataFrame, searches: Sequence[Any], inst: Instance, fixed: Mapping[str, Any]
) -> pd.DataFrame:
    """``result`` with ``capped_at_max_price``: for each search contracted up to its top price,
    the capacities at their caps in that solve (empty otherwise), also added to its ``note``."""
    capped = []
    for search, (_, row) in zip(searches, result.iterrows(), strict=True):
        names: list[str] = []
        if str(row["note"]).startswith("contracted up to") and search.seen:
            top = max(search.seen)
            here = (
                inst.with_overrides({**fixed, **search.values}) if search.values or fixed else inst
            )
            names = at_caps(here, search.seen[top][1], search.offer)
        capped.append(", ".join(names))
    result = result.assign(capped_at_max_price=capped)
    mask = result["capped_at_max_price"] != ""
    result.loc[mask, "note"] = (
        result.loc[mask, "note"]
        + "; at their caps there: "
        + result.loc[mask, "capped_at_max_price"]
        + " (a value set by caps, not a price)"
    )
    return result
