"""Speed-up and error of representative periods: `python benchmarks/representative.py`.

Solves each instance once on every hour, then on k representative days or weeks, and reports
for each k: the speed-up (full solve time / representative solve time, both load excluded and
clustering included), the objective error and the largest capacity error against the full
solve, over all capacities and over the material ones (at least 10 % of the largest capacity
in the same unit). Prints and writes ``out/bench/representative-<timestamp>.csv``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

import planner
from planner.results import aggregation_error

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = [
    (k, h, v) for v in ("mean", "medoid") for k, h in ((4, 168), (8, 168), (13, 168), (12, 24), (24, 24), (48, 24))
]


MATERIAL_SHARE = 0.1
"""A capacity is *material* if it is at least this share of the largest capacity in the same
unit (MW or MWh) of the full hourly solve: a storage sized at 0.1 % of the portfolio can be off
by 1,000 % without changing the decision."""


def _material(table: pd.DataFrame) -> pd.Series:
    """Which rows of an aggregation-error table (capacities only) are material."""
    full = table["full_hourly"].abs()
    mask = pd.Series(False, index=table.index)
    for unit in ("_mw", "_mwh"):
        rows = table.index.str.endswith(unit)
        mask[rows] = full[rows] >= MATERIAL_SHARE * full[rows].max()
    return mask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", nargs="*", default=[str(ROOT / "instances" / "default.yaml")])
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    parser.add_argument(
        "--values", choices=("mean", "medoid"), nargs="+", default=["mean", "medoid"],
        help="how representative periods take their values (default: both)",
    )
    args = parser.parse_args()
    rows = []
    for path in args.instances:
        inst = planner.load_instance(path)
        full = planner.solve(inst, baseline=False)
        full_s = float(full.timings.drop("load_s").sum())
        for count, period_hours, values in SETTINGS:
            if values not in args.values:
                continue
            started = time.perf_counter()
            agg = inst.with_overrides(
                {"time.representative_periods": {"count": count, "period_hours": period_hours, "values": values}}
            )
            res = planner.solve(agg, baseline=False)
            agg_s = time.perf_counter() - started
            table = aggregation_error(res, full)
            err = table["error_rel"]
            capacities = err.drop("objective_usd")
            material = _material(table.drop("objective_usd"))
            rows.append(
                {
                    "instance": Path(path).stem,
                    "periods": f"{count} x {period_hours} h",
                    "values": values,
                    "modelled_hours": agg.hours,
                    "full_s": full_s,
                    "representative_s": agg_s,
                    "speed_up": full_s / agg_s,
                    "objective_error_pct": 100 * err["objective_usd"],
                    "max_capacity_error_pct": 100 * capacities.abs().max(),
                    "worst_capacity": capacities.abs().idxmax(),
                    "max_material_capacity_error_pct": 100 * capacities[material].abs().max(),
                    "worst_material_capacity": capacities[material].abs().idxmax(),
                }
            )
            print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"representative-{time.strftime('%Y%m%d-%H%M%S')}.csv"
    frame.to_csv(target, index=False)
    print(frame.round(3).to_string(index=False))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
