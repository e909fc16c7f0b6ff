"""Where each hourly input of an instance comes from, for the reports: a constant, a CSV column
(with what the file says it is: real, derived or synthetic, and its source), a profile
computed by pvlib from a weather file, or an array given from Python.

Read from the instance as written (``Instance.raw``, overrides applied), since loading turns
every hourly field into an array.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from planner.inputs.base import child_model, hourly_bounds
from planner.inputs.spec import InstanceSpec

NOT_STATED = "not stated"


def _describe(value: Any) -> dict[str, str]:
    if isinstance(value, bool) or value is None:
        return {"origin": "not given", "provenance": "", "source": "", "detail": ""}
    if isinstance(value, (int, float)):
        return {"origin": "constant", "provenance": "input", "source": "", "detail": f"{value:g}"}
    if isinstance(value, dict) and "pvlib" in value:
        block = value.get("pvlib") or {}
        weather = str(block.get("weather", "")) if isinstance(block, dict) else ""
        return {
            "origin": "pvlib",
            "provenance": "derived",
            "source": f"computed with pvlib from the typical-year weather file {weather}",
            "detail": weather,
        }
    if isinstance(value, dict) and "csv" in value:
        return {
            "origin": "csv",
            "provenance": str(value.get("provenance") or NOT_STATED),
            "source": str(value.get("source") or ""),
            "detail": f"{value.get('csv')} column {value.get('column')}",
        }
    return {
        "origin": "array",
        "provenance": NOT_STATED,
        "source": "given from Python",
        "detail": "",
    }


def _walk(model: type[BaseModel], raw: Any, path: str) -> Iterator[dict[str, str]]:
    if not isinstance(raw, dict):
        return
    for name, field in model.model_fields.items():
        where = f"{path}.{name}" if path else name
        value = raw.get(name)
        if hourly_bounds(model, name) is not None:
            if value is not None:
                yield {"field": where, **_describe(value)}
            continue
        child = child_model(field.annotation)
        if child is None:
            continue
        shape, sub = child
        if shape == "list" and isinstance(value, list):
            for item in value:
                label = item.get("name", "?") if isinstance(item, dict) else "?"
                yield from _walk(sub, item, f"{where}[{label}]")
        elif shape == "section":
            yield from _walk(sub, value, where)


def describe_series(raw: Any) -> list[dict[str, str]]:
    """One row per hourly input of the instance content ``raw``: ``field`` (e.g.
    ``grid.price_usd_per_mwh``), ``origin`` (constant, csv, pvlib, array), ``provenance``
    (real, derived, synthetic, or ``not stated``), ``source`` and ``detail`` (file and column,
    or the constant)."""
    return list(_walk(InstanceSpec, raw, ""))
