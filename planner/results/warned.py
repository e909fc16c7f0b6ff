"""The warnings of a solve as a sweep point keeps them: ``Result.warnings`` (a free resource
sized by a tie-breaking cost, a tariff input ignored, coefficients that span more than 1e9 after
scaling...) stored with the point's record as one JSON list (``warnings``), read back, and
grouped by kind for a summary. A point's numbers must never reach a table without the warnings
its solve raised."""

from __future__ import annotations

import json
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
    before the field existed, a failed solve), an empty one or JSON ``null``. A value that is
    not a JSON list is kept whole as one text rather than dropped."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return []
    text = str(value).strip()
    if not text:
        return []
    try:
        parsed = json.loads(text)
    except ValueError:
        return [text]
    if parsed is None:
        return []
    if isinstance(parsed, list):
        return [str(v) for v in parsed]
    return [text]


def kind_of(text: str) -> str:
    """A warning with its numbers replaced by ``#``: the same warning at other values (a
    coefficient span of 2.1e9 or 3.4e9) is one kind."""
    return _NUMBER.sub("#", text)


def warned(table: pd.DataFrame) -> dict[str, list[int]]:
    """Of a sweep table (or a frame of records): each kind of warning (:func:`kind_of`), in
    order of first appearance, with the positions of the rows that raised it."""
    if FIELD not in table.columns:
        return {}
    out: dict[str, list[int]] = {}
    for position, value in enumerate(table[FIELD].tolist()):
        for kind in dict.fromkeys(kind_of(w) for w in warnings_of(value)):
            out.setdefault(kind, []).append(position)
    return out


def warned_sentence(
    table: pd.DataFrame, where: str = f"the `{FIELD}` column", limit: int = 3
) -> str:
    """One sentence on the rows that raised warnings ("" if none did): how many, each kind
    (at most ``limit``, then how many more) with its ``point`` ids where the table has them
    (else a count of solves), and, where the table has a ``status``, how many ended optimal
    (an optimal answer passed the planner's check of every row and bound). ``where``: where
    the reader finds the texts."""
    kinds = warned(table)
    if not kinds:
        return ""
    rows = sorted({i for positions in kinds.values() for i in positions})
    points = "point" in table.columns
    noun = "point" if points else "solve"

    def which(positions: list[int]) -> str:
        if not points:
            return f"{len(positions)} solve{'s' if len(positions) > 1 else ''}"
        ids = table["point"].iloc[positions].tolist()
        return f"point{'s' if len(ids) > 1 else ''} {_ids(ids)}"

    shown = [f"'{kind}' ({which(p)})" for kind, p in list(kinds.items())[:limit]]
    more = len(kinds) - limit
    if more > 0:
        shown.append(f"{more} more kind{'s' if more > 1 else ''}")
    n = len(rows)
    text = f"{n} {noun}{'s' if n > 1 else ''} raised warnings ({where}): " + "; ".join(shown) + "."
    if "status" in table.columns:
        optimal = int(table["status"].iloc[rows].eq("optimal").sum())
        text += (
            f" {optimal} of {n} ended optimal: their answers passed the planner's check of "
            "every row and bound, and the warning says what could still make them misleading."
        )
    return text


def _ids(ids: list[Any], limit: int = 8) -> str:
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
