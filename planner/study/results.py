"""The raw results of a study run: every part's tables by site, and the run's timings."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.model.tariff import PEAK_ABOVE_VOLL
from planner.results.warned import FIELD, kind_of, warnings_of
from planner.study.config import Study
from planner.study.sites import PreparedSite


@dataclass
class StudyResults:
    """Raw tables of every part, by site, and the run's timings."""

    study: Study
    out: Path
    sites: list[PreparedSite] = field(default_factory=list)
    breakeven: dict[str, pd.DataFrame] = field(default_factory=dict)
    contract_curve: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Part 1.2: MW contracted at each price and policy (:mod:`planner.study.curve`)."""
    frontier: dict[str, pd.DataFrame] = field(default_factory=dict)
    delivery_on_time: dict[str, pd.DataFrame] = field(default_factory=dict)
    delivery_late: dict[str, pd.DataFrame] = field(default_factory=dict)
    sensitivity_costs: dict[str, pd.DataFrame] = field(default_factory=dict)
    sensitivity_breakeven: dict[str, pd.DataFrame] = field(default_factory=dict)
    risk_plan: dict[str, pd.DataFrame] = field(default_factory=dict)
    competitor_costs: dict[str, pd.DataFrame] = field(default_factory=dict)
    competitor_breakeven: dict[str, pd.DataFrame] = field(default_factory=dict)
    flexible_costs: dict[str, pd.DataFrame] = field(default_factory=dict)
    flexible_breakeven: dict[str, pd.DataFrame] = field(default_factory=dict)
    pathway: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Growth to 2030-2035: case name -> answer (:func:`planner.study.growth.pathway_part`)."""
    validation: pd.DataFrame | None = None
    validation_breakeven: pd.DataFrame | None = None
    timings: list[dict[str, Any]] = field(default_factory=list)
    executor: str = ""
    started_at: str = ""
    total_s: float = 0.0
    points_before: int = 0
    """Points held by the stores under ``out`` before this run."""
    warm: dict[str, float] = field(default_factory=dict)
    """How the stored points were solved (:func:`warm_checks`)."""
    warned: dict[str, Any] = field(default_factory=dict)
    """The warnings the stored solves raised, by kind (:func:`stored_warnings`)."""
    unserved: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Load left unserved in the stored solves, by site (:func:`stored_unserved`)."""
    slowest: dict[str, Any] = field(default_factory=dict)
    """The longest time of each part and site, and of a whole run, over the runs that filled
    the stores (:func:`slowest_timings`): a resumed run skips stored solves and is faster."""

    def in_site_order(self) -> None:
        """Every per-site table in the order of the study's sites: with several workers the
        sites' parts finish in any order, and the document's tables follow these dicts."""
        order = [s.name for s in self.sites]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dict) and set(value) <= set(order) and value:
                setattr(self, f.name, {name: value[name] for name in order if name in value})


def slowest_timings(
    path: Path, timings: list[dict[str, Any]], total_s: float, study_key: str
) -> dict[str, Any]:
    """Merge this run's ``timings`` and ``total_s`` into the record at ``path`` (JSON) and
    return it: for each part and site of this run the longest time seen (a part this run did
    not run is dropped), ``total_s`` the longest run. A record made for another study file
    (``study_key``, a hash of its content) is started again."""
    record: dict[str, Any] = {}
    if path.exists():
        with contextlib.suppress(ValueError, OSError):
            record = json.loads(path.read_text(encoding="utf-8"))
    if record.get("study_key") != study_key:
        record = {}
    seen = {(r["part"], r["site"]): r for r in record.get("timings", [])}
    rows = []
    for row in timings:
        stored = seen.get((row["part"], row["site"]))
        rows.append(dict(stored if stored and stored["seconds"] > row["seconds"] else row))
    record = {
        "study_key": study_key,
        "timings": rows,
        "total_s": max(float(record.get("total_s", 0.0)), total_s),
    }
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


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


@dataclass(frozen=True)
class StoredPoint:
    """One point of a sweep store under the study's output folder, as the summaries read it."""

    part: str
    """The store's folder under the output folder, e.g. ``stargate_tx/sensitivity``."""
    status: str
    overrides: str
    """The point's overrides (JSON text, as the manifest holds them)."""
    record: dict[str, Any]


def stored_points(out: Path) -> list[StoredPoint]:
    """Every point of every sweep store under ``out``, in the stores' path order (a store that
    cannot be read, or a record that is not JSON, is left out)."""
    points = []
    for path in sorted(out.rglob("points.sqlite")):
        part = path.parent.relative_to(out).as_posix()
        with contextlib.closing(sqlite3.connect(path)) as db:
            try:
                rows = db.execute("SELECT status, overrides, record FROM points").fetchall()
            except sqlite3.Error:
                continue
        for status, overrides, text in rows:
            try:
                record = json.loads(text)
            except ValueError:
                continue
            points.append(StoredPoint(part, str(status), str(overrides or "{}"), record))
    return points


