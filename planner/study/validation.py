"""The study's accuracy check: one point per site solved on the study's representative periods
and over every hour, in parallel; each answer stored under a hash of both instances."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from typing import Any

import pandas as pd

from planner.hashing import content_hash
from planner.inputs.instance import Instance, load_instance
from planner.results.compare import aggregation_error
from planner.solve import solve
from planner.study.parts import Context, delivery_prices, price_path
from planner.study.sites import PreparedSite
from planner.sweep.backends import run_calls
from planner.version import __version__


def validation_overrides(ctx: Context, site: PreparedSite) -> dict[str, Any]:
    """The point checked against every hour: the on-time delivery-risk case at the first price
    (without that part: the site as prepared)."""
    part = ctx.study.spec.delivery_risk
    if part is None:
        return {}
    return {"policy": part.policy.policy(), price_path(site): delivery_prices(ctx, site)[0]}


def compare_full(
    path: str,
    full_raw: dict[str, Any],
    full_dir: str,
    full_source: str,
    overrides: dict[str, Any],
    threads: int | None,
) -> dict[str, Any]:
    """Solve one point on the study's representative-period instance (``path``) and over
    every hour (``full_raw``), in a worker process; return the aggregation error table
    (:func:`planner.results.aggregation_error`) and the seconds of both solves."""
    options = {"threads": threads} if threads else None
    rep_inst = load_instance(path).with_overrides(overrides)
    full_inst = Instance.from_dict(full_raw, full_dir, full_source)
    full_inst = full_inst.with_overrides(overrides)
    started = time.perf_counter()
    rep = solve(rep_inst, solver_options=options, baseline=False)
    rep_s = time.perf_counter() - started
    started = time.perf_counter()
    full = solve(full_inst, solver_options=options, baseline=False)
    full_s = time.perf_counter() - started
    out: dict[str, Any] = {
        "status": rep.status if not rep.ok else full.status,
        "representative_s": rep_s,
        "full_hourly_s": full_s,
    }
    if rep.ok and full.ok:
        error = aggregation_error(rep, full).reset_index(names="quantity")
        out["error"] = error.to_dict(orient="list")
    return out


def validation_part(ctx: Context, sites: Sequence[PreparedSite]) -> pd.DataFrame:
    """The aggregation error of one point per site against the same point over every hour,
    sites in parallel; each answer is kept in ``<out>/validation/<site>.json`` under the hash
    of both instances and the package version, so a re-run skips it."""
    folder = ctx.out / "validation"
    folder.mkdir(parents=True, exist_ok=True)
    todo: dict[str, tuple[Any, ...]] = {}
    keys: dict[str, str] = {}
    answers: dict[str, dict[str, Any]] = {}
    for site in sites:
        ov = validation_overrides(ctx, site)
        key = content_hash(
            {
                "representative": site.instance.with_overrides(ov).spec.model_dump(),
                "full": site.full.with_overrides(ov).spec.model_dump(),
                "version": __version__,
            }
        )
        keys[site.name] = key
        path = folder / f"{site.name}.json"
        if path.exists():
            stored = json.loads(path.read_text())
            if stored.get("key") == key and "error" in stored:
                answers[site.name] = stored
                continue
        full = site.full
        todo[site.name] = (str(site.path), dict(full.raw), str(full.base_dir), full.source, ov)
    if todo:
        workers = max(1, min(ctx.workers, len(todo)))
        threads: int | None = None  # in process: HiGHS's own default
        if ctx.scheduler is not None:
            threads = 1
        elif workers > 1:
            threads = max(1, (os.cpu_count() or 1) // workers)
        calls = {name: (*args, threads) for name, args in todo.items()}
        for name, result in run_calls(compare_full, calls, workers, ctx.scheduler).items():
            result["key"] = keys[name]
            (folder / f"{name}.json").write_text(json.dumps(result, indent=1, default=float) + "\n")
            answers[name] = result
    rows = []
    for site in sites:
        a = answers[site.name]
        if "error" not in a:
            rows.append({"site": site.name, "status": a["status"]})
            continue
        err = pd.DataFrame(a["error"]).set_index("quantity")
        for quantity, r in err.iterrows():
            rows.append(
                {
                    "site": site.name,
                    "status": a["status"],
                    "quantity": quantity,
                    "representative": r["representative"],
                    "full_hourly": r["full_hourly"],
                    "error_rel": r["error_rel"],
                    "representative_s": a["representative_s"],
                    "full_hourly_s": a["full_hourly_s"],
                }
            )
    return pd.DataFrame(rows)
