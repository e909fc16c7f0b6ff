"""Scale of the scenario and pathway axes: `python benchmarks/axes.py [--only stochastic|pathway]`.

Each case is solved in its own process (so its peak memory is its own):

- stochastic: 5 delivery-risk scenarios (on time, 1 and 2 years late in a 5-year window as
  derates of 20 and 40 %, derated 30 %, never) x 24 representative days at each shipped site,
  and 5 scenarios x 8,760 hours at the default site;
- pathway: 10 yearly periods x 24 representative days at each shipped site (load +10 %/yr,
  grid fossil share -5 %/yr, solar and storage costs -3 %/yr), and 3 periods x 8,760 hours at
  the default site.

Prints and writes ``out/bench/axes-<timestamp>.csv``: rows, columns, time, peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
from _table import write_table

ROOT = Path(__file__).resolve().parents[1]
SITES = ("default", "stargate_tx", "dc_alley_va", "helion_wa_2028")
DAYS = {"time.representative_periods": {"count": 24, "period_hours": 24}}


def scenarios(inst: Any) -> dict[str, Any]:
    """Five outcomes of every fusion offer of ``inst``."""

    def each(field: str, value: Any) -> dict[str, Any]:
        return {f"fusion.{o.name}.{field}": value for o in inst.spec.fusion}

    return {
        "cases": [
            {"name": "on_time", "probability": 0.4},
            {"name": "late_1y", "probability": 0.2, "overrides": each("derate_share", 0.2)},
            {"name": "late_2y", "probability": 0.15, "overrides": each("derate_share", 0.4)},
            {"name": "derated", "probability": 0.15, "overrides": each("derate_share", 0.3)},
            {
                "name": "never",
                "probability": 0.1,
                "overrides": each("commercial_operation_date", "2100-01-01 00:00"),
            },
        ],
        "recourse": {"kinds": ["solar"], "premium_share": 0.25, "lead_time_h": 4380},
        "evaluate": False,
    }


def pathway(periods: int) -> dict[str, Any]:
    years = list(range(2028, 2028 + periods))
    return {
        "periods": years,
        "trajectories": {
            "load_scale": [1.1**i for i in range(periods)],
            "grid_fossil_scale": [0.95**i for i in range(periods)],
            "cost_scale": {
                "solar": [0.97**i for i in range(periods)],
                "storage": [0.97**i for i in range(periods)],
            },
        },
    }


def run_case(axis: str, site: str, aggregated: bool, count: int) -> dict[str, Any]:
    import planner

    inst = planner.load_instance(ROOT / "instances" / f"{site}.yaml")
    extra = dict(DAYS) if aggregated else {}
    if axis == "stochastic":
        case = inst.with_overrides({**extra, "scenarios": scenarios(inst)})
    else:
        case = inst.with_overrides({**extra, "pathway": pathway(count)})
    started = time.perf_counter()
    res = planner.solve(case, baseline=False)
    row: dict[str, Any] = {
        "axis": axis,
        "site": site,
        "blocks": count,
        "hours_per_block": int(case.hours) if not aggregated else 24 * 24,
        "status": res.status,
        "wall_s": time.perf_counter() - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    row |= {k: float(v) for k, v in res.model_stats.items() if k in ("rows", "columns", "nonzeros")}
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("stochastic", "pathway"))
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    args = parser.parse_args()
    if args.case:
        axis, site, aggregated, count = json.loads(args.case)
        print(json.dumps(run_case(axis, site, aggregated, count)))
        return
    cases = []
    for axis in ("stochastic", "pathway"):
        if args.only and axis != args.only:
            continue
        count = 5 if axis == "stochastic" else 10
        cases += [(axis, site, True, count) for site in SITES]
        cases.append((axis, "default", False, 5 if axis == "stochastic" else 3))
    rows = []
    for case in cases:
        done = subprocess.run(
            [sys.executable, __file__, "--case", json.dumps(case)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if done.returncode != 0:
            rows.append(
                {"axis": case[0], "site": case[1], "status": f"failed: {done.stderr[-200:]}"}
            )
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    write_table(pd.DataFrame(rows), args.out, "axes")


if __name__ == "__main__":
    main()
