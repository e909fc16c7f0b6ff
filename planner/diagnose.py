"""Why a solve failed, in words: which hard target cannot be met, by how much, and what limits it.

:func:`diagnose` gives every failed solve a :class:`Diagnosis`; :func:`planner.solve` stores it
in ``Result.diagnosis`` and :func:`explain_infeasibility` runs it on an instance directly.

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
from dataclasses import asdict, dataclass, field
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo

from planner.inputs.instance import Instance
from planner.model.core import Registry, build_model
from planner.model.policies import baseline_emissions_t
from planner.numerics import LinearProgram
from planner.solve import (
    DEFAULT_SCALE,
    DEFAULT_SOLVER_OPTIONS,
    FAILED_FOR_DIAGNOSIS,
    CompiledModel,
    LpRun,
    SolverRun,
    check_solver_options,
    run_highs,
    solve_lp,
)

ACTIVE_TOLERANCE = 1e-6
"""A bound is active when within this share of max(1, |bound|) of the solution."""
DUAL_TOLERANCE = 1e-7
"""A bound binds when also its dual (shortfall unit per unit of the bound) exceeds this."""
SHORTFALL_TOLERANCE = 1e-6
"""A shortfall counts when above this share of max(1, |target right-hand side|)."""
IIS_SHOWN = 12
"""Members of the irreducible infeasible subset quoted in the message (all are stored)."""
ROW_TERMS_SHOWN = 8
"""IIS rows with more terms are named without their expression."""
IIS_TIME_LIMIT_S = 10.0
"""Time HiGHS may spend reducing an infeasible subset to an irreducible one."""

POLICIES: dict[str, tuple[str, str]] = {
    "hourly_cfe": ("hourly_cfe_target", "hourly CFE target"),
    "annual_matching": ("annual_matching", "annual matching target"),
    "emissions_cap": ("emissions_cap", "emissions cap"),
    "market_net_zero": ("market_based_net_zero", "market-based net zero"),
}
"""Registry name of each policy -> (its constraint on the model, its name in messages)."""

COLUMN_LIMITS: dict[str, tuple[str | None, str | None, str]] = {
    "fusion.capacity_mw": ("fusion[{i}].max_capacity_mw", "fusion[{i}].min_capacity_mw", "MW"),
    "solar.capacity_mw": ("solar[{i}].max_capacity_mw", "solar[{i}].min_capacity_mw", "MW"),
    "storage.power_mw": ("storage[{i}].max_power_mw", "storage[{i}].min_power_mw", "MW"),
    "storage.energy_mwh": ("storage[{i}].max_energy_mwh", "storage[{i}].min_energy_mwh", "MWh"),
    "grid.import_mw": ("grid.import_limit_mw", None, "MW"),
    "grid.export_mw": ("grid.export_limit_mw", None, "MW"),
}
"""Variables whose bounds are input limits: component -> (upper field, lower field, unit)."""

ROW_LIMITS = (
    "grid.export_le_share",
    "storage.energy_le_max_duration",
    "storage.energy_ge_min_duration",
    "hourly_cfe_target",
    "annual_matching",
    "emissions_cap",
    "market_based_net_zero",
)
"""Rows that stand for an input limit (named by :func:`_row_limit`)."""


def _row_limit(inst: Instance, component: str, key: str) -> str:
    """The input field behind a limit row, with its value: ``storage[li_ion].max_duration_h =
    8 h``; policy rows are marked ``(held)``: they bind only when another target is relaxed."""
    p = inst.spec.policy
    if component == "grid.export_le_share":
        assert inst.spec.grid is not None
        return f"grid.export_max_share_of_demand = {inst.spec.grid.export_max_share_of_demand:g}"
    if component.startswith("storage."):
        unit = next(k for k in inst.spec.storage if k.name == key)
        field_name = "max_duration_h" if "max" in component else "min_duration_h"
        return f"storage[{key}].{field_name} = {getattr(unit, field_name):g} h"
    if component == "hourly_cfe_target":
        return f"policy.hourly_cfe_target = {p.hourly_cfe_target:g} (held)"
    if component == "annual_matching":
        return f"policy.annual_matching_fraction = {p.annual_matching_fraction:g} (held)"
    if component == "emissions_cap":
        if p.emissions_cap_t_per_yr is not None:
            return f"policy.emissions_cap_t_per_yr = {p.emissions_cap_t_per_yr:g} (held)"
        return (f"policy.emissions_cap_fraction_of_baseline = "
                f"{p.emissions_cap_fraction_of_baseline:g} (held)")
    return "policy.market_based_net_zero (held)"


@dataclass
class BindingLimit:
    """An input limit that binds in a relaxed solution: relaxing it raises the best value."""

    limit: str
    """The input field, e.g. ``grid.import_limit_mw = 50 MW``."""
    component: str
    """The Pyomo component, e.g. ``grid.import_mw`` (a bound) or ``grid.export_le_share``."""
    bound: str
    """``upper`` or ``lower``."""
    hours: int | None
    """Hours in which an hourly limit binds (None for a limit that is not hourly)."""
    of_hours: int | None = None
    """Modelled hours (None for a limit that is not hourly)."""

    def text(self) -> str:
        if self.hours is None:
            return self.limit
        return f"{self.limit} in {self.hours} of {self.of_hours} hours"


@dataclass
class TargetFinding:
    """What one hard target can reach at best (values in ``unit``)."""

    policy: str
    """Registry name: ``hourly_cfe``, ``annual_matching``, ``emissions_cap`` or
    ``market_net_zero``."""
    label: str
    target: float
    best: float
    """Best achievable value: the highest share for a share target, the lowest emissions for a
    cap."""
    unit: str
    """``share of demand`` (0-1) or ``t/yr``."""
    shortfall: float
    """Smallest shortfall over the horizon, MWh (share targets) or t (emission targets)."""
    alone: bool
    """True: infeasible on its own (other targets removed); False: only with the others held."""
    binding: list[BindingLimit] = field(default_factory=list)
    message: str = ""


@dataclass
class Diagnosis:
    """Why a solve failed. ``message`` is one readable paragraph; the rest is structured.

    ``status`` is the solve's status, made precise where HiGHS could not tell infeasible from
    unbounded (``infeasible_or_unbounded``): a re-solve without costs decides, and
    :func:`planner.solve` reports the precise status.

    ``cause`` is one of ``targets`` (some hard targets cannot be met on their own),
    ``combination`` (each can, not all together), ``structural`` (infeasible whatever the
    targets), ``borderline`` (infeasible only within solver tolerances), ``unbounded``,
    ``numerical`` (a solution violating its constraints was refused), ``limit`` (time or
    iteration limit, interrupt), ``solver`` (HiGHS gave no answer) or ``not_explained``.
    """

    status: str
    cause: str
    message: str
    targets: list[TargetFinding] = field(default_factory=list)
    iis: list[str] = field(default_factory=list)
    """Irreducible infeasible subset: readable constraint names with their bound."""
    iis_irreducible: bool = False
    """Whether ``iis`` is irreducible (False: HiGHS ran out of time reducing it)."""
    resolves: int = 0
    """Relaxed problems solved to reach this diagnosis."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``summary.json``)."""
        return asdict(self)

    def text(self) -> str:
        """The message, then every member of the IIS on its own line."""
        lines = [self.message]
        if self.iis:
            what = "Irreducible infeasible" if self.iis_irreducible else "Infeasible"
            lines += ["", f"{what} subset (HiGHS):"]
            lines += [f"  {member}" for member in self.iis]
        return "\n".join(lines)


