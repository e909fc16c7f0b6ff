"""The outcomes of an instance's ``scenarios`` as cases of one composite LP: each the base
instance with its overrides, on the base's representative periods, with recourse copies of the
items a buyer may still add (``<name>_recourse``: at a premium, after the lead time).
Used by :mod:`planner.stochastic`."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from planner.composite import Case
from planner.errors import InstanceError
from planner.inputs.aggregate import (
    Aggregation,
    choose_periods,
    map_hourly,
    operation_dates_applied,
    represent,
    timestamps_of,
)
from planner.inputs.instance import Instance
from planner.inputs.scenarios import Recourse
from planner.inputs.schedule import on_modelled_hours, original_hours
from planner.inputs.time_axis import RepresentativePeriods

RECOURSE_SUFFIX = "_recourse"


def deterministic(inst: Instance) -> Instance:
    """The base instance without its scenarios: the on-time outcome."""
    return inst.with_overrides({"scenarios": None})


def scenario_cases(inst: Instance) -> list[Case]:
    """One case per scenario: the base with its overrides, targets stripped when they hold in
    expectation, and the recourse copies. Raises :class:`InstanceError` with every problem."""
    spec = inst.spec.scenarios
    assert spec is not None
    base = deterministic(inst)
    problems: list[str] = []
    cases = []
    strip = {}
    if spec.targets == "expected":
        strip = {"policy.hourly_cfe_target": None, "policy.annual_matching_fraction": None}
    shared = SharedPeriods.of(base)
    for c in spec.cases:
        try:
            outcome = shared.outcome({**c.overrides, **strip})
        except InstanceError as exc:
            problems += [f"scenarios.cases[{c.name}]: {p}" for p in exc.problems]
            continue
        outcome = dataclasses.replace(
            outcome, spec=outcome.spec.model_copy(update={"name": c.name})
        )
        if spec.recourse is not None:
            outcome, found = with_recourse(outcome, spec.recourse)
            problems += [f"scenarios.recourse: {p}" for p in found]
        cases.append(Case(c.name, outcome, float(c.probability)))
    if problems:
        raise InstanceError(sorted(set(problems)))
    return cases


@dataclasses.dataclass(frozen=True)
class SharedPeriods:
    """One clustering for every outcome: the base's representative periods, chosen once on the
    base at every hour, applied to each outcome's series (an outcome that changes a weather
    year or an availability keeps the base's days, so the axis stays small and comparable)."""

    base: Instance
    full: Instance | None = None
    aggregation: Aggregation | None = None
    how: str = "medoid"

    @classmethod
    def of(cls, base: Instance) -> SharedPeriods:
        rep = base.raw.get("time", {}).get("representative_periods")
        if not base.is_aggregated or rep is None:
            return cls(base)
        settings = RepresentativePeriods.model_validate(rep)
        full = base.with_overrides({"time.representative_periods": None})
        time_axis = full.spec.time.model_copy(update={"representative_periods": settings})
        choose = full.spec.model_copy(update={"time": time_axis})
        agg, _ = choose_periods(operation_dates_applied(choose))
        return cls(base, full, agg, settings.values)

    def outcome(self, overrides: dict[str, Any]) -> Instance:
        """The base with ``overrides``, on the shared representative periods."""
        if self.full is None or self.aggregation is None:
            return self.base.with_overrides(overrides)
        full = self.full.with_overrides(overrides)
        agg = self.aggregation
        how = self.how
        chosen = map_hourly(full.spec, lambda values: represent(values, agg, how))
        time = chosen.time.model_copy(
            update={
                "hours": len(agg.hour_index),
                "weights": agg.weights * represent(np.asarray(full.spec.time.weights), agg, how),
                "period_hours": agg.period_hours,
                "period_sequence": agg.sequence,
                "representative_periods": None,
            }
        )
        spec = chosen.model_copy(update={"time": time})
        return dataclasses.replace(
            full, spec=spec, hour_index=agg.hour_index, periods=self.base.periods
        )


