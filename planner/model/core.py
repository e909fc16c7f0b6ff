"""The shared core of the LP: hour set, term registry, power balance, objective.

Resource modules (:mod:`~planner.model.fusion`, :mod:`~planner.model.solar`,
:mod:`~planner.model.storage`, :mod:`~planner.model.grid`) each expose ``add(m, reg, inst)``,
which creates a block named after the resource kind and *registers* its hourly terms and cost
terms here. The balance (label ``power_balance``) and the objective (label ``objective``) are
written once, from the registry, after every module has run. Policies
(:mod:`~planner.model.policies`) read only registry terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.inputs.instance import Instance


@dataclass(frozen=True)
class HourlyTerm:
    """``coef[h] * var[key, h]`` (or ``var[h]`` when ``key`` is None), in MW or t/h.

    With ``scalar=True`` the variable is not hourly: the term is ``coef[h] * var``, e.g. the
    energy a capacity makes available each hour.
    """

    var: Any
    key: str | None = None
    coef: np.ndarray | None = None
    scalar: bool = False

    def at(self, h: int) -> Any:
        """Pyomo expression of the term in hour ``h``."""
        if self.scalar:
            assert self.coef is not None
            return float(self.coef[h]) * self.var
        v = self.var[h] if self.key is None else self.var[self.key, h]
        return v if self.coef is None else float(self.coef[h]) * v

    def values(self) -> np.ndarray:
        """Solved value in every hour."""
        if self.scalar:
            assert self.coef is not None
            return self.coef * float(self.var.value)
        x = var_values(self.var, self.key)
        return x if self.coef is None else self.coef * x


@dataclass(frozen=True)
class Available:
    """Carbon-free energy a resource makes available each hour, paid whether used or not.

    ``coef[h] * capacity`` MW in hour h (a take-or-pay fusion contract, a solar plant). The
    core decides how it reaches the balance: one shared curtailment variable (``lean``) or a
    generation variable per resource (``naive``); see :func:`planner.model.available.add`.
    """

    kind: str
    name: str
    capacity: Any
    coef: np.ndarray


@dataclass(frozen=True)
class CostTerm:
    """One row of the cost table: a linear expression in USD over the modelled horizon."""

    kind: str
    resource: str
    component: str
    expr: Any


@dataclass
class Registry:
    """Terms that resource modules register and that the balance, policies and results read.

    Hourly term lists (all per modelled hour):

    - ``supply``: power into the datacenter's bus, MW;
    - ``withdrawal``: power out of the bus other than the demand, MW;
    - ``clean_supply``: carbon-free part of the supply, MW (hourly CFE score);
    - ``procured_clean``: carbon-free generation the buyer contracts or owns, MW (annual
      matching);
    - ``emissions_location_t``: location-based emissions, t per hour;
    - ``emissions_market_t``: market-based emissions (exports credited), t per hour.
    """

    inst: Instance
    supply: list[HourlyTerm] = field(default_factory=list)
    withdrawal: list[HourlyTerm] = field(default_factory=list)
    clean_supply: list[HourlyTerm] = field(default_factory=list)
    procured_clean: list[HourlyTerm] = field(default_factory=list)
    emissions_location_t: list[HourlyTerm] = field(default_factory=list)
    emissions_market_t: list[HourlyTerm] = field(default_factory=list)
    costs: list[CostTerm] = field(default_factory=list)
    available: list[Available] = field(default_factory=list)
    """Must-pay carbon-free sources, turned into supply by :mod:`planner.model.available`."""
    dispatch: dict[str, Callable[[], np.ndarray]] = field(default_factory=dict)
    """Hourly result columns, evaluated after the solve."""
    capacity: list[Callable[[], dict[str, Any]]] = field(default_factory=list)
    """Rows of the capacity table, evaluated after the solve."""
    duals: dict[str, Any] = field(default_factory=dict)
    """Constraints whose dual is reported, by result name."""
    reduced_costs: dict[str, Callable[[np.ndarray, dict[str, float]], tuple[float, float]]] = (
        field(default_factory=dict)
    )
    """Per resource: (hourly marginal cost $/MWh, policy shadow prices) -> reduced cost of one
    more MW, in $/MW-yr and $/MWh of deliverable energy."""
    shortfalls: dict[str, Any] = field(default_factory=dict)
    """Shortfall variable of each policy, by policy name."""

    def add_cost(self, kind: str, resource: str, component: str, expr: Any) -> None:
        self.costs.append(CostTerm(kind, resource, component, expr))

    def weighted_sum(self, terms: list[HourlyTerm]) -> Any:
        """``sum_h w_h * sum(terms)(h)``: the horizon total of hourly terms (MWh or t)."""
        w = self.inst.weights
        return pyo.quicksum(
            float(w[h]) * term.at(h) for term in terms for h in range(self.inst.hours)
        )

    def weighted_values(self, terms: list[HourlyTerm]) -> float:
        """Solved horizon total of hourly terms."""
        return float(sum((self.inst.weights * t.values()).sum() for t in terms))


def periods(inst: Instance) -> tuple[int, list[int] | None]:
    """(hours per period, sequence of original periods) of the time axis.

    Without representative periods the whole horizon is one period and there is no sequence.
    """
    time = inst.spec.time
    period_hours = getattr(time, "period_hours", None) or inst.hours
    return int(period_hours), getattr(time, "period_sequence", None)


def var_values(var: Any, key: str | None = None) -> np.ndarray:
    """Values of an hourly variable (indexed by hour, or by (key, hour)) as an array."""
    if key is None:
        return np.fromiter((v.value for v in var.values()), dtype=float, count=len(var))
    n = len(var.model().T)
    return np.fromiter((var[key, h].value for h in range(n)), dtype=float, count=n)


FORMULATIONS = ("lean", "naive")


def build_model(
    inst: Instance, formulation: str = "lean"
) -> tuple[pyo.ConcreteModel, Registry]:
    """Build the LP of ``inst``: every resource module, the balance, the policies, the objective.

    ``formulation`` selects how must-pay sources reach the balance (``lean``: one shared
    curtailment variable per hour; ``naive``: a generation variable and row per resource and
    hour). Both have the same optimum; ``lean`` is smaller. Returns the model and the registry
    from which results are read.
    """
    # Imported here: the modules import this one for HourlyTerm and Registry.
    from planner.model import available, fusion, grid, policies, solar, storage

    if formulation not in FORMULATIONS:
        raise ValueError(f"formulation must be one of {FORMULATIONS}, got {formulation!r}")
    m = pyo.ConcreteModel(name=inst.name)
    m.T = pyo.RangeSet(0, inst.hours - 1)
    reg = Registry(inst)
    for module in (fusion, solar, storage, grid):
        module.add(m, reg, inst)
    available.add(m, reg, inst, lean=formulation == "lean")

    load = inst.spec.demand.load_mw
    w = inst.weights
    voll = inst.spec.demand.value_of_lost_load_usd_per_mwh

    # label: unserved_energy -- 0 <= unserved_mw[h], paid at the value of lost load
    m.unserved_mw = pyo.Var(m.T, bounds=(0, None))
    reg.add_cost(
        "demand",
        "datacenter",
        "unserved_energy",
        pyo.quicksum((voll * float(w[h]) * m.unserved_mw[h] for h in m.T)),
    )
    reg.dispatch["demand_mw"] = lambda: load.copy()
    reg.dispatch["unserved_mw"] = lambda: var_values(m.unserved_mw)

    # label: power_balance -- sum(supply) - sum(withdrawal) + unserved = load, every hour
    supply, withdrawal = reg.supply, reg.withdrawal

    def balance_rule(m: Any, h: int) -> Any:
        return (
            sum(t.at(h) for t in supply) - sum(t.at(h) for t in withdrawal) + m.unserved_mw[h]
            == float(load[h])
        )

    m.power_balance = pyo.Constraint(m.T, rule=balance_rule)
    reg.duals["power_balance"] = m.power_balance

    policies.add(m, reg, inst)

    # label: objective -- minimise the sum of every registered cost term
    m.objective = pyo.Objective(
        expr=pyo.quicksum((c.expr for c in reg.costs)), sense=pyo.minimize
    )
    return m, reg
