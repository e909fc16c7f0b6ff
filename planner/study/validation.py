"""The study's accuracy check (the ``validation`` block): each site at each listed policy solved
on the study's representative periods and over every hour, in parallel, each answer stored
under a hash of both instances; and the break-even price searched over every hour, stored and
resumable like every search, beside part 1's. The every-hour search starts at the offer's
price, so a policy checked both ways is compared, once its search has ended, at the search's
solve there: one full-year solve fewer (about two minutes at helion_wa_2028) where the offer is
left out at its price; where it is contracted there the search needs the top price too (four
solves instead of three) and nothing is saved."""

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
from planner.results.compare import aggregation_error, capacity_error
from planner.solve import solve
from planner.study.parts import Context, offer_price
from planner.study.policy_case import PolicyCase
from planner.study.sites import PreparedSite
from planner.study.validation_config import ValidationPart
from planner.sweep.backends import run_calls
from planner.sweep.worker import capacity_of_record
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


def compare_with_record(
    path: str,
    record: dict[str, Any],
    overrides: dict[str, Any],
    threads: int | None,
    full_s: float,
) -> dict[str, Any]:
    """:func:`compare_full` where the every-hour side is already solved: ``record``, an
    optimal sweep record of the same point (the every-hour break-even search's solve at the
    offer's price, ``full_s`` its seconds); only the representative side is solved here."""
    options = {"threads": threads} if threads else None
    started = time.perf_counter()
    rep = solve(
        load_instance(path).with_overrides(overrides), solver_options=options, baseline=False
    )
    out: dict[str, Any] = {
        "status": rep.status,
        "representative_s": time.perf_counter() - started,
        "full_hourly_s": full_s,
        "full_hourly_from": "the every-hour break-even search",
    }
    if rep.ok:
        full = capacity_of_record(record)  # in the representative solve's resource order
        full = full.reindex(
            [
                *rep.capacity.index.intersection(full.index),
                *full.index.difference(rep.capacity.index),
            ]
        )
        error = capacity_error(
            rep.objective_usd, rep.capacity, float(record["objective_usd"]), full
        )
        out["error"] = error.reset_index(names="quantity").to_dict(orient="list")
    return out


def searched_record(
    searched: Mapping[str, pd.DataFrame] | None, site: PreparedSite, policy: PolicyCase
) -> dict[str, Any] | None:
    """The every-hour break-even search's optimal solve of ``site`` under ``policy`` at the
    offer's price (:func:`full_breakevens` starts there when that price is inside the range
    searched), or None (no such solve: the point is then solved over every hour itself)."""
    table = None if searched is None else searched.get(site.name)
    if table is None or "solves" not in table.attrs:
        return None
    rows = [i for i, label in enumerate(table["policy_label"]) if label == policy.label]
    if not rows:
        return None
    return table.attrs["solves"][rows[0]].get(round(offer_price(site), 6))


def _slug(policy: PolicyCase) -> str:
    return policy.label.replace(" %", "").replace(" ", "_").replace(".", "_")


