"""The study's accuracy check (the ``validation`` block): each site at each listed policy solved
on the study's representative periods and over every hour, in parallel, each answer stored
under a hash of both instances; and the break-even price searched over every hour, stored and
resumable like every search, beside part 1's."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd

from planner.hashing import content_hash
from planner.inputs.instance import Instance, load_instance
from planner.results.compare import aggregation_error
from planner.solve import solve
from planner.study.parts import Context
from planner.study.policy_case import PolicyCase
from planner.study.sites import PreparedSite
from planner.study.validation_config import ValidationPart
from planner.sweep.backends import run_calls
from planner.version import __version__


def compare_full(
    path: str,
    full_raw: dict[str, Any],
    full_dir: str,
    full_source: str,
    overrides: dict[str, Any],
    threads: int | None,
    time_limit_s: float | None = None,
) -> dict[str, Any]:
    """Solve one point on the study's representative-period instance (``path``) and over
    every hour (``full_raw``), in a worker process; return the aggregation error table
    (:func:`planner.results.aggregation_error`) and the seconds of both solves; the solve
    over every hour stops at ``time_limit_s`` (status ``time_limit``)."""
    options = {"threads": threads} if threads else None
    rep_inst = load_instance(path).with_overrides(overrides)
    full_inst = Instance.from_dict(full_raw, full_dir, full_source)
    full_inst = full_inst.with_overrides(overrides)
    started = time.perf_counter()
    rep = solve(rep_inst, solver_options=options, baseline=False)
    rep_s = time.perf_counter() - started
    started = time.perf_counter()
    full = solve(full_inst, solver_options=options, baseline=False, time_limit_s=time_limit_s)
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


def _slug(policy: PolicyCase) -> str:
    return policy.label.replace(" %", "").replace(" ", "_").replace(".", "_")


def _points(
    sites: Sequence[PreparedSite], part: ValidationPart
) -> list[tuple[PreparedSite, PolicyCase]]:
    """Every site at every policy, the strictest policies first (their full-year solves are
    the longest: started first, they set the part's wall time least)."""
    order = sorted(part.policies, key=lambda p: (not p.is_annual, p.share), reverse=True)
    return [(site, policy) for policy in order for site in sites]


def answer_stands(stored: Mapping[str, Any], limit_s: float | None) -> bool:
    """A stored answer stands if it compared both solves, or if its every-hour solve already
    ran at least ``limit_s`` without finishing (the same limit would stop it again; a larger
    one, or none, solves it again)."""
    if "error" in stored:
        return True
    ran_s = float(stored.get("full_hourly_s", 0.0))
    return stored.get("status") == "time_limit" and limit_s is not None and ran_s >= limit_s


def compare_points(
    ctx: Context, sites: Sequence[PreparedSite], part: ValidationPart
) -> pd.DataFrame:
    """The aggregation error of each site at each policy of ``part`` (the offer's price)
    against the same point over every hour, in parallel; each answer is kept in
    ``<out>/validation/<site>_<policy>.json`` under the hash of both instances and the
    package version, so a re-run skips it (and one stopped by the same time limit). One row
    per site, policy and quantity."""
    folder = ctx.out / "validation"
    folder.mkdir(parents=True, exist_ok=True)
    todo: dict[str, tuple[Any, ...]] = {}
    keys: dict[str, str] = {}
    answers: dict[str, dict[str, Any]] = {}
    points = _points(sites, part)
    for site, policy in points:
        name = f"{site.name}_{_slug(policy)}"
        ov = {"policy": policy.policy()}
        key = content_hash(
            {
                "representative": site.instance.with_overrides(ov).spec.model_dump(),
                "full": site.full.with_overrides(ov).spec.model_dump(),
                "version": __version__,
            }
        )
        keys[name] = key
        path = folder / f"{name}.json"
        if path.exists():
            stored = json.loads(path.read_text())
            if stored.get("key") == key and answer_stands(stored, part.full_hourly_time_limit_s):
                answers[name] = stored
                continue
        full = site.full
        todo[name] = (str(site.path), dict(full.raw), str(full.base_dir), full.source, ov)
    if todo:
        workers = max(1, min(ctx.workers, len(todo)))
        threads: int | None = None  # in process: HiGHS's own default
        if ctx.scheduler is not None:
            threads = 1
        elif workers > 1:
            threads = max(1, (os.cpu_count() or 1) // workers)
        limit = part.full_hourly_time_limit_s
        calls = {name: (*args, threads, limit) for name, args in todo.items()}
        for name, result in run_calls(compare_full, calls, workers, ctx.scheduler).items():
            result["key"] = keys[name]
            (folder / f"{name}.json").write_text(json.dumps(result, indent=1, default=float) + "\n")
            answers[name] = result
    rows = []
    for site, policy in sorted(points, key=lambda sp: sites.index(sp[0])):
        a = answers[f"{site.name}_{_slug(policy)}"]
        head = {"site": site.name, "policy_label": policy.label, "status": a["status"]}
        if "error" not in a:
            rows.append(head)
            continue
        err = pd.DataFrame(a["error"]).set_index("quantity")
        for quantity, r in err.iterrows():
            rows.append(
                {
                    **head,
                    "quantity": quantity,
                    "representative": r["representative"],
                    "full_hourly": r["full_hourly"],
                    "error_rel": r["error_rel"],
                    "representative_s": a["representative_s"],
                    "full_hourly_s": a["full_hourly_s"],
                }
            )
    return pd.DataFrame(rows)


def full_breakevens(
    ctx: Context, sites: Sequence[PreparedSite], part: ValidationPart
) -> dict[str, pd.DataFrame]:
    """Each site's break-even at each of ``part.breakeven_policies``, searched over every hour
    (stored under ``<out>/<site>/validation_breakeven/``), with a ``seconds`` column. With a
    Dask client the sites' searches run at once, in threads that share its workers."""
    policies = list(part.breakeven_policies)
    if not policies:
        return {}

    def search(site: PreparedSite) -> pd.DataFrame:
        started = time.perf_counter()
        folder = ctx.out / site.name / "validation_breakeven"
        limit = part.full_hourly_time_limit_s
        table = ctx.breakeven(site, folder, policies, {}, instance=site.full, time_limit_s=limit)
        table["seconds"] = time.perf_counter() - started
        return table

    if ctx.scheduler is not None and len(sites) > 1:
        with ThreadPoolExecutor(max_workers=len(sites)) as pool:
            found = list(pool.map(search, sites))
    else:
        found = [search(site) for site in sites]
    return {site.name: table for site, table in zip(sites, found, strict=True)}


def breakeven_comparison(
    full: Mapping[str, pd.DataFrame],
    representative: Mapping[str, pd.DataFrame],
    policies: Sequence[PolicyCase],
) -> pd.DataFrame:
    """One row per site and policy: the break-even over every hour (``full``, by site) beside
    part 1's on the representative days (``representative``, by site), their difference where
    both are prices, and the every-hour search's solves and seconds."""
    columns = ("breakeven_usd_per_mwh", "note", "cap_bound", "contracted_at_usd_per_mwh")
    rows = []
    for name, table in full.items():
        rep = representative.get(name)
        for policy in policies:
            f = table[table["policy_label"] == policy.label].iloc[0]
            found = None if rep is None else rep[rep["policy_label"] == policy.label]
            r = found.iloc[0] if found is not None and len(found) else None
            row: dict[str, Any] = {"site": name, "policy_label": policy.label}
            for c in columns:
                row[f"representative_{c}"] = None if r is None else r[c]
                row[f"full_hourly_{c}"] = f[c]
            row["full_hourly_s"] = float(f["seconds"])
            row["error_usd_per_mwh"] = _price(row["representative_breakeven_usd_per_mwh"]) - _price(
                row["full_hourly_breakeven_usd_per_mwh"]
            )
            row["full_hourly_solves"] = int(f["solves"])
            rows.append(row)
    return pd.DataFrame(rows)


def _price(value: Any) -> float:
    """A break-even as a number: NaN where the search gave none (censored, failed, missing)."""
    return float("nan") if value is None else float(value)


def validation_part(
    ctx: Context, sites: Sequence[PreparedSite]
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The solves of ``ctx.study.spec.validation``: (errors at each point, each site's
    break-evens over every hour). With a Dask client both run at once on its workers, and the
    pipeline starts this beside the other parts (its full-year solves are the study's longest:
    started first, they leave no worker idle at the end)."""
    part = ctx.study.spec.validation
    assert part is not None
    sites = [s for s in sites if part.checks(s.name)]
    if ctx.scheduler is None:
        return compare_points(ctx, sites, part), full_breakevens(ctx, sites, part)
    with ThreadPoolExecutor(max_workers=2) as pool:
        points = pool.submit(compare_points, ctx, sites, part)
        breakevens = pool.submit(full_breakevens, ctx, sites, part)
        return points.result(), breakevens.result()
