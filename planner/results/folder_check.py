"""Checks of a results folder before it is read: ``summary.json`` is the planner's, every file
matches the hash it lists, and every table has its columns with numbers in them. Every problem
is collected and raised at once as :class:`ResultsFolderError`, each naming the file and the
field, as for an instance (``planner report`` exits 2)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import InstanceError
from planner.inputs.messages import shorten

MAX_SUMMARY_BYTES = 64 * 2**20
"""Largest summary.json read."""

NUMERIC: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "capacity.csv": ("resource", ("capacity_mw", "energy_mwh")),
    "costs.csv": (None, ("cost_usd", "cost_usd_per_yr")),
    "metrics.csv": ("metric", ("value",)),
    "shadow_prices.csv": ("name", ("value",)),
    "fusion_reduced_cost.csv": ("resource", ("usd_per_mw_yr", "usd_per_mwh")),
    "timings.csv": ("step", ("seconds",)),
    "aggregation_error.csv": ("quantity", ("representative", "full_hourly", "error_rel")),
    "scenarios.csv": ("scenario", ("probability", "cost_usd", "cost_usd_per_yr")),
    "pathway.csv": ("year", ("years", "discount_weight", "cost_usd_per_yr")),
    "pathway_capacity.csv": ("resource", ()),
}
"""Table -> (index column, columns that must hold numbers)."""

TEXT = {"capacity.csv": ("kind",), "costs.csv": ("kind", "resource", "component")}
"""Table -> columns that must exist (text)."""

REQUIRED_WHEN_OPTIMAL = (
    "capacity.csv",
    "costs.csv",
    "metrics.csv",
    "shadow_prices.csv",
    "fusion_reduced_cost.csv",
    "hourly.csv",
)


class ResultsFolderError(InstanceError):
    """A folder that is not a readable results folder: every problem, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the results folder:"
        self.args = ("\n".join([head, *("  " + p for p in self.problems)]),)


def check_summary(folder: Path) -> dict[str, Any]:
    """The content of ``folder/summary.json``, or :class:`ResultsFolderError`."""
    path = folder / "summary.json"
    where = str(path)
    try:
        if not path.is_file():
            raise ResultsFolderError([f"{where}: not found (not a results folder)"])
        if path.stat().st_size > MAX_SUMMARY_BYTES:
            raise ResultsFolderError([f"{where}: larger than {MAX_SUMMARY_BYTES // 2**20} MiB"])
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ResultsFolderError([f"{where}: not UTF-8 text ({exc.reason})"]) from None
    except OSError as exc:
        raise ResultsFolderError([f"{where}: cannot be read ({exc.strerror or exc})"]) from None
    try:
        summary = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsFolderError([f"{where}: not JSON (line {exc.lineno}: {exc.msg})"]) from None
    if not isinstance(summary, dict):
        raise ResultsFolderError(
            [f"{where}: must hold an object of fields, got {type(summary).__name__}"]
        )
    problems = []
    if not isinstance(summary.get("status"), str):
        problems.append(f"{where}: status: must be text, got {shorten(summary.get('status'))}")
    objective = summary.get("objective_usd")
    if objective is not None and (
        isinstance(objective, bool) or not isinstance(objective, (int, float))
    ):
        problems.append(
            f"{where}: objective_usd: must be a number or null, got {shorten(objective)}"
        )
    for key in ("metrics", "timings_s", "inputs", "files", "solver_options", "numerics"):
        if key in summary and summary[key] is not None and not isinstance(summary[key], dict):
            problems.append(f"{where}: {key}: must be an object, got {shorten(summary[key])}")
    if "warnings" in summary and not isinstance(summary["warnings"], list):
        problems.append(f"{where}: warnings: must be a list, got {shorten(summary['warnings'])}")
    if problems:
        raise ResultsFolderError(problems)
    return summary


