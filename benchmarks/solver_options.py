"""Measure HiGHS option sets on a full-year instance: `python benchmarks/solver_options.py`.

Prints one row per option set (HiGHS seconds, objective) and writes a CSV next to --out.
Used to choose planner.DEFAULT_SOLVER_OPTIONS; see docs/performance.md.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

import planner

OPTION_SETS = {
    "ipm_no_crossover": {"solver": "ipm", "run_crossover": "off"},
    "ipm_crossover": {"solver": "ipm", "run_crossover": "on"},
    "dual_simplex_default": {"solver": "simplex"},
    "hipo_no_crossover": {"solver": "hipo", "run_crossover": "off"},
    "pdlp": {"solver": "pdlp"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instance", nargs="?", default="instances/default.yaml")
    parser.add_argument("--only", nargs="*", help="option set names")
    parser.add_argument("--out", default="out/bench/solver_options.csv")
    args = parser.parse_args()
    inst = planner.load_instance(args.instance)
    rows = []
    for name, options in OPTION_SETS.items():
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        res = planner.solve(inst, solver_options=options, baseline=False)
        rows.append(
            {
                "options": name,
                "status": res.status,
                "objective_usd": res.objective_usd,
                "highs_s": res.timings.get("highs_s"),
                "wall_s": time.perf_counter() - started,
            }
        )
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    from pathlib import Path

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False)
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()
