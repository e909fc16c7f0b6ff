"""Representative periods: cluster the year's periods and keep one real period per cluster.

Used when an instance sets ``time.representative_periods``. The horizon is cut into periods of
``period_hours`` (days: 24, weeks: 168); each period is described by every hourly input of the
instance (demand, capacity factors, fusion availability after its commercial operation date,
grid price, intensity and clean share, export price), each scaled to [0, 1] over the year. The
periods are clustered with k-means (scikit-learn). Each cluster becomes one modelled period
whose hourly values are either those of its medoid, the real period closest to the cluster's
centre (``values: medoid``, the default: real hourly shapes and extremes), or the mean over its
members (``values: mean``: every weighted annual total equals the full horizon's, but the
extremes that size storage are smoothed away; measured less accurate on the default instance,
docs/performance.md). The modelled hours carry the timestamps
of the medoid periods. Each representative hour weighs as many hours as its cluster has
members; the sequence of clusters over the year is kept so that storage can carry energy
across periods (``docs/formulation.md``, representative periods). A fusion offer's commercial
operation date is applied to its availability before clustering.

scikit-learn rather than tsam: tsam (the usual library for this) pins highspy <= 1.15.1 and
pandas <= 3.0.5, older than the versions this project is tested with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.inputs.base import Schema, hourly_bounds
from planner.inputs.spec import InstanceSpec


@dataclass(frozen=True)
class Aggregation:
    """Outcome of the clustering: which hours are kept, their weights, the period sequence."""

    hour_index: np.ndarray
    """Positions, in the full horizon, of the modelled hours (medoid periods, in time order)."""
    weights: np.ndarray
    """Hours each modelled hour stands for."""
    period_hours: int
    sequence: list[int]
    """Representative period (0-based, in modelled order) of each original period."""


def hourly_arrays(model: Schema, path: str = "") -> Iterator[tuple[str, np.ndarray]]:
    """(field path, array) of every hourly field of a loaded instance, recursively."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        where = f"{path}.{name}" if path else name
        if hourly_bounds(type(model), name) is not None:
            if isinstance(value, np.ndarray):
                yield where, value
        elif isinstance(value, Schema):
            yield from hourly_arrays(value, where)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Schema):
                    yield from hourly_arrays(item, f"{where}[{getattr(item, 'name', '')}]")


def cluster_periods(
    features: dict[str, np.ndarray], count: int, period_hours: int, seed: int
) -> Aggregation:
    """Cluster ``hours // period_hours`` periods into ``count`` medoids.

    Hours after the last whole period are not modelled; the weights are scaled so that the
    modelled hours still stand for the whole horizon.
    """
    from sklearn.cluster import KMeans

    hours = len(next(iter(features.values())))
    n_periods = hours // period_hours
    if not 1 <= count <= n_periods:
        raise ValueError(f"count must be in [1, {n_periods}], got {count}")
    columns = []
    for values in features.values():
        span = float(values.max() - values.min())
        if span > 0:
            scaled = (values[: n_periods * period_hours] - values.min()) / span
            columns.append(scaled.reshape(n_periods, period_hours))
    matrix = np.hstack(columns) if columns else np.zeros((n_periods, 1))
    kmeans = KMeans(n_clusters=count, n_init=10, random_state=seed).fit(matrix)
    labels = kmeans.labels_
    medoids = []
    for c in range(count):
        members = np.flatnonzero(labels == c)
        distance = ((matrix[members] - kmeans.cluster_centers_[c]) ** 2).sum(axis=1)
        medoids.append(int(members[np.argmin(distance)]))
    order = np.argsort(medoids)  # modelled periods in time order
    rank = np.empty(count, dtype=int)
    rank[order] = np.arange(count)
    medoid_periods = np.asarray(medoids)[order]
    sizes = np.bincount(labels, minlength=count)[order]
    hour_index = (medoid_periods[:, None] * period_hours + np.arange(period_hours)).ravel()
    scale = hours / (n_periods * period_hours)
    weights = np.repeat(sizes * scale, period_hours).astype(float)
    return Aggregation(hour_index, weights, period_hours, [int(rank[c]) for c in labels])


def represent(values: np.ndarray, agg: Aggregation, how: str) -> np.ndarray:
    """The modelled hours of one full-horizon series.

    ``medoid``: the series in the medoid periods. ``mean``: for each modelled period the mean
    over the original periods it represents, so that weighted totals equal the full horizon's.
    """
    if how == "medoid":
        return values[agg.hour_index]
    n_periods = len(agg.sequence)
    count = len(agg.hour_index) // agg.period_hours
    periods = values[: n_periods * agg.period_hours].reshape(n_periods, agg.period_hours)
    labels = np.asarray(agg.sequence)
    means = [periods[labels == c].mean(axis=0) for c in range(count)]
    return np.concatenate(means)


def map_hourly(model: Schema, fn: Any) -> Any:
    """Copy of ``model`` with ``fn(array)`` applied to every hourly array (recursively)."""
    updates: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if hourly_bounds(type(model), name) is not None:
            if isinstance(value, np.ndarray):
                updates[name] = fn(value)
        elif isinstance(value, Schema):
            updates[name] = map_hourly(value, fn)
        elif isinstance(value, list) and value and isinstance(value[0], Schema):
            updates[name] = [map_hourly(item, fn) for item in value]
    return model.model_copy(update=updates)


def timestamps_of(start: Any, hours: int, hour_index: np.ndarray | None) -> pd.DatetimeIndex:
    """Timestamps of the modelled hours."""
    full = pd.date_range(start, periods=hours, freq="h", name="timestamp")
    return full if hour_index is None else full[hour_index]


def aggregate_spec(spec: InstanceSpec) -> tuple[InstanceSpec, np.ndarray]:
    """Replace the hours of ``spec`` by its representative periods; return the new spec and
    the positions of the modelled hours in the full horizon."""
    rep = spec.time.representative_periods
    assert rep is not None
    stamps = timestamps_of(spec.time.start, spec.time.hours, None)
    # what the model sees: no fusion before commercial operation, baked into the availability
    # (a representative hour may stand for hours on both sides of the date)
    offers = [
        offer.model_copy(
            update={
                "availability": np.where(
                    stamps < offer.commercial_operation_date, 0.0, offer.availability
                ),
                "commercial_operation_date": None,
            }
        )
        if offer.commercial_operation_date is not None
        else offer
        for offer in spec.fusion
    ]
    spec = spec.model_copy(update={"fusion": offers})
    features = {where: values for where, values in hourly_arrays(spec) if where != "time.weights"}
    agg = cluster_periods(features, rep.count, rep.period_hours, rep.seed)
    chosen = map_hourly(spec, lambda values: represent(values, agg, rep.values))
    time = chosen.time.model_copy(
        update={
            "hours": len(agg.hour_index),
            "weights": agg.weights * represent(np.asarray(spec.time.weights), agg, rep.values),
            "period_hours": agg.period_hours,
            "period_sequence": agg.sequence,
            # done: a resolved spec (e.g. shipped to a sweep worker) must not cluster again
            "representative_periods": None,
        }
    )
    return chosen.model_copy(update={"time": time}), agg.hour_index
