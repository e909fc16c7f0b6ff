"""Points per second of a sweep, cold against warm-started (``reuse_model``):
``python benchmarks/sweep_warm.py [--hours 8760] [--points 20 10]``.

Two sweeps of the default instance in one process each way, one worker: the fusion energy
price (20 points, 30 to 220 $/MWh: objective coefficients) and the hourly CFE target (10
points, 55 to 100 %: a row bound). ``cold`` is planner's default (interior point per point,
rebuilt); ``warm`` builds each point too but changes the kept HiGHS model in place and
warm-starts simplex (planner.solver.warm), checking one point in ten against a cold solve.
Every warm objective is compared with the cold one. Writes ``out/bench/sweep_warm-<time>.csv``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from _table import write_table

import planner
from planner.solver.settings import SolveSettings
from planner.solver.warm import forget

ROOT = Path(__file__).resolve().parents[1]


def sweep(path: str, values: list[float], hours: int, reuse: bool) -> tuple[float, list[float]]:
    base = planner.load_instance(ROOT / "instances" / "default.yaml")
    if hours != base.hours:
        base = base.with_overrides({"time.hours": hours})
    forget()
    started = time.perf_counter()
    objectives = []
    for value in values:
        res = planner.solve(
            base.with_overrides({path: value}), baseline=False, settings=SolveSettings(reuse=reuse)
        )
        objectives.append(float(res.objective_usd or float("nan")))
    return time.perf_counter() - started, objectives


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--points", type=int, nargs=2, default=[20, 10])
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    args = parser.parse_args()
    n_price, n_cfe = args.points
    sweeps = {
        "fusion.helion.energy_price_usd_per_mwh": [30.0 + 10.0 * i for i in range(n_price)],
        "policy.hourly_cfe_target": [round(0.55 + 0.05 * i, 2) for i in range(n_cfe)],
    }
    rows = []
    for path, values in sweeps.items():
        cold_s, cold = sweep(path, values, args.hours, reuse=False)
        warm_s, warm = sweep(path, values, args.hours, reuse=True)
        gap = max(abs(a - b) / max(1.0, abs(a)) for a, b in zip(cold, warm, strict=True))
        rows.append(
            {
                "sweep": path,
                "hours": args.hours,
                "points": len(values),
                "cold_points_per_min": 60 * len(values) / cold_s,
                "warm_points_per_min": 60 * len(values) / warm_s,
                "speed_up": cold_s / warm_s,
                "max_objective_gap_rel": gap,
            }
        )
    write_table(pd.DataFrame(rows), args.out, "sweep_warm", digits=4)


if __name__ == "__main__":
    main()
