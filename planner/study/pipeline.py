"""Run the whole study: every part for every site, then the tables, figures and documents.

:func:`run_study` is what ``python -m planner.study`` and ``make study`` call. Solves run on
one Dask ``LocalCluster`` started once for the whole study (``workers`` processes, one HiGHS
thread each) when ``distributed`` is installed, so that the many short sweeps and break-even
searches do not each pay a process pool's start-up; otherwise on local process pools.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.study import parts
from planner.study.config import Study, load_study
from planner.study.parts import Context
from planner.study.sites import PreparedSite, prepare

log = logging.getLogger(__name__)

DEFAULT_CONFIG = Path("instances/study/study.yaml")
DEFAULT_OUT = Path("out/study")
DEFAULT_DOC = Path("docs/fusion_study.md")


@dataclass
class StudyResults:
    """Raw tables of every part, by site, and the run's timings."""

    study: Study
    out: Path
    sites: list[PreparedSite] = field(default_factory=list)
    breakeven: dict[str, pd.DataFrame] = field(default_factory=dict)
    frontier: dict[str, pd.DataFrame] = field(default_factory=dict)
    delivery_on_time: dict[str, pd.DataFrame] = field(default_factory=dict)
    delivery_late: dict[str, pd.DataFrame] = field(default_factory=dict)
    sensitivity_costs: dict[str, pd.DataFrame] = field(default_factory=dict)
    sensitivity_breakeven: dict[str, pd.DataFrame] = field(default_factory=dict)
    validation: pd.DataFrame | None = None
    timings: list[dict[str, Any]] = field(default_factory=list)
    executor: str = ""
    started_at: str = ""
    total_s: float = 0.0
    points_before: int = 0
    """Points held by the stores under ``out`` before this run."""


def count_points(out: Path) -> int:
    """Points (solves) held by every sweep store under ``out``."""
    total = 0
    for path in out.rglob("points.sqlite"):
        with contextlib.closing(sqlite3.connect(path)) as db:
            try:
                total += int(db.execute("SELECT COUNT(*) FROM points").fetchone()[0])
            except sqlite3.Error:
                continue
    return total


@contextlib.contextmanager
def executor(workers: int) -> Iterator[tuple[Any, str]]:
    """A Dask client on a fresh LocalCluster (``workers`` processes, one thread each), or None
    (local process pools) when there is one worker or Dask is not installed."""
    if workers <= 1:
        yield None, "in process, one solve at a time"
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        yield None, f"local process pools of {workers} workers"
        return
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    try:
        yield client, f"one Dask LocalCluster of {workers} worker processes, one HiGHS thread each"
    finally:
        client.close()
        cluster.close()


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
    with executor(workers) as (client, how):
        results.executor = how
        ctx = Context(study, out, workers, client, progress, results.timings)
        for loaded in study.sites:
            with ctx.timed("representative periods", loaded.name):
                results.sites.append(prepare(loaded, spec.overrides, out / "instances"))
        for site in results.sites:
            if spec.breakeven is not None:
                with ctx.timed("break-even", site.name):
                    results.breakeven[site.name] = parts.breakeven_part(ctx, site)
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
                    reference = None
                    if site.name in results.breakeven:
                        be = results.breakeven[site.name]
                        reference = be[be["policy_label"] == spec.sensitivities.policy.label]
                    costs, be_table = parts.sensitivity_part(ctx, site, reference)
                    results.sensitivity_costs[site.name] = costs
                    results.sensitivity_breakeven[site.name] = be_table
        if spec.validate_full_hourly:
            with ctx.timed("validation (full hourly solves)", "all sites"):
                results.validation = parts.validation_part(ctx, results.sites)
    results.total_s = time.perf_counter() - started
    return results


def run_study(
    config: str | Path = DEFAULT_CONFIG,
    out: str | Path = DEFAULT_OUT,
    doc: str | Path = DEFAULT_DOC,
    html: str | Path | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> StudyResults:
    """Load the study, solve every part (resuming), write the tables, figures, the Markdown
    document ``doc`` (figures in ``<doc folder>/<doc stem>/``) and the HTML report (default
    ``<out>/report.html``)."""
    from planner.study.write import write_outputs

    started = time.perf_counter()
    study = load_study(config)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results = solve_all(study, out, workers, progress)
    results.total_s = time.perf_counter() - started  # loading the study included
    write_outputs(results, Path(doc), Path(html) if html is not None else out / "report.html")
    return results


__all__ = ["StudyResults", "count_points", "run_study", "solve_all"]
