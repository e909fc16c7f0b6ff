"""The worker side of a sweep: one point solved from its fully resolved instance, its result
flattened into one record. Runs in a worker process (local pool, Dask) or in the coordinator
(one worker); never raises: failures come back as records."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.errors import InstanceError
from planner.hashing import to_json
from planner.inputs.catalogue import kind
from planner.inputs.instance import Instance
from planner.portfolio.load import Portfolio
from planner.portfolio.results import PortfolioResult
from planner.portfolio.solve import solve_portfolio
from planner.results.result import Result
from planner.results.warned import FIELD as WARNINGS
from planner.results.warned import field_of as warnings_field
from planner.solve import solve
from planner.solver.settings import SolveSettings
from planner.sweep.keys import now


@dataclass(frozen=True)
class Task:
    """What a worker needs to solve one point: the fully resolved instance (hourly fields as
    arrays, so no file is read on the worker) and the solve settings."""

    key: str
    raw: dict[str, Any]
    source: str
    solver_options: dict[str, Any]
    time_limit_s: float | None
    baseline: bool
    reuse_model: bool = False
    portfolio_dir: str | None = None
    """Set for a point of a portfolio: ``raw`` is the portfolio file's content, re-read here
    (its sites' files must be readable on the worker) from this folder."""
    allowed_dirs: tuple[str, ...] = ()


def flatten(res: Result) -> dict[str, Any]:
    """One flat record of a result: status, objective, every metric, capacity per resource
    (``<name>_capacity_mw``, ``<name>_energy_mwh`` for storage: the capacity columns of its
    kind), the kind of each resource (``resource_kinds``, JSON), the modelled hours
    (``time_start``, ``modelled_hours``, ``representative_periods``), the solve's warnings
    (``warnings``, a JSON list: :mod:`planner.results.warned`), policy shadow prices
    (``shadow_<name>``), fusion reduced costs (``<offer>_reduced_cost_usd_per_mwh``), under
    delivery risk the hedging figures (``risk_evpi_usd_per_yr``...) and each scenario's cost and
    CFE score (``scenario_<name>_...``), and timings (``*_s``)."""
    time = res.instance.spec.time
    record: dict[str, Any] = {
        "status": res.status,
        "error": None if res.ok else _failure(res),
        "objective_usd": res.objective_usd,
        # what the yearly figures are scaled from: the modelled hours
        "time_start": time.start.isoformat(sep=" ", timespec="minutes"),
        "modelled_hours": int(res.instance.hours),
        "representative_periods": bool(time.period_sequence is not None),
        # what the user should know about these numbers (planner.results.warned)
        WARNINGS: warnings_field(res.warnings),
    }
    if res.ok:
        record |= {str(k): float(v) for k, v in res.metrics.items()}
        for name, row in res.capacity.iterrows():
            for column in kind(str(row["kind"])).capacity_columns:
                record[f"{name}_{column}"] = float(row[column])
        record["resource_kinds"] = to_json(
            {str(n): str(k) for n, k in res.capacity["kind"].items()}
        )
        record |= {f"shadow_{k}": float(v) for k, v in res.prices.policy.items()}
        rc = res.prices.fusion_reduced_cost
        if "usd_per_mwh" in rc:
            record |= {
                f"{k}_reduced_cost_usd_per_mwh": float(v) for k, v in rc["usd_per_mwh"].items()
            }
        if res.risk is not None:  # delivery risk: the hedging figures, and each outcome's cost
            record |= {f"risk_{k}": float(v) for k, v in res.risk.figures.items()}
            for name, row in res.risk.table.iterrows():
                record[f"scenario_{name}_cost_usd_per_yr"] = float(row["cost_usd_per_yr"])
                record[f"scenario_{name}_hourly_cfe_score"] = float(row["hourly_cfe_score"])
    record |= {str(k): float(v) for k, v in res.timings.items()}
    # how the point was solved when warm-started (reuse_model), and its check against a cold one
    record |= {str(k): float(v) for k, v in res.model_stats.items() if str(k).startswith("warm_")}
    return record


def capacity_of_record(record: Mapping[str, Any]) -> pd.DataFrame:
    """The capacity table of an optimal :func:`flatten` record, as ``Result.capacity`` has it
    for comparisons: ``kind``, ``capacity_mw`` and ``energy_mwh`` (NaN but for storage) by
    resource."""
    kinds = json.loads(str(record["resource_kinds"]))
    rows: dict[str, dict[str, Any]] = {}
    for name, k in kinds.items():
        columns = kind(k).capacity_columns
        rows[name] = {
            "kind": k,
            "capacity_mw": float(record[f"{name}_capacity_mw"]),
            "energy_mwh": (
                float(record[f"{name}_energy_mwh"]) if "energy_mwh" in columns else float("nan")
            ),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def flatten_portfolio(res: PortfolioResult) -> dict[str, Any]:
    """One flat record of a solved portfolio: status, its warnings (``warnings``, a JSON list),
    the portfolio's figures, each site's cost,
    CFE score and load moved (``<site>_...``), each site's capacities
    (``<site>.<resource>_capacity_mw``), and timings."""
    pf = res.portfolio
    time = pf.sites[0].inst.spec.time
    record: dict[str, Any] = {
        "status": res.status,
        "error": None if res.ok else (res.message or f"solve ended with status {res.status}"),
        "objective_usd": (
            float(res.figures["total_cost_usd_per_yr"]) * pf.horizon_years if res.ok else None
        ),
        "time_start": time.start.isoformat(sep=" ", timespec="minutes"),
        "modelled_hours": int(pf.sites[0].inst.hours),
        "representative_periods": bool(time.period_sequence is not None),
        WARNINGS: warnings_field(res.warnings),
    }
    if res.ok:
        record |= {str(k): float(v) for k, v in res.figures.items()}
        for site, row in res.table.iterrows():
            for column, value in row.items():
                if isinstance(value, (int, float)):
                    record[f"{site}_{column}"] = float(value)
        for site, result in res.sites.items():
            for name, row in result.capacity.iterrows():
                record[f"{site}.{name}_capacity_mw"] = float(row["capacity_mw"])
    record |= {str(k): float(v) for k, v in res.timings.items()}
    return record


def _failure(res: Result) -> str:
    """The error text of a failed result: its status, and its diagnosis when it has one."""
    text = f"solve ended with status {res.status}"
    diagnosis = getattr(res, "diagnosis", None)
    message = getattr(diagnosis, "message", diagnosis)
    if message and isinstance(message, str) and message.strip() not in text:
        text += f": {message.strip()}"
    return text


def solve_task(task: Task) -> tuple[dict[str, Any], dict[str, Any]]:
    """Solve one point (in a worker). Never raises: failures come back as records.

    Returns (record, manifest fields of the run: worker, started_at, finished_at).
    """
    started_at = now()
    started = time.perf_counter()
    try:
        settings = SolveSettings(
            dict(task.solver_options), task.time_limit_s, reuse=task.reuse_model
        )
        if task.portfolio_dir is not None:
            pf = Portfolio.from_dict(task.raw, task.portfolio_dir, task.source, task.allowed_dirs)
            record = flatten_portfolio(solve_portfolio(pf, settings=settings))
        else:
            inst = Instance.from_dict(task.raw, source=task.source)
            record = flatten(solve(inst, baseline=task.baseline, settings=settings))
    except InstanceError as exc:
        record = {"status": "invalid", "error": str(exc), "objective_usd": None}
    except Exception as exc:
        status = "interrupted" if _is_interrupt(exc) else "error"
        record = {"status": status, "error": f"{type(exc).__name__}: {exc}", "objective_usd": None}
    if record["status"] == "time_limit" and task.time_limit_s is not None:
        record["error"] = (
            f"HiGHS stopped at the time limit of {task.time_limit_s:g} s; a run with a larger "
            "time_limit_s solves this point again"
        )
    record["wall_s"] = time.perf_counter() - started
    meta = {
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "started_at": started_at,
        "finished_at": now(),
    }
    return record, meta


def _is_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is a Ctrl-C that a library wrapped into another exception (Pyomo turns
    a KeyboardInterrupt raised inside some of its contexts into a RuntimeError)."""
    seen: set[int] = set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        if isinstance(node, KeyboardInterrupt) or "KeyboardInterrupt" in str(node):
            return True
        seen.add(id(node))
        node = node.__cause__ or node.__context__
    return False


def _init_worker() -> None:
    """Local worker start-up: Ctrl-C is the coordinator's to handle; keep HiGHS warnings quiet
    (the status is recorded)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("planner").setLevel(logging.ERROR)
