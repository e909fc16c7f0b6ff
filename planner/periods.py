"""Representative periods chosen by their error: add periods until check solves match the
full ones (GenX's ``IterativelyAddPeriods``, with the solve itself as the judge).

:func:`choose_representative_periods` solves the instance over every hour once for each
target (a policy, say; default: the instance as it is), then solves it on representative
periods and adds periods until, for every target, the objective is within ``cost_tolerance``
of the full solve's and every capacity within ``capacity_tolerance`` of the largest capacity
of its unit (MW for powers, MWh for energies) in the full solve (:func:`unit_errors`). Periods
are added in one of two ways (``add``):

``periods`` (default)
    The ``step`` original periods where the full solve of the worst target puts the most
    value, ``sum_h lambda_h * load_h`` over the period's hours with ``lambda`` the hourly
    marginal cost (the dual of the power balance: the price of the grid, of the CFE target's
    scarcity, of the storage and firm capacity the hour calls for), and that are not yet
    modelled, become ``keep_periods``: modelled periods of their own, standing for themselves.
    These are the periods "where the cost is decided" (the dark spell that sizes storage at a
    100 % hourly target, the price spikes at annual matching), which medoids of the inputs
    miss.
``count``
    ``step`` more clustered periods (the count of the k-means).

The search stops at the first choice within both tolerances for every target, or when
``max_periods`` periods are modelled; then the choice with the smallest error (relative to the
tolerances, over the targets) is returned with a warning, and the result says so
(``PeriodChoice.met``, ``Instance.periods["met"]``). Errors are not monotone in the number of
periods (which real period becomes a medoid changes with the count), so the first choice within
tolerance is no bound for others; every choice tried is in the table and in the record
(``Instance.periods``, written to ``summary.json["inputs"]["clustering"]``).

The search costs one full solve per target and one representative solve per target and step:
it pays when the chosen periods are reused for many variants (a sweep, the study). The chosen
instance is a plain instance with ``time.representative_periods`` set (``count`` and
``keep_periods`` included), so it can be written and reloaded like any other.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from planner.errors import SolveError
from planner.inputs.instance import Instance
from planner.results.compare import aggregation_error
from planner.results.result import Result
from planner.solve import solve
from planner.solver.settings import SolveSettings

log = logging.getLogger(__name__)

REPRESENTATIVE = "time.representative_periods"


@dataclass(frozen=True)
class PeriodChoice:
    """What :func:`choose_representative_periods` found."""

    instance: Instance
    """The instance on the chosen representative periods (``periods`` records the search)."""
    errors: pd.DataFrame
    """One row per choice tried and target: step, target, count, kept periods, modelled
    hours, status, objective error, largest capacity error relative to the largest capacity
    of its unit, that capacity, seconds, within."""
    met: bool
    """Whether the chosen periods meet both tolerances at every target."""
    full: list[Result]
    """The solves over every hour the choices were judged against, one per target."""

    @property
    def count(self) -> int:
        """The chosen number of clustered periods (extreme and kept periods come on top)."""
        return int(self.instance.periods["count"])

    @property
    def keep_periods(self) -> list[int]:
        """The periods added as periods of their own."""
        return list(self.instance.periods["keep_periods"])


def unit_errors(representative: Result, full: Result) -> pd.Series:
    """Objective error relative to the full objective, and each capacity's error relative to
    the largest capacity of its unit in the full solve (``_capacity_mw`` rows: the largest MW;
    ``_energy_mwh`` rows: the largest MWh), signed.

    This is the measure of the project's target (objective within 1 %, capacities within 5 %):
    a small storage off by 30 % of itself matters less than the largest plant off by 5 %. As in
    :func:`~planner.results.compare.aggregation_error`, the largest capacity of a unit is at
    least 1e-3 of the largest MW (for MWh: that MW for one hour), so that a storage both solves
    leave out (a few kWh from an interior point) does not make its own scale.
    """
    frame = aggregation_error(representative, full)
    diff = frame["representative"] - frame["full_hourly"]
    out = pd.Series(np.nan, index=frame.index, dtype=float)
    out["objective_usd"] = frame.loc["objective_usd", "error_rel"]
    power = frame.index[frame.index.str.endswith("_capacity_mw")]
    largest_mw = float(frame.loc[power, "full_hourly"].abs().max()) if len(power) else 0.0
    floor = max(1e-3 * largest_mw, 1e-9)
    for suffix in ("_capacity_mw", "_energy_mwh"):
        rows = frame.index[frame.index.str.endswith(suffix)]
        if len(rows):
            largest = max(float(frame.loc[rows, "full_hourly"].abs().max()), floor)
            out[rows] = diff[rows] / largest
    return out


def period_values(full: Result, period_hours: int) -> np.ndarray:
    """Value of each whole period in a solve over every hour: ``sum_h lambda_h * load_h``,
    with ``lambda_h`` the hourly marginal cost ($/MWh) and ``load_h`` the demand (MW)."""
    marginal = full.prices.hourly_usd_per_mwh.to_numpy(dtype=float)
    load = np.asarray(full.instance.spec.demand.load_mw, dtype=float)
    n = len(load) // period_hours
    return (marginal[: n * period_hours] * load[: n * period_hours]).reshape(n, -1).sum(axis=1)


def choose_representative_periods(
    inst: Instance,
    targets: Sequence[Mapping[str, Any]] | None = None,
    cost_tolerance: float = 0.01,
    capacity_tolerance: float = 0.05,
    start: int = 24,
    step: int = 2,
    max_periods: int = 60,
    add: Literal["periods", "count"] = "periods",
    rank: Literal["value", "mismatch", "both"] = "both",
    periods: Mapping[str, Any] | None = None,
    full: Sequence[Result] | None = None,
    settings: SolveSettings | None = None,
) -> PeriodChoice:
    """The first representative periods (``start`` clustered periods, then ``step`` more at a
    time, see the module doc) whose solves are within the tolerances of the solves over every
    hour, at every target.

    Parameters
    ----------
    inst:
        The instance (over every hour, or on representative periods: their settings other than
        ``count`` and ``keep_periods`` are kept, and the full horizon is solved).
    targets:
        Overrides of each variant the periods must hold for, e.g. ``[{"policy":
        {"hourly_cfe_target": 1.0}}, {"policy": {"annual_matching_fraction": 1.0}}]``
        (default: the instance as it is).
    cost_tolerance, capacity_tolerance:
        Largest objective error (relative) and capacity error (relative to the largest
        capacity of the same unit in the full solve) accepted; see :func:`unit_errors`.
    start, step, max_periods:
        ``start`` clustered periods first; ``step`` periods more at a time; never more than
        ``max_periods`` modelled periods (clustered, extreme and kept) nor the horizon's.
    add:
        ``periods``: add the most valuable periods of the worst target's full solve as kept
        periods; ``count``: cluster into more periods.
    periods:
        Settings of ``time.representative_periods`` other than ``count`` (``period_hours``,
        ``values``, ``seed``, ``extreme_periods``, ``extreme_run_periods``,
        ``extreme_method``, ``keep_periods`` to start from); default: the instance's own, else
        days without extreme periods.
    full:
        The solves over every hour, one per target in order, if already done.
    settings:
        Solver settings of every solve (default: :class:`SolveSettings` defaults).

    Raises
    ------
    ValueError
        On tolerances, counts or targets out of range.
    SolveError
        If a solve over every hour is not optimal (nothing to judge against).
    """
    if not (cost_tolerance > 0 and capacity_tolerance > 0):
        raise ValueError(
            f"cost_tolerance and capacity_tolerance must be > 0, got {cost_tolerance} and "
            f"{capacity_tolerance}"
        )
    if not (start >= 1 and step >= 1 and max_periods >= start):
        raise ValueError(
            f"need start >= 1, step >= 1 and max_periods >= start, got start={start}, "
            f"step={step}, max_periods={max_periods}"
        )
    if add not in ("periods", "count"):
        raise ValueError(f"add must be 'periods' or 'count', got {add!r}")
    rep = dict(_own_settings(inst) if periods is None else periods)
    rep.pop("count", None)
    keep = [int(p) for p in rep.pop("keep_periods", [])]
    period_hours = int(rep.get("period_hours", 24))
    whole = inst.with_overrides({REPRESENTATIVE: None}) if inst.is_aggregated else inst
    n_periods = whole.hours // period_hours
    if start > n_periods:
        raise ValueError(f"start ({start}) is above the {n_periods} whole periods of the horizon")
    variants = [dict(t) for t in targets] if targets else [{}]
    if full is not None and len(full) != len(variants):
        raise ValueError(f"full has {len(full)} solves for {len(variants)} targets")
    settings = settings or SolveSettings()
    bases = [whole.with_overrides(v) if v else whole for v in variants]
    fulls = (
        list(full)
        if full is not None
        else [solve(b, baseline=False, settings=settings) for b in bases]
    )
    for variant, res in zip(variants, fulls, strict=True):
        if not res.ok:
            raise SolveError(
                res.status,
                f"{inst.name}: the solve over every hour {variant or ''} ended {res.status}; "
                "representative periods cannot be judged against it",
            )
    values = [period_values(res, period_hours) for res in fulls]
    limit = min(max_periods, n_periods)
    rows: list[dict[str, Any]] = []
    tried: dict[int, Instance] = {}
    count = start
    for number in range(n_periods + 1):
        settings_now = {**rep, "count": count, "keep_periods": sorted(keep)}
        candidate = whole.with_overrides({REPRESENTATIVE: settings_now})
        tried[number] = candidate
        step_rows = []
        for variant, base, base_res in zip(variants, bases, fulls, strict=True):
            aggregated = (
                base.with_overrides({REPRESENTATIVE: settings_now}) if variant else candidate
            )
            row = _row(aggregated, base_res, settings, cost_tolerance, capacity_tolerance)
            step_rows.append({"step": number, "target": _target_text(variant), **row})
        rows += step_rows
        log.info("%s: %s", inst.name, step_rows)
        modelled = candidate.hours // period_hours
        if all(r["within"] for r in step_rows) or modelled >= limit:
            break
        if add == "count":
            count = min(count + step, n_periods)
        else:
            worst = int(np.argmax([r["score"] for r in step_rows]))
            index = candidate.hour_index
            assert index is not None
            modelled_periods = index[::period_hours] // period_hours
            have = set(modelled_periods.tolist())
            sequence = np.asarray(candidate.spec.time.period_sequence)
            new = _new_periods(values[worst], modelled_periods, sequence, have, rank)
            keep += new[: min(step, limit - modelled)]
            if not new:
                break
    table = pd.DataFrame(rows)
    per_step = table.groupby("step").agg(within=("within", "all"), score=("score", "max"))
    met = bool(per_step["within"].any())
    chosen = int(per_step.index[per_step["within"]][0]) if met else int(per_step["score"].idxmin())
    if not met:
        worst_row = table[table["step"] == chosen].sort_values("score").iloc[-1]
        message = (
            f"{inst.name}: no representative periods tried (up to {limit} periods) are within "
            f"{100 * cost_tolerance:g} % on cost and {100 * capacity_tolerance:g} % on "
            f"capacities at every target; using the closest ({tried[chosen].hours // period_hours}"
            f" periods): objective error {worst_row['objective_error']:+.2%}, largest capacity "
            f"error {worst_row['max_capacity_error']:.2%} ({worst_row['worst']}) at target "
            f"{worst_row['target'] or 'as given'}"
        )
        warnings.warn(message, stacklevel=2)
        log.warning(message)
    mine = table[table["step"] == chosen]
    record = {
        **tried[chosen].periods,
        "chosen_by": f"error (add {add})",
        "met": met,
        "cost_tolerance": cost_tolerance,
        "capacity_tolerance": capacity_tolerance,
        "objective_error": [float(v) for v in mine["objective_error"]],
        "max_capacity_error": [float(v) for v in mine["max_capacity_error"]],
        "targets": [_plain_target(v) for v in variants],
        "tried": [
            {k: _plain(v) for k, v in r.items() if k != "score"} for r in table.to_dict("records")
        ],
    }
    return PeriodChoice(
        dataclasses.replace(tried[chosen], periods=record),
        table.drop(columns="score"),
        met,
        fulls,
    )


def _new_periods(
    value: np.ndarray, modelled: np.ndarray, sequence: np.ndarray, have: set[int], rank: str
) -> list[int]:
    """Periods not yet modelled, best first: by ``value``, by the mismatch of their value and
    their representative's, or alternately one of each (``both``)."""
    mismatch = np.abs(value - value[modelled[sequence]])
    by_value = [int(p) for p in np.argsort(-value, kind="stable") if int(p) not in have]
    by_mismatch = [int(p) for p in np.argsort(-mismatch, kind="stable") if int(p) not in have]
    if rank == "value":
        return by_value
    if rank == "mismatch":
        return by_mismatch
    out: list[int] = []
    for pair in zip(by_value, by_mismatch, strict=True):
        for p in pair:
            if p not in out:
                out.append(p)
    return out


