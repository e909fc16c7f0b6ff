"""Inputs of the time axis: the modelled hours, their weights and periods, and representative
periods."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from planner.inputs.base import MAX_HOURS, Count, Hourly, Schema, Timestamp
from planner.inputs.hourly import HourlyValue


def _on_the_hour(value: datetime) -> datetime:
    if (value.minute, value.second, value.microsecond) != (0, 0, 0):
        raise ValueError(f"must be on the hour (hour-beginning timestamps), got {value}")
    return value


class RepresentativePeriods(Schema):
    """Solve on a few representative periods instead of every hour (clustered at load time)."""

    count: Count = Field(gt=0, description="number of representative periods")
    period_hours: Count = Field(24, gt=0, description="hours per period (24: days, 168: weeks)")
    values: Literal["medoid", "mean"] = Field(
        "medoid",
        description="`medoid`: the hours of the cluster's most central real period; `mean`: "
        "the mean over the cluster's periods (annual totals exact, extremes smoothed away)",
    )
    seed: Count = Field(0, ge=0, le=2**32 - 1, description="seed of the clustering")


class TimeAxis(Schema):
    """Modelled hours: consecutive hours from ``start``, each standing for ``weights`` hours."""

    start: Annotated[Timestamp, AfterValidator(_on_the_hour)] = Field(
        description="timestamp of the first hour (local standard time, on the hour)"
    )
    hours: Count = Field(gt=0, le=MAX_HOURS, description="number of modelled hours")
    weights: Annotated[HourlyValue, Hourly(gt=0)] = Field(
        1.0, description="hours of the year each modelled hour stands for (default 1)"
    )
    period_hours: Count | None = Field(
        None,
        gt=0,
        description="the modelled hours form consecutive periods of this many hours; storage "
        "cycles within each period unless period_sequence links them (null: one period)",
    )
    period_sequence: list[Count] | None = Field(
        None,
        description="for each original period of the year, in order, the modelled period "
        "(0-based) that represents it; links storage across periods",
    )
    representative_periods: RepresentativePeriods | None = Field(
        None,
        description="cluster the horizon into representative periods at load time, which "
        "sets hours, weights, period_hours and period_sequence (null: every hour)",
    )
