"""Why a solve failed, in words: which hard target cannot be met, by how much, and what limits it.

:func:`diagnose` gives every failed solve a :class:`Diagnosis`; :func:`planner.solve` stores it
in ``Result.diagnosis`` and :func:`explain_infeasibility` runs it on an instance directly.
Modules: :mod:`~planner.diagnose.findings` (what a diagnosis holds),
:mod:`~planner.diagnose.explain` (the relaxed re-solves), :mod:`~planner.diagnose.limits`
(binding input limits, named from the resource catalogue), :mod:`~planner.diagnose.names`
(readable row and column names, the IIS).

For an infeasible LP (docs/reliability.md):

1. Each hard target (``hourly_cfe``, ``annual_matching``, ``emissions_cap``,
   ``market_net_zero``: a target whose penalty is not set) is relaxed *alone*, the other hard
   targets removed: its shortfall variable is freed and minimised, with every cost set to 0,
   on the same compiled LP (a copy of its arrays, no rebuild). The smallest shortfall gives the
   best achievable value of the target; a positive one means the target cannot be met on its
   own. The limits that bind in that solution (resource capacities, grid import and export
   limits, the export share, storage durations) are named, with the number of hours an hourly
   limit binds in.
2. If every target can be met on its own, the combination is at fault: each target is relaxed
   with the others *held*, which gives its best value while the others are met.
3. If the LP stays infeasible with the targets relaxed (or has no hard target), the resources'
   own limits conflict; HiGHS's irreducible infeasible subset (IIS) is then reported with
   readable constraint names (``power_balance[2028-01-01 05:00] = 100``).

A limit *binds* in a relaxed solution when it is active (within 1e-6 relative) and its dual is
not zero (beyond 1e-7): relaxing it would raise the achievable value. The relaxed solves run
interior point without crossover, whose solution lies in the middle of the optimal face, so a
limit that binds there binds in every optimal solution.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyomo.environ as pyo

from planner.diagnose.explain import explain, unbounded_message
from planner.diagnose.findings import BindingLimit, Diagnosis, TargetFinding
from planner.diagnose.names import Namer
from planner.inputs.instance import Instance
from planner.model.build import build_model
from planner.model.core import Registry
from planner.solver.highs import check_solver_options
from planner.solver.run import SolverRun, run_highs
from planner.solver.settings import FAILED_FOR_DIAGNOSIS, SolveSettings

__all__ = ["BindingLimit", "Diagnosis", "TargetFinding", "diagnose", "explain_infeasibility"]


def diagnose(
    inst: Instance,
    m: pyo.ConcreteModel,
    reg: Registry,
    run: SolverRun,
    settings: SolveSettings,
) -> Diagnosis:
    """The diagnosis of a run that did not end optimal (see the module doc)."""
    status = run.status
    if status in FAILED_FOR_DIAGNOSIS:
        if not settings.explain:
            return Diagnosis(
                status,
                "not_explained",
                f"{inst.source}: the LP is {status.replace('_', ' ')} "
                "(not explained: solve(..., explain=False))",
            )
        return explain(inst, m, reg, run, settings)
    if status == "numerical_error":
        return _numerical(inst, m, run)
    limit = settings.time_limit_s
    if limit is None:  # given as the HiGHS option itself (--solver-option time_limit=0)
        limit = settings.options.get("time_limit")
    return Diagnosis(status, *_other(inst, run, status, limit))


def _other(inst: Instance, run: SolverRun, status: str, time_limit_s: Any) -> tuple[str, str]:
    src = inst.source
    if status == "time_limit":
        shown = f"{time_limit_s:g}" if isinstance(time_limit_s, (int, float)) else time_limit_s
        return "limit", (
            f"{src}: HiGHS stopped at the time limit ({shown} s) before "
            "reaching an optimum: raise --time-limit, or shorten the horizon "
            "(time.hours, time.representative_periods)"
        )
    if status == "iteration_limit":
        return "limit", f"{src}: HiGHS stopped at its iteration limit before reaching an optimum"
    if status == "interrupted":
        return "limit", f"{src}: the solve was interrupted"
    if status == "unbounded":
        return "unbounded", unbounded_message(inst, run)
    return "solver", (
        f"{src}: HiGHS ended without an answer (status {status}); try "
        "--solver-option solver=simplex"
    )


def _numerical(inst: Instance, m: pyo.ConcreteModel, run: SolverRun) -> Diagnosis:
    check = run.lp_run.check
    assert check is not None
    namer = Namer(inst, m)
    lp = run.compiled.lp
    assert run.lp_run.x is not None
    parts = []
    i = check.worst_row()
    if i is not None and check.row_violation[i] > check.row_tolerance[i]:
        parts.append(
            f"{namer.name(run.rows[i].constraint)} violated by "
            f"{check.row_violation[i]:.3g} (allowed {check.row_tolerance[i]:.3g}); "
            f"{check.bad_rows.size} rows violated"
        )
    j = check.worst_col()
    if j is not None and check.col_violation[j] > check.col_tolerance[j]:
        parts.append(
            f"{namer.name(run.columns[j])} = {run.lp_run.x[j]:.6g} outside "
            f"[{lp.col_lower[j]:.6g}, {lp.col_upper[j]:.6g}]; "
            f"{check.bad_cols.size} bounds violated"
        )
    message = (
        f"{inst.source}: HiGHS returned a solution that violates the constraints beyond "
        f"the tolerance ({check.tolerance:g} relative), even after a retry with "
        f"crossover: {'; '.join(parts)}. Refused. Check the inputs for extreme values, "
        "or try --solver-option solver=simplex"
    )
    if run.warnings:
        message += " (" + "; ".join(run.warnings) + ")"
    return Diagnosis("numerical_error", "numerical", message)


def explain_infeasibility(
    inst: Instance,
    solver_options: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    iis: bool | None = None,
    scale: bool | None = None,
) -> Diagnosis | None:
    """Build and solve ``inst``; the :class:`Diagnosis` if it fails, None if it solves.

    ``iis=True`` always includes HiGHS's irreducible infeasible subset (``Diagnosis.iis``),
    with readable constraint names.

    Example (not run: needs an instance file)::

        d = explain_infeasibility(planner.load_instance("x.yaml"), iis=True)
        print(d.message)   # which target, its best value, the binding limits
        d.targets[0].best  # e.g. 0.973 for "at most 97.3 %"
        d.iis[:3]          # ["power_balance[2028-01-01 05:00]: ... = 100", ...]
    """
    settings = SolveSettings(dict(solver_options or {}), time_limit_s, scale=scale, iis=iis)
    check_solver_options(settings.options, time_limit_s)
    m, reg = build_model(inst)
    run = run_highs(m, settings)
    if run.status == "optimal":
        return None
    return diagnose(inst, m, reg, run, settings)
