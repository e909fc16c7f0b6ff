"""Solve the whole study: every part for every site (:func:`solve_all`).

Solves run on ``workers`` processes started once for the whole study, one HiGHS thread each,
so that the many short sweeps and break-even searches do not each pay a pool's start-up: one
local process pool shared by every part (:func:`planner.sweep.shared_pool.shared_pool`, the
study file's ``executor: pool``, the default) or a Dask ``LocalCluster`` (``executor: dask``,
:func:`planner.sweep.backends.local_dask`). With more than one worker the sites, the pathway
and the accuracy check run at the same time, each in a thread submitting to those workers
(a site's parts one after the other: some start from its part 1); with one, everything runs
in order in this process. The workers share the answers of the delivery-risk plans' hedging
solves (:func:`planner.hedging_outcomes.shared_answers`): a plan at other odds finds the
outcomes another worker has already solved (two workers may still solve one at the same time).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from planner import hedging_outcomes
from planner.study import competitors, curve, flexible, growth, parts, risk_plan
from planner.study.config import Study
from planner.study.parts import Context
from planner.study.results import StudyResults, count_points
from planner.study.sites import PreparedSite, prepare
from planner.study.validation import breakeven_comparison, validation_part
from planner.sweep.backends import local_dask
from planner.sweep.shared_pool import shared_pool


def solve_all(
    study: Study, out: Path, workers: int | None = None, progress: bool = True
) -> StudyResults:
    """Run every configured part for every site (resuming from the stores under ``out``)."""
    spec = study.spec
    workers = workers or spec.workers
    stamp = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M UTC")
    results = StudyResults(study, out, started_at=stamp)
    results.points_before = count_points(out)
    started = time.perf_counter()
    workers_of = local_dask if spec.executor == "dask" else shared_pool
    # the workers share the hedging solves' answers (a plan at other odds reuses them)
    with hedging_outcomes.shared_answers(), workers_of(workers) as (client, how):
        results.executor = how
        ctx = Context(study, out, workers, client, progress, results.timings)
        for loaded in study.sites:
            with ctx.timed("representative periods", loaded.name):
                results.sites.append(prepare(loaded, spec.overrides, out / "instances"))
        if client is None:  # one worker: one part after the other
            validated = _timed_validation(ctx, results.sites) if spec.validation else None
            for site in results.sites:
                _site_parts(ctx, results, site)
            if spec.pathway is not None:
                _pathway(ctx, results)
        else:
            validated = _concurrently(ctx, results)
        if validated is not None:
            errors, full = validated
            results.validation = errors
            policies = spec.validation.breakeven_policies if spec.validation else []
            results.validation_breakeven = breakeven_comparison(full, results.breakeven, policies)
    results.in_site_order()
    results.total_s = time.perf_counter() - started
    return results


def _concurrently(
    ctx: Context, results: StudyResults
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]] | None:
    """Every site's parts, the pathway and the accuracy check at once, each in a thread of its
    own submitting to the shared cluster: one site's last solves no longer leave a worker idle
    while the next site waits. Returns the accuracy check's answer (None without one).

    An error or Ctrl-C in any of them cancels the others' queued starts and is raised here;
    the running ones end when the cluster closes."""
    spec = ctx.study.spec
    pool = ThreadPoolExecutor(max_workers=len(results.sites) + 2, thread_name_prefix="study")
    try:
        check = pool.submit(_timed_validation, ctx, results.sites) if spec.validation else None
        jobs = [pool.submit(_site_parts, ctx, results, site) for site in results.sites]
        if spec.pathway is not None:
            jobs.append(pool.submit(_pathway, ctx, results))
        for job in jobs:
            job.result()
        return check.result() if check is not None else None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _site_parts(ctx: Context, results: StudyResults, site: PreparedSite) -> None:
    """The parts of one site, in order (sensitivities, competitors and flexible load start from
    its part 1)."""
    spec = ctx.study.spec
    if spec.breakeven is not None:
        with ctx.timed("break-even", site.name):
            results.breakeven[site.name] = parts.breakeven_part(ctx, site)
    if spec.contract_curve is not None:
        with ctx.timed("contract curve", site.name):
            results.contract_curve[site.name] = curve.contract_curve_part(ctx, site)
    if spec.frontier is not None:
        with ctx.timed("frontier", site.name):
            results.frontier[site.name] = parts.frontier_part(ctx, site)
    if spec.delivery_risk is not None:
        with ctx.timed("delivery risk", site.name):
            on_time, late = parts.delivery_part(ctx, site)
            results.delivery_on_time[site.name] = on_time
            results.delivery_late[site.name] = late
    if spec.sensitivities is not None:
        with ctx.timed("sensitivities", site.name):
            reference = parts.part1_row(results.breakeven, site, spec.sensitivities.policy)
            costs, be_table = parts.sensitivity_part(ctx, site, reference)
            results.sensitivity_costs[site.name] = costs
            results.sensitivity_breakeven[site.name] = be_table
    if spec.competitors is not None:
        with ctx.timed("against the other clean firm", site.name):
            reference = parts.part1_row(results.breakeven, site, spec.competitors.policy)
            costs, be_table = competitors.competitors_part(ctx, site, reference)
            results.competitor_costs[site.name] = costs
            results.competitor_breakeven[site.name] = be_table
    if spec.risk_plan is not None:
        with ctx.timed("decision under delivery risk", site.name):
            results.risk_plan[site.name] = risk_plan.risk_plan_part(ctx, site)
    if spec.flexible_load is not None:
        with ctx.timed("flexible load", site.name):
            reference = parts.part1_row(results.breakeven, site, spec.flexible_load.policy)
            costs, be_table = flexible.flexible_part(ctx, site, reference)
            results.flexible_costs[site.name] = costs
            results.flexible_breakeven[site.name] = be_table


def _pathway(ctx: Context, results: StudyResults) -> None:
    with ctx.timed("growth to 2030-2035 (pathway)", "all sites"):
        results.pathway = growth.pathway_part(ctx)


def _timed_validation(
    ctx: Context, sites: list[PreparedSite]
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """:func:`validation_part`, its wall time recorded."""
    with ctx.timed("validation (full hourly solves)", "all sites"):
        return validation_part(ctx, sites)


__all__ = ["solve_all"]
