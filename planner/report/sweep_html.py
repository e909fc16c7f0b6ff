"""``report.html`` of a sweep, frontier or break-even folder: what was swept and the range of
results in one paragraph (:mod:`planner.report.sweep_words`), the inputs, then the sweep,
frontier and break-even tables (labelled, in boxes that scroll sideways when wider than the
page) and the sweep figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.interrupts import atomic_write
from planner.report import sweep_figures
from planner.report.labels import labelled
from planner.report.page import figure, page, paragraph, table
from planner.report.sweep_words import SweepFolder, read_sweep, sweep_facts, sweep_opening
from planner.results.folder_check import ResultsFolderError

SWEEP_TABLES = {
    "results.parquet": ("point", "status"),
    "frontier.csv": ("cfe_target_pct", "status"),
    "breakeven.csv": ("offer", "breakeven_usd_per_mwh"),
}
"""The tables of a sweep folder and the columns each must have."""


def read_sweep_dir(
    folder: str | Path,
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, pd.DataFrame | None]:
    """The sweep table, frontier and break-even tables of an output folder (None if absent);
    a file that cannot be read, is empty or lacks its columns raises
    :class:`~planner.results.folder_check.ResultsFolderError` with every problem."""
    folder = Path(folder)
    problems: list[str] = []
    tables = [
        _sweep_table(folder / name, columns, problems) for name, columns in SWEEP_TABLES.items()
    ]
    if problems:
        raise ResultsFolderError(problems)
    table, front, be = tables
    return table, front, be


def _sweep_table(path: Path, columns: tuple[str, ...], problems: list[str]) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        problems.append(f"{path}: cannot be read ({reason})")
        return None
    missing = [c for c in columns if c not in frame]
    if missing:
        problems.append(f"{path}: missing column(s) {', '.join(map(repr, missing))}")
    elif not len(frame):
        problems.append(f"{path}: holds no rows")
    return frame


def sweep_folder(folder: str | Path) -> SweepFolder:
    """Every table of a sweep output folder, validated."""
    return read_sweep(folder, read_sweep_dir(folder))


def sweep_summary_columns(table: pd.DataFrame) -> list[str]:
    """The columns of the sweep table the report shows: swept values, status, cost, CFE score,
    emissions, capacities, shadow prices."""
    params = sweep_figures.swept_parameters(table)
    capacity = [
        c
        for c in table
        if c.endswith(("_capacity_mw", "_energy_mwh")) and not c.startswith("grid_")
    ]
    shadow = [c for c in table if c.startswith("shadow_")]
    cols = [
        "point",
        *params,
        "status",
        "cost_usd_per_mwh_load",
        "total_cost_usd_per_yr",
        "hourly_cfe_score",
        "emissions_location_g_per_kwh",
        *capacity,
        *shadow,
    ]
    return list(dict.fromkeys(c for c in cols if c in table))


def sweep_report_html(s: SweepFolder) -> str:
    """The HTML text of a sweep folder's report."""
    facts = pd.DataFrame(sweep_facts(s), columns=["input", "value"])
    body = [
        '<h2 id="in-short">What was swept and what it gave</h2>',
        paragraph(sweep_opening(s), "opening"),
        "<h2>Inputs and assumptions</h2>",
        table(facts, "inputs"),
    ]
    if s.table is not None:
        body += [
            "<h2>Sweep</h2>",
            paragraph("One row per point; wide tables scroll sideways.", "note"),
            table(labelled(s.table[sweep_summary_columns(s.table)], text=True), "sweep_results"),
        ]
    if s.front is not None:
        body += [
            "<h2>Frontier</h2>",
            paragraph("Cost against the hourly CFE target; pp: percentage point.", "note"),
            table(labelled(s.front, text=True), "frontier"),
        ]
    if s.breakeven is not None:
        body += [
            "<h2>Break-even</h2>",
            paragraph("The highest energy price at which each offer is still contracted.", "note"),
            table(labelled(s.breakeven, text=True), "breakeven"),
        ]
    body.append("<h2>Figures</h2>")
    body += [
        figure(n, f) for n, f in sweep_figures.sweep_figures(s.table, s.front, s.breakeven).items()
    ]
    return page(f"planner sweep report: {s.folder.name}", body)


def write_sweep_report(folder: str | Path, path: str | Path | None = None) -> Path:
    """Write ``report.html`` for a sweep, frontier or break-even output folder."""
    folder = Path(folder)
    text = sweep_report_html(sweep_folder(folder))
    out = Path(path) if path is not None else folder / "report.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, lambda p: Path(p).write_text(text, encoding="utf-8"))
    return out
