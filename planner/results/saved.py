"""What a results folder holds, as one object: :class:`SavedResult`, taken from a
:class:`~planner.results.result.Result` (:meth:`~planner.results.result.Result.saved`) or read
from the folder
(:func:`planner.results.folder.read_folder`). Reports are views of a SavedResult, so a report
of a solve and of its saved folder are the same."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from planner.hashing import content_hash, to_json
from planner.inputs.base import hourly_bounds
from planner.inputs.catalogue import BY_KEY, Role
from planner.inputs.instance import Instance
from planner.inputs.provenance import describe_series

MARGINAL_COLUMN = "marginal_cost_usd_per_mwh"
"""Column of the hourly marginal cost in a saved dispatch table."""


def _scalars(item: Any) -> dict[str, Any]:
    """The fields of an input block that are not hourly series (those are in ``series``)."""
    out = {}
    for name in type(item).model_fields:
        value = getattr(item, name)
        if hourly_bounds(type(item), name) is None and not isinstance(value, BaseModel):
            out[name] = value
    return out


def inputs_of(inst: Instance) -> dict[str, Any]:
    """The inputs a result was solved from, as JSON-ready values: the horizon, the policy,
    every resource's settings and costs, where each hourly series comes from, every override
    applied since the file was read, and a hash of the resolved inputs."""
    time = inst.spec.time
    sequence = time.period_sequence
    resources = [
        {"kind": kind.key, "name": name, **_scalars(item)}
        for kind, name, item in inst.spec.resources()
    ]
    return {
        "description": inst.spec.description,
        "start": time.start.isoformat(sep=" ", timespec="minutes"),
        "modelled_hours": inst.hours,
        "horizon_years": inst.horizon_years,
        "representative_periods": inst.is_aggregated or sequence is not None,
        "period_hours": time.period_hours,
        "periods_represented": len(sequence) if sequence is not None else None,
        "clustering": json.loads(to_json(dict(inst.periods))),
        "policy": inst.spec.policy.model_dump(exclude_none=True),
        "finance": inst.spec.finance.model_dump(),
        "value_of_lost_load_usd_per_mwh": inst.spec.demand.value_of_lost_load_usd_per_mwh,
        "resources": json.loads(to_json(resources)),
        "overrides": json.loads(to_json([[path, value] for path, value in inst.overrides])),
        "series": describe_series(inst.raw),
        "inputs_sha256": content_hash(inst.spec.model_dump()),
    }


@dataclass
class SavedResult:
    """Everything a report shows about one solve (and, in ``baseline``, its grid-only twin).

    ``dispatch`` holds the hourly flows (MW), state of charge (MWh) and the hourly marginal
    cost (:data:`MARGINAL_COLUMN`); ``hourly`` the weight of each modelled hour, the net clean
    supply and the grid's carbon-free share (see :attr:`Result.hourly`); ``inputs`` what the
    result was solved from (:func:`inputs_of`).
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
    hourly: pd.DataFrame
    inputs: dict[str, Any] = field(default_factory=dict)
    diagnosis: dict[str, Any] | None = None
    """The diagnosis of a failed solve, as fields (``message``, ``cause``, ``targets``...)."""
    diagnosis_text: str | None = None
    """The diagnosis message and the members of the IIS, one per line."""
    warnings: list[str] = field(default_factory=list)
    model_stats: dict[str, float] = field(default_factory=dict)
    solver_options: dict[str, Any] = field(default_factory=dict)
    numerics: dict[str, float] = field(default_factory=dict)
    aggregation_error: pd.DataFrame | None = None
    baseline: SavedResult | None = None
    scenarios: pd.DataFrame | None = None
    """Under delivery risk: one row per scenario (probability, cost, CFE score, emissions,
    recourse), as :attr:`planner.results.risk.RiskReport.table`."""
    risk: dict[str, Any] | None = None
    """Under delivery risk: the hedging figures (``figures``: expected cost, CVaR, EVPI, VSS),
    the ``settings`` and ``notes``."""
    pathway: pd.DataFrame | None = None
    """Over investment periods: one row per period (as :attr:`PathwayReport.table`)."""
    pathway_capacity: pd.DataFrame | None = None
    """Over investment periods: MW of every resource (rows) in every period (columns)."""
    pathway_vintages: pd.DataFrame | None = None
    """Over investment periods: what each period built or signed, per resource."""
    npv_usd: float | None = None
    """Over investment periods: the net present cost."""

    @property
    def message(self) -> str | None:
        """The diagnosis message of a failed solve (None when optimal)."""
        return None if self.diagnosis is None else str(self.diagnosis.get("message", ""))

    @property
    def ok(self) -> bool:
        return self.status == "optimal"

    @property
    def hours(self) -> int:
        """Modelled hours."""
        return len(self.hourly) if len(self.hourly) else len(self.dispatch)

    @property
    def weights(self) -> pd.Series:
        """Hours of the year each modelled hour stands for."""
        if "weight_h" in self.hourly:
            return self.hourly["weight_h"].astype(float)
        return pd.Series(1.0, index=self.dispatch.index)

    @property
    def kinds(self) -> dict[str, str]:
        """Resource name -> kind (a key of the catalogue)."""
        return {str(k): str(v) for k, v in self.capacity.get("kind", pd.Series(dtype=str)).items()}

    def columns(self, role: Role, kind: str | None = None) -> list[str]:
        """Dispatch columns of one role (``supply``, ``withdrawal``, ``curtailment``,
        ``state``) of every resource (of ``kind``, if given), in catalogue order."""
        out = []
        for name, key in self.kinds.items():
            if kind is not None and key != kind:
                continue
            out += [c for c in BY_KEY[key].columns(name, role) if c in self.dispatch]
        return out

    def clean_share(self) -> pd.Series:
        """Hourly carbon-free share of the load, 0-1 (clean supply net of storage charging and
        exports, over demand, capped at 1): the hourly CFE score hour by hour."""
        demand = self.dispatch["demand_mw"].where(self.dispatch["demand_mw"] > 0)
        clean = self.hourly["clean_supply_mw"].reindex(self.dispatch.index)
        return (clean / demand).clip(0.0, 1.0)


def hourly_frame(
    index: pd.Index, weights: np.ndarray, clean_supply_mw: np.ndarray, grid_cfe: np.ndarray | None
) -> pd.DataFrame:
    """The ``hourly`` table of a result."""
    frame = pd.DataFrame({"weight_h": weights, "clean_supply_mw": clean_supply_mw}, index=index)
    if grid_cfe is not None:
        frame["grid_carbon_free_share"] = grid_cfe
    return frame
