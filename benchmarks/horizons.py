"""How solve time and memory grow with the horizon: `python benchmarks/horizons.py [YEARS ...]`.

Builds 1-, 2- and 5-year versions of an instance by repeating its hourly inputs year after
year, with demand growing by --growth per year, and solves each in its own process (so peak
memory is its own). Prints and writes ``out/bench/horizons-<timestamp>.csv``.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _table import write_table

ROOT = Path(__file__).resolve().parents[1]


def multi_year(path: str, years: int, growth: float) -> Any:
    """The instance at ``path`` repeated over ``years`` years (8760 h each)."""
    import planner
    from planner.inputs.aggregate import hourly_arrays

    inst = planner.load_instance(path)
    overrides: dict[str, Any] = {"time.hours": years * inst.hours}
    for where, values in hourly_arrays(inst.spec):
        key = re.sub(r"\[(\w+)\]", r".\1", where)
        tiled = np.tile(values, years)
        if key == "demand.load_mw":
            tiled = tiled * np.repeat((1 + growth) ** np.arange(years), inst.hours)
        overrides[key] = tiled
    return inst.with_overrides(overrides)


def run_case(path: str, years: int, growth: float) -> dict[str, Any]:
    import planner

    started = time.perf_counter()
    inst = multi_year(path, years, growth)
    load_s = time.perf_counter() - started
    res = planner.solve(inst, baseline=False)
    row = {"years": years, "status": res.status, "objective_usd": res.objective_usd}
    row |= {k: float(v) for k, v in res.model_stats.items()}
    row |= {k: float(v) for k, v in res.timings.items()}
    row["load_s"] = load_s
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("years", nargs="*", type=int, default=[1, 2, 5])
    parser.add_argument("--instance", default=str(ROOT / "instances" / "default.yaml"))
    parser.add_argument("--growth", type=float, default=0.05, help="demand growth per year")
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(args.instance, args.child, args.growth)))
        return
    rows = []
    for years in args.years:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(years),
                "--instance",
                args.instance,
                "--growth",
                str(args.growth),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        row = (
            json.loads(proc.stdout.strip().splitlines()[-1])
            if proc.returncode == 0
            else {
                "years": years,
                "status": "crashed",
                "error": proc.stderr.strip().splitlines()[-1:],
            }
        )
        rows.append(row)
        print(json.dumps(row), flush=True)
    write_table(pd.DataFrame(rows), args.out, "horizons", digits=2)


if __name__ == "__main__":
    main()