# -- readable names ---------------------------------------------------------------------------
class Namer:
    """Pyomo names with the hour index replaced by its timestamp:
    ``storage.charge_le_power[li_ion, 2028-01-01 05:00]``."""

    def __init__(self, inst: Instance, m: pyo.ConcreteModel) -> None:
        self.stamps = list(inst.timestamps.strftime("%Y-%m-%d %H:%M"))
        self.hours_set = m.T
        self._hour_pos: dict[int, int | None] = {}

    def hour_position(self, component: Any) -> int | None:
        """Position of the hour in the component's index, None if not indexed by hour."""
        key = id(component)
        if key not in self._hour_pos:
            pos = None
            if component.is_indexed():
                for i, s in enumerate(component.index_set().subsets()):
                    if s is self.hours_set:
                        pos = i
            self._hour_pos[key] = pos
        return self._hour_pos[key]

    def hour(self, data: Any) -> int | None:
        """The hour of a variable or constraint indexed by hour, else None."""
        pos = self.hour_position(data.parent_component())
        if pos is None:
            return None
        index = data.index()
        return int(index[pos] if isinstance(index, tuple) else index)

    def name(self, data: Any) -> str:
        component = data.parent_component()
        if not component.is_indexed():
            return str(component.name)
        index = data.index()
        parts = list(index) if isinstance(index, tuple) else [index]
        pos = self.hour_position(component)
        if pos is not None:
            h = int(parts[pos])
            parts[pos] = self.stamps[h] if 0 <= h < len(self.stamps) else h
        return f"{component.name}[{', '.join(str(p) for p in parts)}]"


