"""Run the study and write its document: :func:`run_study`, what ``python -m planner.study``
and ``make study`` call."""

from __future__ import annotations

import time
from pathlib import Path

from planner.hashing import content_hash
from planner.study.config import load_study
from planner.study.pipeline import solve_all
from planner.study.results import (
    StudyResults,
    slowest_timings,
    stored_points,
    stored_unserved,
    stored_warnings,
    warm_checks,
)
from planner.study.write import write_outputs

DEFAULT_CONFIG = Path("instances/study/study.yaml")
DEFAULT_OUT = Path("out/study")
DEFAULT_DOC = Path("docs/fusion_study.md")


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
    started = time.perf_counter()
    study = load_study(config)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results = solve_all(study, out, workers, progress)
    results.total_s = time.perf_counter() - started  # loading the study included
    points = stored_points(out)  # read once for the three summaries
    results.warm = warm_checks(out, points)
    results.warned = stored_warnings(out, points)
    results.unserved = stored_unserved(out, [s.name for s in results.sites], points)
    study_key = content_hash(study.spec.model_dump())
    results.slowest = slowest_timings(
        out / "runtime.json", results.timings, results.total_s, study_key
    )
    write_outputs(results, Path(doc), Path(html) if html is not None else out / "report.html")
    return results
