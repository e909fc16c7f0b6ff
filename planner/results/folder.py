"""A results folder, written and read by this module only.

Layout (``planner solve --out DIR``, :meth:`planner.Result.to_dir`)::

    summary.json              status, objective, metrics, capacity, shadow prices, timings,
                              model size, solver options, numerics, warnings, diagnosis,
                              "inputs" (horizon, policy, overrides applied, inputs hash) and
                              "files" (the SHA-256 of every other file of the folder)
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
``diagnosis.txt``. Each file is written to a temporary name and renamed (a full disk or a
kill never leaves a truncated file under its real name), with Ctrl-C held until the folder is
complete, and ``summary.json`` last: it lists the hash of every file, so :func:`read_folder`
refuses a folder whose files do not match it. Numbers are read back exactly (pandas writes
and parses CSV floats without loss; hourly tables also in Parquet), so :func:`read_folder`
returns what :meth:`planner.Result.saved` gives. A damaged folder is refused with every problem
at once (:mod:`planner.results.folder_check`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.interrupts import atomic_write, sigint_deferred
from planner.results.folder_check import check_summary, check_tables
from planner.results.saved import SavedResult

SUMMARY = "summary.json"

TABLES = (
    "capacity.csv",
    "costs.csv",
    "metrics.csv",
    "dispatch.csv",
    "dispatch.parquet",
    "hourly.csv",
    "shadow_prices.csv",
    "fusion_reduced_cost.csv",
    "timings.csv",
    "aggregation_error.csv",
    "scenarios.csv",
    "pathway.csv",
    "pathway_capacity.csv",
    "pathway_vintages.csv",
    "diagnosis.txt",
)
"""Every file this module writes beside ``summary.json``."""


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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _writers(saved: SavedResult) -> dict[str, Callable[[str], Any]]:
    """File name -> how to write it, for the files of ``saved``."""
    out: dict[str, Callable[[str], Any]] = {}
    if saved.ok:
        out |= {
            "capacity.csv": lambda p: saved.capacity.to_csv(p),
            "costs.csv": lambda p: saved.costs.to_csv(p, index=False),
            "metrics.csv": lambda p: saved.metrics.rename("value").to_csv(p, index_label="metric"),
            "dispatch.csv": lambda p: saved.dispatch.to_csv(p),
            "dispatch.parquet": lambda p: saved.dispatch.to_parquet(p),
            "hourly.csv": lambda p: saved.hourly.to_csv(p, index_label="timestamp"),
            "shadow_prices.csv": lambda p: saved.shadow_prices.rename("value").to_csv(
                p, index_label="name"
            ),
            "fusion_reduced_cost.csv": lambda p: saved.fusion_reduced_cost.to_csv(p),
        }
    out["timings.csv"] = lambda p: saved.timings.rename("seconds").to_csv(p, index_label="step")
    if saved.aggregation_error is not None:
        error = saved.aggregation_error
        out["aggregation_error.csv"] = lambda p: error.to_csv(p, index_label="quantity")
    if saved.scenarios is not None:
        scenarios = saved.scenarios
        out["scenarios.csv"] = lambda p: scenarios.to_csv(p, index_label="scenario")
    if saved.pathway is not None:
        periods = saved.pathway
        out["pathway.csv"] = lambda p: periods.to_csv(p, index_label="year")
    if saved.pathway_capacity is not None:
        capacity = saved.pathway_capacity
        out["pathway_capacity.csv"] = lambda p: capacity.to_csv(p, index_label="resource")
    if saved.pathway_vintages is not None:
        vintages = saved.pathway_vintages
        out["pathway_vintages.csv"] = lambda p: vintages.to_csv(p, index=False)
    if saved.diagnosis_text is not None:
        text = saved.diagnosis_text
        out["diagnosis.txt"] = lambda p: Path(p).write_text(text + "\n")
    return out


def write_folder(saved: SavedResult, path: str | Path) -> Path:
    """Write ``saved`` to the folder ``path`` (created if needed); return the folder.

    Files of an earlier result that this one has not (a table of an optimal solve after a
    failed one) are removed; no other file of the folder is touched.
    """
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    with sigint_deferred():
        writers = _writers(saved)
        for name, write in writers.items():
            atomic_write(out / name, write)
        for name in TABLES:
            if name not in writers:
                (out / name).unlink(missing_ok=True)
        files = {name: _sha256(out / name) for name in writers}
        if saved.baseline is not None:
            write_folder(saved.baseline, out / "baseline")
            files["baseline/summary.json"] = _sha256(out / "baseline" / SUMMARY)
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
            "risk": saved.risk,
            "npv_usd": saved.npv_usd,
            "files": files,
        }
        text = json.dumps(summary, indent=2, default=_json_default) + "\n"
        atomic_write(out / SUMMARY, lambda p: Path(p).write_text(text))
    return out


def _csv(file: Path, **kw: Any) -> pd.DataFrame:
    return pd.read_csv(file, **kw)  # pandas 3 parses floats exactly (round trip)


def _optional_csv(file: Path) -> pd.DataFrame | None:
    return _csv(file) if file.exists() else None


def _series(frame: pd.DataFrame) -> pd.Series:
    series = frame.iloc[:, 0].astype(float)
    series.index.name = None
    return series


def read_folder(path: str | Path) -> SavedResult:
    """Read a folder written by :func:`write_folder` (``baseline/`` included).

    Raises :class:`~planner.results.folder_check.ResultsFolderError` (an ``InstanceError``)
    listing every problem, each naming the file and the field, if the folder is not one.
    """
    folder = Path(path)
    summary = check_summary(folder)
    tables = check_tables(folder, summary)
    ok = summary["status"] == "optimal"
    empty = pd.DataFrame()
    diagnosis_txt = folder / "diagnosis.txt"
    base = folder / "baseline" / SUMMARY
    return SavedResult(
        name=str(summary.get("instance", folder.name)),
        source=str(summary.get("source", "")),
        status=str(summary["status"]),
        objective_usd=summary.get("objective_usd"),
        capacity=tables.get("capacity.csv", empty),
        costs=tables.get("costs.csv", empty),
        metrics=_series(tables["metrics.csv"]) if ok else pd.Series(dtype=float),
        dispatch=tables.get("dispatch", empty),
        shadow_prices=_series(tables["shadow_prices.csv"]) if ok else pd.Series(dtype=float),
        fusion_reduced_cost=tables.get("fusion_reduced_cost.csv", empty),
        timings=_series(tables["timings.csv"])
        if "timings.csv" in tables
        else pd.Series(dtype=float),
        hourly=tables.get("hourly.csv", empty),
        inputs=dict(summary.get("inputs") or {}),
        diagnosis=summary.get("diagnosis"),
        diagnosis_text=diagnosis_txt.read_text().rstrip("\n") if diagnosis_txt.exists() else None,
        warnings=list(summary.get("warnings") or []),
        model_stats=dict(summary.get("model_stats") or {}),
        solver_options=dict(summary.get("solver_options") or {}),
        numerics=dict(summary.get("numerics") or {}),
        aggregation_error=tables.get("aggregation_error.csv"),
        baseline=read_folder(folder / "baseline") if base.exists() else None,
        scenarios=tables.get("scenarios.csv"),
        risk=summary.get("risk"),
        pathway=tables.get("pathway.csv"),
        pathway_capacity=tables.get("pathway_capacity.csv"),
        pathway_vintages=_optional_csv(folder / "pathway_vintages.csv"),
        npv_usd=summary.get("npv_usd"),
    )
