"""Speed-up and error of representative periods: `python benchmarks/representative.py`.

Solves each instance once on every hour, then on k representative days or weeks, and reports
for each k: the speed-up (full solve time / representative solve time, both load excluded and
clustering included), the objective error and the largest capacity error against the full
solve (capacities that both solves leave near zero are compared with a floor, see
``planner.results.aggregation_error``). Prints and writes
``out/bench/representative-<timestamp>.csv``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from _table import write_table

import planner
from planner.results import aggregation_error

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = [
    (k, h, v)
    for v in ("mean", "medoid")
    for k, h in ((4, 168), (8, 168), (13, 168), (12, 24), (24, 24), (48, 24))
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", nargs="*", default=[str(ROOT / "instances" / "default.yaml")])
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    parser.add_argument(
        "--values",
        choices=("mean", "medoid"),
        nargs="+",
        default=["mean", "medoid"],
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
                {
                    "time.representative_periods": {
                        "count": count,
                        "period_hours": period_hours,
                        "values": values,
                    }
                }
            )
            res = planner.solve(agg, baseline=False)
            agg_s = time.perf_counter() - started
            err = aggregation_error(res, full)["error_rel"]
            capacities = err.drop("objective_usd")
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
                }
            )
            print(rows[-1], flush=True)
    write_table(pd.DataFrame(rows), args.out, "representative")


if __name__ == "__main__":
    main()
