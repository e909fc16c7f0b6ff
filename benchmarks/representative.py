"""Representative periods where the cost is decided: `python benchmarks/representative.py`.

For every instance (default: the four shipped sites) and every target (95 %, 98 % and 100 %
hourly CFE, 100 % annual matching: the instance's ``policy`` replaced by the target), solves
every hour once, then each method, and reports the cost error (objective, relative), the
largest capacity error relative to the largest capacity of its unit in the full solve (MW for
powers, MWh for energies: ``planner.periods.unit_errors``) and the speed-up, and whether the
target of issue 21 is met (cost within 1 %, every capacity within 5 %, speed-up >= 20x). A
target whose full solve fails (an infeasible policy) is reported with that status.

Methods (``--days``, 24 by default, clustered days each to start with):

``medoids``
    k-means medoids of every hourly input (the default ``time.representative_periods``).
``extremes``
    the same plus the extreme days of the net load, the grid's clean share and price, and the
    days of the coincident-peak hours (``extreme_periods``, appended; ``--extremes`` sets them).
``hierarchical``, ``hierarchical + extremes``
    the same with ``clustering: hierarchical`` (Ward, medoid of least total distance: tsam's
    default choice of periods, without its rescaling of the values).
``tsam``, ``tsam + extremes``
    with ``--tsam-python PATH``: tsam's own choice (hierarchical clustering, medoids, means
    rescaled to the year's: its defaults; with ExtremeConfig on the net load), run by that
    interpreter (a separate environment: tsam pins highspy and pandas below this project's
    versions), then solved by the planner.
``error (target)``
    ``planner.periods.choose_representative_periods`` from ``--error-base`` against this
    target's full solve: days where the full solve puts the most value, or whose value its
    representative matches worst, are added until within the tolerances (the search's own
    time is reported apart: it needs the full solve).
``error (site)``
    one choice per instance, held against all its targets at once (what a study that clusters
    each site once would use).

Timing, the same way for every solve: the wall-clock time of ``planner.solve`` (build,
hand-off, HiGHS, extract; no baseline) on an instance already loaded, plus, for
representative periods, the time of choosing them (clustering and extremes on the loaded
inputs; for tsam its own clustering time). With ``--repeat N`` the full and each
representative solve are timed N times, alternating which goes first, and the median is
used. Prints and writes ``out/bench/representative-<timestamp>.csv`` (and a partial table
after each instance).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _table import write_table

import planner
from planner.inputs.aggregate import aggregate_spec, hourly_arrays, operation_dates_applied
from planner.inputs.time_axis import RepresentativePeriods
from planner.periods import PeriodChoice, choose_representative_periods, unit_errors

ROOT = Path(__file__).resolve().parents[1]
SITES = ["default", "helion_wa_2028", "stargate_tx", "dc_alley_va"]
TARGETS: dict[str, dict[str, Any]] = {
    "hourly 95 %": {"policy": {"hourly_cfe_target": 0.95}},
    "hourly 98 %": {"policy": {"hourly_cfe_target": 0.98}},
    "hourly 100 %": {"policy": {"hourly_cfe_target": 1.0}},
    "annual 100 %": {"policy": {"annual_matching_fraction": 1.0}},
}
EXTREMES = [
    "net_load_max_period",
    "net_load_max_hour",
    "net_load_min_period",
    "clean_share_min_period",
    "price_max_hour",
    "coincident_peaks",
]
DAYS = 24
COST_TOLERANCE, CAPACITY_TOLERANCE, SPEED_UP = 0.01, 0.05, 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "instances", nargs="*", default=[str(ROOT / "instances" / f"{s}.yaml") for s in SITES]
    )
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    parser.add_argument("--targets", nargs="+", choices=list(TARGETS), default=list(TARGETS))
    parser.add_argument("--days", type=int, default=DAYS, help="clustered days (default 24)")
    parser.add_argument("--extremes", nargs="*", default=EXTREMES, help="extreme_periods")
    parser.add_argument("--max-periods", type=int, default=60, help="of the error-driven mode")
    parser.add_argument("--step", type=int, default=2, help="days added per error-driven step")
    parser.add_argument("--repeat", type=int, default=1, help="timings per solve (median)")
    parser.add_argument("--tsam-python", help="an interpreter with tsam installed")
    parser.add_argument("--no-site-choice", action="store_true", help="skip 'error (site)'")
    parser.add_argument(
        "--error-base",
        choices=list(method_settings(DAYS, EXTREMES)),
        default="hierarchical + extremes",
        help="the method the error-driven mode starts from and adds days to",
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)  # an unmet tolerance is in the table
    rows: list[dict[str, Any]] = []
    for path in args.instances:
        rows += bench_instance(Path(path), args)
        write_table(pd.DataFrame(rows), args.out, "representative-partial")
    write_table(pd.DataFrame(rows), args.out, "representative")


def bench_instance(path: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every target and method of one instance."""
    site = planner.load_instance(path)
    methods = method_settings(args.days, list(args.extremes))
    base_settings = methods[args.error_base]
    rows: list[dict[str, Any]] = []
    fulls, bases = {}, {}

    def add(row: dict[str, Any]) -> None:
        rows.append(row)
        shown = ("target", "method", "periods", "objective_error_pct", "max_capacity_error_pct")
        print({k: row.get(k) for k in (*shown, "speed_up", "status")}, flush=True)

    for target in args.targets:
        base = site.with_overrides(TARGETS[target])
        bases[target] = base
        full, full_s = timed_solve(base, args.repeat)
        fulls[target] = full
        head = {"instance": path.stem, "target": target, "full_s": full_s}
        print(f"{path.stem} {target}: full {full.status} in {full_s:.1f} s", flush=True)
        if not full.ok:
            for name in [*methods, "error (target)"]:
                add({**head, "method": name, "status": f"full solve {full.status}"})
            continue
        for name, rep in methods.items():
            agg = base.with_overrides({"time.representative_periods": rep})
            add({**head, **measure(name, base, agg, full, full_s, args.repeat)})
        if args.tsam_python:
            for name, extremes in (("tsam", False), ("tsam + extremes", True)):
                agg, choose_s = tsam_instance(base, args.tsam_python, args.days, extremes)
                add({**head, **measure(name, base, agg, full, full_s, args.repeat, choose_s)})
        began = time.perf_counter()
        choice = choose_representative_periods(
            base,
            full=[full],
            start=args.days,
            step=args.step,
            max_periods=args.max_periods,
            periods=base_settings,
        )
        search_s = time.perf_counter() - began
        row = measure("error (target)", base, choice.instance, full, full_s, args.repeat)
        add({**head, **row, **search_columns(choice, search_s)})
    ok = [t for t in fulls if fulls[t].ok]
    if not args.no_site_choice and len(ok) > 1:
        began = time.perf_counter()
        choice = choose_representative_periods(
            site,
            [TARGETS[t] for t in ok],
            full=[fulls[t] for t in ok],
            start=args.days,
            step=args.step,
            max_periods=args.max_periods,
            periods=base_settings,
        )
        search_s = time.perf_counter() - began
        for target in ok:
            agg = choice.instance.with_overrides(TARGETS[target])
            full_s = next(r["full_s"] for r in rows if r["target"] == target)
            row = measure("error (site)", bases[target], agg, fulls[target], full_s, args.repeat)
            add(
                {"instance": path.stem, "target": target, **row, **search_columns(choice, search_s)}
            )
    return rows