def _bound_text(lower: float, upper: float, which: str) -> str:
    if which == "lower":
        return f">= {lower:.6g}"
    if which == "upper":
        return f"<= {upper:.6g}"
    if which == "boxed":
        return f"= {lower:.6g}" if lower == upper else f"in [{lower:.6g}, {upper:.6g}]"
    return "free"


_IIS_BOUND = {2: "lower", 3: "upper", 4: "boxed", 1: "free"}


def _row_text(i: int, compiled: CompiledModel, csr: Any, namer: Namer) -> str:
    """``name: 0.93 x[a] - y[b] <= 0`` in original units; rows of more than
    :data:`ROW_TERMS_SHOWN` terms are shown by name and number of terms only."""
    lp = compiled.lp
    lower, upper = lp.row_lower[i], lp.row_upper[i]
    if lower == upper:
        bound = f"= {lower:.6g}"
    elif np.isfinite(lower) and np.isfinite(upper):
        bound = f"in [{lower:.6g}, {upper:.6g}]"
    else:
        bound = f">= {lower:.6g}" if np.isfinite(lower) else f"<= {upper:.6g}"
    name = namer.name(compiled.rows[i].constraint)
    start, end = csr.indptr[i], csr.indptr[i + 1]
    if end - start > ROW_TERMS_SHOWN:
        return f"{name} ({end - start} terms) {bound}"
    terms = []
    for j, a in zip(csr.indices[start:end], csr.data[start:end]):
        coef = "" if abs(a) == 1 else f"{abs(a):.6g} "
        sign = "-" if a < 0 else "+"
        terms.append(f"{sign} {coef}{namer.name(compiled.columns[j])}")
    expr = " ".join(terms).removeprefix("+ ") if terms else "0"
    return f"{name}: {expr} {bound}"


def irreducible_subset(
    highs: highspy.Highs,
    compiled: CompiledModel,
    namer: Namer,
    time_limit_s: float | None = None,
) -> tuple[list[str], bool]:
    """HiGHS's irreducible infeasible subset (IIS) of the infeasible LP loaded in ``highs``.

    Returns the members as readable names with the bound involved (original units), rows
    first, and whether the subset is irreducible. HiGHS's light test runs first (instant, finds
    a row that its column bounds alone cannot satisfy); if it finds none, an elastic LP gives
    an infeasible subset that a deletion filter reduces to an irreducible one, stopped after
    ``time_limit_s`` (default :data:`IIS_TIME_LIMIT_S`; the filter solves one LP per member
    and took minutes on a 672-hour instance), leaving a subset that may not be irreducible.
    """
    highs.setOptionValue("iis_strategy", int(highspy.IisStrategy.kIisStrategyLight))
    status, iis = highs.getIis()
    irreducible = True
    if status == highspy.HighsStatus.kError or not iis.valid_ or (
        not len(iis.row_index_) and not len(iis.col_index_)
    ):
        limit = IIS_TIME_LIMIT_S if time_limit_s is None else min(time_limit_s, IIS_TIME_LIMIT_S)
        strategy = int(highspy.IisStrategy.kIisStrategyFromLp) | int(
            highspy.IisStrategy.kIisStrategyIrreducible
        )
        highs.setOptionValue("iis_strategy", strategy)
        highs.setOptionValue("iis_time_limit", float(limit))
        status, iis = highs.getIis()
        irreducible = status == highspy.HighsStatus.kOk
    if status == highspy.HighsStatus.kError or not iis.valid_:
        return [], False
    lp = compiled.lp
    csr = lp.matrix.tocsr()
    out = []
    for i in iis.row_index_:
        out.append(_row_text(i, compiled, csr, namer))
    for j, b in zip(iis.col_index_, iis.col_bound_):
        which = _IIS_BOUND.get(int(b), "free")
        if which != "free":  # a free member only links rows; its bounds play no part
            out.append(f"{namer.name(compiled.columns[j])} "
                       f"{_bound_text(lp.col_lower[j], lp.col_upper[j], which)}")
    return out, irreducible and bool(out)


