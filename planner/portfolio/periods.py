"""Representative periods shared by every site of a portfolio.

Load moved between sites in the same hour and a contract split between sites need the sites'
modelled hours to be the same real hours. So the periods are clustered once, on every site's
hourly series together (each scaled to [0, 1], as for one instance:
:mod:`planner.inputs.aggregate`), and each site's series are then taken on the chosen periods.
Extreme and kept periods are not supported here (the portfolio file refuses them).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from planner.inputs.aggregate import (
    cluster_periods,
    hourly_arrays,
    map_hourly,
    operation_dates_applied,
    represent,
)
from planner.inputs.instance import Instance
from planner.inputs.time_axis import RepresentativePeriods


def time_axis_problems(names: list[str], sites: list[Instance]) -> list[str]:
    """A problem for each site whose time axis (start, hours, weights, periods) differs from
    the first site's: the sites of a portfolio share their hours."""
    first = sites[0].spec.time
    problems = []
    for name, inst in zip(names[1:], sites[1:], strict=True):
        t = inst.spec.time
        differ = [
            field
            for field, same in (
                ("start", t.start == first.start),
                ("hours", t.hours == first.hours),
                ("period_hours", t.period_hours == first.period_hours),
                ("period_sequence", t.period_sequence == first.period_sequence),
                (
                    "weights",
                    t.hours == first.hours
                    and np.array_equal(np.asarray(t.weights), np.asarray(first.weights)),
                ),
            )
            if not same
        ]
        if differ:
            problems.append(
                f"sites[{name}]: time.{', time.'.join(differ)} differ from sites[{names[0]}]'s: "
                "the sites of a portfolio share one time axis (set it in the portfolio's "
                "overrides)"
            )
    return problems


def shared_periods(sites: list[Instance], rep: RepresentativePeriods) -> list[Instance]:
    """Each site on the representative periods clustered on every site's series at once."""
    specs = [operation_dates_applied(inst.spec) for inst in sites]
    features: dict[str, np.ndarray] = {}
    for i, spec in enumerate(specs):
        for where, values in hourly_arrays(spec):
            if where != "time.weights":
                features[f"{i}.{where}"] = np.asarray(values, dtype=float)
    agg = cluster_periods(features, rep.count, rep.period_hours, rep.seed)
    info: dict[str, Any] = {
        "method": "k-means",
        **rep.model_dump(),
        "shared_by_sites": len(sites),
        "modelled_periods": len(agg.hour_index) // agg.period_hours,
    }
    out = []
    for inst, spec in zip(sites, specs, strict=True):
        chosen = map_hourly(spec, lambda values: represent(values, agg, rep.values))
        time = chosen.time.model_copy(
            update={
                "hours": len(agg.hour_index),
                "weights": agg.weights
                * represent(np.asarray(spec.time.weights, dtype=float), agg, rep.values),
                "period_hours": agg.period_hours,
                "period_sequence": agg.sequence,
                "representative_periods": None,
            }
        )
        out.append(
            dataclasses.replace(
                inst,
                spec=chosen.model_copy(update={"time": time}),
                hour_index=agg.hour_index,
                periods=info,
            )
        )
    return out
