"""The words a sweep report opens with: what was swept and the range of results (cheapest and
dearest point, CFE range, break-even prices), what the yearly figures are scaled from; then
the inputs: base instance(s), the overrides every point shares, the horizon of the points,
solver options. Read from a sweep, frontier or break-even folder (:func:`read_sweep`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.formats import joined, num
from planner.report.sweep_figures import swept_parameters
from planner.results.folder_check import ResultsFolderError
from planner.results.summary import field_parts, horizon_text, overrides_text, value_text
from planner.results.warned import warned_sentence
from planner.sweep.store import STORE_FILE, Store, StoreError

HORIZON_COLUMNS = ("time_start", "modelled_hours", "representative_periods", "horizon_years")


@dataclass
class SweepFolder:
    """The tables of a sweep output folder (None where absent)."""

    folder: Path
    table: pd.DataFrame | None
    front: pd.DataFrame | None
    breakeven: pd.DataFrame | None
    manifest: pd.DataFrame | None
    """Per point: base file, overrides, solver options... (``manifest.csv``, else the store)."""
    points: pd.DataFrame | None
    """Per point: status and horizon columns (the sweep table, else the store's records)."""


def read_sweep(folder: str | Path, tables: tuple[Any, Any, Any]) -> SweepFolder:
    """The folder's ``tables`` (:func:`planner.report.sweep_html.read_sweep_dir`), with its
    manifest and the horizon of its points: from ``manifest.csv`` and the sweep table, or from
    the store (a break-even folder keeps only ``breakeven.csv`` and ``points.sqlite``)."""
    folder = Path(folder)
    table, front, be = tables
    manifest, points = None, table
    if (folder / "manifest.csv").exists():
        try:
            manifest = pd.read_csv(folder / "manifest.csv")
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            raise ResultsFolderError(
                [f"{folder / 'manifest.csv'}: cannot be read ({exc})"]
            ) from None
    if (manifest is None or points is None) and (folder / STORE_FILE).is_file():
        try:
            with Store(folder) as store:
                manifest = store.manifest() if manifest is None else manifest
                records = pd.DataFrame(list(store.records().values()))
        except StoreError:
            records = pd.DataFrame()
        points = points if points is not None or not len(records) else records
    return SweepFolder(folder, table, front, be, manifest, points)


def _short(path: str) -> tuple[str, str, float]:
    """Words, unit and scale of a swept path: ``fusion.helion.energy_price_usd_per_mwh`` ->
    ``helion energy price``, ``$/MWh``, 1."""
    parts = path.split(".")
    words, unit, scale = field_parts(parts[-1])
    owner = parts[1] if len(parts) == 3 else ""
    if len(parts) == 2 and parts[0] not in ("policy", "time", "demand", "finance"):
        owner = parts[0]  # flexibility.share: "flexibility share"
    return f"{owner} {words}".strip(), unit, scale


def _value(path: str, value: Any) -> str:
    return value_text(path.split(".")[-1], value) if path != "scenario" else str(value)


def _values(path: str, column: pd.Series) -> str:
    words, unit, _ = _short(path)
    values = sorted(column.dropna().unique().tolist(), key=lambda v: (str(type(v)), v))
    shown = [_value(path, v) for v in values]
    if len(shown) <= 6:
        return f"{words} over {joined(shown)} {unit}".rstrip()
    span = f"{shown[0]} to {shown[-1]} {unit}".rstrip()
    return f"{words} from {span} ({len(shown)} values)"


def _at(row: pd.Series, params: list[str]) -> str:
    parts = []
    for p in params:
        words, unit, _ = _short(p)
        parts.append(f"{words} {_value(p, row[p])} {unit}".rstrip())
    return ", ".join(parts) or f"point {row.get('point', '?')}"


def _range(table: pd.DataFrame, params: list[str]) -> str:
    ok = table[table["status"] == "optimal"]
    if not len(ok) or "cost_usd_per_mwh_load" not in ok:
        return ""
    cheap = ok.loc[ok["cost_usd_per_mwh_load"].idxmin()]
    dear = ok.loc[ok["cost_usd_per_mwh_load"].idxmax()]

    def cost(row: pd.Series) -> str:
        per_yr = row.get("total_cost_usd_per_yr", math.nan) / 1e6
        return f"{num(row['cost_usd_per_mwh_load'], 2)} $/MWh of load ({num(per_yr, 2)} M$/yr)"

    text = f"The cheapest point costs {cost(cheap)} at {_at(cheap, params)}"
    if len(ok) > 1:
        text += f"; the dearest {cost(dear)} at {_at(dear, params)}"
    if "hourly_cfe_score" in ok:
        low, high = 100 * ok["hourly_cfe_score"].min(), 100 * ok["hourly_cfe_score"].max()
        text += f"; hourly CFE score from {num(low, 1)} % to {num(high, 1)} %"
    return text + "."


def _breakeven(be: pd.DataFrame) -> str:
    by = list(be.columns[: be.columns.get_loc("offer")])
    parts = []
    for _, row in be.iterrows():
        where = _at(row, by) if by else "the base instance"
        price = num(row["breakeven_usd_per_mwh"], 1)
        width = num(row.get("half_width_usd_per_mwh", math.nan), 1)
        parts.append(f"{row['offer']} {price} +- {width} $/MWh at {where}")
    return "Break-even energy price (the highest still contracted): " + "; ".join(parts) + "."


def horizon_of_points(points: pd.DataFrame | None) -> str:
    """What the points' yearly figures are scaled from: the same for every point, or each
    distinct horizon with its points."""
    if points is None or not all(c in points for c in HORIZON_COLUMNS):
        return "The horizon of the points is not recorded in these tables."
    known = points.dropna(subset=list(HORIZON_COLUMNS))
    groups = list(known.groupby(list(HORIZON_COLUMNS), sort=False))
    if not groups:
        return "The horizon of the points is not recorded (no point was solved)."
    texts = []
    for (start, hours, rep, years), part in groups:
        text = horizon_text(start, int(hours), float(years), bool(rep))
        if len(groups) > 1:
            ids = ", ".join(str(p) for p in part.get("point", pd.Series(part.index)).tolist())
            text = f"Points {ids}: {text[0].lower()}{text[1:]}"
        texts.append(text)
    lead = "Every point modelled the same horizon. " if len(groups) == 1 else ""
    return lead + " ".join(texts)


def sweep_opening(s: SweepFolder) -> str:
    """One paragraph: what was swept, the range of the results, what yearly figures are."""
    parts = []
    table = s.table
    if table is not None:
        params = swept_parameters(table)
        swept = joined([_values(p, table[p]) for p in params]) or "nothing"
        ok = int((table["status"] == "optimal").sum())
        failed = table.loc[table["status"] != "optimal", "status"].value_counts()
        why = ", ".join(f"{n} {status}" for status, n in failed.items())
        parts.append(
            f"Swept {swept}: {len(table)} points, {ok} optimal{f' ({why})' if why else ''}."
        )
        parts.append(_range(table, params))
    if s.breakeven is not None:
        parts.append(_breakeven(s.breakeven))
    parts.append(horizon_of_points(s.points))
    if s.points is not None:
        parts.append(warned_sentence(s.points))
    return " ".join(p for p in parts if p)


def _common_overrides(manifest: pd.DataFrame, varying: set[str]) -> list[tuple[str, Any]]:
    shared: dict[str, str] | None = None
    for text in manifest["overrides"].dropna():
        pairs = {k: json.dumps(v) for k, v in json.loads(text).items() if k not in varying}
        shared = pairs if shared is None else {k: v for k, v in shared.items() if pairs.get(k) == v}
    return [(k, json.loads(v)) for k, v in (shared or {}).items()]


def _distinct(manifest: pd.DataFrame, column: str) -> list[str]:
    if column not in manifest:
        return []
    return [str(v) for v in manifest[column].dropna().unique().tolist()]


def _options(text: str) -> str:
    try:
        options = json.loads(text)
    except ValueError:
        return text
    return ", ".join(f"{k} {v}" for k, v in options.items()) or "defaults"


def sweep_facts(s: SweepFolder) -> list[tuple[str, str]]:
    """The inputs of a sweep as (label, text): base instance(s), the overrides every point
    shares, the horizon, solver options, time limit, whether the baseline was solved."""
    facts = [("output folder", str(s.folder))]
    m = s.manifest
    varying = set(swept_parameters(s.table)) if s.table is not None else set()
    if s.breakeven is not None:
        by = s.breakeven.columns[: s.breakeven.columns.get_loc("offer")]
        offers = s.breakeven["offer"].astype(str).unique().tolist()
        varying |= set(by) | {f"fusion.{o}.energy_price_usd_per_mwh" for o in offers}
    if m is None:
        return [*facts, ("inputs", "no manifest.csv nor store: the inputs are not recorded")]
    bases = _distinct(m, "base")
    facts.append(("base instance" + ("s" if len(bases) > 1 else ""), joined(bases) or "-"))
    if "overrides" in m:
        shared = _common_overrides(m, varying)
        facts.append(("overrides of every point", overrides_text(shared)))
    facts.append(("varied", joined(sorted(varying)) or "nothing"))
    facts.append(("horizon", horizon_of_points(s.points)))
    facts.append(("solver options", "; ".join(_options(t) for t in _distinct(m, "solver_options"))))
    limits = [num(float(v), 0) + " s" for v in _distinct(m, "time_limit_s")]
    facts.append(("time limit per point", joined(limits) or "none"))
    if "baseline" in m:
        solved = {bool(int(v)) for v in m["baseline"].dropna()}
        facts.append(("grid-only baseline solved", joined(["yes" if v else "no" for v in solved])))
    facts.append(("planner version", joined(_distinct(m, "package_version")) or "-"))
    return facts
