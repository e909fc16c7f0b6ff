"""Checks across fields and sections, after each field is valid on its own: periods of the
time axis, unique resource names, targets that need a grid."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.inputs.catalogue import RESERVED_NAMES, listed
from planner.inputs.contract import ContractOffer
from planner.inputs.schedule import horizon_problems
from planner.inputs.spec import InstanceSpec
from planner.inputs.time_axis import TimeAxis


def time_checks(time: TimeAxis) -> list[str]:
    """Problems of the periods of the time axis (representative or given)."""
    problems = []
    rep = time.representative_periods
    if rep is not None:
        if time.period_hours is not None or time.period_sequence is not None:
            problems.append(
                "time.representative_periods: sets period_hours and period_sequence itself; "
                "do not give them too"
            )
        if rep.count > time.hours // rep.period_hours:
            problems.append(
                f"time.representative_periods.count: must be <= {time.hours // rep.period_hours}, "
                f"the number of whole {rep.period_hours}-hour periods in time.hours, got "
                f"{rep.count}"
            )
        last = time.hours // rep.period_hours - 1
        beyond = [p for p in rep.keep_periods if p > last]
        if beyond:
            problems.append(
                f"time.representative_periods.keep_periods: must be in [0, {last}], the whole "
                f"{rep.period_hours}-hour periods of time.hours, got {beyond[:5]}"
            )
        return problems
    if time.period_sequence is not None and time.period_hours is None:
        problems.append("time.period_sequence: needs time.period_hours")
    if time.period_hours is not None:
        if time.hours % time.period_hours:
            problems.append(
                f"time.period_hours: must divide time.hours ({time.hours}), got {time.period_hours}"
            )
        n_periods = time.hours // time.period_hours
        if time.period_sequence is not None:
            bad = [p for p in time.period_sequence if not 0 <= p < n_periods]
            if bad or not time.period_sequence:
                problems.append(
                    f"time.period_sequence: needs values in [0, {n_periods - 1}], got "
                    f"{bad[:5] or 'none'}"
                )
    return problems


def cross_checks(spec: InstanceSpec) -> list[str]:
    """Every problem across fields of a spec whose fields are each valid."""
    problems = time_checks(spec.time)
    seen: dict[str, str] = {}
    for kind in listed():
        for item in spec.items(kind):
            if item.name in RESERVED_NAMES:
                problems.append(
                    f"{kind.key}[{item.name}].name: {item.name!r} is reserved for the {item.name}"
                )
            if item.name in seen:
                problems.append(
                    f"{kind.key}[{item.name}].name: duplicate name (also used in {seen[item.name]})"
                )
            seen[item.name] = kind.key
    load = spec.demand.load_mw  # None when its series could not be read (reported already)
    if isinstance(load, np.ndarray) and load.size and not (load > 0).any():
        problems.append(
            "demand.load_mw: is 0 in every modelled hour: there is nothing to supply, and every "
            "share of demand (CFE score, matching) and cost per MWh would be undefined"
        )
    stamps = pd.date_range(spec.time.start, periods=spec.time.hours, freq="h")
    for kind in listed():
        for item in spec.items(kind):
            if isinstance(item, ContractOffer) and item.outages:
                problems += horizon_problems(spec, stamps, f"{kind.key}[{item.name}]", item)
    if spec.scenarios is not None and spec.pathway is not None:
        problems.append(
            "scenarios, pathway: not both in one instance yet (the model of each is a composite "
            "of blocks; years x scenarios is not built): solve them separately"
        )
    if spec.certificates and spec.grid is None:
        problems.append(
            "certificates: need a grid: a certificate re-labels the fossil part of grid imports"
        )
    policy = spec.policy
    needs_grid = policy.emissions_cap_fraction_of_baseline is not None
    if needs_grid and spec.grid is None:
        problems.append(
            "policy.emissions_cap_fraction_of_baseline: needs a grid to define the baseline"
        )
    return problems
