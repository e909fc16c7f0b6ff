"""The tables a report draws from, read from a :class:`~planner.results.Result` or from the
folder :meth:`Result.to_dir` wrote, so saved results are reported without re-solving."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from planner.results import Result

MARGINAL_COLUMN = "marginal_cost_usd_per_mwh"


@dataclass
class ReportData:
    """Everything a report shows about one solve (and, in ``baseline``, its grid-only twin).

    ``dispatch`` holds the hourly flows (MW), state of charge (MWh) and the hourly marginal
    cost (``marginal_cost_usd_per_mwh``); ``weights`` the hours each row stands for;
    ``grid_cfe_share`` the grid's carbon-free share per hour (0-1), or None when unknown.
    """

    name: str
    source: str
    status: str
    objective_usd: float | None
    capacity: pd.DataFrame
    costs: pd.DataFrame
    metrics: pd.Series
    dispatch: pd.DataFrame
    shadow_prices: pd.Series
    fusion_reduced_cost: pd.DataFrame
    timings: pd.Series
    weights: pd.Series
    grid_cfe_share: pd.Series | None = None
    baseline: ReportData | None = None
    hours: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "optimal"

    @property
    def kinds(self) -> dict[str, str]:
        """Resource name -> kind (fusion, solar, storage, grid)."""
        return {str(k): str(v) for k, v in self.capacity.get("kind", pd.Series(dtype=str)).items()}

    # -- constructors ----------------------------------------------------------------------
    @classmethod
    def from_result(cls, res: Result) -> ReportData:
        inst = res.instance
        dispatch = res.dispatch.copy()
        if res.ok:
            dispatch[MARGINAL_COLUMN] = res.prices.hourly_usd_per_mwh
        index = dispatch.index if res.ok else inst.timestamps
        weights = pd.Series(np.asarray(inst.weights, dtype=float), index=inst.timestamps)
        grid = inst.spec.grid
        cfe = (
            pd.Series(np.asarray(grid.carbon_free_share, dtype=float), index=inst.timestamps)
            if grid is not None
            else None
        )
        return cls(
            name=inst.name,
            source=str(inst.source),
            status=res.status,
            objective_usd=res.objective_usd,
            capacity=res.capacity,
            costs=res.costs,
            metrics=res.metrics,
            dispatch=dispatch,
            shadow_prices=res.prices.policy,
            fusion_reduced_cost=res.prices.fusion_reduced_cost,
            timings=res.timings,
            weights=weights.reindex(index).fillna(1.0),
            grid_cfe_share=cfe,
            baseline=cls.from_result(res.baseline) if res.baseline is not None else None,
            hours=inst.hours,
        )

    @classmethod
    def from_dir(cls, path: str | Path, *, _grid_cfe: pd.Series | None = None) -> ReportData:
        """Read a folder written by :meth:`Result.to_dir` (``baseline/`` included)."""
        folder = Path(path)
        summary: dict[str, Any] = json.loads((folder / "summary.json").read_text())
        status = str(summary.get("status", "unknown"))
        ok = status == "optimal"

        def table(name: str, **kw: Any) -> pd.DataFrame:
            file = folder / name
            return pd.read_csv(file, **kw) if ok and file.exists() else pd.DataFrame()

        capacity = table("capacity.csv", index_col="resource")
        costs = table("costs.csv")
        metrics = _series(folder / "metrics.csv") if ok else pd.Series(dtype=float)
        if ok and (folder / "dispatch.parquet").exists():
            dispatch = pd.read_parquet(folder / "dispatch.parquet")
        elif ok and (folder / "dispatch.csv").exists():
            dispatch = pd.read_csv(folder / "dispatch.csv", index_col=0, parse_dates=True)
        else:
            dispatch = pd.DataFrame()
        shadow = _series(folder / "shadow_prices.csv") if ok else pd.Series(dtype=float)
        reduced = table("fusion_reduced_cost.csv", index_col=0)
        timings = _series(folder / "timings.csv")
        source = str(summary.get("source", ""))
        cfe = _grid_cfe if _grid_cfe is not None else _grid_cfe_from_source(source, folder, dispatch.index)
        baseline = None
        if (folder / "baseline" / "summary.json").exists():
            baseline = cls.from_dir(folder / "baseline", _grid_cfe=cfe)
        return cls(
            name=str(summary.get("instance", folder.name)),
            source=source,
            status=status,
            objective_usd=summary.get("objective_usd"),
            capacity=capacity,
            costs=costs,
            metrics=metrics,
            dispatch=dispatch,
            shadow_prices=shadow,
            fusion_reduced_cost=reduced,
            timings=timings,
            weights=_weights(dispatch.index, metrics),
            grid_cfe_share=cfe,
            baseline=baseline,
            hours=len(dispatch),
        )

    # -- derived hourly series ---------------------------------------------------------------
    def columns(self, suffix: str, kind: str | None = None) -> list[str]:
        """Dispatch columns ``<resource>_<suffix>`` (of resources of ``kind``, if given)."""
        names = [r for r, k in self.kinds.items() if kind is None or k == kind]
        return [f"{r}_{suffix}" for r in names if f"{r}_{suffix}" in self.dispatch]

    def clean_share(self) -> pd.Series:
        """Hourly carbon-free share of the load, 0-1 (clean supply net of storage charging and
        exports, over demand, capped at 1): the hourly CFE score hour by hour. The grid's
        imports count at its carbon-free share when known, else as not clean."""
        d = self.dispatch
        clean = pd.Series(0.0, index=d.index)
        for kind in ("fusion", "solar"):
            for column in self.columns("generation_mw", kind):
                clean += d[column]
        for column in self.columns("discharge_mw", "storage"):
            clean += d[column]
        for column in self.columns("charge_mw", "storage"):
            clean -= d[column]
        if "grid_import_mw" in d and self.grid_cfe_share is not None:
            clean += d["grid_import_mw"] * self.grid_cfe_share.reindex(d.index).fillna(0.0)
        if "grid_export_mw" in d:
            clean -= d["grid_export_mw"]
        demand = d["demand_mw"].where(d["demand_mw"] > 0)
        return (clean / demand).clip(0.0, 1.0)


def _series(file: Path) -> pd.Series:
    if not file.exists():
        return pd.Series(dtype=float)
    frame = pd.read_csv(file, index_col=0)
    return frame.iloc[:, 0].astype(float)


def _weights(index: pd.Index, metrics: pd.Series) -> pd.Series:
    """Hour weights: all equal, scaled so that they sum to the horizon's hours."""
    n = len(index)
    years = float(metrics.get("horizon_years", np.nan)) if len(metrics) else np.nan
    total = years * 8760.0 if np.isfinite(years) and years > 0 else float(n)
    return pd.Series(total / n if n else 1.0, index=index, dtype=float)


def _grid_cfe_from_source(source: str, folder: Path, index: pd.Index) -> pd.Series | None:
    """The grid's carbon-free share from the instance file, when it still exists and covers
    the saved hours (overrides applied at solve time are not known here)."""
    if not source or not len(index):
        return None
    from planner.errors import InstanceError
    from planner.inputs.instance import load_instance

    for candidate in (Path(source), folder / source):
        if not candidate.is_file():
            continue
        try:
            inst = load_instance(candidate)
        except (InstanceError, OSError, ValueError):
            return None
        if inst.spec.grid is None:
            return None
        share = pd.Series(np.asarray(inst.spec.grid.carbon_free_share, dtype=float), index=inst.timestamps)
        if not pd.DatetimeIndex(index).isin(share.index).all():
            return None
        return share.reindex(index)
    return None
