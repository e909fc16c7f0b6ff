"""Extreme periods: the periods that size the system, kept among the representative periods.

k-means medoids keep typical periods; the storage, the firm capacity and the marginal plant
are sized by a few untypical ones (the calm, dark winter day; the evening of the highest load;
the day the grid is dirtiest). ``time.representative_periods.extreme_periods`` names them by
the series and the statistic that marks them, e.g. ``net_load_max_period``:

series (each over the full horizon, before clustering)
    ``net_load``: the load minus the output of the instance's variable resources (every item
    of a resource kind with an hourly ``capacity_factor``, so solar today and wind when it is
    a kind), each resource's capacity factor scaled so that it alone would produce an equal
    share of the year's demand: ``net_t = load_t - sum_r cf_{r,t} * E / (n * sum_t cf_{r,t})``
    with ``E`` the demand's energy and ``n`` the number of variable resources. Capacities are
    decisions, so this fixed scaling stands for "a system whose variable resources supply the
    year's energy"; without variable resources the net load is the load.
    ``load``: ``demand.load_mw``. ``clean_share``: ``grid.carbon_free_share``. ``price``:
    ``grid.price_usd_per_mwh`` (both absent, and their extremes skipped, without a grid).
    ``coincident_peaks`` (a name of its own): every period holding one of the grid's
    ``coincident_peak_hours``, on which a coincident-peak charge is set.
statistic
    ``max_hour`` / ``min_hour``: the period holding the highest (lowest) single hour, as tsam's
    ``max_value`` / ``min_value``; ``max_period`` / ``min_period``: the period of the highest
    (lowest) mean, as tsam's ``max_period`` / ``min_period``, or with ``extreme_run_periods``
    = n the n consecutive periods of the highest (lowest) mean, all kept (a dark, calm spell).
    Ties: the earliest period.

How an extreme period joins the clustering (``extreme_method``, after tsam's ``ExtremeConfig``):

``append`` (default)
    The extreme period becomes a modelled period of its own standing for itself only (weight:
    one period); the cluster it belonged to loses that member. ``count`` clusters plus one
    period per distinct extreme are modelled.
``replace``
    The extreme period's hours replace those of the medoid of its cluster, which keeps every
    member (the weight of the cluster is unchanged): ``count`` periods are modelled. A second
    extreme in an already replaced cluster is appended instead. (tsam replaces only the
    extreme column of the cluster's representative, which makes a period that never happened;
    here the whole real period is used.)
``new_cluster``
    The extreme period becomes a new cluster, and every period closer to it (in the scaled
    features of the clustering) than to the representative of its own cluster joins it; its
    weight is its number of members.

``keep_periods`` (explicit periods, what :mod:`planner.periods` adds) are always appended.

In every method an extreme period that is already a representative stays its cluster's
representative; a cluster that lost members gets the medoid of the members it has left
(:func:`recentre`); every original period is represented by exactly one modelled period; and
the weights (members x period hours, scaled so the modelled hours stand for the whole horizon)
sum to the horizon's hours. Extreme periods are real periods: with ``values: mean`` they keep
their own hours, not a mean. Without extreme or kept periods nothing here runs: the medoids are
those of :func:`planner.inputs.aggregate.kmeans_medoids`, bit for bit as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

SERIES = ("net_load", "load", "clean_share", "price")
"""Series an extreme period can be chosen on (see the module doc)."""
STATISTICS = ("max_hour", "min_hour", "max_period", "min_period")
"""How a period is extreme: its highest or lowest hour, or its highest or lowest mean."""
COINCIDENT_PEAKS = "coincident_peaks"
"""The extreme that keeps every period holding one of ``grid.coincident_peak_hours`` (the
hours a coincident-peak charge is set on: known in advance, decisive for that charge)."""
EXTREMES = (*(f"{s}_{t}" for s in SERIES for t in STATISTICS), COINCIDENT_PEAKS)
"""Every admissible value of ``extreme_periods``."""
METHODS = ("append", "replace", "new_cluster")


def check_extreme_name(value: str) -> str:
    """Validator of one entry of ``extreme_periods``: a ValueError names the admissible ones."""
    if value not in EXTREMES:
        raise ValueError(
            f"must be <series>_<statistic> with series in {', '.join(SERIES)} and statistic "
            f"in {', '.join(STATISTICS)} (e.g. net_load_max_period), or {COINCIDENT_PEAKS}, "
            f"got {value!r}"
        )
    return value


def check_unique(values: list[Any]) -> list[Any]:
    """Validator of a list that names each entry once (``extreme_periods``, ``keep_periods``)."""
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        raise ValueError(f"names {', '.join(map(str, twice))} more than once")
    return values


def net_load(load: np.ndarray, capacity_factors: list[np.ndarray]) -> np.ndarray:
    """The load minus each variable resource's capacity factor scaled so that it alone would
    produce an equal share of the load's energy (module doc); resources that never produce
    are left out."""
    producing = [cf for cf in capacity_factors if cf.sum() > 0]
    net = np.asarray(load, dtype=float).copy()
    energy = float(net.sum())
    for cf in producing:
        net -= cf * (energy / (len(producing) * float(cf.sum())))
    return net


def extreme_periods(
    values: np.ndarray, period_hours: int, statistic: str, run: int = 1
) -> list[int]:
    """The whole periods (0-based) of ``values`` that are extreme by ``statistic``: the period
    of the highest (lowest) hour, or the ``run`` consecutive periods of the highest (lowest)
    mean (``run`` is ignored for the ``_hour`` statistics). Ties: the earliest."""
    n_periods = len(values) // period_hours
    periods = values[: n_periods * period_hours].reshape(n_periods, period_hours)
    extreme, _, over = statistic.partition("_")
    if over == "period":
        run = min(run, n_periods)
        per_period = np.convolve(periods.mean(axis=1), np.ones(run) / run, mode="valid")
    else:
        run = 1
        per_period = periods.max(axis=1) if extreme == "max" else periods.min(axis=1)
    if n_periods == 0 or np.ptp(periods) == 0:
        return []  # a constant series has no extreme period
    first = int(np.argmax(per_period) if extreme == "max" else np.argmin(per_period))
    return list(range(first, first + run))


@dataclass
class Chosen:
    """Representative periods and the members of each, as the extreme periods change them."""

    representatives: list[int]
    """Original period (0-based) whose hours each modelled period takes."""
    labels: np.ndarray
    """Modelled period (index into ``representatives``) of each original period."""
    own_values: list[bool]
    """Whether each modelled period keeps its own hours under ``values: mean`` (extremes)."""

    @classmethod
    def of_medoids(cls, labels: np.ndarray, medoids: np.ndarray) -> Chosen:
        """The clustering as it is: each cluster represented by its medoid."""
        return cls([int(p) for p in medoids], labels.copy(), [False] * len(medoids))


def add_extremes(matrix: np.ndarray, chosen: Chosen, extremes: list[int], method: str) -> list[str]:
    """Add the ``extremes`` (original periods) to ``chosen`` by ``method`` (module doc), in
    place; ``matrix``: the scaled features of the clustering, one row per original period.
    Returns, for each extreme, what was done (``appended``, ``replaced``, ``new cluster of N``,
    ``already a representative``)."""
    replaced: set[int] = set()
    done = []
    for period in extremes:
        if period in chosen.representatives:
            # kept as it is: its cluster's representative from now on, whatever recentre finds
            index = chosen.representatives.index(period)
            chosen.own_values[index] = True
            replaced.add(index)  # a later extreme of its cluster must not take its place
            done.append("already a representative")
            continue
        cluster = int(chosen.labels[period])
        if method == "replace" and cluster not in replaced:
            chosen.representatives[cluster] = period
            chosen.own_values[cluster] = True
            replaced.add(cluster)
            done.append("replaced")
            continue
        new = len(chosen.representatives)
        chosen.representatives.append(period)
        chosen.own_values.append(True)
        chosen.labels[period] = new
        if method == "new_cluster":
            reps = matrix[chosen.representatives]
            own = ((matrix - reps[chosen.labels]) ** 2).sum(axis=1)
            to_new = ((matrix - matrix[period]) ** 2).sum(axis=1)
            # representatives stay in their cluster (distance 0 to themselves)
            movable = np.ones(len(matrix), dtype=bool)
            movable[chosen.representatives] = False
            chosen.labels[movable & (to_new < own)] = new
            done.append(f"new cluster of {int((chosen.labels == new).sum())}")
        else:
            done.append("appended")
    return done


def recentre(matrix: np.ndarray, chosen: Chosen, before: np.ndarray, rule: str) -> None:
    """Give every clustered period (not an extreme) that lost members to the extremes the
    medoid of the members it has left, in place, by the clustering's own rule (``centroid``:
    the member closest to their centroid, k-means; ``total``: the member of least total
    distance to the others, hierarchical). A cluster that lost periods to extremes would
    otherwise keep a medoid chosen with them (a cluster that lost its three most expensive days
    to ``keep_periods`` would be represented by a day picked to sit among them); a cluster
    that lost none keeps its medoid. ``before``: the labels of the clustering."""
    for c, own in enumerate(chosen.own_values):
        if own:
            continue
        members = np.flatnonzero(chosen.labels == c)
        if len(members) == int((before == c).sum()):
            continue
        points = matrix[members]
        if rule == "total":
            squared = (points**2).sum(axis=1)
            gram = squared[:, None] + squared[None, :] - 2.0 * points @ points.T
            distance = np.sqrt(np.maximum(gram, 0.0)).sum(axis=1)
        else:
            distance = ((points - points.mean(axis=0)) ** 2).sum(axis=1)
        chosen.representatives[c] = int(members[np.argmin(distance)])
