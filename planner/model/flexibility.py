"""Flexible load: work deferred or advanced at the site, and load moved to other sites of a
portfolio (``docs/formulation.md``, "Flexible load"). Built only when ``demand.flexibility``
asks for some.

Builds (labels): ``flex_defer_le_share``, ``flex_increase_le_headroom``,
``flex_backlog_balance``, ``flex_delay_le_max``, ``flex_advance_le_max``,
``load_moved_le_share`` and ``load_moved_balance`` (this site alone: what it sends equals what
it takes in each hour, so nothing moves; :mod:`planner.portfolio` replaces the row by one over
every site), and a tie-breaking cost on shifted and moved energy.

Block ``m.flexibility``:

- ``deferred_mw[h] in [0, share * load[h]]``: work taken out of hour h;
- ``caught_up_mw[h] >= 0``: work added to hour h (deferred work served late, or work served in
  advance);
- ``backlog_mwh[h]`` (free): work deferred and not yet served (> 0), or served in advance
  (< 0), at the end of hour h; cyclic within each period (the whole horizon without periods);
- ``delay_le_max``: ``backlog[h] <= (1 - loss) * sum_{k=1..tau} caught_up[h + k]``;
  ``advance_le_max``: ``-backlog[h] <= sum_{k=1..tau_a} deferred[h + k]`` (hours wrap within
  the period);
- ``moved_out_mw[h] in [0, spatial_share * load[h]]``, ``moved_in_mw[h] >= 0``: load sent to
  and taken from the other sites of a portfolio in the same hour.

Registered like storage: ``deferred`` and ``moved_out`` as supply and clean supply (behind the
meter), ``caught_up`` and ``moved_in`` as withdrawal (behind the meter). So the balance serves
the load as it actually runs, the metered import follows it, and the hourly CFE numerator is
the original load less the fossil and unserved energy; the denominators of the CFE score, the
annual matching and the cost per MWh stay the original load ``demand.load_mw``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.inputs.flexibility import Flexibility
from planner.inputs.instance import Instance
from planner.model.core import (
    TIE_BREAK_USD_PER_MWH,
    HourlyTerm,
    Registry,
    hourly_vars,
    linear_rows,
    periods,
    var_values,
)

KIND = "demand"
RESOURCE = "flexibility"


def active(flex: Flexibility | None) -> bool:
    """Whether ``flex`` asks for any flexibility."""
    return flex is not None and (flex.share > 0 or flex.spatial_share > 0)


def capacity_mw(inst: Instance) -> float:
    """The installed IT capacity of the site: ``max_load_mw``, else the peak load."""
    flex = inst.spec.demand.flexibility
    load = np.asarray(inst.spec.demand.load_mw, dtype=float)
    if flex is not None and flex.max_load_mw is not None:
        return float(flex.max_load_mw)
    return float(load.max(initial=0.0))


def headroom_mw(inst: Instance) -> np.ndarray:
    """Work that hour h can take on above its own load: capacity less the load, >= 0."""
    load = np.asarray(inst.spec.demand.load_mw, dtype=float)
    return np.maximum(capacity_mw(inst) - load, 0.0)


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    """The flexible-load block of ``inst`` (nothing when its load is rigid)."""
    flex = inst.spec.demand.flexibility
    if flex is None or not active(flex):
        return
    b = m.flexibility = pyo.Block()
    load = np.asarray(inst.spec.demand.load_mw, dtype=float)
    headroom = headroom_mw(inst)
    over = int((load > capacity_mw(inst) * (1 + 1e-9)).sum())
    if over:
        reg.warnings.append(
            f"demand.flexibility.max_load_mw ({capacity_mw(inst):g} MW) is below the load in "
            f"{over} hours: no work is added in those hours"
        )
    temporal, spatial = flex.share > 0, flex.spatial_share > 0
    if temporal:
        _temporal(m, b, reg, inst, flex, load, None if spatial else headroom)
    if spatial:
        _spatial(m, b, reg, inst, flex, load, None if temporal else headroom)
    if temporal and spatial:
        # label: flex_increase_le_headroom (caught-up and moved-in work together)
        rows = linear_rows(
            [
                (np.ones(inst.hours), hourly_vars(b.caught_up_mw)),
                (np.ones(inst.hours), hourly_vars(b.moved_in_mw)),
            ]
        )
        limit = headroom.tolist()
        b.increase_le_headroom = pyo.Constraint(m.T, rule=lambda _, h: rows[h] <= limit[h])
    served = _served(b, load, temporal, spatial)
    reg.dispatch["demand_served_mw"] = served


def _temporal(
    m: pyo.ConcreteModel,
    b: Any,
    reg: Registry,
    inst: Instance,
    flex: Flexibility,
    load: np.ndarray,
    headroom: np.ndarray | None,
) -> None:
    """Deferral, catch-up and the backlog with its delay and advance limits."""
    n = inst.hours
    period_hours, _ = periods(inst)
    cap = (flex.share * load).tolist()
    # label: flex_defer_le_share -- 0 <= deferred[h] <= share * load[h] (a bound)
    b.deferred_mw = pyo.Var(m.T, bounds=lambda _, h: (0.0, cap[h]))
    # label: flex_increase_le_headroom -- caught_up[h] <= capacity - load[h] (a bound here)
    room = None if headroom is None else headroom.tolist()
    b.caught_up_mw = pyo.Var(m.T, bounds=lambda _, h: (0.0, None if room is None else room[h]))
    advance_h = _window(flex.advance_h, period_hours, "max_advance_h", reg)
    delay_h = _window(flex.max_delay_h, period_hours, "max_delay_h", reg)
    b.backlog_mwh = pyo.Var(m.T, bounds=(None if advance_h > 0 else 0.0, None))

    deferred = hourly_vars(b.deferred_mw)
    caught = hourly_vars(b.caught_up_mw)
    backlog = hourly_vars(b.backlog_mwh)
    ones = np.ones(n)
    keep = 1.0 - flex.loss_share
    hours = np.arange(n)
    start = hours - hours % period_hours

    def shifted(k: int) -> np.ndarray:
        """The hour k hours after each hour, wrapped within its period."""
        return start + (hours - start + k) % period_hours

    # label: flex_backlog_balance -- backlog[h] - backlog[h-1] - deferred[h] + keep * caught[h] = 0
    previous = [backlog[p] for p in shifted(-1)]
    rows = linear_rows(
        [(ones, backlog), (-ones, previous), (-ones, deferred), (keep * ones, caught)]
    )
    b.backlog_balance = pyo.Constraint(m.T, rule=lambda _, h: rows[h] == 0.0)

    # label: flex_delay_le_max -- backlog[h] <= keep * sum_{k=1..tau} caught_up[h + k]
    later = [(-keep * ones, [caught[i] for i in shifted(k)]) for k in range(1, delay_h + 1)]
    delay_rows = linear_rows([(ones, backlog), *later])
    b.delay_le_max = pyo.Constraint(m.T, rule=lambda _, h: delay_rows[h] <= 0.0)
    if advance_h > 0:
        # label: flex_advance_le_max -- -backlog[h] <= sum_{k=1..tau_a} deferred[h + k]
        ahead = [(-ones, [deferred[i] for i in shifted(k)]) for k in range(1, advance_h + 1)]
        advance_rows = linear_rows([(-ones, backlog), *ahead])
        b.advance_le_max = pyo.Constraint(m.T, rule=lambda _, h: advance_rows[h] <= 0.0)

    _register(reg, HourlyTerm(b.deferred_mw), HourlyTerm(b.caught_up_mw))
    # label: tie_break (shifted work) -- 1e-3 $/MWh deferred: the least shifting among equal costs
    reg.add_cost(
        KIND,
        RESOURCE,
        "tie_break",
        TIE_BREAK_USD_PER_MWH * reg.weighted_sum([HourlyTerm(b.deferred_mw)]),
    )
    reg.dispatch["demand_deferred_mw"] = lambda: var_values(b.deferred_mw)
    reg.dispatch["demand_caught_up_mw"] = lambda: var_values(b.caught_up_mw)
    reg.dispatch["demand_backlog_mwh"] = lambda: var_values(b.backlog_mwh)


def _spatial(
    m: pyo.ConcreteModel,
    b: Any,
    reg: Registry,
    inst: Instance,
    flex: Flexibility,
    load: np.ndarray,
    headroom: np.ndarray | None,
) -> None:
    """Load sent to and taken from other sites; alone, what is sent is taken back."""
    share = (flex.spatial_share * load).tolist()
    room = share if headroom is None else np.minimum(flex.spatial_share * load, headroom).tolist()
    # label: load_moved_le_share -- moved_out[h] <= s * load[h], moved_in[h] <= s * load[h]
    # and the headroom (bounds)
    b.moved_out_mw = pyo.Var(m.T, bounds=lambda _, h: (0.0, share[h]))
    b.moved_in_mw = pyo.Var(m.T, bounds=lambda _, h: (0.0, room[h]))
    # label: load_moved_balance -- this site alone: moved_in[h] = moved_out[h]
    b.moved_balance = pyo.Constraint(m.T, rule=lambda b, h: b.moved_in_mw[h] == b.moved_out_mw[h])
    reg.warnings.append(
        "demand.flexibility.spatial_share: load moves only between the sites of a portfolio "
        "(docs/portfolio.md); this instance alone has no other site, so nothing moves"
    )
    _register(reg, HourlyTerm(b.moved_out_mw), HourlyTerm(b.moved_in_mw))
    # label: tie_break (moved load) -- 1e-3 $/MWh sent: no load moves for nothing
    reg.add_cost(
        KIND,
        RESOURCE,
        "tie_break",
        TIE_BREAK_USD_PER_MWH * reg.weighted_sum([HourlyTerm(b.moved_out_mw)]),
    )
    reg.dispatch["demand_moved_in_mw"] = lambda: var_values(b.moved_in_mw)
    reg.dispatch["demand_moved_out_mw"] = lambda: var_values(b.moved_out_mw)


def _register(reg: Registry, taken_out: HourlyTerm, added: HourlyTerm) -> None:
    """Like storage behind the meter: work taken out of an hour supplies the bus (clean: it
    needs no energy), work added to an hour withdraws from it."""
    reg.supply.append(taken_out)
    reg.clean_supply.append(taken_out)
    reg.on_site_supply.append(taken_out)
    reg.withdrawal.append(added)
    reg.on_site_withdrawal.append(added)


def _window(hours: int, period_hours: int, name: str, reg: Registry) -> int:
    """A delay or advance limit within a period: at most the period's other hours."""
    if hours >= period_hours:
        reg.warnings.append(
            f"demand.flexibility.{name} ({hours} h) is not shorter than a period "
            f"({period_hours} h): work may move anywhere in its period"
        )
        return period_hours - 1
    return hours


def _served(b: Any, load: np.ndarray, temporal: bool, spatial: bool) -> Any:
    """The load as it runs each hour, MW: load - deferred + caught up - moved out + moved in."""

    def served() -> np.ndarray:
        out = load.copy()
        if temporal:
            out += var_values(b.caught_up_mw) - var_values(b.deferred_mw)
        if spatial:
            out += var_values(b.moved_in_mw) - var_values(b.moved_out_mw)
        return out

    return served


def unlink_site(b: Any, reg: Registry) -> None:
    """Let the site trade load with others: drop its own ``load_moved_balance`` rows (the
    portfolio writes one over every site) and the warning that nothing moves."""
    b.moved_balance.deactivate()
    reg.warnings[:] = [w for w in reg.warnings if "spatial_share: load moves only" not in w]
