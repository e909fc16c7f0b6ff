"""Sweep throughput with 1 and 2 workers: ``python benchmarks/sweep_throughput.py [SPEC]``.

Runs the same sweep into a fresh temporary folder once per worker count (nothing is resumed)
and prints points per minute, wall clock from start to the last stored point, pool start-up
included. ``--hours`` overrides the horizon of every point; ``--dask`` runs the points with
more than one worker on a Dask LocalCluster (one process per worker, one HiGHS thread each; its
start-up is included) instead of local process pools.

    python benchmarks/sweep_throughput.py instances/sweeps/fusion_price.yaml --hours 672
    python benchmarks/sweep_throughput.py --hours 2016 --dask
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

import planner
from planner.sweep.backends import local_dask
from planner.sweep.spec import Sweep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", default="instances/sweeps/fusion_price.yaml")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--hours", type=int, help="override time.hours of every point")
    parser.add_argument("--dask", action="store_true", help="workers on a Dask LocalCluster")
    parser.add_argument("--out", default="out/bench/sweep_throughput.csv")
    args = parser.parse_args()
    sweep = planner.load_sweep(args.spec)
    if args.hours:
        points = tuple(
            type(p)(
                p.index, p.base, p.scenario, p.values, {**p.overrides, "time.hours": args.hours}
            )
            for p in sweep.points
        )
        sweep = Sweep(**{**sweep.__dict__, "points": points})
    rows = []
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            if args.dask:
                with local_dask(workers) as (client, how):
                    table = planner.run_sweep(
                        sweep, workers=workers, out=Path(tmp), scheduler=client, progress=False
                    )
            else:
                how = f"local process pool of {workers}" if workers > 1 else "in process"
                table = planner.run_sweep(sweep, workers=workers, out=Path(tmp), progress=False)
            wall = time.perf_counter() - started
        stats = table.attrs["stats"]
        rows.append(
            {
                "spec": args.spec,
                "hours": args.hours or "as in spec",
                "points": stats.solved,
                "workers": workers,
                "backend": how,
                "wall_s": wall,
                "points_per_min": 60 * stats.solved / wall,
                "mean_point_s": table["wall_s"].mean(),
                "failed": stats.failed,
                "load_avg_1min": os.getloadavg()[0],
            }
        )
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False)
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()
