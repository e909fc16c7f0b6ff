"""Availability schedules of firm offers on the modelled hours, and the original hours of the
horizon that each modelled hour stands for.

A schedule (:class:`planner.inputs.contract.ContractOffer`: contract term, commercial
operation date, ramp-up, unit outages) is a share of the contracted MW in each *original* hour.
Without representative periods the modelled hours are the original ones. With them, each
modelled hour gets the mean of the original hours it stands for, so an outage in a week that
no representative day shows still removes its energy from the year (docs/formulation.md
[fusion_available]).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.inputs.contract import ContractOffer

if TYPE_CHECKING:
    from planner.inputs.spec import InstanceSpec


def original_hours(
    spec: InstanceSpec, stamps: pd.DatetimeIndex
) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """The hours of the full horizon, the modelled hour standing for each, and the hours each
    original hour counts for (1, or a modelled hour's weight when the hours are weighted
    without a period sequence). ``stamps``: the timestamps of the modelled hours."""
    time = spec.time
    sequence = time.period_sequence
    if sequence is None:
        return stamps, np.arange(time.hours), np.asarray(time.weights, dtype=float)
    period_hours = int(time.period_hours or time.hours)
    total = len(sequence) * period_hours
    full = pd.date_range(pd.Timestamp(time.start), periods=total, freq="h")
    offset = np.arange(total) % period_hours
    rep = np.asarray(sequence, dtype=int)[np.arange(total) // period_hours]
    return full, rep * period_hours + offset, np.ones(total)


def on_modelled_hours(
    spec: InstanceSpec, stamps: pd.DatetimeIndex, values: np.ndarray
) -> np.ndarray:
    """``values`` given on the original hours, as the mean over the original hours each
    modelled hour stands for (the values themselves without representative periods)."""
    full, modelled, _ = original_hours(spec, stamps)
    if len(full) == len(stamps) and np.array_equal(modelled, np.arange(len(stamps))):
        return values
    total = np.bincount(modelled, weights=values, minlength=spec.time.hours)
    count = np.bincount(modelled, minlength=spec.time.hours)
    return np.divide(total, count, out=np.zeros(spec.time.hours), where=count > 0)


def _between(stamps: pd.DatetimeIndex, start: datetime | None, end: datetime | None) -> np.ndarray:
    values = stamps.values
    ok = np.ones(len(stamps), dtype=bool)
    if start is not None:
        ok &= values >= np.datetime64(start)
    if end is not None:
        ok &= values < np.datetime64(end)
    return ok


def contracted_factor(offer: ContractOffer, stamps: pd.DatetimeIndex) -> np.ndarray:
    """1 in the hours of the contract term (from the promised start to the end), else 0."""
    return _between(stamps, offer.promised_start, offer.contract_end_date).astype(float)


def deliverable_factor(offer: ContractOffer, stamps: pd.DatetimeIndex) -> np.ndarray:
    """Share of the contracted MW times base availability delivered in each hour: inside the
    term and after the commercial operation date, times the ramp-up, times the share of units
    not out, times ``1 - derate_share``."""
    cod = offer.commercial_operation_date
    start = max((d for d in (cod, offer.contract_start_date) if d is not None), default=None)
    factor = _between(stamps, start, offer.contract_end_date).astype(float)
    if offer.ramp_up_end_date is not None:
        begin = np.datetime64(cod if cod is not None else stamps[0])
        end = np.datetime64(offer.ramp_up_end_date)
        elapsed = (stamps.values - begin) / (end - begin)
        s0 = offer.ramp_up_start_share
        factor *= np.clip(s0 + (1.0 - s0) * elapsed, s0, 1.0)
    if offer.outages:
        up = np.ones((offer.units, len(stamps)), dtype=bool)
        for outage in offer.outages:
            out = _between(stamps, outage.start, outage.end)
            for unit in range(offer.units):
                if outage.covers(unit):
                    up[unit] &= ~out
        factor *= up.sum(axis=0) / offer.units
    return factor * (1.0 - offer.derate_share)


def offer_shares(
    offer: ContractOffer, spec: InstanceSpec, stamps: pd.DatetimeIndex
) -> tuple[np.ndarray, np.ndarray]:
    """(deliverable, contracted) share of contracted MW in each modelled hour: the base
    availability times the schedule's factors, mapped to the modelled hours."""
    full, _, _ = original_hours(spec, stamps)
    base = np.asarray(offer.availability, dtype=float)
    deliverable = on_modelled_hours(spec, stamps, deliverable_factor(offer, full))
    contracted = on_modelled_hours(spec, stamps, contracted_factor(offer, full))
    return base * deliverable, base * contracted


def horizon_problems(
    spec: InstanceSpec, stamps: pd.DatetimeIndex, where: str, offer: ContractOffer
) -> list[str]:
    """Outages of ``offer`` (field prefix ``where``) that lie wholly outside the horizon."""
    full, _, _ = original_hours(spec, stamps)
    first, end = full[0], full[-1] + pd.Timedelta(hours=1)
    return [
        f"{where}.outages[{i}]: {o.start:%Y-%m-%d %H:%M} to {o.end:%Y-%m-%d %H:%M} lies outside "
        f"the horizon ({first:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}): it would change nothing "
        "(a wrong year?)"
        for i, o in enumerate(offer.outages)
        if o.end <= first or o.start >= end
    ]