def warm_checks(out: Path, points: list[StoredPoint] | None = None) -> dict[str, float]:
    """Over every point stored under ``out`` (``points``: :func:`stored_points`, read here if
    None): ``points``, ``warm`` (warm-started from the previous solve of the same structure,
    ``reuse_model``), ``checked`` (of those, solved again cold and compared) and
    ``max_check_rel`` (the largest relative difference of the two objectives; NaN if none was
    checked)."""
    points = stored_points(out) if points is None else points
    warm = checked = 0
    worst = float("nan")
    for point in points:
        record = point.record
        if record.get("warm_start") == 1.0:
            warm += 1
        rel = record.get("warm_check_rel")
        if isinstance(rel, (int, float)) and math.isfinite(rel):
            checked += 1
            worst = rel if not math.isfinite(worst) else max(worst, rel)
    return {"points": len(points), "warm": warm, "checked": checked, "max_check_rel": worst}


def stored_warnings(out: Path, points: list[StoredPoint] | None = None) -> dict[str, Any]:
    """Over every point stored under ``out`` (``points``: :func:`stored_points`, read here if
    None): ``points``, ``unrecorded`` (records stored before the planner kept warnings:
    whether they raised one is unknown), ``warned`` (points that raised at least one) and
    ``kinds``, each kind of warning (:func:`planner.results.warned.kind_of`) in order of first
    appearance: ``kind``, one ``example`` text, ``solves`` (how many raised it), ``optimal``
    (of those, how many ended optimal), ``parts`` (the stores' folders under ``out``, e.g.
    ``stargate_tx/sensitivities``) and ``prices_usd_per_mwh`` (the fusion prices the points
    set, where they set one)."""
    points = stored_points(out) if points is None else points
    kinds: dict[str, dict[str, Any]] = {}
    unrecorded = warned = 0
    for point in points:
        record, status = point.record, point.status
        if FIELD not in record and status == "optimal":
            unrecorded += 1
        texts = warnings_of(record.get(FIELD))
        warned += bool(texts)
        for kind, example in {kind_of(w): w for w in texts}.items():
            entry = kinds.setdefault(
                kind,
                {
                    "kind": kind,
                    "example": example,
                    "solves": 0,
                    "optimal": 0,
                    "parts": [],
                    "prices_usd_per_mwh": [],
                },
            )
            entry["solves"] += 1
            entry["optimal"] += int(status == "optimal")
            if point.part not in entry["parts"]:
                entry["parts"].append(point.part)
            for price in _prices(point.overrides):
                if price not in entry["prices_usd_per_mwh"]:
                    entry["prices_usd_per_mwh"].append(price)
    for entry in kinds.values():
        entry["prices_usd_per_mwh"].sort()
    return {
        "points": len(points),
        "unrecorded": unrecorded,
        "warned": warned,
        "kinds": list(kinds.values()),
    }


def _prices(overrides: str) -> list[float]:
    """The fusion energy prices a point's overrides set."""
    try:
        values = json.loads(overrides)
    except ValueError:
        return []
    if not isinstance(values, dict):
        return []
    return [
        float(v)
        for k, v in values.items()
        if str(k).startswith("fusion.")
        and str(k).endswith(".energy_price_usd_per_mwh")
        and isinstance(v, (int, float))
    ]


UNSERVED_SHARE = 1e-6
"""Unserved energy below this share of the load is solver noise, not a plan."""


def stored_unserved(
    out: Path, sites: list[str], points: list[StoredPoint] | None = None
) -> dict[str, dict[str, Any]]:
    """By site (the stores under ``out/<site>/``; ``points``: :func:`stored_points`, read here
    if None), of its optimal stored solves: ``solves``, ``unserved`` (how many leave more than
    :data:`UNSERVED_SHARE` of the load unserved), ``max_share`` and ``max_mwh`` (the largest
    share of the load left unserved, and that solve's energy, per modelled horizon as the
    records hold it), ``at_peaks`` (of the solves with unserved load, how many warned that a
    coincident-peak hour's charge costs more than unserved load: the reason the plan
    curtails) and ``unknown`` (of them, how many were stored before records kept warnings)."""
    points = stored_points(out) if points is None else points
    out_by = {
        site: {
            "solves": 0,
            "unserved": 0,
            "max_share": 0.0,
            "max_mwh": 0.0,
            "at_peaks": 0,
            "unknown": 0,
        }
        for site in sites
    }
    for point in points:
        entry = out_by.get(point.part.split("/")[0])
        record = point.record
        unserved, demand = record.get("unserved_mwh"), record.get("demand_mwh")
        if entry is None or point.status != "optimal" or not isinstance(unserved, (int, float)):
            continue
        entry["solves"] += 1
        if not isinstance(demand, (int, float)) or demand <= 0:
            continue
        share = float(unserved) / float(demand)
        if share <= UNSERVED_SHARE:
            continue
        entry["unserved"] += 1
        if share > entry["max_share"]:
            entry["max_share"], entry["max_mwh"] = share, float(unserved)
        if FIELD not in record:
            entry["unknown"] += 1
            continue
        texts = warnings_of(record.get(FIELD))
        entry["at_peaks"] += any(PEAK_ABOVE_VOLL in t for t in texts)
    return out_by