def _points(
    sites: Sequence[PreparedSite], policies: Sequence[PolicyCase]
) -> list[tuple[PreparedSite, PolicyCase]]:
    """Every site at every policy, the strictest policies first (their full-year solves are
    the longest: started first, they set the part's wall time least)."""
    order = sorted(policies, key=lambda p: (not p.is_annual, p.share), reverse=True)
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
    ctx: Context,
    sites: Sequence[PreparedSite],
    part: ValidationPart,
    policies: Sequence[PolicyCase],
    searched: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The aggregation error of each site at each of ``policies`` (the offer's price) against
    the same point over every hour, in parallel; each answer is kept in
    ``<out>/validation/<site>_<policy>.json`` under the hash of both instances and the
    package version, so a re-run skips it (and one stopped by the same time limit). Where
    ``searched`` (:func:`full_breakevens`) solved the point over every hour, that solve is
    compared and only the representative side is solved. One row per site, policy and
    quantity."""
    folder = ctx.out / "validation"
    folder.mkdir(parents=True, exist_ok=True)
    todo: dict[str, tuple[Any, ...]] = {}
    with_record: dict[str, tuple[Any, ...]] = {}
    keys: dict[str, str] = {}
    answers: dict[str, dict[str, Any]] = {}
    points = _points(sites, policies)
    threads: int | None = None  # in process: HiGHS's own default
    if ctx.scheduler is not None:
        threads = 1
    elif min(ctx.workers, len(points)) > 1:
        threads = max(1, (os.cpu_count() or 1) // min(ctx.workers, len(points)))
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
        record = searched_record(searched, site, policy)
        if path.exists():
            stored = json.loads(path.read_text())
            stands = answer_stands(stored, part.full_hourly_time_limit_s)
            # a stored time limit gives way to the search's optimal solve of the same point
            if stored.get("key") == key and stands and ("error" in stored or record is None):
                answers[name] = stored
                continue
        if record is not None:
            seconds = float(record.get("wall_s", float("nan")))
            with_record[name] = (str(site.path), record, ov, threads, seconds)
            continue
        full = site.full
        todo[name] = (str(site.path), dict(full.raw), str(full.base_dir), full.source, ov)
        todo[name] += (threads, part.full_hourly_time_limit_s)
    found: dict[str, dict[str, Any]] = {}
    for fn, calls in ((compare_with_record, with_record), (compare_full, todo)):
        if calls:
            workers = max(1, min(ctx.workers, len(calls)))
            found |= run_calls(fn, calls, workers, ctx.scheduler)
    for name, result in found.items():
        result["key"] = keys[name]
        (folder / f"{name}.json").write_text(json.dumps(result, indent=1, default=float) + "\n")
        answers[name] = result
    rows = []
    for site, policy in sorted(points, key=lambda sp: sites.index(sp[0])):
        a = answers[f"{site.name}_{_slug(policy)}"]
        head = {
            "site": site.name,
            "policy_label": policy.label,
            "status": a["status"],
            "full_hourly_from": a.get("full_hourly_from"),
        }
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
    top_usd_per_mwh = (
        ctx.study.spec.breakeven.max_price_usd_per_mwh if ctx.study.spec.breakeven else 10_000.0
    )

    def search(site: PreparedSite) -> pd.DataFrame:
        started = time.perf_counter()
        # the first solve at the offer's price: the point compare_points checks at that price
        # over every hour (where the offer is contracted there, the top price is tried next)
        price_usd_per_mwh = offer_price(site)
        start = price_usd_per_mwh if 0 < price_usd_per_mwh < top_usd_per_mwh else None
        folder = ctx.out / site.name / "validation_breakeven"
        limit = part.full_hourly_time_limit_s
        table = ctx.breakeven(
            site, folder, policies, {}, instance=site.full, time_limit_s=limit, high=start
        )
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
    searched = [p.policy() for p in part.breakeven_policies]
    # a policy searched over every hour is compared at the search's first solve (offer's price)
    shared = [p for p in part.policies if p.policy() in searched]
    own = [p for p in part.policies if p.policy() not in searched]
    if ctx.scheduler is None:
        points = compare_points(ctx, sites, part, own)
        breakevens = full_breakevens(ctx, sites, part)
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            started = pool.submit(compare_points, ctx, sites, part, own)
            breakevens = pool.submit(full_breakevens, ctx, sites, part).result()
            points = started.result()
    if shared:
        more = compare_points(ctx, sites, part, shared, breakevens)
        points = _in_order(pd.concat([points, more], ignore_index=True), sites, part.policies)
    return points, breakevens


def _in_order(
    rows: pd.DataFrame, sites: Sequence[PreparedSite], policies: Sequence[PolicyCase]
) -> pd.DataFrame:
    """``rows`` by site in the study's order, then policy (strictest first), as one call of
    :func:`compare_points` gives them."""
    if rows.empty:
        return rows
    site_rank = {s.name: i for i, s in enumerate(sites)}
    policy_rank = {p.label: i for i, (_, p) in enumerate(_points(sites[:1], policies))}
    rank = rows["site"].map(site_rank) * len(policy_rank) + rows["policy_label"].map(policy_rank)
    return rows.iloc[rank.argsort(kind="stable")].reset_index(drop=True)
