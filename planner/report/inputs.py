"""The inputs and assumptions of a solve as tables, for the HTML page and the workbook: the
facts (:func:`planner.results.summary.input_facts`), each kind's resources with their costs,
where each hourly series comes from, the overrides, and the sources the instance file cites
beside its prices and costs.

The cited sources are the comments of the instance file (``summary.json``'s ``source``) on the
line of each setting, shown only where the file still holds the value the result was solved
with (an override or a later edit of the file is not attributed to the file's source).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from planner.inputs.catalogue import BY_KEY
from planner.results.saved import SavedResult
from planner.results.summary import (
    field_label,
    input_facts,
    resource_settings,
    series_label,
    value_text,
)

_SECTION = re.compile(r"^([A-Za-z_]\w*):")
_ITEM = re.compile(r"^\s*-\s+name:\s*['\"]?([^'\"#\s]+)")
_SETTING = re.compile(r"^(?:\s*-)?\s+([A-Za-z_]\w*):\s*([^#]*?)\s+#\s*(.+?)\s*$")


def facts_table(d: SavedResult) -> pd.DataFrame:
    """The facts of the inputs, one row each: ``input``, ``value``."""
    return pd.DataFrame(input_facts(d), columns=["input", "value"])


def resource_tables(d: SavedResult) -> dict[str, pd.DataFrame]:
    """Kind -> one row per setting (label with its unit), one column per resource of the kind."""
    by_kind: dict[str, dict[str, dict[str, str]]] = {}
    for name, kind, settings in resource_settings(d):
        by_kind.setdefault(kind, {})[name] = {
            field_label(k): value_text(k, v) for k, v in settings.items()
        }
    out = {}
    for kind, resources in by_kind.items():
        frame = pd.DataFrame(resources).fillna("-")
        frame.insert(0, "setting", frame.index)
        out[kind] = frame.reset_index(drop=True)
    return out


def series_table(d: SavedResult) -> pd.DataFrame:
    """One row per hourly input: series, origin, provenance (``not stated`` when the input does
    not say), source and detail (file and column, or the constant)."""
    rows = [
        {
            "series": series_label(str(s.get("field", ""))),
            "origin": s.get("origin", ""),
            "provenance": s.get("provenance") or "not stated",
            "source": s.get("source") or "-",
            "detail": s.get("detail") or "-",
        }
        for s in d.inputs.get("series") or []
    ]
    return pd.DataFrame(rows, columns=["series", "origin", "provenance", "source", "detail"])


def overrides_table(d: SavedResult) -> pd.DataFrame:
    """Every override applied since the file was read, in order: ``path``, ``value``."""
    rows = [(str(p), str(v)) for p, v in d.inputs.get("overrides") or []]
    return pd.DataFrame(rows, columns=["path", "value"])


def _instance_file(d: SavedResult) -> Path | None:
    path = Path(d.source) if d.source else None
    return path if path is not None and path.is_file() else None


def file_header(d: SavedResult) -> str:
    """The comment lines that open the instance file (what it says of its data), or ``""``."""
    path = _instance_file(d)
    if path is None:
        return ""
    lines = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return "\n".join(lines).strip()


def _comments(text: str) -> dict[tuple[str, str | None, str], tuple[str, str]]:
    """(section, item name or None, field) -> (value text, comment) of each commented line."""
    out: dict[tuple[str, str | None, str], tuple[str, str]] = {}
    section, item = "", None
    for line in text.splitlines():
        if match := _SECTION.match(line):
            section, item = match[1], None
            continue
        if match := _ITEM.match(line):
            item = match[1]
        if match := _SETTING.match(line):
            out[(section, item, match[1])] = (match[2], match[3])
    return out


def _same(text: str, value: Any) -> bool:
    try:
        written = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    if isinstance(value, (int, float)) and isinstance(written, (int, float)):
        return math.isclose(float(written), float(value), rel_tol=1e-9, abs_tol=1e-12)
    return str(written).replace("T", " ") == str(value).replace("T", " ")


def sources_table(d: SavedResult) -> pd.DataFrame:
    """The sources the instance file cites beside the settings the result was solved with:
    ``input``, ``setting``, ``value``, ``source``. Empty if the file is gone or cites none."""
    path = _instance_file(d)
    columns = ["input", "setting", "value", "source"]
    if path is None:
        return pd.DataFrame(columns=columns)
    comments = _comments(path.read_text(encoding="utf-8", errors="replace"))
    i = d.inputs
    blocks: list[tuple[str, str, str | None, dict[str, Any]]] = [
        (name, kind, name if kind not in BY_KEY or BY_KEY[kind].many else None, settings)
        for name, kind, settings in resource_settings(d)
    ]
    lost_load = {k: i[k] for k in ("value_of_lost_load_usd_per_mwh",) if k in i}
    blocks += [
        ("demand", "demand", None, lost_load),
        ("finance", "finance", None, dict(i.get("finance") or {})),
        ("policy", "policy", None, dict(i.get("policy") or {})),
    ]
    rows = []
    for shown, section, item, settings in blocks:
        for key, value in settings.items():
            found = comments.get((section, item, key))
            if found is not None and _same(found[0], value):
                rows.append((shown, field_label(key), value_text(key, value), found[1]))
    return pd.DataFrame(rows, columns=columns)
