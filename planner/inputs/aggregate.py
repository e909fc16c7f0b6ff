"""Representative periods: cluster the year's periods and keep one real period per cluster.

Used when an instance sets ``time.representative_periods``. The horizon is cut into periods of
``period_hours`` (days: 24, weeks: 168); each period is described by every hourly input of the
instance (demand, capacity factors, fusion availability after its commercial operation date,
grid price, intensity and clean share, export price), each scaled to [0, 1] over the year. The
periods are clustered with k-means (``clustering: kmeans``, the default; scikit-learn, seeded)
or Ward's agglomerative clustering (``clustering: hierarchical``: deterministic, faster, and
tsam's default). Each cluster becomes one modelled period whose hourly values are either those
of its medoid, a real period (``values: medoid``, the default: real hourly shapes and extremes;
k-means: the member closest to the centroid; hierarchical: the member of least total distance
to the others, as tsam), or the mean over its members (``values: mean``: every weighted annual
total equals the full horizon's, but the extremes that size storage are smoothed away;
measured less accurate, docs/performance.md). Extreme periods (``extreme_periods``) and kept
periods (``keep_periods``) are then added (:mod:`planner.inputs.extremes`). The modelled hours
carry the timestamps of the chosen periods. Each representative hour weighs as many hours as
its period stands for; the sequence of representatives over the year is kept so that storage
can carry energy across periods (``docs/formulation.md``, representative periods). A fusion
offer's commercial operation date is applied to its availability before clustering.

scikit-learn rather than tsam: tsam 4.1.1 (the current release, checked December 2026) pins
highspy <= 1.15.1, pandas <= 3.0.5, numpy <= 2.4.6, pyomo <= 6.10.1 and scikit-learn <= 1.9.1,
older than (or exactly) the versions this project is tested with (highspy 1.16.0, pandas
3.1.1). Its default choice of periods is reproduced here (``clustering: hierarchical``) and
measured against tsam itself, run in a separate environment, in benchmarks/representative.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.inputs.base import Schema, hourly_bounds
from planner.inputs.catalogue import listed
from planner.inputs.extremes import (
    COINCIDENT_PEAKS,
    STATISTICS,
    Chosen,
    add_extremes,
    extreme_periods,
    net_load,
    recentre,
)
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
    own_values: np.ndarray | None = None
    """Per modelled period: whether it keeps its own hours under ``values: mean`` (extreme
    periods); None: none does."""


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


@dataclass(frozen=True)
class Clustering:
    """k-means of the periods: the scaled features, the cluster of each period, the medoids."""

    matrix: np.ndarray
    """Scaled features, one row per whole period of the horizon."""
    labels: np.ndarray
    """Cluster of each period."""
    medoids: np.ndarray
    """Period closest to each cluster's centre."""


def period_matrix(features: dict[str, np.ndarray], period_hours: int) -> np.ndarray:
    """One row per whole period of the horizon: every series scaled to [0, 1] over the
    horizon, constant series left out, side by side."""
    hours = len(next(iter(features.values())))
    n_periods = hours // period_hours
    columns = []
    for values in features.values():
        span = float(values.max() - values.min())
        if span > 0:
            scaled = (values[: n_periods * period_hours] - values.min()) / span
            columns.append(scaled.reshape(n_periods, period_hours))
    return np.hstack(columns) if columns else np.zeros((n_periods, 1))


def _check_count(features: dict[str, np.ndarray], count: int, period_hours: int) -> None:
    n_periods = len(next(iter(features.values()))) // period_hours
    if not 1 <= count <= n_periods:
        raise ValueError(f"count must be in [1, {n_periods}], got {count}")


def kmeans_medoids(
    features: dict[str, np.ndarray], count: int, period_hours: int, seed: int
) -> Clustering:
    """Cluster the ``hours // period_hours`` whole periods of ``features``
    (:func:`period_matrix`) into ``count`` clusters with k-means; each cluster's medoid is
    the member closest to its centroid."""
    from sklearn.cluster import KMeans

    _check_count(features, count, period_hours)
    matrix = period_matrix(features, period_hours)
    kmeans = KMeans(n_clusters=count, n_init=10, random_state=seed).fit(matrix)
    labels = kmeans.labels_
    medoids = []
    for c in range(count):
        members = np.flatnonzero(labels == c)
        distance = ((matrix[members] - kmeans.cluster_centers_[c]) ** 2).sum(axis=1)
        medoids.append(int(members[np.argmin(distance)]))
    return Clustering(matrix, labels, np.asarray(medoids))


