"""Benchmark full-year solves: `make bench` (or `python benchmarks/bench.py [INSTANCE ...]`).

Per case it prints and writes to ``out/bench/bench-<timestamp>.csv``: rows, columns and
non-zeros of the LP; load, build, handoff, HiGHS and extract seconds; peak memory; and the
"floor": HiGHS alone on the same LP exported to MPS and solved directly with highspy, same
options. Every case runs in its own process so that peak memory is its own.

Cases: every instance under instances/ with the default (lean) formulation and options, and
the default instance also with the naive formulation under HiGHS's own defaults, the reference
of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from _table import write_table

ROOT = Path(__file__).resolve().parents[1]
HIGHS_DEFAULTS = {"solver": "choose", "run_crossover": "on"}


def cases(instances: list[str]) -> list[dict[str, Any]]:
    out = [{"instance": p, "formulation": "lean", "options": {}} for p in instances]
    default = str(ROOT / "instances" / "default.yaml")
    if default in instances:
        out.append({"instance": default, "formulation": "naive", "options": HIGHS_DEFAULTS})
    return out


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """Solve through the planner (baseline off) and report timings, size and memory.

    ``import_s`` (importing the planner, Pyomo, HiGHS and the scipy modules Pyomo's compiler
    needs) is paid once per process, not per solve, and is reported apart from the overhead.
    """
    started = time.perf_counter()
    import planner

    import_s = time.perf_counter() - started
    inst = planner.load_instance(case["instance"])
    res = planner.solve(
        inst, solver_options=case["options"], baseline=False, formulation=case["formulation"]
    )
    row: dict[str, Any] = {
        "status": res.status,
        "objective_usd": res.objective_usd,
        "import_s": import_s,
    }
    row |= {k: float(v) for k, v in res.model_stats.items()}
    row |= {k: float(v) for k, v in res.timings.items()}
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def run_floor(case: dict[str, Any]) -> dict[str, Any]:
    """Export the same LP to MPS, then time highspy alone on it."""
    import highspy

    import planner
    from planner.model.build import build_model
    from planner.solver.run import run_highs
    from planner.solver.settings import SolveSettings

    inst = planner.load_instance(case["instance"])
    m, _ = build_model(inst, case["formulation"])
    settings = SolveSettings(case["options"], time_limit_s=0.0)
    options = settings.options
    run = run_highs(m, settings)  # hand the LP over without solving it
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "model.mps")
        run.highs.writeModel(path)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.readModel(path)
        for key, value in options.items():
            h.setOptionValue(key, value)
        started = time.perf_counter()
        h.run()
        floor_s = time.perf_counter() - started
    return {
        "floor_status": h.modelStatusToString(h.getModelStatus()),
        "floor_highs_s": floor_s,
        "floor_objective_usd": h.getInfo().objective_function_value,
    }


def child(kind: str, case: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, f"--{kind}", json.dumps(case)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        return {f"{kind}_error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", nargs="*", help="instance files (default: instances/*.yaml)")
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    parser.add_argument("--no-floor", action="store_true", help="skip the highspy-only solves")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(json.loads(args.case))))
        return
    if args.floor:
        print(json.dumps(run_floor(json.loads(args.floor))))
        return
    instances = [str(Path(p).resolve()) for p in args.instances] or sorted(
        str(p) for p in (ROOT / "instances").glob("*.yaml")
    )
    rows = []
    for case in cases(instances):
        row = {
            "instance": Path(case["instance"]).stem,
            "formulation": case["formulation"],
            "options": json.dumps(case["options"] or "default"),
        }
        row |= child("case", case)
        if not args.no_floor:
            row |= child("floor", case)
        overhead = sum(row.get(k, 0.0) for k in ("load_s", "build_s", "handoff_s", "extract_s"))
        row["overhead_share_of_highs"] = overhead / row["highs_s"] if row.get("highs_s") else None
        rows.append(row)
        print(json.dumps(row), flush=True)
    write_table(pd.DataFrame(rows), args.out, "bench")


if __name__ == "__main__":
    main()
