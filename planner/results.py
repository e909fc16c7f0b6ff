"""Results of a solve as pandas objects, and their export to a folder."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from planner.inputs.instance import Instance
from planner.model.core import Registry
from planner.model.policies import baseline_emissions_t

if TYPE_CHECKING:
    from planner.diagnose import Diagnosis

G_PER_KWH_PER_T_PER_MWH = 1000.0


@dataclass
class Prices:
    """Marginal prices of a solve.

    - ``hourly_usd_per_mwh``: marginal cost of one more MWh of demand in each hour: the dual
      of ``power_balance`` divided by the hour's weight, plus what that MWh adds to the
      targets set as a share of demand (hourly CFE target x its shadow price, annual
      matching fraction x its shadow price). It is negative in hours where extra demand
      would absorb clean energy otherwise curtailed and so raise the CFE score;
    - ``policy``: shadow price of each policy constraint, as the cost of tightening it by one
      unit (``hourly_cfe_usd_per_mwh``, ``annual_matching_usd_per_mwh``,
      ``emissions_cap_usd_per_t``, ``market_based_net_zero_usd_per_t``);
    - ``fusion_reduced_cost``: per fusion offer, how much the objective would rise per MW
      forced into the contract (``usd_per_mw_yr``) and the same per MWh of available energy
      (``usd_per_mwh``); 0 for offers in the optimum, > 0 for offers left out.
    """

    hourly_usd_per_mwh: pd.Series
    policy: pd.Series
    fusion_reduced_cost: pd.DataFrame


@dataclass
class Result:
    """The outcome of :func:`planner.solve`. Tables are empty unless ``status == "optimal"``.

    Attributes
    ----------
    status: ``optimal``, ``infeasible``, ``unbounded``, ``infeasible_or_unbounded``,
        ``time_limit``, ``iteration_limit``, ``interrupted``, ``numerical_error`` (HiGHS's
        solution violated its constraints beyond tolerance and was refused) or ``error``.
    objective_usd: total cost over the modelled horizon, USD (None unless optimal).
    capacity: one row per resource: kind, capacity_mw, energy_mwh (storage).
    dispatch: hourly flows, MW (state of charge in MWh), indexed by timestamp.
    costs: kind, resource, component, cost_usd, cost_usd_per_yr; sums to the objective.
    metrics: cost, CFE score, matching, emissions, energy totals, baseline comparison.
    prices: :class:`Prices`.
    baseline: the grid-only :class:`Result`, or None.
    timings: load, build, handoff, HiGHS and extract seconds.
    model_stats: rows, columns, non-zeros, iteration counts.
    diagnosis: why a failed solve failed (:class:`planner.diagnose.Diagnosis`: ``message``,
        the hard targets at fault with their best achievable values and binding limits, the
        irreducible infeasible subset); None when optimal.
    numerics: coefficient ranges as built and after scaling, the largest
        row and bound violations of the solution and the power balance residual, MW.
    warnings: conditioning warnings (coefficient spans beyond 1e9 after scaling).
    """

    instance: Instance
    status: str
    objective_usd: float | None
    capacity: pd.DataFrame
    dispatch: pd.DataFrame
    costs: pd.DataFrame
    metrics: pd.Series
    prices: Prices
    baseline: Result | None
    timings: pd.Series
    solver_options: dict[str, Any] = field(default_factory=dict)
    model_stats: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    """Rows, columns, non-zeros of the LP and the solver's iteration counts."""
    aggregation_error: pd.DataFrame | None = None
    """With representative periods and ``compare_full=True``: objective and capacities against
    the full hourly solve (columns representative, full_hourly, error_rel)."""
    diagnosis: Diagnosis | None = None
    """Why a failed solve failed (None when optimal); see :mod:`planner.diagnose`."""
    numerics: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    """Coefficient ranges (``<matrix|cost|bounds|rhs>_<min|max>_<input|scaled>``), whether
    the LP was scaled, and the solution check (``max_row_violation``, ``max_col_violation``,
    ``max_balance_residual_mw``, ``check_tolerance``); docs/reliability.md."""
    warnings: list[str] = field(default_factory=list)
    """Conditioning warnings raised while solving."""

    @property
    def ok(self) -> bool:
        return self.status == "optimal"

    @classmethod
    def failed(
        cls,
        inst: Instance,
        status: str,
        timings: dict[str, float],
        solver_options: dict[str, Any],
        baseline: Result | None,
        model_stats: dict[str, float] | None = None,
        diagnosis: Diagnosis | None = None,
        numerics: dict[str, float] | None = None,
        warnings: list[str] | None = None,
    ) -> Result:
        empty = pd.DataFrame()
        return cls(
            instance=inst,
            status=status,
            objective_usd=None,
            capacity=empty,
            dispatch=empty,
            costs=empty,
            metrics=pd.Series(dtype=float),
            prices=Prices(pd.Series(dtype=float), pd.Series(dtype=float), empty),
            baseline=baseline,
            timings=pd.Series(timings, dtype=float),
            solver_options=solver_options,
            model_stats=pd.Series(model_stats or {}, dtype=float),
            diagnosis=diagnosis,
            numerics=pd.Series(numerics or {}, dtype=float),
            warnings=list(warnings or []),
        )

    def to_dir(self, path: str | Path) -> Path:
        """Write every table as CSV (hourly tables also as Parquet) and ``summary.json``.

        A failed solve also gets ``diagnosis.txt`` (its diagnosis message and irreducible
        infeasible subset); ``summary.json`` holds the diagnosis as fields.
        """
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        if self.ok:
            self.capacity.to_csv(out / "capacity.csv")
            self.costs.to_csv(out / "costs.csv", index=False)
            self.metrics.rename("value").to_csv(out / "metrics.csv", index_label="metric")
            hourly = self.dispatch.assign(marginal_cost_usd_per_mwh=self.prices.hourly_usd_per_mwh)
            hourly.to_csv(out / "dispatch.csv")
            hourly.to_parquet(out / "dispatch.parquet")
            self.prices.policy.rename("value").to_csv(out / "shadow_prices.csv", index_label="name")
            self.prices.fusion_reduced_cost.to_csv(out / "fusion_reduced_cost.csv")
        self.timings.rename("seconds").to_csv(out / "timings.csv", index_label="step")
        summary = {
            "instance": self.instance.name,
            "source": self.instance.source,
            "status": self.status,
            "objective_usd": self.objective_usd,
            "metrics": _jsonable(self.metrics),
            "capacity": json.loads(self.capacity.to_json(orient="index")) if self.ok else {},
            "shadow_prices": _jsonable(self.prices.policy),
            "timings_s": _jsonable(self.timings),
            "model_stats": _jsonable(self.model_stats),
            "solver_options": self.solver_options,
            "numerics": _jsonable(self.numerics),
            "warnings": list(self.warnings),
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis is not None else None,
        }
        text = json.dumps(summary, indent=2, default=_json_default)
        (out / "summary.json").write_text(text + "\n")
        if self.diagnosis is not None:
            (out / "diagnosis.txt").write_text(self.diagnosis.text() + "\n")
        else:
            (out / "diagnosis.txt").unlink(missing_ok=True)  # left by an earlier failed solve
        if self.aggregation_error is not None:
            self.aggregation_error.to_csv(out / "aggregation_error.csv", index_label="quantity")
        if self.baseline is not None:
            self.baseline.to_dir(out / "baseline")
        return out

    def summary(self) -> str:
        """A readable multi-line summary: capacity mix, cost, CFE, emissions vs the baseline."""
        from planner.report import summary_text

        return summary_text(self)


