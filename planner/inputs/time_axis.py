"""Inputs of the time axis: the modelled hours, their weights and periods, and representative
periods."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from planner.inputs.base import MAX_HOURS, Count, Hourly, Schema, Timestamp
from planner.inputs.extremes import check_extreme_name, check_unique
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
    clustering: Literal["kmeans", "hierarchical"] = Field(
        "kmeans",
        description="`kmeans`: k-means (scikit-learn, seeded), medoid = the member closest "
        "to the centroid; `hierarchical`: Ward's agglomerative clustering (deterministic, "
        "faster; tsam's default), medoid = the member of least total distance to the others",
    )
    extreme_periods: Annotated[
        list[Annotated[str, AfterValidator(check_extreme_name)]], AfterValidator(check_unique)
    ] = Field(
        [],
        description="periods kept besides the clustered ones because they size the system, "
        "each `<series>_<statistic>`: series `net_load` (load, MW, minus each variable "
        "resource's capacity factor scaled to an equal share of the year's demand), `load` "
        "(MW), `clean_share` (grid carbon-free share, 0-1), `price` (grid price, $/MWh); "
        "statistic `max_hour`/`min_hour` (the period of the highest/lowest hour) or "
        "`max_period`/`min_period` (highest/lowest mean); or `coincident_peaks` (every "
        "period holding one of grid.coincident_peak_hours); e.g. `[net_load_max_period, "
        "net_load_max_hour, net_load_min_period]` (default none: medoids only; grid series "
        "are skipped without a grid)",
    )
    extreme_run_periods: Count = Field(
        1,
        ge=1,
        le=31,
        description="for the `max_period`/`min_period` extremes: keep the run of this many "
        "consecutive periods of the highest/lowest mean (a dark, calm spell that sizes "
        "long-duration storage), every period of it (1: one period)",
    )
    keep_periods: Annotated[list[Annotated[Count, Field(ge=0)]], AfterValidator(check_unique)] = (
        Field(
            [],
            description="original periods (0-based: period p starts p x period_hours hours "
            "after time.start) modelled as periods of their own, each standing for itself "
            "(weight 1 period, taken from its cluster) whatever extreme_method; what "
            "planner.periods.choose_representative_periods adds (default none)",
        )
    )
    extreme_method: Literal["append", "replace", "new_cluster"] = Field(
        "append",
        description="how extreme periods join: `append`: a modelled period of their own "
        "standing for themselves (weight 1 period, taken from their cluster); `replace`: "
        "their hours replace those of their cluster's medoid (same weight); `new_cluster`: "
        "a new cluster of the periods closer to them than to their own representative",
    )


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
