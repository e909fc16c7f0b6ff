"""Reports of a solve or a sweep: console summary, figures, a self-contained HTML page, Excel.

- :func:`summary_text` -- the console summary of ``planner solve`` (80 columns);
- :mod:`planner.report.figures` -- matplotlib figures of one solve;
- :mod:`planner.report.sweep_figures` -- figures of a sweep, frontier or break-even table;
- :func:`write_report` / :func:`write_sweep_report` -- ``report.html`` with figures embedded;
- :func:`write_xlsx` -- every table to one Excel workbook, one sheet per table.

See docs/reports.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.report.summary import summary_text

if TYPE_CHECKING:
    from planner.results import Result

__all__ = ["summary_text", "write_report", "write_sweep_report", "write_xlsx", "report_dir"]


def write_report(source: Result | str | Path, path: str | Path) -> Path:
    """Write ``report.html`` for a Result or a ``Result.to_dir`` folder; return its path."""
    from planner.report.html import write_report as _write

    return _write(source, path)


def write_sweep_report(folder: str | Path, path: str | Path | None = None) -> Path:
    """Write ``report.html`` for a sweep, frontier or break-even output folder."""
    from planner.report.html import write_sweep_report as _write

    return _write(folder, path)


def write_xlsx(source: Any, path: str | Path) -> Path:
    """Write every table of a Result or a results folder to one workbook."""
    from planner.report.excel import write_xlsx as _write

    return _write(source, path)


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
            from planner.report.excel import write_sweep_xlsx

            write_sweep_xlsx(folder, folder / "results.xlsx")
        return out
    raise FileNotFoundError(
        f"{folder}: no summary.json (a solve's results) nor results.parquet, frontier.csv or "
        "breakeven.csv (a sweep's)"
    )
