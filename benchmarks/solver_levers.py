"""Measure the levers on HiGHS's time: `python benchmarks/solver_levers.py [INSTANCE ...]`.

For every instance (default: instances/default.yaml, full year) the planner's LP is built and
compiled once per case, in a fresh process per case (HiGHS fixes its thread pool at the first
run of a process), then solved by ``planner.solver.highs.solve_lp`` (the planner's own run:
scaling, unscaling, the solution check and its retry with crossover) with each case's options.
Cases whose name starts with ``form:`` first rewrite the compiled LP into an equivalent one:

``form:cfe_from_balance``
    the hourly CFE row minus the weighted sum of the power balance rows: with the balance,
    ``sum_h w_h (clean_h - withdrawal_h) >= x D`` is the same as ``sum_h w_h [(1 - CFE_h)
    import_h + unserved_h] <= (1 - x) D`` (docs/formulation.md [hourly_cfe_target]); the
    one dense row keeps 2 instead of ~6 entries per hour. Same feasible set, same optimum.
``form:charge_plus_discharge``
    ``charge + discharge <= power`` instead of two rows per hour: one row per hour and unit
    fewer, but a smaller feasible set (it forbids charging and discharging at full power in
    the same hour), so the optimum is the same only where doing both never pays.
``form:naive``
    the planner's ``naive`` formulation (a generation variable and row per must-pay source
    and hour instead of one shared curtailment variable), as PyPSA writes it.

Reported per case: status, HiGHS seconds, iterations, objective and its relative difference
to the first case (the current default), the solution check's largest violation. The current
default runs first, in the middle and last, so the run's noise can be read. Prints and writes
``out/bench/solver_levers-<timestamp>.csv``.
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

import numpy as np
import pandas as pd
import scipy.sparse as sp
import yaml
from _table import write_table

ROOT = Path(__file__).resolve().parents[1]

CASES: dict[str, dict[str, Any]] = {
    "default": {},
    "ipx": {"solver": "ipx", "run_crossover": "off"},
    "ipx, crossover on": {"solver": "ipx", "run_crossover": "on"},
    "ipx, 1 thread": {"solver": "ipx", "run_crossover": "off", "threads": 1},
    "ipx, 2 threads": {"solver": "ipx", "run_crossover": "off", "threads": 2},
    "ipx, presolve off": {"solver": "ipx", "run_crossover": "off", "presolve": "off"},
    "ipx, planner scaling": {"solver": "ipx", "run_crossover": "off", "scale": True},
    "ipx, objective scale 2^-10": {
        "solver": "ipx",
        "run_crossover": "off",
        "user_objective_scale": -10,
    },
    "ipx, dualize off": {"solver": "ipx", "run_crossover": "off", "ipx_dualize_strategy": -1},
    "ipx, dualize on": {"solver": "ipx", "run_crossover": "off", "ipx_dualize_strategy": 1},
    "ipx, optimality tolerance 1e-7": {
        "solver": "ipx",
        "run_crossover": "off",
        "ipm_optimality_tolerance": 1e-7,
    },
    # HiPO is not built into the pinned highspy wheel (no BLAS, METIS): HiGHS then says so and
    # runs dual simplex; kept to show it
    "hipo": {"solver": "hipo", "run_crossover": "off"},
    "dual simplex (planner scaling)": {"solver": "simplex"},
    "form:cfe_from_balance": {},
    "form:cfe_from_balance, 1 thread": {"threads": 1},
    "form:charge_plus_discharge": {},
    "form:naive": {},
}


def cfe_from_balance(compiled: Any, m: Any, inst: Any) -> None:
    """Replace the hourly CFE row by itself minus ``sum_h w_h`` x the balance row of hour h."""
    lp = compiled.lp
    row_of = compiled.row_of
    cfe = row_of[id(m.hourly_cfe_target)]
    balance = np.array([row_of[id(m.power_balance[h])] for h in range(inst.hours)])
    csr = lp.matrix.tocsr()
    w = np.asarray(inst.weights, dtype=float)
    new = sp.csr_array(csr[[cfe]] - sp.csr_array(w[None, :]) @ csr[balance])
    new.data[np.abs(new.data) <= 1e-9 * np.abs(new.data).max()] = 0.0
    new.eliminate_zeros()
    shift = float(w @ lp.row_lower[balance])  # balance rows are equalities: lower == upper
    rows = [csr[:cfe], new, csr[cfe + 1 :]]
    lp.matrix = sp.vstack(rows).tocsc()
    lp.row_lower[cfe] -= shift
    lp.row_upper[cfe] -= shift


def charge_plus_discharge(compiled: Any, m: Any, inst: Any) -> None:
    """Rows ``charge - power <= 0`` become ``charge + discharge - power <= 0``; the rows
    ``discharge - power <= 0`` are dropped."""
    lp = compiled.lp
    row_of, col_of = compiled.row_of, compiled.column_of
    b = m.storage
    csr = lp.matrix.tocsr().tolil()
    drop = []
    for k, h in b.charge_le_power:
        row = row_of[id(b.charge_le_power[k, h])]
        csr[row, col_of[id(b.discharge_mw[k, h])]] = 1.0
        drop.append(row_of[id(b.discharge_le_power[k, h])])
    keep = np.setdiff1d(np.arange(lp.shape[0]), np.array(drop))
    lp.matrix = csr.tocsr()[keep].tocsc()
    lp.row_lower = lp.row_lower[keep]
    lp.row_upper = lp.row_upper[keep]


FORMS = {"cfe_from_balance": cfe_from_balance, "charge_plus_discharge": charge_plus_discharge}


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    logging.disable(logging.WARNING)
    import planner
    from planner.model.build import build_model
    from planner.solver.compile import compile_model
    from planner.solver.highs import solve_lp
    from planner.solver.settings import DEFAULT_SOLVER_OPTIONS

    inst = planner.load_instance(case["instance"])
    if case.get("set"):
        inst = inst.with_overrides(case["set"])
    if case.get("hours"):
        inst = inst.with_overrides({"time.hours": int(case["hours"])})
    name = case["name"]
    m, _ = build_model(inst, "naive" if name == "form:naive" else "lean")
    compiled = compile_model(m)
    if name.startswith("form:") and name != "form:naive":
        FORMS[name[5:].split(",")[0]](compiled, m, inst)
    options = {**DEFAULT_SOLVER_OPTIONS, **CASES[name]}
    scale = options.pop("scale", None)
    lp = compiled.lp
    started = time.perf_counter()
    run = solve_lp(lp, options, scale=scale)
    wall = time.perf_counter() - started
    row: dict[str, Any] = {
        "status": run.status,
        "highs_s": run.highs_s,
        "solve_lp_s": wall,
        "rows": lp.shape[0],
        "nonzeros": int(lp.matrix.nnz),
        **run.stats,
    }
    if run.x is not None:
        row["objective_usd"] = run.objective
        if run.check is not None:
            row["max_violation"] = max(run.check.max_row_violation, run.check.max_col_violation)
    return row


def child(case: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--case", json.dumps(case, default=str)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {"status": "error", "error": (proc.stderr.strip().splitlines() or [""])[-1]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", nargs="*", help="instance files (default: default.yaml)")
    parser.add_argument("--only", nargs="*", help="case names (default: all)")
    parser.add_argument("--hours", type=int, help="model only the first HOURS hours")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=YAML",
        help="override an instance field, e.g. --set 'policy={hourly_cfe_target: 0.95}'",
    )
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(json.loads(args.case))))
        return
    instances = [str(Path(p).resolve()) for p in args.instances] or [
        str(ROOT / "instances" / "default.yaml")
    ]
    names = [n for n in CASES if n != "default" and (not args.only or n in args.only)]
    order = ["default", *names[: len(names) // 2], "default", *names[len(names) // 2 :], "default"]
    changes: dict[str, Any] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set {item!r}: give PATH=YAML")
        changes[key] = yaml.safe_load(value)
    rows = []
    for path in instances:
        reference = None
        for name in order:
            row = {"instance": Path(path).stem, "case": name}
            row |= child({"instance": path, "name": name, "hours": args.hours, "set": changes})
            objective = row.get("objective_usd")
            if name == "default" and reference is None and objective is not None:
                reference = objective
            if reference is not None and objective is not None:
                row["objective_rel_diff"] = (objective - reference) / abs(reference)
            rows.append(row)
            print(json.dumps(row), flush=True)
    write_table(pd.DataFrame(rows), args.out, "solver_levers", digits=4)


if __name__ == "__main__":
    main()
