"""Several instances in one LP: each a block built as a model of its own, linked by shared
first-stage capacities. The scenario axis (:mod:`planner.stochastic`) is built on it.

A *case* is a resolved :class:`~planner.inputs.instance.Instance` (an outcome) and its weight in
the objective (a probability). Block ``m.case[k]`` holds case k's whole model but its
objective (:func:`planner.model.build.build_into`); its cost is the sum of its registered cost
terms. :func:`link_capacities` makes the first-stage capacities equal in every block (the
non-anticipativity rows ``first_stage_equal``), so a variable of block 0 is the decision.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from planner.inputs.catalogue import KINDS
from planner.inputs.instance import Instance
from planner.model.build import build_into, total_cost
from planner.model.core import Registry
from planner.results.caps import cap_table
from planner.results.extract import extract, tie_break_usd
from planner.results.result import Result
from planner.solver.run import SolverRun


@dataclass(frozen=True)
class Case:
    """One block of a composite model."""

    name: str
    inst: Instance
    weight: float
    """Weight of the case's cost in the objective (its probability)."""


@dataclass
class Composite:
    """A built composite model: the model, its cases, their blocks and registries."""

    m: pyo.ConcreteModel
    cases: list[Case]
    blocks: list[Any]
    regs: list[Registry]

    def cost(self, k: int) -> Any:
        """Case k's cost over its horizon, USD (an expression)."""
        return total_cost(self.regs[k])


def build_cases(name: str, cases: list[Case], formulation: str = "lean") -> Composite:
    """One block per case on a new model (no objective yet)."""
    m = pyo.ConcreteModel(name=name)
    m.case = pyo.Block(range(len(cases)))
    with PauseGC():
        regs = [build_into(m.case[k], c.inst, formulation) for k, c in enumerate(cases)]
    return Composite(m, cases, [m.case[k] for k in range(len(cases))], regs)


def first_stage_vars(block: Any, names: set[str]) -> Iterator[tuple[str, str, Any]]:
    """(kind key, resource, variable) of every capacity of the resources ``names`` in
    ``block``: the variables of the catalogue's limits indexed by resource alone."""
    for k in KINDS:
        sub = getattr(block, k.key, None)
        if sub is None or not k.many:
            continue
        for limit in k.limits:
            var = getattr(sub, limit.variable, None)
            if var is None or var.dim() != 1:
                continue
            for resource, data in var.items():
                if resource in names:
                    yield k.key, str(resource), data


def link_capacities(comp: Composite, names: set[str]) -> None:
    """``first_stage_equal``: each capacity of the resources ``names`` equal in every block to
    its value in block 0."""
    # label: first_stage_equal
    first = {
        (kind, r, data.parent_component().local_name): data
        for kind, r, data in first_stage_vars(comp.blocks[0], names)
    }
    rows = []
    for block in comp.blocks[1:]:
        for kind, r, data in first_stage_vars(block, names):
            rows.append(data == first[(kind, r, data.parent_component().local_name)])
    comp.m.first_stage_equal = pyo.Constraint(range(len(rows)), rule=lambda _, i: rows[i])


FIX_BAND = 1e-9
"""Relative (and absolute, MW or MWh) half-width of the band a capacity is held in by
:func:`fix_capacities`: fixing at the exact value of an interior-point solution can make a
row of fixed variables alone (a storage duration ratio) infeasible by 1e-12, which Pyomo
refuses before the solver sees it."""


def fix_capacities(
    comp: Composite, values: dict[tuple[str, str, str], float]
) -> list[tuple[Any, Any, Any]]:
    """Hold the first-stage capacities of block 0 (by (kind, resource, variable)) at
    ``values``, within :data:`FIX_BAND`: the plan is given, only the second stage is
    optimised. Returns what :func:`release_capacities` needs to restore the bounds."""
    saved = []
    for kind, r, data in first_stage_vars(comp.blocks[0], {r for _, r, _ in values}):
        key = (kind, r, data.parent_component().local_name)
        if key in values:
            value = values[key]
            band = FIX_BAND * (abs(value) + 1.0)
            saved.append((data, data.lb, data.ub))
            low = value - band if data.lb is None else max(data.lb, value - band)
            high = value + band if data.ub is None else min(data.ub, value + band)
            data.setlb(min(low, high))
            data.setub(high)
    return saved


def release_capacities(saved: list[tuple[Any, Any, Any]]) -> None:
    """Restore the bounds :func:`fix_capacities` changed."""
    for data, lb, ub in saved:
        data.setlb(lb)
        data.setub(ub)


def capacities_of(block: Any, names: set[str]) -> dict[tuple[str, str, str], float]:
    """The solved first-stage capacities of ``block``."""
    return {
        (kind, r, data.parent_component().local_name): float(data.value or 0.0)
        for kind, r, data in first_stage_vars(block, names)
    }


def case_results(
    comp: Composite, run: SolverRun, options: dict[str, Any], with_caps: bool = True
) -> list[Result]:
    """Each case read back as the :class:`Result` of its instance: its own costs, and prices
    per unit of its own (the duals divided by the case's weight). ``with_caps`` False: no cap
    values (linked capacities carry their worth in the linking rows, not per case)."""
    started = time.perf_counter()
    out = []
    for k, (case, block, reg) in enumerate(zip(comp.cases, comp.blocks, comp.regs, strict=True)):
        rows: list[Any] = []
        for c in reg.duals.values():
            rows.extend(c.values() if c.is_indexed() else [c])
        scale = 1.0 / case.weight if case.weight > 0 else 0.0
        duals = {c: d * scale for c, d in run.duals(rows).items()}
        cost = float(pyo.value(comp.cost(k))) - tie_break_usd(reg)
        res = extract(
            case.inst,
            block,
            reg,
            objective_usd=cost,
            duals=duals,
            timings={},
            solver_options=options,
            baseline=None,
            model_stats=run.model_stats,
            caps=_scaled_caps(cap_table(case.inst, block, run), scale) if with_caps else None,
        )
        res.warnings = list(reg.warnings)
        out.append(res)
    for res in out:
        res.timings["extract_s"] = (time.perf_counter() - started) / max(len(out), 1)
    return out


def _scaled_caps(caps: Any, scale: float) -> Any:
    caps = caps.copy()
    for column in ("cap_value_usd_per_mw_yr", "cap_value_usd_per_mwh_yr"):
        caps[column] = caps[column] * scale
    return caps


def weighted(values: list[float], weights: list[float]) -> float:
    """The weighted sum of case values."""
    return float(np.dot(values, weights))
