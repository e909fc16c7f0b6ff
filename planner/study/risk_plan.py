"""Part 5 of the study: how many MW of fusion to sign before it is known whether the plant
comes on time, late or never (the two-stage plan of :mod:`planner.stochastic`).

For each site, one sweep (stored and resumable like every part): the *on-time plan* (the site
solved as if the plant were certain) and, for each set of probabilities of the study file, the
two-stage plan: the contracted MW and built capacities signed first, dispatch and recourse (solar
and wind added after the outcome, at a premium, after a lead time) in each outcome, a hard
policy in every outcome. "Late" is the plant missing ``late_years`` of the ``window_years`` the
modelled year stands for (a derate of that share of its energy); "never" is an operation date
beyond the horizon. With ``cvar_alpha`` the first set is also planned minimising expected cost
plus the CVaR of the outcomes' costs. Each two-stage plan is four solves of the three outcomes
together (the plan; EVPI's plan without penalties and its wait-and-see problem; the on-time
plan fixed in every outcome, for VSS) and one of the on-time outcome, about five times the
time of one solve each (measured in docs/performance.md): ``other_sets_prices_usd_per_mwh``
plans the sets after the first, and the CVaR plan, at fewer prices.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from planner.study.parts import Context, offer_price, price_path
from planner.study.risk_config import ProbabilitySet, RiskPlanPart
from planner.study.sites import PreparedSite

ON_TIME_PLAN = "on_time_plan"
NEVER_DATE = "2100-01-01 00:00"
"""The operation date of the plant that never delivers: after any modelled hour."""


def scenario_set(
    part: RiskPlanPart, site: PreparedSite, probs: ProbabilitySet, cvar: bool
) -> dict[str, Any]:
    """The instance's ``scenarios`` section for one set of probabilities."""
    offer = site.offer
    kinds = [k for k in ("solar", "wind") if getattr(site.instance.spec, k)]
    out: dict[str, Any] = {
        "cases": [
            {"name": "on_time", "probability": probs.on_time},
            {
                "name": "late",
                "probability": probs.late,
                "overrides": {f"fusion.{offer}.derate_share": part.late_years / part.window_years},
            },
            {
                "name": "never",
                "probability": probs.never,
                "overrides": {f"fusion.{offer}.commercial_operation_date": NEVER_DATE},
            },
        ],
        "targets": "per_scenario",
        "recourse": {
            "kinds": kinds,
            "premium_share": part.recourse_premium_share,
            "lead_time_h": part.recourse_lead_time_h,
        },
    }
    if cvar:
        assert part.cvar_alpha is not None
        out["risk"] = {"measure": "cvar", "alpha": part.cvar_alpha, "weight": 1.0}
    return out


def risk_plan_part(ctx: Context, site: PreparedSite) -> pd.DataFrame:
    """The on-time plan and one two-stage plan per probability set (and the CVaR plan):
    one row each, ``scenario`` naming it (``on_time_plan``, a set's name, ``<name>__cvar``)."""
    part = ctx.study.spec.risk_plan
    assert part is not None
    offer = site.offer
    fixed: dict[str, Any] = {"policy": part.policy.policy()}
    if part.penalty_usd_per_mwh > 0:
        start = site.instance.spec.time.start.isoformat(sep=" ", timespec="minutes")
        fixed |= {
            f"fusion.{offer}.contract_start_date": start,
            f"fusion.{offer}.delivery_penalty_usd_per_mwh": part.penalty_usd_per_mwh,
        }
    first, *others = part.probability_sets
    plans = [
        {"name": ON_TIME_PLAN, "overrides": {}},
        {"name": first.name, "overrides": {"scenarios": scenario_set(part, site, first, False)}},
    ]
    more = [
        {"name": p.name, "overrides": {"scenarios": scenario_set(part, site, p, False)}}
        for p in others
    ]
    if part.cvar_alpha is not None:
        more.insert(
            0,
            {
                "name": f"{first.name}__cvar",
                "overrides": {"scenarios": scenario_set(part, site, first, True)},
            },
        )
    base = offer_price(site)

    def priced(values: list[float | None]) -> list[float]:
        return list(dict.fromkeys(base if p is None else float(p) for p in values))

    prices = priced(part.prices_usd_per_mwh)
    at = (
        prices
        if part.other_sets_prices_usd_per_mwh is None
        else priced(part.other_sets_prices_usd_per_mwh)
    )
    description = f"{site.name}: fusion signed before the outcome"
    tables = [_plans(ctx, site, "risk_plan", fixed, prices, plans, f"{description}, {first.label}")]
    if more:
        tables.append(
            _plans(ctx, site, "risk_plan_sets", fixed, at, more, f"{description}, other sets")
        )
    return pd.concat(tables, ignore_index=True)


def _plans(
    ctx: Context,
    site: PreparedSite,
    name: str,
    fixed: dict[str, Any],
    prices: list[float],
    plans: list[dict[str, Any]],
    description: str,
) -> pd.DataFrame:
    """One sweep of ``plans`` at ``prices`` (stored under ``<out>/<site>/<name>/``)."""
    spec = {
        "description": description,
        "overrides": fixed,
        "parameters": [{"path": price_path(site), "values": prices}],
        "scenarios": plans,
    }
    return ctx.sweep(site, name, spec)