def aggregation_error(representative: Result, full: Result) -> pd.DataFrame:
    """Objective and capacities of a representative-period solve against the full hourly one.

    ``error_rel`` is (representative - full) / full. A capacity below 1e-3 of the largest power
    capacity of the full solve (for energies: that MW for one hour) is compared against that
    floor instead, so that a storage left out of both solves (0 MWh give or take an interior
    point's 1e-6) does not blow the error up.
    """
    rows = {"objective_usd": (representative.objective_usd, full.objective_usd)}
    cap_r, cap_f = representative.capacity, full.capacity
    for name in cap_f.index.drop("grid", errors="ignore"):
        rows[f"{name}_capacity_mw"] = (cap_r.loc[name, "capacity_mw"], cap_f.loc[name, "capacity_mw"])
        if pd.notna(cap_f.loc[name, "energy_mwh"]):
            rows[f"{name}_energy_mwh"] = (cap_r.loc[name, "energy_mwh"], cap_f.loc[name, "energy_mwh"])
    frame = pd.DataFrame(rows, index=["representative", "full_hourly"]).T.astype(float)
    largest_mw = float(cap_f["capacity_mw"].drop("grid", errors="ignore").abs().max())
    if not largest_mw > 0:
        largest_mw = 1.0
    scale = frame["full_hourly"].abs().copy()
    capacities = frame.index != "objective_usd"
    scale[capacities] = np.maximum(scale[capacities], 1e-3 * largest_mw)
    frame["error_rel"] = (frame["representative"] - frame["full_hourly"]) / scale
    return frame