def _numbers(frame: pd.DataFrame, column: str, where: str) -> str | None:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = frame[column].notna() & values.isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        cell = shorten(frame[column].iloc[row])
        return f"{where}: column {column!r}: not a number in row {row + 2} ({cell})"
    frame[column] = values.astype(float)
    return None


def _read_table(folder: Path, name: str, problems: list[str]) -> pd.DataFrame | None:
    path = folder / name
    where = str(path)
    index, numeric = NUMERIC.get(name, (None, ()))
    try:
        frame = pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError) as exc:  # empty, binary, unparsable
        problems.append(f"{where}: cannot be read as a CSV table ({str(exc).splitlines()[0]})")
        return None
    missing = [
        c for c in (*TEXT.get(name, ()), *numeric, *([index] if index else [])) if c not in frame
    ]
    if missing:
        problems.append(f"{where}: missing column(s) {', '.join(map(repr, missing))}")
        return None
    for column in numeric:
        problem = _numbers(frame, column, where)
        if problem:
            problems.append(problem)
    return frame.set_index(index) if index else frame


def _read_hourly(folder: Path, name: str, problems: list[str]) -> pd.DataFrame | None:
    """dispatch (Parquet, else CSV) or hourly.csv: a time index and numeric columns."""
    path = folder / name
    where = str(path)
    try:
        if name.endswith(".parquet"):
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, index_col=0, parse_dates=True)
    except (ValueError, OSError, UnicodeDecodeError, ImportError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        problems.append(f"{where}: cannot be read ({reason})")
        return None
    if not len(frame):
        problems.append(f"{where}: holds no hours")
        return None
    if not isinstance(frame.index, pd.DatetimeIndex):
        problems.append(f"{where}: the first column must be the timestamps of the hours")
        return None
    for column in list(frame.columns):
        if not pd.api.types.is_numeric_dtype(frame[column]):
            problem = _numbers(frame, column, where)
            if problem:
                problems.append(problem)
    return frame


def check_tables(folder: Path, summary: dict[str, Any]) -> dict[str, Any]:
    """Every table of the folder, read and checked: name -> frame (``dispatch`` for the
    hourly flows); raises :class:`ResultsFolderError` with every problem."""
    problems: list[str] = []
    files = summary.get("files")
    if isinstance(files, dict):  # written by planner >= 0.2: every file must match
        for name, digest in files.items():
            path = folder / str(name)
            if not path.is_file():
                problems.append(f"{path}: listed in summary.json but missing")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                problems.append(
                    f"{path}: does not match summary.json (changed, or written partially)"
                )
    out: dict[str, Any] = {}
    ok = summary.get("status") == "optimal"
    names = [n for n in NUMERIC if (folder / n).exists()]
    if ok:
        names = list(dict.fromkeys([*REQUIRED_WHEN_OPTIMAL[:-1], *names]))
    for name in names:
        table = _read_table(folder, name, problems)
        if table is not None:
            out[name] = table
    if ok:
        source = "dispatch.parquet" if (folder / "dispatch.parquet").exists() else "dispatch.csv"
        dispatch = _read_hourly(folder, source, problems)
        if dispatch is not None:
            if "demand_mw" not in dispatch:
                problems.append(f"{folder / source}: missing column 'demand_mw'")
            out["dispatch"] = dispatch
        hourly = _read_hourly(folder, "hourly.csv", problems)
        if hourly is not None:
            for column in ("weight_h", "clean_supply_mw"):
                if column not in hourly:
                    problems.append(f"{folder / 'hourly.csv'}: missing column {column!r}")
            if dispatch is not None and not hourly.index.equals(dispatch.index):
                problems.append(f"{folder / 'hourly.csv'}: its hours differ from {source}'s")
            hourly.index.name = dispatch.index.name if dispatch is not None else None
            out["hourly.csv"] = hourly
    if problems:
        raise ResultsFolderError(list(dict.fromkeys(problems)))
    return out
