"""Reports of a solve or a sweep: console summary, figures, a self-contained HTML page, Excel.

Every report opens with one paragraph computed from the numbers (what to buy, what it costs,
how clean, and what the yearly figures are scaled from), then the inputs and assumptions.

- :func:`summary_text` -- the console summary of ``planner solve`` (80 columns), and the words
  every report of a solve shares (:mod:`planner.results.summary`);
- :mod:`planner.report.figures` -- matplotlib figures of one solve;
- :mod:`planner.report.sweep_figures` -- figures of a sweep, frontier or break-even table;
- :func:`write_report` / :func:`write_sweep_report` -- ``report.html`` with figures embedded
  (:mod:`~planner.report.html`, :mod:`~planner.report.sweep_html`, parts in
  :mod:`~planner.report.page`; the inputs of a solve: :mod:`~planner.report.inputs`; of a
  sweep: :mod:`~planner.report.sweep_words`);
- :func:`write_xlsx` -- the summary sheet, then every table, one sheet each;
- :mod:`planner.report.labels` -- the human label and unit of every column, for both.

See docs/reports.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.report.excel import write_sweep_xlsx
from planner.report.excel import write_xlsx as _write_xlsx
from planner.report.html import write_report as _write_report
from planner.report.html import write_sweep_report as _write_sweep_report
from planner.results.result import Result
from planner.results.summary import summary_text

__all__ = ["summary_text", "write_report", "write_sweep_report", "write_xlsx", "report_dir"]


def write_report(source: Result | str | Path, path: str | Path) -> Path:
    """Write ``report.html`` for a Result or a ``Result.to_dir`` folder; return its path."""
    return _write_report(source, path)


def write_sweep_report(folder: str | Path, path: str | Path | None = None) -> Path:
    """Write ``report.html`` for a sweep, frontier or break-even output folder."""
    return _write_sweep_report(folder, path)


def write_xlsx(source: Any, path: str | Path) -> Path:
    """Write every table of a Result or a results folder to one workbook."""
    return _write_xlsx(source, path)


def report_dir(folder: str | Path, *, xlsx: bool = False) -> Path:
    """``planner report FOLDER``: a solve folder (``summary.json``) or a sweep folder
    (``results.parquet``, ``frontier.csv`` or ``breakeven.csv``); returns the HTML path."""
    folder = Path(folder)
    if (folder / "summary.json").exists():
        out = write_report(folder, folder / "report.html")
        if xlsx:
            write_xlsx(folder, folder / "results.xlsx")
        return out
    if any((folder / f).exists() for f in ("results.parquet", "frontier.csv", "breakeven.csv")):
        out = write_sweep_report(folder, folder / "report.html")
        if xlsx:
            write_sweep_xlsx(folder, folder / "results.xlsx")
        return out
    raise FileNotFoundError(
        f"{folder}: no summary.json (a solve's results) nor results.parquet, frontier.csv or "
        "breakeven.csv (a sweep's)"
    )
