"""The shared core of the LP: the term registry and the row-building helpers.

Resource modules (one per kind of the catalogue: :mod:`~planner.model.fusion`,
:mod:`~planner.model.solar`, :mod:`~planner.model.storage`, :mod:`~planner.model.grid`) each
expose ``add(m, reg, inst)``, which creates a block named after the resource kind and
*registers* its hourly terms and cost terms here. :mod:`planner.model.build` writes the
balance (label ``power_balance``) and the objective (label ``objective``) once, from the
registry, after every module has run. Policies (:mod:`~planner.model.policies`) read only
registry terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyomo.core.expr.numeric_expr import LinearExpression

from planner.inputs.instance import Instance

TIE_BREAK_USD_PER_UNIT_YR = 1.0
"""Cost per MW (or MWh) and year given to a capacity that costs nothing (label ``tie_break``):
small against any real capacity cost (1e4-1e5 $/MW-yr) yet enough to make the least capacity
the unique optimum."""

TIE_BREAK_USD_PER_MWH = 1e-3
"""Cost per MWh discharged given to a storage that costs nothing: a free lossless store could
otherwise charge and discharge in every hour at no cost."""


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

    def columns(self, hours: int) -> tuple[np.ndarray, list[Any]]:
        """(coefficient in each hour, variable in each hour): the term as arrays."""
        coef = np.ones(hours) if self.coef is None else np.asarray(self.coef, dtype=float)
        if self.scalar:
            return coef, [self.var] * hours
        return coef, hourly_vars(self.var, self.key)

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
    on_site: bool = False
    """Delivered behind the meter (lowers the metered import, docs/formulation.md [tariff])."""


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
    on_site_supply: list[HourlyTerm] = field(default_factory=list)
    """Supply delivered behind the meter, MW: lowers the metered import ([tariff])."""
    on_site_withdrawal: list[HourlyTerm] = field(default_factory=list)
    """Withdrawal behind the meter (on-site storage charging), MW: raises the metered import."""
    costs: list[CostTerm] = field(default_factory=list)
    available: list[Available] = field(default_factory=list)
    """Must-pay carbon-free sources, turned into supply by :mod:`planner.model.available`."""
    dispatch: dict[str, Callable[[], np.ndarray]] = field(default_factory=dict)
    """Hourly result columns, evaluated after the solve."""
    capacity: list[Callable[[], dict[str, Any]]] = field(default_factory=list)
    """Rows of the capacity table, evaluated after the solve."""
    duals: dict[str, Any] = field(default_factory=dict)
    """Constraints whose dual is reported, by result name."""
    capacity_notes: dict[str, dict[str, float]] = field(default_factory=dict)
    """Extra columns of a resource's capacity row (a firm offer's ``annual_availability``)."""
    on_site: set[str] = field(default_factory=set)
    """Resources delivered behind the meter: their energy is also worth the metered-import
    price (the tariff's marginal charges) in the reduced costs."""
    reduced_costs: dict[str, Callable[[np.ndarray, dict[str, float]], tuple[float, float]]] = field(
        default_factory=dict
    )
    """Per resource: (hourly marginal cost $/MWh, policy shadow prices) -> reduced cost of one
    more MW, in $/MW-yr and $/MWh of deliverable energy."""
    shortfalls: dict[str, Any] = field(default_factory=dict)
    """Shortfall variable of each policy, by policy name."""
    warnings: list[str] = field(default_factory=list)
    """What the build had to decide for the user (e.g. a free resource's tie-breaking cost)."""

    def add_cost(self, kind: str, resource: str, component: str, expr: Any) -> None:
        self.costs.append(CostTerm(kind, resource, component, expr))

    def add_tie_break(self, kind: str, resource: str, var: Any, unit: str) -> None:
        """A capacity that costs nothing: any amount up to its limit is optimal and interior
        point returns one from the middle of that set. A cost of :data:`TIE_BREAK_USD_PER_UNIT_YR`
        per unit and year (label ``tie_break``) makes the least capacity the optimum among equal
        costs; the result warns about it."""
        # label: tie_break
        years = self.inst.horizon_years
        self.add_cost(kind, resource, "tie_break", TIE_BREAK_USD_PER_UNIT_YR * years * var)
        self.warnings.append(
            f"{kind}[{resource}] {var.parent_component().local_name} costs nothing: any amount "
            f"is as cheap as the least, so the least {unit} that serves is reported (a "
            f"tie-breaking cost of {TIE_BREAK_USD_PER_UNIT_YR:g} $/{unit}-yr, docs/formulation.md "
            "[tie_break]); give it a cost if it has one"
        )

    @property
    def has_tie_breaks(self) -> bool:
        """Whether some capacity costs nothing and got a tie-breaking cost."""
        return any(c.component == "tie_break" for c in self.costs)

    def weighted_sum(self, terms: list[HourlyTerm]) -> LinearExpression:
        """``sum_h w_h * sum(terms)(h)``: the horizon total of hourly terms (MWh or t).

        Built from arrays as one linear expression; a capacity term (``scalar``) collapses
        to one coefficient, and hours whose coefficient is 0 are left out.
        """
        w = self.inst.weights
        coefs: list[float] = []
        variables: list[Any] = []
        for term in terms:
            coef, column = term.columns(self.inst.hours)
            coef = w * coef
            if term.scalar:
                coefs.append(float(coef.sum()))
                variables.append(term.var)
                continue
            nonzero = np.flatnonzero(coef)
            coefs.extend(coef[nonzero].tolist())
            variables.extend(column[i] for i in nonzero)
        return LinearExpression(linear_coefs=coefs, linear_vars=variables)

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


def hourly_vars(var: Any, key: str | None = None) -> list[Any]:
    """The variables of an hourly variable (indexed by hour, or by (key, hour)) in hour order."""
    if key is None:
        return list(var.values())
    return [v for index, v in var.items() if index[0] == key]


def linear_rows(columns: list[tuple[np.ndarray, list[Any]]]) -> list[LinearExpression]:
    """One linear expression per hour: ``sum_c coef_c[h] * var_c[h]`` over the columns.

    Each column is (coefficient per hour, variable per hour), as from
    :meth:`HourlyTerm.columns`. Zero coefficients are left out. Building rows from arrays
    this way skips Pyomo's operator overloading, which dominated the build time.
    """
    if not columns:
        return []
    coefs = [np.asarray(c, dtype=float).tolist() for c, _ in columns]
    variables = [v for _, v in columns]
    rows = []
    for h in range(len(coefs[0])):
        pairs = [(c[h], v[h]) for c, v in zip(coefs, variables, strict=True) if c[h] != 0.0]
        rows.append(
            LinearExpression(linear_coefs=[c for c, _ in pairs], linear_vars=[v for _, v in pairs])
        )
    return rows


def negated(column: tuple[np.ndarray, list[Any]]) -> tuple[np.ndarray, list[Any]]:
    """A column of :func:`linear_rows` with its coefficients negated."""
    return -np.asarray(column[0], dtype=float), column[1]


def var_values(var: Any, key: str | None = None) -> np.ndarray:
    """Values of an hourly variable (indexed by hour, or by (key, hour)) as an array."""
    if key is None:
        return np.fromiter((v.value for v in var.values()), dtype=float, count=len(var))
    column = hourly_vars(var, key)
    return np.fromiter((v.value for v in column), dtype=float, count=len(column))