def method_settings(days: int, extremes: list[str]) -> dict[str, dict[str, Any]]:
    """``time.representative_periods`` of each method that needs no solve to choose."""
    kmeans = {"count": days, "period_hours": 24}
    ward = {**kmeans, "clustering": "hierarchical"}
    return {
        "medoids": kmeans,
        "extremes": {**kmeans, "extreme_periods": extremes},
        "hierarchical": ward,
        "hierarchical + extremes": {**ward, "extreme_periods": extremes},
    }


def timed_solve(inst: planner.Instance, repeat: int) -> tuple[planner.Result, float]:
    """The result of ``inst`` and the median wall-clock time of ``repeat`` solves."""
    times, res = [], None
    for _ in range(max(repeat, 1)):
        began = time.perf_counter()
        res = planner.solve(inst, baseline=False)
        times.append(time.perf_counter() - began)
    assert res is not None
    return res, float(np.median(times))


def choosing_seconds(base: planner.Instance, agg: planner.Instance) -> float:
    """Time to choose ``agg``'s representative periods from ``base``'s loaded inputs."""
    rep = agg.raw["time"]["representative_periods"]
    time_axis = base.spec.time.model_copy(
        update={"representative_periods": RepresentativePeriods.model_validate(rep)}
    )
    spec = base.spec.model_copy(update={"time": time_axis})
    began = time.perf_counter()
    aggregate_spec(spec)
    return time.perf_counter() - began


def measure(
    name: str,
    base: planner.Instance,
    agg: planner.Instance,
    full: planner.Result,
    full_s: float,
    repeat: int,
    choose_s: float | None = None,
) -> dict[str, Any]:
    """Errors and speed-up of one representative instance against the full solve; with
    ``repeat`` > 1 the full solve is timed again, alternating which goes first."""
    res, solve_s = timed_solve(agg, 1)
    choose = choosing_seconds(base, agg) if choose_s is None else choose_s
    rep_times, full_times = [solve_s], [full_s]
    for i in range(1, repeat):
        pair: list[Callable[[], None]] = [
            lambda: rep_times.append(timed_solve(agg, 1)[1]),
            lambda: full_times.append(timed_solve(base, 1)[1]),
        ]
        for run in pair if i % 2 else pair[::-1]:
            run()
    rep_s = choose + float(np.median(rep_times))
    full_median = float(np.median(full_times))
    row: dict[str, Any] = {
        "method": name,
        "periods": agg.hours // 24,
        "modelled_hours": agg.hours,
        "status": res.status,
        "full_s": full_median,
        "choose_s": choose,
        "representative_s": rep_s,
        "speed_up": full_median / rep_s,
    }
    if res.ok:
        err = unit_errors(res, full)
        capacities = err.drop("objective_usd").abs()
        row |= {
            "objective_error_pct": 100 * float(err["objective_usd"]),
            "max_capacity_error_pct": 100 * float(capacities.max()),
            "worst_capacity": str(capacities.idxmax()),
        }
        row["meets_target"] = bool(
            abs(err["objective_usd"]) <= COST_TOLERANCE
            and capacities.max() <= CAPACITY_TOLERANCE
            and row["speed_up"] >= SPEED_UP
        )
    return row


