"""Build the LP of an instance: every resource kind of the catalogue, the must-pay sources,
the demand, the balance, the policies and the objective.

:data:`BUILDERS` holds the ``add(m, reg, inst)`` of every kind of
:data:`planner.inputs.catalogue.KINDS`; importing this module fails if one is missing, so a
new kind cannot be left out of the model silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pyomo.environ as pyo
from pyomo.common.dependencies import scipy_available
from pyomo.common.gc_manager import PauseGC

from planner.inputs.catalogue import KINDS
from planner.inputs.instance import Instance
from planner.model import (
    available,
    certificates,
    clean_firm,
    flexibility,
    fusion,
    grid,
    policies,
    solar,
    storage,
    tariff,
    wind,
)
from planner.model.core import HourlyTerm, Registry, linear_rows, negated, var_values

# Pyomo imports scipy (and its submodules) lazily, at the first compilation of a model for
# HiGHS: ~2 s once per process, which would otherwise be counted in the first solve's
# hand-off. Import it with the model; `make bench` reports the import time separately.
bool(scipy_available)

Builder = Callable[[pyo.ConcreteModel, Registry, Instance], None]

BUILDERS: Mapping[str, Builder] = {
    "fusion": fusion.add,
    "clean_firm": clean_firm.add,
    "solar": solar.add,
    "wind": wind.add,
    "storage": storage.add,
    "grid": grid.add,
    "certificates": certificates.add,
}
"""The model builder of each kind, by catalogue key."""

_missing = [k.key for k in KINDS if k.key not in BUILDERS]
_extra = sorted(set(BUILDERS) - {k.key for k in KINDS})
if _missing or _extra:
    raise RuntimeError(
        f"model builders and resource catalogue differ: no builder for {_missing}, "
        f"builders of unknown kinds {_extra}"
    )

FORMULATIONS = ("lean", "naive")


def build_model(inst: Instance, formulation: str = "lean") -> tuple[pyo.ConcreteModel, Registry]:
    """Build the LP of ``inst``: every resource module, the balance, the policies, the objective.

    ``formulation`` selects how must-pay sources reach the balance (``lean``: one shared
    curtailment variable per hour; ``naive``: a generation variable and row per resource and
    hour). Both have the same optimum; ``lean`` is smaller. Returns the model and the registry
    from which results are read.
    """
    if formulation not in FORMULATIONS:
        raise ValueError(f"formulation must be one of {FORMULATIONS}, got {formulation!r}")
    # The build creates ~10 objects per row and column; Python's cyclic garbage collector,
    # triggered by allocations, then scans them again and again (measured: a third of the
    # build time). Pyomo's own writers pause it the same way.
    with PauseGC():
        return _build(inst, formulation)


def _build(inst: Instance, formulation: str) -> tuple[pyo.ConcreteModel, Registry]:
    m = pyo.ConcreteModel(name=inst.name)
    reg = build_into(m, inst, formulation)
    # label: objective -- minimise the sum of every registered cost term
    m.objective = pyo.Objective(expr=total_cost(reg), sense=pyo.minimize)
    return m, reg


def total_cost(reg: Registry) -> Any:
    """The sum of every cost term registered (the objective of one instance, USD)."""
    return pyo.quicksum(c.expr for c in reg.costs)


def build_into(m: pyo.Block, inst: Instance, formulation: str = "lean") -> Registry:
    """Every component of ``inst``'s LP but the objective, on ``m``: a model, or a block of a
    larger one (a scenario, a period or a site of :mod:`planner.composite`); returns its
    registry."""
    if formulation not in FORMULATIONS:
        raise ValueError(f"formulation must be one of {FORMULATIONS}, got {formulation!r}")
    m.T = pyo.RangeSet(0, inst.hours - 1)
    reg = Registry(inst)
    for k in KINDS:
        BUILDERS[k.key](m, reg, inst)
    available.add(m, reg, inst, lean=formulation == "lean")
    flexibility.add(m, reg, inst)

    load = inst.spec.demand.load_mw
    voll = inst.spec.demand.value_of_lost_load_usd_per_mwh

    # label: unserved_energy -- 0 <= unserved_mw[h], paid at the value of lost load
    m.unserved_mw = pyo.Var(m.T, bounds=(0, None))
    unserved = HourlyTerm(m.unserved_mw)
    reg.add_cost(
        "demand",
        "datacenter",
        "unserved_energy",
        voll * reg.weighted_sum([unserved]),
    )
    reg.dispatch["demand_mw"] = lambda: load.copy()
    reg.dispatch["unserved_mw"] = lambda: var_values(m.unserved_mw)

    # label: power_balance -- sum(supply) - sum(withdrawal) + unserved = load, every hour
    n = inst.hours
    rows = linear_rows(
        [t.columns(n) for t in reg.supply]
        + [negated(t.columns(n)) for t in reg.withdrawal]
        + [unserved.columns(n)]
    )
    load_list = np.asarray(load, dtype=float).tolist()
    m.power_balance = pyo.Constraint(m.T, rule=lambda m, h: rows[h] == load_list[h])
    reg.duals["power_balance"] = m.power_balance

    tariff.add(m, reg, inst)
    policies.add(m, reg, inst)
    return reg