# -- binding limits ---------------------------------------------------------------------------
@dataclass
class _LimitIndex:
    """Columns and rows of the compiled LP that stand for input limits."""

    col: dict[str, np.ndarray]
    col_hour: dict[str, np.ndarray]
    col_key: dict[str, list[str]]
    row: dict[str, np.ndarray]
    row_key: dict[str, list[str]]


def _limit_index(compiled: CompiledModel, namer: Namer) -> _LimitIndex:
    col: dict[str, list[int]] = {}
    col_hour: dict[str, list[int]] = {}
    col_key: dict[str, list[str]] = {}
    for j, var in enumerate(compiled.columns):
        name = var.parent_component().name
        if name in COLUMN_LIMITS:
            col.setdefault(name, []).append(j)
            h = namer.hour(var)
            col_hour.setdefault(name, []).append(-1 if h is None else h)
            col_key.setdefault(name, []).append("" if h is not None else _key(var))
    row: dict[str, list[int]] = {}
    row_key: dict[str, list[str]] = {}
    for i, entry in enumerate(compiled.rows):
        name = entry.constraint.parent_component().name
        if name in ROW_LIMITS:
            row.setdefault(name, []).append(i)
            row_key.setdefault(name, []).append(_key(entry.constraint))
    return _LimitIndex(
        {k: np.array(v) for k, v in col.items()},
        {k: np.array(v) for k, v in col_hour.items()},
        col_key,
        {k: np.array(v) for k, v in row.items()},
        row_key,
    )


def _key(data: Any) -> str:
    if not data.parent_component().is_indexed():
        return ""
    index = data.index()
    return ", ".join(map(str, index)) if isinstance(index, tuple) else str(index)


