"""Re-use one built model across sweep points, or rebuild per point?
``python benchmarks/sweep_reuse.py``.

Solves the same points four ways in one process and prints seconds per point:

- ``rebuild``: :func:`planner.solve` per point, what :mod:`planner.sweep` does: apply the
  overrides, build the Pyomo model, hand it to HiGHS, solve, extract every table.
- ``persistent``: the model is built once; the swept number becomes a mutable ``Param`` (a
  prototype done here, outside ``planner/model/``: the swept constraint or cost term is
  rebuilt around a scale factor), and Pyomo's persistent HiGHS interface only pushes the
  changed row bound or cost coefficients before each solve; the same tables are extracted.

each with interior point (planner's default) and with dual simplex, which the persistent
interface warm-starts from the previous point's basis. ``solve_s_per_point`` is the hand-off
to HiGHS plus HiGHS's run (``rebuild``) or the whole persistent ``solve`` call, update
included. Two sweeps: the hourly CFE target
(a row bound) and the fusion energy price (objective coefficients). Every point's objective
is checked against ``rebuild`` with interior point.

    python benchmarks/sweep_reuse.py --hours 168 672 --out out/bench/sweep_reuse.csv
    python benchmarks/sweep_reuse.py --hours 8760 --points 3 --sweeps policy.hourly_cfe_target
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.contrib.solver.solvers.highs import Highs

import planner
from planner.model.build import build_model
from planner.results import extract

OPTIONS = {
    "ipm": {"solver": "ipm", "run_crossover": "off"},
    "simplex": {"solver": "simplex"},
}
CFE = "policy.hourly_cfe_target"
PRICE = "fusion.helion.energy_price_usd_per_mwh"
SWEEPS = {
    CFE: [round(0.5 + 0.05 * i, 2) for i in range(11)],
    PRICE: [30.0 + 20.0 * i for i in range(11)],
}


def _constraints(components: Any) -> list[Any]:
    out: list[Any] = []
    for c in components:
        out.extend(c.values() if c.is_indexed() else [c])
    return out


def rebuild(
    inst: planner.Instance, path: str, values: list[float], options: dict[str, Any]
) -> list[dict[str, Any]]:
    rows = []
    for value in values:
        started = time.perf_counter()
        res = planner.solve(
            inst.with_overrides({path: value}), solver_options=options, baseline=False
        )
        rows.append(
            {
                "value": value,
                "seconds": time.perf_counter() - started,
                "objective_usd": res.objective_usd,
                "solve_s": res.timings["handoff_s"] + res.timings["highs_s"],
            }
        )
    return rows


def _scaled(
    m: Any, reg: Any, inst: planner.Instance, path: str
) -> tuple[Any, float, Callable[[float], None]]:
    """Rebuild the swept constraint (or cost term) around a mutable scale factor.

    Returns the scale Param, the value the model was built with, and a setter.
    """
    m.sweep_scale = pyo.Param(mutable=True, initialize=1.0)
    if path == CFE:
        built = float(inst.spec.policy.hourly_cfe_target or 0.0)
        old = m.hourly_cfe_target  # body >= target * demand (a constant lower bound)
        body, lower = old.body, float(pyo.value(old.lower))
        m.del_component(old)
        m.hourly_cfe_target = pyo.Constraint(expr=body >= m.sweep_scale * lower)
        reg.duals["hourly_cfe_usd_per_mwh"] = m.hourly_cfe_target
    else:
        offer = path.split(".")[1]
        built = next(o for o in inst.spec.fusion if o.name == offer).energy_price_usd_per_mwh
        terms = [
            (
                m.sweep_scale * c.expr
                if (c.kind, c.resource, c.component) == ("fusion", offer, "energy")
                else c.expr
            )
            for c in reg.costs
        ]
        m.objective.set_value(pyo.quicksum(terms))

    def set_value(value: float) -> None:
        m.sweep_scale.set_value(value / built)

    return m.sweep_scale, built, set_value


def persistent(
    inst: planner.Instance, path: str, values: list[float], options: dict[str, Any]
) -> list[dict[str, Any]]:
    started = time.perf_counter()
    first = inst.with_overrides({path: values[0]})
    m, reg = build_model(first)
    _, _, set_value = _scaled(m, reg, first, path)
    opt = Highs()
    setup = time.perf_counter() - started
    rows = []
    for i, value in enumerate(values):
        started = time.perf_counter()
        point = inst.with_overrides({path: value})
        set_value(value)
        solving = time.perf_counter()
        results = opt.solve(
            m,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
            solver_options=options,
        )
        solve_s = time.perf_counter() - solving
        results.solution_loader.load_vars()
        duals = results.solution_loader.get_duals(_constraints(reg.duals.values()))
        res = extract(point, m, reg, float(pyo.value(m.objective)), duals, {}, options, None)
        seconds = time.perf_counter() - started + (setup if i == 0 else 0.0)
        rows.append(
            {
                "value": value,
                "seconds": seconds,
                "objective_usd": res.objective_usd,
                "solve_s": solve_s,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", nargs="?", default="instances/default.yaml")
    parser.add_argument("--hours", type=int, nargs="+", default=[168, 672])
    parser.add_argument("--sweeps", nargs="+", default=list(SWEEPS), choices=list(SWEEPS))
    parser.add_argument("--points", type=int, default=11, help="first N values of each sweep")
    parser.add_argument("--solvers", nargs="+", default=list(OPTIONS), choices=list(OPTIONS))
    parser.add_argument("--out", default="out/bench/sweep_reuse.csv")
    args = parser.parse_args()
    base = planner.load_instance(args.instance)
    planner.solve(base.with_overrides({"time.hours": 24}), baseline=False)  # warm up imports
    rows = []
    for hours in args.hours:
        inst = base.with_overrides({"time.hours": hours})
        for path in args.sweeps:
            values = SWEEPS[path][:: max(1, len(SWEEPS[path]) // args.points)][: args.points]
            reference = None
            for method, run in (("rebuild", rebuild), ("persistent", persistent)):
                for name in args.solvers:
                    options = OPTIONS[name]
                    got = run(inst, path, values, options)
                    objective = np.array([r["objective_usd"] for r in got], dtype=float)
                    if reference is None:
                        reference = objective
                    error = float(np.max(np.abs(objective / reference - 1)))
                    total = sum(r["seconds"] for r in got)
                    row = {
                        "hours": hours,
                        "sweep": path,
                        "method": method,
                        "solver": name,
                        "points": len(got),
                        "s_per_point": total / len(got),
                        "solve_s_per_point": sum(r["solve_s"] for r in got) / len(got),
                        "points_per_min": 60 * len(got) / total,
                        "max_rel_objective_diff": error,
                    }
                    rows.append(row)
                    print(row, flush=True)
    frame = pd.DataFrame(rows)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False)
    with pd.option_context("display.width", 160, "display.float_format", "{:.4g}".format):
        print(frame.to_string(index=False))


if __name__ == "__main__":
    main()
