"""Measure the LP scaling of planner.solver.numerics: HiGHS time and iterations with no
scaling, row and column scaling, and row and column scaling with the objective scale.

    .venv/bin/python benchmarks/scaling.py 168 672 2016 --repeat 3
    .venv/bin/python benchmarks/scaling.py 8760 --repeat 2 --solver simplex

docs/reliability.md has the figures.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from planner.inputs.instance import load_instance
from planner.model.build import build_model
from planner.solver.compile import compile_model
from planner.solver.highs import solve_lp
from planner.solver.numerics import Scaling, check_solution, compute_scaling
from planner.solver.settings import DEFAULT_SOLVER_OPTIONS

SCALING_MODES = ("off", "matrix", "matrix+cost")
"""What :func:`measure_scaling` compares: no scaling, row and column scaling, and row and
column scaling with the objective scale."""


def measure_scaling(
    hours: list[int],
    repeat: int = 3,
    instance: str = "instances/default.yaml",
    options: dict[str, Any] | None = None,
) -> list[dict[str, float]]:
    """HiGHS time and iterations for each of :data:`SCALING_MODES` on the same compiled LP of
    ``instance`` cut to each number of ``hours``; the order of the modes is reversed from one
    repeat to the next. Prints one CSV line per solve, then one summary line per horizon and
    mode (median over the repeats), and returns the summaries. ``options``: HiGHS options
    (default :data:`planner.solver.settings.DEFAULT_SOLVER_OPTIONS`). docs/reliability.md has
    the figures.
    """
    options = dict(DEFAULT_SOLVER_OPTIONS if options is None else options)
    base = load_instance(instance)
    print(
        "hours,mode,repeat,highs_s,ipm_iterations,simplex_iterations,objective_usd,"
        "max_row_violation",
        flush=True,
    )
    out = []
    for n in hours:
        m, _ = build_model(base.with_overrides({"time.hours": n}))
        lp = compile_model(m).lp
        started = time.perf_counter()
        scalings = {
            "off": Scaling.identity(lp),
            "matrix": compute_scaling(lp, cost=False),
            "matrix+cost": compute_scaling(lp, cost=True),
        }
        scalings["matrix"].apply(lp)
        scale_s = (time.perf_counter() - started) / 2
        seen: dict[str, list[tuple[float, ...]]] = {mode: [] for mode in SCALING_MODES}
        x = None
        for k in range(repeat):
            for mode in SCALING_MODES if k % 2 == 0 else SCALING_MODES[::-1]:
                run = solve_lp(lp, options, scale=scalings[mode])
                assert run.x is not None and run.check is not None, run.status
                x = run.x
                row = (
                    run.highs_s,
                    run.stats["ipm_iteration_count"],
                    run.stats["simplex_iteration_count"],
                    run.objective,
                )
                seen[mode].append(row)
                print(
                    f"{n},{mode},{k},{row[0]:.3f},{row[1]:.0f},{row[2]:.0f},{row[3]:.6f},"
                    f"{run.check.max_row_violation:.3g}",
                    flush=True,
                )
        assert x is not None
        started = time.perf_counter()
        check_solution(lp, x)
        check_s = time.perf_counter() - started
        reference = float(np.median([r[3] for r in seen["off"]]))
        for mode in SCALING_MODES:
            med = np.median(np.array(seen[mode]), axis=0)
            out.append(
                {
                    "hours": n,
                    "mode": mode,
                    "highs_s": med[0],
                    "ipm_iterations": med[1],
                    "simplex_iterations": med[2],
                    "objective_rel_diff": med[3] / reference - 1,
                    "scaling_s": scale_s,
                    "check_s": check_s,
                }
            )
            print(
                f"{n} h {mode}: HiGHS {med[0]:.2f} s, {med[1]:.0f} IPM / {med[2]:.0f} simplex "
                f"iterations, objective vs off {med[3] / reference - 1:+.1e}; scaling "
                f"{scale_s:.3f} s, check {check_s:.3f} s",
                flush=True,
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hours", nargs="+", type=int, help="horizons, hours")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--instance", default="instances/default.yaml")
    parser.add_argument("--solver", help="HiGHS solver option (default: planner's)")
    args = parser.parse_args()
    options = None if args.solver is None else {**DEFAULT_SOLVER_OPTIONS, "solver": args.solver}
    measure_scaling(args.hours, args.repeat, args.instance, options)


if __name__ == "__main__":
    main()