def _own_settings(inst: Instance) -> dict[str, Any]:
    """The instance's ``time.representative_periods`` block as read (its raw input)."""
    raw = inst.raw.get("time", {}).get("representative_periods")
    return dict(raw) if isinstance(raw, Mapping) else {"period_hours": 24}


def _row(
    inst: Instance,
    full: Result,
    settings: SolveSettings,
    cost_tolerance: float,
    capacity_tolerance: float,
) -> dict[str, Any]:
    """One choice of periods solved at one target and compared with its full solve."""
    began = time.perf_counter()
    res = solve(inst, baseline=False, settings=settings)
    row: dict[str, Any] = {
        "count": int(inst.periods["count"]),
        "keep_periods": len(inst.periods.get("keep_periods", [])),
        "modelled_hours": inst.hours,
        "status": res.status,
        "objective_error": np.nan,
        "max_capacity_error": np.nan,
        "worst": "",
        "seconds": time.perf_counter() - began,
        "within": False,
        "score": np.inf,
    }
    if res.ok:
        err = unit_errors(res, full)
        capacities = err.drop("objective_usd").abs()
        row["objective_error"] = float(err["objective_usd"])
        row["max_capacity_error"] = float(capacities.max()) if len(capacities) else 0.0
        row["worst"] = str(capacities.idxmax()) if len(capacities) else ""
        row["score"] = max(
            abs(row["objective_error"]) / cost_tolerance,
            row["max_capacity_error"] / capacity_tolerance,
        )
        row["within"] = row["score"] <= 1.0
    return row


def _target_text(variant: Mapping[str, Any]) -> str:
    """A target's overrides as text (empty: the instance as given)."""
    return ", ".join(f"{k}={v}" for k, v in variant.items())


def _plain_target(variant: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in variant.items()}


def _plain(value: Any) -> Any:
    """A table cell as a JSON value (NaN as None)."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    return value
