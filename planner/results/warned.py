"""The warnings of a solve as a sweep point keeps them: ``Result.warnings`` (a free resource
sized by a tie-breaking cost, a tariff input ignored, coefficients that span more than 1e9 after
scaling...) stored with the point's record as one JSON list (``warnings``), read back, and
grouped by kind for a summary. A point's numbers must never reach a table without the warnings
its solve raised."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

FIELD = "warnings"
"""The record's field (and the sweep table's column): a JSON list of texts."""
_NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)


def field_of(warnings: Iterable[str]) -> str:
    """The record's ``warnings`` field: a JSON list (``[]`` for none)."""
    return json.dumps([str(w) for w in warnings])


def warnings_of(value: Any) -> list[str]:
    """The texts of a record's ``warnings`` field; none for a missing field (a record stored
    before the field existed, a failed solve) or an empty one. A value that is not a JSON list
    is kept whole as one text rather than dropped."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    text = str(value).strip()
    if not text:
        return []
    try:
        parsed = json.loads(text)
    except ValueError:
        return [text]
    if isinstance(parsed, list):
        return [str(v) for v in parsed]
    return [text]


def kind_of(text: str) -> str:
    """A warning with its numbers replaced by ``#``: the same warning at other values (a
    coefficient span of 2.1e9 or 3.4e9) is one kind."""
    return _NUMBER.sub("#", text)


def warned(table: pd.DataFrame) -> dict[str, list[Any]]:
    """Of a sweep table (or a frame of records): each kind of warning (:func:`kind_of`), in
    order of first appearance, with the index labels of the rows that raised it."""
    if FIELD not in table.columns:
        return {}
    out: dict[str, list[Any]] = {}
    for index, value in table[FIELD].items():
        for kind in dict.fromkeys(kind_of(w) for w in warnings_of(value)):
            out.setdefault(kind, []).append(index)
    return out


def warned_sentence(table: pd.DataFrame, limit: int = 3) -> str:
    """One sentence on the points that raised warnings ("" if none did): how many, each kind
    (at most ``limit``, then how many more) with its points (``point`` ids where the table has
    them, else a count), and how many of them ended optimal (an optimal answer passed the
    planner's check of every row and bound)."""
    kinds = warned(table)
    if not kinds:
        return ""
    rows = list(dict.fromkeys(i for labels in kinds.values() for i in labels))
    optimal = int(table.loc[rows, "status"].eq("optimal").sum()) if "status" in table else 0

    def which(labels: list[Any]) -> str:
        if "point" not in table.columns:
            return f"{len(labels)} solve{'s' if len(labels) > 1 else ''}"
        ids = table.loc[labels, "point"].tolist()
        return f"point{'s' if len(ids) > 1 else ''} {_ids(ids)}"

    shown = [f"'{kind}' ({which(labels)})" for kind, labels in list(kinds.items())[:limit]]
    more = len(kinds) - limit
    if more > 0:
        shown.append(f"{more} more kind{'s' if more > 1 else ''}")
    n = len(rows)
    return (
        f"{n} point{'s' if n > 1 else ''} raised warnings (the `{FIELD}` column): "
        + "; ".join(shown)
        + f". {optimal} of {n} ended optimal: their answers passed the planner's check of every "
        "row and bound, and the warning says what could still make them misleading."
    )


def _ids(ids: list[Any], limit: int = 8) -> str:
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