def search_columns(choice: PeriodChoice, search_s: float) -> dict[str, Any]:
    """What the error-driven search found and cost."""
    return {
        "tolerances_met": choice.met,
        "kept_days": len(choice.keep_periods),
        "search_s": search_s,
    }


TSAM_SCRIPT = r"""
import json, sys, warnings
import numpy as np, pandas as pd, tsam
warnings.filterwarnings("ignore")
args = json.loads(sys.argv[2])
data = np.load(sys.argv[1])
names = json.loads(str(data["names"]))
ph = int(args["period_hours"])
n = (data["values"].shape[0] // ph) * ph
frame = pd.DataFrame(data["values"][:n], columns=names,
                     index=pd.date_range(args["start"], periods=n, freq="h"))
frame = frame.loc[:, frame.std() > 0]
extremes = tsam.ExtremeConfig(**args["extremes"]) if args.get("extremes") else None
res = tsam.aggregate(frame, n_clusters=int(args["count"]), period_duration=ph,
                     extremes=extremes, weights=args.get("weights"))
reps = res.cluster_representatives
print(json.dumps({
    "assignments": [int(a) for a in res.clustering.cluster_assignments],
    "centers": [int(c) for c in res.clustering.cluster_centers],
    "values": {c: reps[c].to_numpy().reshape(-1).tolist() for c in frame.columns},
    "seconds": float(res.clustering_duration),
    "version": tsam.__version__,
}))
"""


def tsam_instance(
    base: planner.Instance, python: str, days: int, extremes: bool
) -> tuple[planner.Instance, float]:
    """``base`` on tsam's representative days (its defaults: hierarchical clustering, medoids,
    each column's mean rescaled to the year's) and tsam's clustering seconds. With
    ``extremes``: tsam's ExtremeConfig (append) on the net load, as the planner's extremes."""
    from planner.inputs.aggregate import sizing_series

    spec = operation_dates_applied(base.spec)
    features = {w: v for w, v in hourly_arrays(spec) if w != "time.weights"}
    names, columns = list(features), list(features.values())
    config: dict[str, Any] = {"period_hours": 24, "start": str(spec.time.start), "count": days}
    if extremes:
        names.append("net_load")
        columns.append(sizing_series(spec)["net_load"])
        config["extremes"] = {
            "method": "append",
            "max_period": ["net_load"],
            "max_value": ["net_load"],
            "min_period": ["net_load"],
        }
        config["weights"] = {"net_load": 1e-6}  # found on, not clustered on
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "features.npz"
        np.savez(data, values=np.column_stack(columns), names=json.dumps(names))
        script = Path(folder) / "run_tsam.py"
        script.write_text(TSAM_SCRIPT, encoding="utf-8")
        found = json.loads(
            subprocess.check_output([python, str(script), str(data), json.dumps(config)])
        )
    centers = np.asarray(found["centers"])
    order = np.argsort(centers)  # modelled days in time order
    rank = np.empty(len(centers), dtype=int)
    rank[order] = np.arange(len(centers))
    assignments = np.asarray(found["assignments"])
    n_days = len(assignments)
    hour_index = (centers[order][:, None] * 24 + np.arange(24)).ravel()
    sizes = np.bincount(assignments, minlength=len(centers))[order]
    overrides: dict[str, Any] = {
        "time.hours": len(hour_index),
        "time.weights": np.repeat(sizes * (spec.time.hours / (n_days * 24)), 24),
        "time.period_hours": 24,
        "time.period_sequence": [int(rank[a]) for a in assignments],
    }
    for offer in base.spec.fusion:
        overrides[f"fusion.{offer.name}.commercial_operation_date"] = None
    for where, values in features.items():
        modelled = values[hour_index]
        if where in found["values"]:  # tsam's rescaled values, in its cluster order
            modelled = np.asarray(found["values"][where]).reshape(len(centers), 24)[order].ravel()
        overrides[re.sub(r"\[(\w+)\]", r".\1", where)] = modelled
    return base.with_overrides(overrides), float(found["seconds"])


if __name__ == "__main__":
    main()