def _json_default(value: Any) -> Any:
    """numpy scalars (diagnosis fields) as Python numbers; NaN and inf as null."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, (int, float)):
        return value
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _jsonable(series: pd.Series) -> dict[str, Any]:
    return {str(k): (None if pd.isna(v) else float(v)) for k, v in series.items()}


def extract(
    inst: Instance,
    m: Any,
    reg: Registry,
    objective_usd: float,
    duals: dict[Any, float],
    timings: dict[str, float],
    solver_options: dict[str, Any],
    baseline: Result | None,
    model_stats: dict[str, float] | None = None,
) -> Result:
    """Read a solved model back into pandas through the registry."""
    w = inst.weights
    years = inst.horizon_years
    index = inst.timestamps

    dispatch = pd.DataFrame({name: f() for name, f in reg.dispatch.items()}, index=index)
    capacity = pd.DataFrame([row() for row in reg.capacity]).set_index("resource")
    if "energy_mwh" not in capacity:
        capacity["energy_mwh"] = np.nan

    costs = pd.DataFrame(
        [
            {
                "kind": c.kind,
                "resource": c.resource,
                "component": c.component,
                "cost_usd": float(pyo.value(c.expr)),
            }
            for c in reg.costs
        ]
    )
    costs["cost_usd_per_yr"] = costs["cost_usd"] / years

    balance = m.power_balance
    balance_price = np.array([duals[balance[h]] for h in range(inst.hours)]) / w
    policy_prices = {
        name: abs(duals[con]) for name, con in reg.duals.items() if name != "power_balance"
    }
    policy = inst.spec.policy
    hourly_price = (
        balance_price
        + (policy.hourly_cfe_target or 0.0) * policy_prices.get("hourly_cfe_usd_per_mwh", 0.0)
        + (policy.annual_matching_fraction or 0.0)
        * policy_prices.get("annual_matching_usd_per_mwh", 0.0)
    )
    rc = pd.DataFrame(
        [f(balance_price, policy_prices) for f in reg.reduced_costs.values()],
        index=pd.Index(list(reg.reduced_costs), name="resource"),
        columns=["usd_per_mw_yr", "usd_per_mwh"],
        dtype=float,
    )
    prices = Prices(
        pd.Series(hourly_price, index=index, name="marginal_cost_usd_per_mwh"),
        pd.Series(policy_prices, dtype=float),
        rc,
    )

    demand_mwh = float((w * inst.spec.demand.load_mw).sum())
    curtailment_cols = [c for c in dispatch if c.endswith("_curtailment_mw")]
    emissions_loc = reg.weighted_values(reg.emissions_location_t)
    emissions_mkt = reg.weighted_values(reg.emissions_market_t)
    metrics: dict[str, float] = {
        "horizon_years": years,
        "demand_mwh": demand_mwh,
        "total_cost_usd": objective_usd,
        "total_cost_usd_per_yr": objective_usd / years,
        "cost_usd_per_mwh_load": objective_usd / demand_mwh if demand_mwh else np.nan,
        "hourly_cfe_score": (
            (reg.weighted_values(reg.clean_supply) - reg.weighted_values(reg.withdrawal))
            / demand_mwh
            if demand_mwh
            else np.nan
        ),
        "annual_match_fraction": (
            reg.weighted_values(reg.procured_clean) / demand_mwh if demand_mwh else np.nan
        ),
        "emissions_location_t": emissions_loc,
        "emissions_location_g_per_kwh": _intensity(emissions_loc, demand_mwh),
        "emissions_market_t": emissions_mkt,
        "emissions_market_g_per_kwh": _intensity(emissions_mkt, demand_mwh),
        "curtailment_mwh": float((w[:, None] * dispatch[curtailment_cols].to_numpy()).sum()),
        "unserved_mwh": float((w * dispatch["unserved_mw"].to_numpy()).sum()),
        "grid_import_mwh": _weighted_column(dispatch, "grid_import_mw", w),
        "grid_export_mwh": _weighted_column(dispatch, "grid_export_mw", w),
    }
    for name, var in reg.shortfalls.items():
        metrics[f"{name}_shortfall"] = float(var.value or 0.0)
    if baseline is not None and baseline.ok:
        assert baseline.objective_usd is not None
        base_cost = baseline.objective_usd / years
        base_emissions = baseline_emissions_t(inst)
        abated = base_emissions - emissions_loc
        extra_cost = objective_usd - baseline.objective_usd
        metrics |= {
            "baseline_total_cost_usd_per_yr": base_cost,
            "baseline_cost_usd_per_mwh_load": baseline.metrics["cost_usd_per_mwh_load"],
            "baseline_hourly_cfe_score": baseline.metrics["hourly_cfe_score"],
            "baseline_emissions_location_t": base_emissions,
            "savings_usd_per_yr": base_cost - objective_usd / years,
            "emissions_abated_t": abated,
            "abatement_cost_usd_per_t": extra_cost / abated if abated > 1e-9 else np.nan,
        }

    return Result(
        instance=inst,
        status="optimal",
        objective_usd=objective_usd,
        capacity=capacity,
        dispatch=dispatch,
        costs=costs,
        metrics=pd.Series(metrics, dtype=float),
        prices=prices,
        baseline=baseline,
        timings=pd.Series(timings, dtype=float),
        solver_options=solver_options,
        model_stats=pd.Series(model_stats or {}, dtype=float),
    )


def _intensity(emissions_t: float, demand_mwh: float) -> float:
    return emissions_t / demand_mwh * G_PER_KWH_PER_T_PER_MWH if demand_mwh else np.nan


def _weighted_column(frame: pd.DataFrame, column: str, w: np.ndarray) -> float:
    return float((w * frame[column].to_numpy()).sum()) if column in frame else 0.0