def hierarchical_medoids(
    features: dict[str, np.ndarray], count: int, period_hours: int
) -> Clustering:
    """Cluster the whole periods of ``features`` (:func:`period_matrix`) into ``count``
    clusters by Ward's agglomerative clustering (scikit-learn; deterministic, no seed); each
    cluster's medoid is the member with the least sum of Euclidean distances to the other
    members (the earliest on a tie). This is tsam's default choice of periods (hierarchical,
    medoid), measured the same at equal count (docs/performance.md)."""
    from sklearn.cluster import AgglomerativeClustering

    _check_count(features, count, period_hours)
    matrix = period_matrix(features, period_hours)
    if count == 1:
        labels = np.zeros(len(matrix), dtype=int)
    else:
        labels = AgglomerativeClustering(n_clusters=count, linkage="ward").fit_predict(matrix)
    medoids = []
    for c in range(count):
        members = np.flatnonzero(labels == c)
        points = matrix[members]
        squared = (points**2).sum(axis=1)
        gram = squared[:, None] + squared[None, :] - 2.0 * points @ points.T
        medoids.append(int(members[np.argmin(np.sqrt(np.maximum(gram, 0.0)).sum(axis=1))]))
    return Clustering(matrix, np.asarray(labels), np.asarray(medoids))


def aggregation_of(
    representatives: np.ndarray,
    labels: np.ndarray,
    hours: int,
    period_hours: int,
    own_values: np.ndarray | list[bool] | None = None,
) -> Aggregation:
    """The modelled hours of a choice of periods: ``representatives[c]`` (an original period)
    stands for every period ``p`` with ``labels[p] == c``.

    Modelled periods are put in time order. Each modelled hour weighs as many hours as its
    period has members, times ``hours / (n_periods * period_hours)``: hours after the last
    whole period are not modelled, and the weights still sum to ``hours``.
    """
    count = len(representatives)
    n_periods = len(labels)
    order = np.argsort(representatives)  # modelled periods in time order
    rank = np.empty(count, dtype=int)
    rank[order] = np.arange(count)
    periods = np.asarray(representatives)[order]
    sizes = np.bincount(labels, minlength=count)[order]
    hour_index = (periods[:, None] * period_hours + np.arange(period_hours)).ravel()
    scale = hours / (n_periods * period_hours)
    weights = np.repeat(sizes * scale, period_hours).astype(float)
    own = None if own_values is None else np.asarray(own_values, dtype=bool)[order]
    return Aggregation(hour_index, weights, period_hours, [int(rank[c]) for c in labels], own)


def cluster_periods(
    features: dict[str, np.ndarray], count: int, period_hours: int, seed: int
) -> Aggregation:
    """Cluster ``hours // period_hours`` periods into ``count`` medoids.

    Hours after the last whole period are not modelled; the weights are scaled so that the
    modelled hours still stand for the whole horizon.
    """
    hours = len(next(iter(features.values())))
    found = kmeans_medoids(features, count, period_hours, seed)
    return aggregation_of(found.medoids, found.labels, hours, period_hours)


def represent(values: np.ndarray, agg: Aggregation, how: str) -> np.ndarray:
    """The modelled hours of one full-horizon series.

    ``medoid``: the series in the medoid periods. ``mean``: for each modelled period the mean
    over the original periods it represents, so that weighted totals equal the full horizon's;
    extreme periods (``agg.own_values``) keep their own hours.
    """
    if how == "medoid":
        return values[agg.hour_index]
    n_periods = len(agg.sequence)
    count = len(agg.hour_index) // agg.period_hours
    periods = values[: n_periods * agg.period_hours].reshape(n_periods, agg.period_hours)
    own = values[agg.hour_index].reshape(count, agg.period_hours)
    labels = np.asarray(agg.sequence)
    means = [
        own[c]
        if agg.own_values is not None and agg.own_values[c]
        else periods[labels == c].mean(axis=0)
        for c in range(count)
    ]
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


def sizing_series(spec: InstanceSpec) -> dict[str, np.ndarray]:
    """The series extreme periods are chosen on (:mod:`planner.inputs.extremes`) that ``spec``
    has, over its full horizon: the variable resources are the items of every resource kind
    with an hourly ``capacity_factor``."""
    load = np.asarray(spec.demand.load_mw, dtype=float)
    factors = [
        np.asarray(cf, dtype=float)
        for kind in listed()
        for item in spec.items(kind)
        if isinstance(cf := getattr(item, "capacity_factor", None), np.ndarray)
    ]
    out = {"net_load": net_load(load, factors), "load": load}
    if spec.grid is not None:
        out["clean_share"] = np.asarray(spec.grid.carbon_free_share, dtype=float)
        out["price"] = np.asarray(spec.grid.price_usd_per_mwh, dtype=float)
    return out


