"""The outcome of a solve: :class:`Result` (tables as pandas objects) and :class:`Prices`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.diagnose.findings import Diagnosis
from planner.inputs.instance import Instance
from planner.results.folder import write_folder
from planner.results.pathway_report import PathwayReport
from planner.results.risk import RiskReport
from planner.results.saved import MARGINAL_COLUMN, SavedResult, inputs_of
from planner.results.summary import summary_text


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
    warnings: what the user should know about the answer: free resources sized by a
        tie-breaking cost, conditioning warnings (coefficient spans beyond 1e9 after scaling).
    hourly: per modelled hour, the hours it stands for (``weight_h``), the carbon-free supply
        counted in the hourly CFE score net of storage charging and exports
        (``clean_supply_mw``) and the grid's carbon-free share (``grid_carbon_free_share``).
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
    """Warnings of the build (free resources) and of the solve (conditioning)."""
    hourly: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Weights, net clean supply and the grid's clean share per modelled hour."""
    pathway: PathwayReport | None = None
    """Over investment periods (an instance with ``pathway``): every period's costs, CFE score,
    capacities and vintages, and the net present cost; the tables above are the first
    period's."""
    risk: RiskReport | None = None
    """Under delivery risk (an instance with ``scenarios``): each outcome and the hedging
    figures (EVPI, VSS); the tables above are then the plan's: first-stage capacities,
    probability-weighted costs and metrics, the first outcome's hourly flows."""

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
        """Write every table as CSV (hourly tables also as Parquet) and ``summary.json``
        (:mod:`planner.results.folder`); return the folder."""
        return write_folder(self.saved(), path)

    def summary(self) -> str:
        """A readable multi-line summary: capacity mix, cost, CFE, emissions vs the baseline."""
        return summary_text(self.saved())

    def saved(self) -> SavedResult:
        """This result as a results folder holds it (what reports show), without writing it."""
        inst = self.instance
        dispatch = self.dispatch.copy()
        if self.ok:
            dispatch[MARGINAL_COLUMN] = self.prices.hourly_usd_per_mwh
        return SavedResult(
            name=inst.name,
            source=str(inst.source),
            status=self.status,
            objective_usd=self.objective_usd,
            capacity=self.capacity,
            costs=self.costs,
            metrics=self.metrics,
            dispatch=dispatch,
            shadow_prices=self.prices.policy,
            fusion_reduced_cost=self.prices.fusion_reduced_cost,
            timings=self.timings,
            hourly=self.hourly,
            inputs=inputs_of(inst),
            diagnosis=self.diagnosis.to_dict() if self.diagnosis is not None else None,
            diagnosis_text=self.diagnosis.text() if self.diagnosis is not None else None,
            warnings=list(self.warnings),
            model_stats={str(k): float(v) for k, v in self.model_stats.items()},
            solver_options=dict(self.solver_options),
            numerics={str(k): float(v) for k, v in self.numerics.items()},
            aggregation_error=self.aggregation_error,
            baseline=self.baseline.saved() if self.baseline is not None else None,
            scenarios=self.risk.table if self.risk is not None else None,
            pathway=self.pathway.table if self.pathway is not None else None,
            pathway_capacity=self.pathway.capacity if self.pathway is not None else None,
            pathway_vintages=self.pathway.vintages if self.pathway is not None else None,
            npv_usd=self.pathway.npv_usd if self.pathway is not None else None,
            risk=(
                {
                    "figures": {k: float(v) for k, v in self.risk.figures.items()},
                    "settings": self.risk.settings,
                    "notes": list(self.risk.notes),
                }
                if self.risk is not None
                else None
            ),
        )