def _active(value: np.ndarray, bound: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.isfinite(bound) & (
            np.abs(value - bound) <= ACTIVE_TOLERANCE * np.maximum(1.0, np.abs(bound))
        )


def binding_limits(
    run: LpRun, index: _LimitIndex, inst: Instance, exclude_row: int | None = None
) -> list[BindingLimit]:
    """Input limits active with a non-zero dual in the solution of ``run`` (a minimisation of
    a shortfall), largest number of binding hours first; ``exclude_row`` is the relaxed
    target's own row."""
    assert run.x is not None and run.col_dual is not None and run.row_dual is not None
    lp = run.lp
    out: list[BindingLimit] = []
    for name, cols in index.col.items():
        upper_field, lower_field, unit = COLUMN_LIMITS[name]
        x, d = run.x[cols], run.col_dual[cols]
        for bound, field_name, values, sign in (
            ("upper", upper_field, lp.col_upper[cols], -1.0),
            ("lower", lower_field, lp.col_lower[cols], 1.0),
        ):
            if field_name is None:
                continue
            binds = _active(x, values) & (sign * d > DUAL_TOLERANCE)
            if bound == "lower":
                binds &= values != 0  # a lower bound of 0 is not an input limit
            if not binds.any():
                continue
            hour = index.col_hour[name]
            if (hour[binds] >= 0).all():  # hourly limit: one entry, with its hours
                value = values[binds][0]
                out.append(BindingLimit(f"{field_name} = {value:g} {unit}", name, bound,
                                        int(np.unique(hour[binds]).size), inst.hours))
            else:
                for k in np.flatnonzero(binds):
                    key = index.col_key[name][k]
                    out.append(BindingLimit(
                        f"{field_name.format(i=key)} = {values[k]:g} {unit}", name, bound, None
                    ))
    activity = lp.matrix @ run.x
    for name, rows in index.row.items():
        act, y = activity[rows], run.row_dual[rows]
        for bound, values, sign in (
            ("upper", lp.row_upper[rows], -1.0),
            ("lower", lp.row_lower[rows], 1.0),
        ):
            binds = _active(act, values) & (sign * y > DUAL_TOLERANCE) & (rows != exclude_row)
            for k in np.flatnonzero(binds):
                label = _row_limit(inst, name, index.row_key[name][k])
                out.append(BindingLimit(label, name, bound, None))
    out.sort(key=lambda b: -(b.hours or 0))
    return out


# -- targets ----------------------------------------------------------------------------------
@dataclass
class _Target:
    policy: str
    label: str
    col: int
    row: int
    rhs: float


def _hard_targets(reg: Registry, compiled: CompiledModel, m: pyo.ConcreteModel) -> list[_Target]:
    col_of, row_of = compiled.column_of, compiled.row_of
    out = []
    for policy, var in reg.shortfalls.items():
        if var.ub is None or var.ub > 0:  # soft: priced shortfall
            continue
        con_name, label = POLICIES[policy]
        con = getattr(m, con_name)
        if id(var) not in col_of or id(con) not in row_of:
            continue
        i = row_of[id(con)]
        lp = compiled.lp
        rhs = lp.row_lower[i] if np.isfinite(lp.row_lower[i]) else lp.row_upper[i]
        out.append(_Target(policy, label, col_of[id(var)], i, float(rhs)))
    return out


def _relaxed(
    lp: LinearProgram, target: _Target, others: list[_Target], hold: bool
) -> LinearProgram:
    """``lp`` with no cost, ``target``'s shortfall free and minimised, the other hard targets
    held (hard) or dropped."""
    out = lp.copy()
    out.cost[:] = 0.0
    out.offset = 0.0
    out.cost[target.col] = 1.0
    out.col_upper[target.col] = np.inf
    if not hold:
        for o in others:
            out.row_lower[o.row] = -np.inf
            out.row_upper[o.row] = np.inf
    return out


def _finding(
    inst: Instance, target: _Target, shortfall: float, alone: bool, binding: list[BindingLimit]
) -> TargetFinding:
    p = inst.spec.policy
    years = inst.horizon_years
    demand_mwh = float((inst.weights * np.asarray(inst.spec.demand.load_mw)).sum())
    limits = "; ".join(b.text() for b in binding)
    why = (f"binding: {limits}" if limits else
           "no input limit binds: the resources offered cannot do better at any capacity")
    context = "with these resources" if alone else "with the other hard targets met"
    if target.policy in ("hourly_cfe", "annual_matching"):
        goal = p.hourly_cfe_target if target.policy == "hourly_cfe" else p.annual_matching_fraction
        assert goal is not None
        best = goal - shortfall / demand_mwh if demand_mwh else 0.0
        message = (f"{target.label} {100 * goal:.4g}% is infeasible: at most {100 * best:.1f}% "
                   f"is reachable {context} ({why})")
        return TargetFinding(target.policy, target.label, float(goal), best, "share of demand",
                             shortfall, alone, binding, message)
    goal_t = target.rhs
    best_t = goal_t + shortfall
    if target.policy == "emissions_cap":
        extra = ""
        if p.emissions_cap_fraction_of_baseline is not None:
            base = baseline_emissions_t(inst)
            if base > 0:
                extra = (f" ({100 * p.emissions_cap_fraction_of_baseline:.4g}% of the grid-only "
                         f"baseline; at least {100 * best_t / base:.1f}%)")
        message = (f"{target.label} {goal_t / years:,.6g} t/yr is infeasible: at least "
                   f"{best_t / years:,.6g} t/yr is reachable {context}{extra} ({why})")
    else:
        message = (f"{target.label} is infeasible: market-based emissions of at least "
                   f"{best_t / years:,.6g} t/yr remain {context} ({why})")
    return TargetFinding(target.policy, target.label, goal_t / years, best_t / years, "t/yr",
                         shortfall, alone, binding, message)


# -- the diagnosis ----------------------------------------------------------------------------
def diagnose(
    inst: Instance,
    m: pyo.ConcreteModel,
    reg: Registry,
    run: SolverRun,
    options: Mapping[str, Any],
    time_limit_s: float | None = None,
    scale: bool | None = DEFAULT_SCALE,
    explain: bool = True,
    iis: bool | None = None,
) -> Diagnosis:
    """The diagnosis of a run that did not end optimal (see the module doc)."""
    status = run.status
    if status in FAILED_FOR_DIAGNOSIS:
        if not explain:
            return Diagnosis(status, "not_explained",
                             f"{inst.source}: the LP is {status.replace('_', ' ')} "
                             "(not explained: solve(..., explain=False))")
        return _explain(inst, m, reg, run, options, time_limit_s, scale, iis)
    if status == "numerical_error":
        return _numerical(inst, m, run)
    return Diagnosis(status, *_other(inst, run, status, time_limit_s))


def _other(
    inst: Instance, run: SolverRun, status: str, time_limit_s: float | None
) -> tuple[str, str]:
    src = inst.source
    if status == "time_limit":
        return "limit", (f"{src}: HiGHS stopped at the time limit ({time_limit_s} s) before "
                         "reaching an optimum: raise --time-limit, or shorten the horizon "
                         "(time.hours, time.representative_periods)")
    if status == "iteration_limit":
        return "limit", f"{src}: HiGHS stopped at its iteration limit before reaching an optimum"
    if status == "interrupted":
        return "limit", f"{src}: the solve was interrupted"
    if status == "unbounded":
        return "unbounded", _unbounded_message(inst, run)
    return "solver", (f"{src}: HiGHS ended without an answer (status {status}); try "
                      "--solver-option solver=simplex")


def _unbounded_message(inst: Instance, run: SolverRun) -> str:
    lp = run.compiled.lp
    free = np.flatnonzero((lp.cost < 0) & ~np.isfinite(lp.col_upper))
    names = sorted({run.columns[j].parent_component().name for j in free})
    hint = f" (unlimited variables with a negative cost: {', '.join(names)})" if names else ""
    return (f"{inst.source}: the cost can fall without limit{hint}: check negative prices "
            "without an import or export limit")


def _numerical(inst: Instance, m: pyo.ConcreteModel, run: SolverRun) -> Diagnosis:
    check = run.lp_run.check
    assert check is not None
    namer = Namer(inst, m)
    lp = run.compiled.lp
    assert run.lp_run.x is not None
    parts = []
    i = check.worst_row()
    if i is not None and check.row_violation[i] > check.row_tolerance[i]:
        parts.append(f"{namer.name(run.rows[i].constraint)} violated by "
                     f"{check.row_violation[i]:.3g} (allowed {check.row_tolerance[i]:.3g}); "
                     f"{check.bad_rows.size} rows violated")
    j = check.worst_col()
    if j is not None and check.col_violation[j] > check.col_tolerance[j]:
        parts.append(f"{namer.name(run.columns[j])} = {run.lp_run.x[j]:.6g} outside "
                     f"[{lp.col_lower[j]:.6g}, {lp.col_upper[j]:.6g}]; "
                     f"{check.bad_cols.size} bounds violated")
    message = (f"{inst.source}: HiGHS returned a solution that violates the constraints beyond "
               f"the tolerance ({check.tolerance:g} relative), even after a retry with "
               f"crossover: {'; '.join(parts)}. Refused. Check the inputs for extreme values, "
               "or try --solver-option solver=simplex")
    if run.warnings:
        message += " (" + "; ".join(run.warnings) + ")"
    return Diagnosis("numerical_error", "numerical", message)


def _explain(
    inst: Instance,
    m: pyo.ConcreteModel,
    reg: Registry,
    run: SolverRun,
    options: Mapping[str, Any],
    time_limit_s: float | None,
    scale: bool | None,
    iis: bool | None,
) -> Diagnosis:
    compiled = run.compiled
    lp = compiled.lp
    namer = Namer(inst, m)
    src = inst.source
    resolves = 0

    def solve(problem: LinearProgram) -> LpRun:
        nonlocal resolves
        resolves += 1
        return solve_lp(problem, options, time_limit_s, scale=scale)

    status = run.status
    if status == "infeasible_or_unbounded":
        feasibility = lp.copy()
        feasibility.cost[:] = 0.0
        feasible = solve(feasibility).status
        if feasible == "optimal":
            return Diagnosis("unbounded", "unbounded", _unbounded_message(inst, run),
                             resolves=resolves)
        if feasible == "infeasible":
            status = "infeasible"

    hard = _hard_targets(reg, compiled, m)
    index = _limit_index(compiled, namer) if hard else None
    findings: list[TargetFinding] = []
    incomplete: list[str] = []
    structural = not hard

    def relax(t: _Target, hold: bool) -> LpRun:
        """Solve with target ``t`` relaxed; the other hard targets dropped or held."""
        return solve(_relaxed(lp, t, [o for o in hard if o is not t], hold=hold))

    def short(t: _Target, res: LpRun, alone: bool) -> None:
        """Record ``t`` as failing if the relaxed optimum ``res`` leaves it short."""
        shortfall = float(res.x[t.col])
        if shortfall > SHORTFALL_TOLERANCE * max(1.0, abs(t.rhs)):
            assert index is not None
            findings.append(_finding(inst, t, shortfall, alone,
                                     binding_limits(res, index, inst, t.row)))

    for t in hard:
        res = relax(t, hold=False)
        if res.status in FAILED_FOR_DIAGNOSIS:
            structural = True
            break
        if res.status != "optimal" or res.x is None:
            incomplete.append(f"{t.label}: relaxed solve ended {res.status}")
            continue
        short(t, res, alone=True)

    cause = "targets"
    if not structural and not findings and len(hard) > 1:
        cause = "combination"
        for t in hard:
            res = relax(t, hold=True)
            if res.status == "optimal" and res.x is not None:
                short(t, res, alone=False)

    members: list[str] = []
    irreducible = False
    if structural or iis or (iis is None and not findings):
        members, irreducible = irreducible_subset(run.highs, compiled, namer, time_limit_s)
    shown = "; ".join(members[:IIS_SHOWN]) + (
        f"; ... ({len(members) - IIS_SHOWN} more)" if len(members) > IIS_SHOWN else "")
    what = "Irreducible infeasible" if irreducible else "Infeasible"
    iis_text = f" {what} subset (HiGHS): {shown}." if members else ""

    if structural:
        what = ("even with every hard policy target relaxed" if hard
                else "and no hard policy target is set")
        message = (f"{src}: the LP is infeasible {what}: the resources' own limits conflict "
                   f"(e.g. minimum capacities or minimum takes that force more supply than "
                   f"the demand, storage and exports can absorb).{iis_text}")
        return Diagnosis(status, "structural", message, [], members, irreducible, resolves)
    if findings:
        if cause == "combination":
            names = " and ".join(t.label for t in hard)
            head = (f"{src}: {names} can each be met alone but not all together; relaxing one "
                    "at a time: ")
        else:
            head = f"{src}: "
        message = head + "; ".join(f.message for f in findings) + "." + iis_text
        return Diagnosis(status, cause, message, findings, members, irreducible, resolves)
    if cause == "combination":
        names = " and ".join(t.label for t in hard)
        message = (f"{src}: {names} can each be met alone but not all together, and relaxing "
                   f"any single one is not enough.{iis_text}")
        return Diagnosis(status, cause, message, [], members, irreducible, resolves)
    note = f" ({'; '.join(incomplete)})" if incomplete else ""
    message = (f"{src}: HiGHS reports the LP infeasible, but every hard target is reachable "
               f"to within {SHORTFALL_TOLERANCE:g} relative: the instance is on the edge of "
               f"feasibility; loosen a target slightly.{note}{iis_text}")
    return Diagnosis(status, "borderline", message, [], members, irreducible, resolves)


def explain_infeasibility(
    inst: Instance,
    solver_options: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    iis: bool | None = None,
    scale: bool | None = DEFAULT_SCALE,
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
    options = {**DEFAULT_SOLVER_OPTIONS, **dict(solver_options or {})}
    check_solver_options(options, time_limit_s)
    m, reg = build_model(inst)
    run = run_highs(m, options, time_limit_s, scale=scale)
    if run.status == "optimal":
        return None
    return diagnose(inst, m, reg, run, options, time_limit_s, scale=scale, iis=iis)