def with_recourse(inst: Instance, recourse: Recourse) -> tuple[Instance, list[str]]:
    """``inst`` with a copy ``<name>_recourse`` of each item of the recourse kinds: nothing
    decided yet (minimum 0), costs times (1 + premium), and no output before the lead time."""
    spec = inst.spec
    lead_h = float(recourse.lead_time_h)
    ready = ready_share(inst, lead_h)
    ready_from = timestamps_of(spec.time.start, 1, None)[0] + pd.Timedelta(hours=lead_h)
    factor = 1.0 + recourse.premium_share
    taken = {name for _, name, _ in spec.resources()}
    updates: dict[str, Any] = {}
    problems = []
    for key in recourse.kinds:
        items = list(getattr(spec, key))
        copies = []
        for item in items:
            name = f"{item.name}{RECOURSE_SUFFIX}"
            if name in taken:
                problems.append(f"{key}[{item.name}]: the recourse copy's name {name!r} is taken")
                continue
            copies.append(_recourse_copy(key, item, name, ready, ready_from, factor))
        updates[key] = items + copies
    return dataclasses.replace(inst, spec=spec.model_copy(update=updates)), problems


def _original_since_start(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """Hours from the horizon's start to each *original* hour, and what each counts for: with
    a period sequence the whole horizon the sequence spells out (a representative day stands
    for every day mapped to it, at their dates, not at its own), else the modelled hours."""
    full, _, counts = original_hours(inst.spec, inst.timestamps)
    start = timestamps_of(inst.spec.time.start, 1, None)[0]
    return np.asarray((full - start) / pd.Timedelta(hours=1), dtype=float), counts


def ready_share(inst: Instance, lead_time_h: float) -> np.ndarray:
    """Per modelled hour, the share of the original hours it stands for that lie at least
    ``lead_time_h`` after the horizon's start: 0 or 1 without representative periods; with
    them, a representative day standing for days before and after the lead time delivers that
    share of its recourse (as a firm offer's schedule is mapped, docs/formulation.md
    [fusion_available])."""
    since, _ = _original_since_start(inst)
    return on_modelled_hours(inst.spec, inst.timestamps, (since >= lead_time_h).astype(float))


def recourse_warnings(inst: Instance) -> list[str]:
    """Warnings on the recourse of ``inst``'s scenarios: a lead time at or past the horizon's
    last hour leaves the recourse copies without any output, so the plan silently has no
    recourse at all; a lead time past half the horizon leaves little. With representative
    periods the horizon is the one their sequence stands for."""
    spec = inst.spec.scenarios
    if spec is None or spec.recourse is None or not spec.recourse.kinds:
        return []
    lead_h = float(spec.recourse.lead_time_h)
    since, counts = _original_since_start(inst)
    last_h = float(since[-1]) + 1.0
    if not (since >= lead_h).any():
        return [
            f"scenarios.recourse.lead_time_h = {lead_h:g} reaches past the horizon's last hour "
            f"({last_h:g} h from the start): no recourse capacity can deliver, so the plan "
            "has no recourse; shorten the lead time or model a longer horizon"
        ]
    share = float((counts * (since >= lead_h)).sum() / counts.sum())
    if share < 0.5:
        return [
            f"scenarios.recourse.lead_time_h = {lead_h:g}: recourse delivers in only "
            f"{share * 100:.0f} % of the horizon's hours"
        ]
    return []


def _recourse_copy(
    key: str, item: Any, name: str, ready: np.ndarray, ready_from: pd.Timestamp, factor: float
) -> Any:
    """The recourse copy of ``item``. A clean-firm copy's contract starts at ``ready_from``
    (or its own later start): its schedule is mapped on the original hours with its operation
    date, ramp-up and outages together, where multiplying the modelled hours' shares of each
    would undercount a representative day whose ready days are also its delivering ones. A
    solar or wind copy has no schedule: its capacity factor times ``ready``, the share of the
    original hours past the lead time (:func:`ready_share`)."""
    fields: dict[str, Any] = {"name": name, "min_capacity_mw": 0.0}
    if key == "clean_firm":
        own = item.contract_start_date
        start = ready_from.to_pydatetime()
        fields |= {
            "contract_start_date": max(own, start) if own is not None else start,
            "energy_price_usd_per_mwh": item.energy_price_usd_per_mwh * factor,
            "capacity_charge_usd_per_mw_yr": item.capacity_charge_usd_per_mw_yr * factor,
            "delivery_penalty_usd_per_mwh": 0.0,
        }
    else:
        fields["capacity_factor"] = np.asarray(item.capacity_factor, dtype=float) * ready
        for cost in ("capex_usd_per_kw", "fixed_om_usd_per_kw_yr", "ppa_price_usd_per_mwh"):
            value = getattr(item, cost)
            if value is not None:
                fields[cost] = value * factor
    return item.model_copy(update=fields)


def first_stage_names(inst: Instance) -> set[str]:
    """The items decided before the outcome: every listed resource of the base instance."""
    return {name for kind, name, _ in inst.spec.resources() if kind.many}
