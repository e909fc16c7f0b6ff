"""The portfolio's LP: every site a block of one model (:func:`planner.composite.build_cases`),
linked by what the buyer decides and claims for all of them (docs/formulation.md, "Several
sites: a portfolio").

Builds (labels): ``portfolio_contract_split`` (a contract serving several sites: one capacity,
the blocks' copies sum to it), ``load_moved_balance`` (what the sites send equals what they
take in, every hour, replacing each site's own row), ``load_moved_net_zero`` (optional: each
site takes in over the horizon what it sends), ``portfolio_hourly_cfe_target``,
``portfolio_budget`` and ``portfolio_objective``. The sites' floors are their own
``hourly_cfe_target`` rows (the loader sets each to its ``cfe_floor``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.composite import Case, Composite, build_cases, first_stage_vars
from planner.inputs.catalogue import KINDS
from planner.model.core import HourlyTerm, Registry, hourly_vars, linear_rows
from planner.model.flexibility import unlink_site
from planner.portfolio.load import Portfolio

PENALTY = "shortfall_penalty"
TIE_BREAK = "tie_break"


@dataclass
class PortfolioModel:
    """The built LP: the composite of site blocks and the portfolio's own rows."""

    comp: Composite
    target: Any = None
    """The portfolio target's row (None without a target)."""
    shortfall: Any = None
    budget: Any = None
    moving: list[int] = field(default_factory=list)
    """Blocks whose load may move to other sites (linked by ``load_moved_balance``)."""
    notes: list[str] = field(default_factory=list)

    def cost(self, k: int) -> Any:
        return self.comp.cost(k)


def load_mwh(inst: Any) -> float:
    """The original load of a site over the horizon, MWh (the denominators stay it)."""
    return float((inst.weights * np.asarray(inst.spec.demand.load_mw, dtype=float)).sum())


def clean_mwh(reg: Registry) -> Any:
    """A site's hourly CFE numerator over the horizon: clean supply less withdrawal, MWh."""
    return reg.weighted_sum(reg.clean_supply) - reg.weighted_sum(reg.withdrawal)


def build_portfolio(pf: Portfolio, formulation: str = "lean") -> PortfolioModel:
    """Every site's block, the links between them, the portfolio target, budget and objective."""
    cases = [Case(s.name, s.inst, 1.0) for s in pf.sites]
    comp = build_cases(pf.name, cases, formulation)
    model = PortfolioModel(comp)
    _contract_split(model, pf)
    _moved_load(model, pf)
    _target(model, pf)
    _budget(model, pf)
    # label: portfolio_objective -- every site's costs plus the portfolio's shortfall penalty
    total = pyo.quicksum(comp.cost(k) for k in range(len(cases)))
    penalty = pf.spec.policy.hourly_cfe_penalty_usd_per_mwh
    if model.shortfall is not None and penalty is not None:
        total = total + penalty * model.shortfall
    comp.m.objective = pyo.Objective(expr=total, sense=pyo.minimize)
    return model


def _contract_split(model: PortfolioModel, pf: Portfolio) -> None:
    """``portfolio_contract_split``: min <= sum over the sites of the capacity copies <= max."""
    comp = model.comp
    index = {s.name: k for k, s in enumerate(pf.sites)}
    rows: list[Any] = []
    for c in pf.spec.contracts:
        if len(c.sites) < 2:
            continue
        schema = next(k.schema for k in KINDS if k.key == c.kind)
        item: Any = schema.model_validate({**c.item, "name": c.name})
        copies = [
            var
            for site in c.sites
            for _, _, var in first_stage_vars(comp.blocks[index[site]], {c.name})
        ]
        total = pyo.quicksum(copies)
        # label: portfolio_contract_split -- min <= sum_s capacity_s <= max
        if item.max_capacity_mw is not None:
            rows.append(total <= float(item.max_capacity_mw))
        if item.min_capacity_mw > 0:
            rows.append(total >= float(item.min_capacity_mw))
    comp.m.contract_split = pyo.Constraint(range(len(rows)), rule=lambda _, i: rows[i])


def _moved_load(model: PortfolioModel, pf: Portfolio) -> None:
    """``load_moved_balance`` over the sites that may move load, ``load_moved_net_zero``."""
    comp = model.comp
    model.moving = [
        k
        for k, b in enumerate(comp.blocks)
        if hasattr(getattr(b, "flexibility", None), "moved_in_mw")
    ]
    if len(model.moving) < 2:
        if model.moving:
            model.notes.append(
                "only one site may move load (flexibility.spatial_share): nothing moves"
            )
        return
    n = pf.sites[0].inst.hours
    columns = []
    for k in model.moving:
        b = comp.blocks[k].flexibility
        unlink_site(b, comp.regs[k])
        columns += [
            (np.ones(n), hourly_vars(b.moved_in_mw)),
            (-np.ones(n), hourly_vars(b.moved_out_mw)),
        ]
    # label: load_moved_balance -- sum_s moved_in[s, h] = sum_s moved_out[s, h], every hour
    rows = linear_rows(columns)
    comp.m.T = pyo.RangeSet(0, n - 1)
    comp.m.moved_balance = pyo.Constraint(comp.m.T, rule=lambda _, h: rows[h] == 0.0)
    if not pf.spec.net_zero_shift:
        return

    def net(k: int) -> Any:
        b, reg = comp.blocks[k].flexibility, comp.regs[k]
        return reg.weighted_sum([HourlyTerm(b.moved_in_mw)]) - reg.weighted_sum(
            [HourlyTerm(b.moved_out_mw)]
        )

    # label: load_moved_net_zero -- sum_h w_h moved_in[s, h] = sum_h w_h moved_out[s, h]
    comp.m.moved_net_zero = pyo.Constraint(model.moving, rule=lambda _, k: net(k) == 0.0)


def _target(model: PortfolioModel, pf: Portfolio) -> None:
    """``portfolio_hourly_cfe_target``: sum_s clean_s + shortfall >= x * sum_s load_s."""
    policy = pf.spec.policy
    if policy.hourly_cfe_target is None:
        return
    m, regs = model.comp.m, model.comp.regs
    soft = policy.hourly_cfe_penalty_usd_per_mwh is not None
    m.portfolio_cfe_shortfall_mwh = pyo.Var(bounds=(0.0, None if soft else 0.0))
    model.shortfall = m.portfolio_cfe_shortfall_mwh
    demand = sum(load_mwh(s.inst) for s in pf.sites)
    # label: portfolio_hourly_cfe_target
    m.portfolio_hourly_cfe_target = pyo.Constraint(
        expr=pyo.quicksum(clean_mwh(r) for r in regs) + model.shortfall
        >= policy.hourly_cfe_target * demand
    )
    model.target = m.portfolio_hourly_cfe_target


def spend(reg: Registry) -> Any:
    """A site's cost less its policy penalties and tie-breaking costs: what the budget pays."""
    return pyo.quicksum(c.expr for c in reg.costs if c.component not in (PENALTY, TIE_BREAK))


def _budget(model: PortfolioModel, pf: Portfolio) -> None:
    """``portfolio_budget``: sum_s spend_s <= budget * Y."""
    budget = pf.spec.policy.budget_usd_per_yr
    if budget is None:
        return
    m = model.comp.m
    # label: portfolio_budget
    m.portfolio_budget = pyo.Constraint(
        expr=pyo.quicksum(spend(r) for r in model.comp.regs) <= budget * pf.horizon_years
    )
    model.budget = m.portfolio_budget
