"""The planner against PyPSA on the same LP: `python benchmarks/vs_pypsa.py [INSTANCE ...]`.

Needs the ``bench`` extra (PyPSA, ``benchmarks/pypsa_model.py``). For every instance (default:
the four shipped sites, full year) it solves the planner's LP and the same LP written in PyPSA
(:mod:`pypsa_model`), each in a fresh process, alternating which goes first (planner, PyPSA,
then PyPSA, planner on the next repeat, ...), with the same HiGHS options (default: the
planner's ``DEFAULT_SOLVER_OPTIONS``; ``--pypsa-options`` gives PyPSA others).

Timed for each: the **wall time from a loaded instance to the solved model's results**
(planner: ``planner.solve(inst, baseline=False)``: build, hand-off, HiGHS, extract; PyPSA:
the network, linopy's model and custom rows, the hand-over (an LP file by default, ``--io-api
direct`` for highspy's API), HiGHS and the solution read back). Imports and reading the
instance are reported apart (``import_s``, ``load_s``): the same for both, paid once per
process. The optimum must agree to 1e-6 relative (``agree``).

Prints and writes two tables: ``out/bench/vs_pypsa_runs-<timestamp>.csv`` (every run) and
``out/bench/vs_pypsa-<timestamp>.csv`` (per instance: median walls, the ratio planner / PyPSA
of each alternating pair where both solved and its median).
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
from _table import write_table

ROOT = Path(__file__).resolve().parents[1]
SITES = ["default", "helion_wa_2028", "stargate_tx", "dc_alley_va"]
AGREE_REL = 1e-6


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """One solve in this process: ``case`` names the tool, the instance and the options."""
    logging.disable(logging.WARNING)
    started = time.perf_counter()
    import planner
    from planner.solver.settings import DEFAULT_SOLVER_OPTIONS

    if case["tool"] == "pypsa":
        import pypsa_model
    import_s = time.perf_counter() - started
    inst = planner.load_instance(case["instance"])
    if case.get("hours"):
        inst = inst.with_overrides({"time.hours": int(case["hours"])})
    load_s = time.perf_counter() - started - import_s
    options = dict(case["options"]) if case["options"] is not None else {}
    row: dict[str, Any] = {"import_s": import_s, "load_s": load_s}
    started = time.perf_counter()
    if case["tool"] == "planner":
        res = planner.solve(inst, solver_options=options, baseline=False)
        row["wall_s"] = time.perf_counter() - started
        row |= {
            "status": res.status,
            "objective_usd": res.objective_usd,
            "highs_s": float(res.timings["highs_s"]),
            "ipm_iteration_count": int(res.model_stats.get("ipm_iteration_count", -1)),
            "crossover_retry": bool(res.model_stats.get("crossover_retry", 0.0)),
            "rows": int(res.model_stats["rows"]),
            "columns": int(res.model_stats["columns"]),
        }
    else:
        base = DEFAULT_SOLVER_OPTIONS if case.get("planner_defaults", True) else {}
        merged = {**base, **options, "output_flag": False}
        out = pypsa_model.solve(inst, merged, io_api=case.get("io_api"))
        row["wall_s"] = time.perf_counter() - started
        row |= {k: v for k, v in out.items() if k != "capacity"}
        row["highs_s"] = out["solve_s"]  # linopy's solve: hand-over, HiGHS and read-back
    return row


def child(case: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--case", json.dumps(case)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {"status": "error", "error": (proc.stderr.strip().splitlines() or [""])[-1]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name, part in runs.groupby("instance", sort=False):
        mine = part[part["tool"] == "planner"].set_index("repeat")
        theirs = part[part["tool"] == "pypsa"].set_index("repeat")
        solved = (mine["status"] == "optimal") & (theirs["status"] == "ok/optimal")
        pair = (mine["wall_s"] / theirs["wall_s"])[solved].dropna()
        objective = float(mine["objective_usd"].iloc[0])
        rel = (theirs["objective_usd"] - objective).abs().max() / abs(objective)
        rows.append(
            {
                "instance": name,
                "pypsa_status": ", ".join(sorted(set(theirs["status"].astype(str)))),
                "repeats": len(pair),
                "planner_wall_s": float(mine["wall_s"].median()),
                "planner_highs_s": float(mine["highs_s"].median()),
                "pypsa_wall_s": float(theirs["wall_s"].median()),
                "pypsa_solve_s": float(theirs["highs_s"].median()),
                "ratio_median": float(pair.median()),
                "ratio_min": float(pair.min()),
                "ratio_max": float(pair.max()),
                "objective_usd": objective,
                "objective_rel_diff": float(rel),
                "agree": bool(rel <= AGREE_REL),
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", nargs="*", help="instance files (default: shipped sites)")
    parser.add_argument("--repeat", type=int, default=1, help="alternating pairs per instance")
    parser.add_argument("--hours", type=int, help="model only the first HOURS hours")
    parser.add_argument("--options", type=json.loads, help="HiGHS options of both (JSON)")
    parser.add_argument(
        "--pypsa-options",
        type=json.loads,
        help="PyPSA's HiGHS options instead of the planner's (JSON; '{}': HiGHS's defaults)",
    )
    parser.add_argument("--io-api", choices=["lp", "mps", "direct"], help="linopy's hand-over")
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(json.loads(args.case))))
        return
    instances = [str(Path(p).resolve()) for p in args.instances] or [
        str(ROOT / "instances" / f"{s}.yaml") for s in SITES
    ]
    rows = []
    for repeat in range(args.repeat):
        for path in instances:
            first = (len(rows) // 2) % 2 == 0  # alternate which goes first, pair by pair
            order = ["planner", "pypsa"] if first else ["pypsa", "planner"]
            for tool in order:
                own = tool == "pypsa" and args.pypsa_options is not None
                options = args.pypsa_options if own else args.options
                case = {
                    "tool": tool,
                    "instance": path,
                    "hours": args.hours,
                    "options": options,
                    "io_api": args.io_api,
                    "planner_defaults": not own,
                }
                row = {"instance": Path(path).stem, "repeat": repeat, "tool": tool}
                row |= child(case)
                row["options"] = json.dumps(options if options is not None else "default")
                rows.append(row)
                print(json.dumps(row), flush=True)
    runs = pd.DataFrame(rows)
    write_table(runs, args.out, "vs_pypsa_runs")
    write_table(summarise(runs), args.out, "vs_pypsa")


if __name__ == "__main__":
    main()
