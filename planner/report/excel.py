"""Every table of a solve (or a sweep folder) to one Excel workbook (openpyxl). The first
sheet, ``summary``, opens with the same paragraph as the page and the console (what to buy,
what it costs, how clean; for a sweep, what was swept and what it gave), then the inputs and
assumptions; then one sheet per table, columns with human labels and units
(:mod:`planner.report.labels`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment

from planner.interrupts import atomic_write
from planner.report import inputs
from planner.report.html import saved_of
from planner.report.labels import labelled, metric_table
from planner.report.sweep_html import sweep_folder
from planner.report.sweep_words import sweep_facts, sweep_opening
from planner.results.saved import SavedResult
from planner.results.summary import opening


def _summary(paragraph: str, facts: list[tuple[str, str]], heading: str) -> pd.DataFrame:
    rows = [(heading, paragraph), ("", ""), ("Inputs and assumptions", "")] + facts
    return pd.DataFrame(rows, columns=["topic", "text"])


def _inputs_sheets(d: SavedResult) -> dict[str, pd.DataFrame]:
    facts = list(inputs.facts_table(d).itertuples(index=False, name=None))
    if not d.ok and (d.diagnosis_text or d.message):
        facts.append(("diagnosis", str(d.diagnosis_text or d.message)))
    resources = [
        frame.assign(kind=kind).set_index(["kind", "setting"]).stack().rename("value")
        for kind, frame in inputs.resource_tables(d).items()
    ]
    settings = (
        pd.concat(resources).rename_axis(["kind", "setting", "resource"]).reset_index()
        if resources
        else pd.DataFrame(columns=["kind", "setting", "resource", "value"])
    )
    return {
        "summary": _summary(opening(d), facts, "What to buy, what it costs, how clean"),
        "resources": settings[["resource", "kind", "setting", "value"]],
        "series": inputs.series_table(d),
        "overrides": inputs.overrides_table(d),
        "sources": inputs.sources_table(d),
    }


def _sheets(d: SavedResult, prefix: str = "") -> dict[str, pd.DataFrame]:
    if not d.ok:
        return {}
    dispatch = d.dispatch.copy()
    if isinstance(dispatch.index, pd.DatetimeIndex) and dispatch.index.tz is not None:
        dispatch.index = dispatch.index.tz_localize(None)
    demand = float(d.metrics.get("demand_mwh", float("nan")))
    costs = d.costs.assign(usd_per_mwh_load=d.costs["cost_usd"] / demand)
    return {
        f"{prefix}capacity": labelled(d.capacity.reset_index()),
        f"{prefix}costs": labelled(costs),
        f"{prefix}metrics": metric_table(d.metrics),
        f"{prefix}dispatch": labelled(dispatch.rename_axis("timestamp").reset_index()),
        f"{prefix}shadow_prices": labelled(
            d.shadow_prices.rename("value").rename_axis("constraint").reset_index()
        ),
        f"{prefix}fusion_reduced_cost": labelled(d.fusion_reduced_cost.reset_index()),
        f"{prefix}timings": labelled(d.timings.rename("seconds").rename_axis("step").reset_index()),
    }


def _write(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: str) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name[:31], index=False)
                sheet = writer.sheets[name[:31]]
                for i, column in enumerate(frame.columns):
                    width = max([len(str(column)), *(len(str(v)) for v in frame[column][:200])])
                    letter = sheet.cell(row=1, column=i + 1).column_letter
                    sheet.column_dimensions[letter].width = min(max(width + 2, 8), 100)
            if "summary" in sheets:
                for row in writer.sheets["summary"].iter_rows(min_row=2, min_col=2, max_col=2):
                    for cell in row:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")

    atomic_write(path, write)
    return path


def write_xlsx(source: Any, path: str | Path) -> Path:
    """Write a Result, a SavedResult or a ``Result.to_dir`` folder: sheets summary (the opening
    paragraph and the inputs), resources, series, overrides, sources, then capacity, costs,
    metrics, dispatch, shadow_prices, fusion_reduced_cost, timings, and the baseline's with a
    ``baseline_`` prefix."""
    d = saved_of(source)
    sheets = _inputs_sheets(d) | _sheets(d)
    if d.baseline is not None:
        sheets |= _sheets(d.baseline, "baseline_")
    return _write(sheets, path)


def write_sweep_xlsx(folder: str | Path, path: str | Path) -> Path:
    """Sheets ``summary`` (what was swept and what it gave, then the inputs), then ``results``,
    ``frontier``, ``breakeven`` of a sweep output folder (those present)."""
    s = sweep_folder(folder)
    sheets = {"summary": _summary(sweep_opening(s), sweep_facts(s), "What was swept")}
    for name, frame in (("results", s.table), ("frontier", s.front), ("breakeven", s.breakeven)):
        if frame is not None:
            sheets[name] = labelled(frame)
    return _write(sheets, path)
