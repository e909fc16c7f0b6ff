"""Every table of a solve (or a sweep folder) to one Excel workbook, one sheet per table
(openpyxl)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from planner.interrupts import atomic_write
from planner.report.html import read_sweep_dir, saved_of
from planner.results.saved import SavedResult


def _sheets(d: SavedResult, prefix: str = "") -> dict[str, pd.DataFrame]:
    if not d.ok:
        return {f"{prefix}summary": pd.DataFrame({"status": [d.status]})}
    dispatch = d.dispatch.copy()
    if isinstance(dispatch.index, pd.DatetimeIndex) and dispatch.index.tz is not None:
        dispatch.index = dispatch.index.tz_localize(None)
    return {
        f"{prefix}capacity": d.capacity,
        f"{prefix}costs": d.costs,
        f"{prefix}metrics": d.metrics.rename("value").to_frame(),
        f"{prefix}dispatch": dispatch,
        f"{prefix}shadow_prices": d.shadow_prices.rename("value").to_frame(),
        f"{prefix}fusion_reduced_cost": d.fusion_reduced_cost,
        f"{prefix}timings": d.timings.rename("seconds").to_frame(),
    }


def _write(sheets: dict[str, pd.DataFrame], path: str | Path, index: bool = True) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: str) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name[:31], index=index)

    atomic_write(path, write)
    return path


def write_xlsx(source: Any, path: str | Path) -> Path:
    """Write a Result, a SavedResult or a ``Result.to_dir`` folder: sheets capacity, costs,
    metrics, dispatch, shadow_prices, fusion_reduced_cost, timings, and the baseline's with a
    ``baseline_`` prefix."""
    d = saved_of(source)
    sheets = _sheets(d)
    if d.baseline is not None:
        sheets |= _sheets(d.baseline, "baseline_")
    return _write(sheets, path)


def write_sweep_xlsx(folder: str | Path, path: str | Path) -> Path:
    """Sheets ``results``, ``frontier``, ``breakeven`` of a sweep output folder (those present)."""
    table, front, be = read_sweep_dir(folder)
    sheets = {
        n: f
        for n, f in (("results", table), ("frontier", front), ("breakeven", be))
        if f is not None
    }
    return _write(sheets, path, index=False)