def find_extremes(
    spec: InstanceSpec, names: list[str], period_hours: int, run: int = 1
) -> list[tuple[str, list[int] | None]]:
    """(name, periods) of each requested extreme (:func:`extreme_periods`); None where the
    instance lacks the series (no grid: ``clean_share`` and ``price``)."""
    series = sizing_series(spec)
    out: list[tuple[str, list[int] | None]] = []
    for name in names:
        if name == COINCIDENT_PEAKS:
            out.append((name, coincident_peak_periods(spec, period_hours)))
            continue
        statistic = next(s for s in STATISTICS if name.endswith("_" + s))
        values = series.get(name[: -len(statistic) - 1])
        found = None if values is None else extreme_periods(values, period_hours, statistic, run)
        out.append((name, found))
    return out


def coincident_peak_periods(spec: InstanceSpec, period_hours: int) -> list[int] | None:
    """The whole periods holding the grid's coincident-peak hours, in time order (None
    without a grid; hours outside the whole periods of the horizon are left out)."""
    if spec.grid is None:
        return None
    stamps = timestamps_of(spec.time.start, spec.time.hours, None)
    hours = stamps.get_indexer(pd.DatetimeIndex(spec.grid.coincident_peak_hours))
    n_periods = spec.time.hours // period_hours
    periods = {int(h) // period_hours for h in hours if h >= 0} & set(range(n_periods))
    return sorted(periods)


def operation_dates_applied(spec: InstanceSpec) -> InstanceSpec:
    """``spec`` with each fusion offer's commercial operation date baked into its availability
    (0 before the date) and the date removed: what the model sees, made explicit, because a
    representative hour may stand for hours on both sides of the date."""
    stamps = timestamps_of(spec.time.start, spec.time.hours, None)
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
    return spec.model_copy(update={"fusion": offers})


def choose_periods(spec: InstanceSpec) -> tuple[Aggregation, list[dict[str, Any]]]:
    """The representative periods ``spec.time.representative_periods`` asks for (operation
    dates already applied): k-means medoids, then the extreme periods, then the kept periods;
    and what was done with each (criterion, periods, first timestamp, how each joined)."""
    rep = spec.time.representative_periods
    assert rep is not None
    features = {where: values for where, values in hourly_arrays(spec) if where != "time.weights"}
    hours = spec.time.hours
    if rep.clustering == "hierarchical":
        found = hierarchical_medoids(features, rep.count, rep.period_hours)
    else:
        found = kmeans_medoids(features, rep.count, rep.period_hours, rep.seed)
    if not rep.extreme_periods and not rep.keep_periods:
        return aggregation_of(found.medoids, found.labels, hours, rep.period_hours), []
    extremes: list[tuple[str, list[int] | None]] = find_extremes(
        spec, list(rep.extreme_periods), rep.period_hours, rep.extreme_run_periods
    )
    chosen = Chosen.of_medoids(found.labels, found.medoids)
    before = chosen.labels.copy()
    how = add_extremes(
        found.matrix, chosen, [p for _, f in extremes for p in f or ()], rep.extreme_method
    )
    if rep.keep_periods:
        extremes.append(("keep_periods", list(rep.keep_periods)))
        how += add_extremes(found.matrix, chosen, list(rep.keep_periods), "append")
    recentre(
        found.matrix, chosen, before, "total" if rep.clustering == "hierarchical" else "centroid"
    )
    agg = aggregation_of(
        np.asarray(chosen.representatives),
        chosen.labels,
        hours,
        rep.period_hours,
        chosen.own_values,
    )
    stamps = timestamps_of(spec.time.start, hours, None)
    report, done = [], iter(how)
    for name, periods in extremes:
        entry: dict[str, Any] = {"criterion": name, "periods": periods}
        if periods is None:
            entry["how"] = "skipped: the instance has no grid"
        else:
            entry["start"] = [str(stamps[p * rep.period_hours]) for p in periods]
            entry["how"] = [next(done) for _ in periods]
        report.append(entry)
    return agg, report


def aggregate_spec(spec: InstanceSpec) -> tuple[InstanceSpec, np.ndarray, dict[str, Any]]:
    """Replace the hours of ``spec`` by its representative periods; return the new spec, the
    positions of the modelled hours in the full horizon, and a description of the choice (the
    settings, the number of modelled periods, each extreme period found and how it joined)."""
    rep = spec.time.representative_periods
    assert rep is not None
    spec = operation_dates_applied(spec)
    agg, extremes = choose_periods(spec)
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
    info = {
        "method": "k-means" if rep.clustering == "kmeans" else "hierarchical (Ward)",
        **rep.model_dump(),
        "modelled_periods": len(agg.hour_index) // agg.period_hours,
        "extremes": extremes,
    }
    return chosen.model_copy(update={"time": time}), agg.hour_index, info
