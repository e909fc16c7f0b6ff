"""A results folder, written and read by this module only.

Layout (``planner solve --out DIR``, :meth:`planner.Result.to_dir`)::

    summary.json              status, objective, metrics, capacity, shadow prices, timings,
                              model size, solver options, numerics, warnings, diagnosis, and
                              "inputs": horizon, policy, overrides applied, inputs hash
    capacity.csv              one row per resource: kind, capacity_mw, energy_mwh
    costs.csv                 kind, resource, component, cost_usd, cost_usd_per_yr
    metrics.csv               metric, value
    dispatch.csv / .parquet   hourly flows and the marginal cost, by timestamp
    hourly.csv                per modelled hour: weight_h, clean_supply_mw, grid_carbon_free_share
    shadow_prices.csv         name, value
    fusion_reduced_cost.csv   resource, usd_per_mw_yr, usd_per_mwh
    timings.csv               step, seconds
    aggregation_error.csv     representative periods against every hour (when compared)
    diagnosis.txt             a failed solve's diagnosis and IIS
    baseline/                 the grid-only baseline, in the same layout

Tables of an optimal solve only; a failed solve writes ``summary.json``, ``timings.csv`` and
``diagnosis.txt``. Numbers are read back exactly (pandas writes and parses CSV floats without
loss; hourly tables from Parquet), so :func:`read_folder` returns what :meth:`Result.saved` gives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.results.saved import SavedResult

SUMMARY = "summary.json"


def _json_default(value: Any) -> Any:
    """numpy scalars (diagnosis fields) as Python numbers; NaN and inf as null."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, (int, float)):
        return value
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _jsonable(series: pd.Series | dict[str, float]) -> dict[str, Any]:
    items = series.items()
    return {str(k): (None if pd.isna(v) else float(v)) for k, v in items}


def write_folder(saved: SavedResult, path: str | Path) -> Path:
    """Write ``saved`` to the folder ``path`` (created if needed); return the folder."""
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    if saved.ok:
        saved.capacity.to_csv(out / "capacity.csv")
        saved.costs.to_csv(out / "costs.csv", index=False)
        saved.metrics.rename("value").to_csv(out / "metrics.csv", index_label="metric")
        saved.dispatch.to_csv(out / "dispatch.csv")
        saved.dispatch.to_parquet(out / "dispatch.parquet")
        saved.hourly.to_csv(out / "hourly.csv", index_label="timestamp")
        saved.shadow_prices.rename("value").to_csv(out / "shadow_prices.csv", index_label="name")
        saved.fusion_reduced_cost.to_csv(out / "fusion_reduced_cost.csv")
    saved.timings.rename("seconds").to_csv(out / "timings.csv", index_label="step")
    summary = {
        "instance": saved.name,
        "source": saved.source,
        "status": saved.status,
        "objective_usd": saved.objective_usd,
        "metrics": _jsonable(saved.metrics),
        "capacity": json.loads(saved.capacity.to_json(orient="index")) if saved.ok else {},
        "shadow_prices": _jsonable(saved.shadow_prices),
        "timings_s": _jsonable(saved.timings),
        "model_stats": _jsonable(saved.model_stats),
        "solver_options": saved.solver_options,
        "numerics": _jsonable(saved.numerics),
        "warnings": list(saved.warnings),
        "diagnosis": saved.diagnosis,
        "inputs": saved.inputs,
    }
    text = json.dumps(summary, indent=2, default=_json_default)
    (out / SUMMARY).write_text(text + "\n")
    if saved.diagnosis_text is not None:
        (out / "diagnosis.txt").write_text(saved.diagnosis_text + "\n")
    else:
        (out / "diagnosis.txt").unlink(missing_ok=True)  # left by an earlier failed solve
    if saved.aggregation_error is not None:
        saved.aggregation_error.to_csv(out / "aggregation_error.csv", index_label="quantity")
    if saved.baseline is not None:
        write_folder(saved.baseline, out / "baseline")
    return out


def _csv(file: Path, **kw: Any) -> pd.DataFrame:
    return pd.read_csv(file, **kw)  # pandas 3 parses floats exactly (round trip)


def _series(file: Path) -> pd.Series:
    if not file.exists():
        return pd.Series(dtype=float)
    frame = _csv(file, index_col=0)
    series = frame.iloc[:, 0].astype(float)
    series.index.name = None
    return series


def read_folder(path: str | Path) -> SavedResult:
    """Read a folder written by :func:`write_folder` (``baseline/`` included)."""
    folder = Path(path)
    summary: dict[str, Any] = json.loads((folder / SUMMARY).read_text())
    status = str(summary.get("status", "unknown"))
    ok = status == "optimal"

    def table(name: str, **kw: Any) -> pd.DataFrame:
        file = folder / name
        return _csv(file, **kw) if ok and file.exists() else pd.DataFrame()

    if ok and (folder / "dispatch.parquet").exists():
        dispatch = pd.read_parquet(folder / "dispatch.parquet")
    elif ok and (folder / "dispatch.csv").exists():
        dispatch = _csv(folder / "dispatch.csv", index_col=0, parse_dates=True)
    else:
        dispatch = pd.DataFrame()
    hourly = table("hourly.csv", index_col=0, parse_dates=True)
    if len(hourly):
        hourly.index.name = dispatch.index.name
    error = folder / "aggregation_error.csv"
    diagnosis_txt = folder / "diagnosis.txt"
    return SavedResult(
        name=str(summary.get("instance", folder.name)),
        source=str(summary.get("source", "")),
        status=status,
        objective_usd=summary.get("objective_usd"),
        capacity=table("capacity.csv", index_col="resource"),
        costs=table("costs.csv"),
        metrics=_series(folder / "metrics.csv") if ok else pd.Series(dtype=float),
        dispatch=dispatch,
        shadow_prices=_series(folder / "shadow_prices.csv") if ok else pd.Series(dtype=float),
        fusion_reduced_cost=table("fusion_reduced_cost.csv", index_col=0),
        timings=_series(folder / "timings.csv"),
        hourly=hourly,
        inputs=dict(summary.get("inputs") or {}),
        diagnosis=summary.get("diagnosis"),
        diagnosis_text=diagnosis_txt.read_text().rstrip("\n") if diagnosis_txt.exists() else None,
        warnings=list(summary.get("warnings") or []),
        model_stats=dict(summary.get("model_stats") or {}),
        solver_options=dict(summary.get("solver_options") or {}),
        numerics=dict(summary.get("numerics") or {}),
        aggregation_error=_csv(error, index_col=0) if error.exists() else None,
        baseline=read_folder(folder / "baseline")
        if (folder / "baseline" / SUMMARY).exists()
        else None,
    )
