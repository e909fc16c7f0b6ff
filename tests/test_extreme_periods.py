"""Extreme periods kept among the representative periods, and the count chosen by the error."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import ROOT, grid, tiny

import planner
from planner.inputs.extremes import Chosen, add_extremes, extreme_periods, net_load, recentre
from planner.periods import (
    _new_periods,
    choose_representative_periods,
    period_values,
    unit_errors,
)

DAYS = 10
SHAPE = np.clip(np.sin(np.linspace(-np.pi / 2, 3 * np.pi / 2, 24)), 0.0, None)
"""A daylight bump: 0 at night, 1 at noon."""


def ten_days(rep: dict[str, Any] | None = None, load: Any = 100.0) -> planner.Instance:
    """Ten days: solar follows SHAPE every day but day 3 (dark, 0) and day 4 (0.3 x SHAPE);
    the grid price is 20 $/MWh on days 0-4 and 100 $/MWh on days 5-9; load 100 MW.

    Clustered into 2 days, the price (span 80 $/MWh, scaled to 1 in each of 24 hours) splits
    the days into {0..4} and {5..9}; within the first cluster the centroid's solar is
    (3 + 0 + 0.3) / 5 = 0.66 x SHAPE, so the closest member (the medoid) is a normal day,
    the first of them: day 0 (distance 0.34^2 against 0.36^2 for day 4 and 0.66^2 for day 3).
    The second cluster's days are identical: its medoid is day 5. The dark day 3 is dropped.
    """
    scale = np.ones(DAYS)
    scale[3], scale[4] = 0.0, 0.3
    inst = tiny(
        DAYS * 24,
        load_mw=load,
        solar=[
            {
                "name": "pv",
                "capacity_factor": (scale[:, None] * SHAPE).ravel().tolist(),
                "max_capacity_mw": 100.0,
                "capex_usd_per_kw": 1000.0,
                "lifetime_yr": 30.0,
            }
        ],
        grid=grid(price=np.repeat(np.where(np.arange(DAYS) < 5, 20.0, 100.0), 24).tolist()),
    )
    return inst.with_overrides({"time.representative_periods": rep or {"count": 2}})


def days_and_weights(inst: planner.Instance) -> tuple[list[int], list[float]]:
    """Modelled days (in the full horizon) and the days each stands for (the weight of each
    of its hours)."""
    assert inst.hour_index is not None
    return [int(h) // 24 for h in inst.hour_index[::24]], [float(w) for w in inst.weights[::24]]


def test_medoids_alone_drop_the_dark_day() -> None:
    """As derived in :func:`ten_days`: days 0 and 5, five days each."""
    inst = ten_days()
    assert days_and_weights(inst) == ([0, 5], [5.0, 5.0])
    assert inst.periods["extremes"] == []


def test_hierarchical_clustering_finds_the_same_days() -> None:
    """Ward's clustering into 2 splits the ten days by price as k-means does; the medoid is
    the member of least total distance to the others: in days 0-4, with S the norm of SHAPE,
    a normal day is 0 from the two others, S from day 3 and 0.7 S from day 4 (1.7 S in all),
    day 4 is 3 x 0.7 S + 0.3 S = 2.4 S, day 3 is 3 S + 0.3 S = 3.3 S: day 0 (the first normal
    one). With the dark day appended: days 0, 3, 5 as with k-means."""
    inst = ten_days({"count": 2, "clustering": "hierarchical"})
    assert days_and_weights(inst) == ([0, 5], [5.0, 5.0])
    assert inst.periods["method"] == "hierarchical (Ward)"
    inst = ten_days(
        {"count": 2, "clustering": "hierarchical", "extreme_periods": ["net_load_max_period"]}
    )
    assert days_and_weights(inst) == ([0, 3, 5], [4.0, 1.0, 5.0])


@pytest.mark.parametrize(
    ("method", "days", "weights", "how"),
    [
        # day 3 stands for itself; the first cluster keeps days 0, 1, 2, 4
        ("append", [0, 3, 5], [4.0, 1.0, 5.0], "appended"),
        # day 3's hours stand for the whole first cluster
        ("replace", [3, 5], [5.0, 5.0], "replaced"),
        # day 4 (0.3 x SHAPE) is closer to day 3 (0.3^2) than to day 0 (0.7^2): it joins
        ("new_cluster", [0, 3, 5], [3.0, 2.0, 5.0], "new cluster of 2"),
    ],
)
def test_the_dark_day_is_kept_by_each_method(
    method: str, days: list[int], weights: list[float], how: str
) -> None:
    """The net load (load minus solar scaled to the year's demand) has its highest daily mean
    on the dark day 3 (no solar): ``net_load_max_period`` keeps it, in each method; the
    weights still stand for the 10 days (240 h)."""
    inst = ten_days(
        {"count": 2, "extreme_periods": ["net_load_max_period"], "extreme_method": method}
    )
    assert days_and_weights(inst) == (days, weights)
    assert inst.weights.sum() == pytest.approx(240.0)
    (entry,) = inst.periods["extremes"]
    assert entry == {
        "criterion": "net_load_max_period",
        "periods": [3],
        "start": ["2028-01-04 00:00:00"],
        "how": [how],
    }
    assert inst.periods["modelled_periods"] == len(days)
    # every original day is represented by one modelled day, the sequence says which
    sequence = np.asarray(inst.spec.time.period_sequence)
    assert list(np.bincount(sequence)) == [int(w) for w in weights]
    assert sequence[3] == days.index(3)


def test_an_extreme_hour_keeps_its_day() -> None:
    """A load of 300 MW in hour 18 of day 7 (100 MW elsewhere): its highest hour is on day 7,
    which ``load_max_hour`` keeps as a day of its own (it is not a medoid: the days 5-9 but 7
    are identical, so day 5 is). The clean share is 0 in every hour: a constant series has no
    extreme, so its criterion keeps no day."""
    load = np.full(DAYS * 24, 100.0)
    load[7 * 24 + 18] = 300.0
    inst = ten_days(
        {"count": 2, "extreme_periods": ["load_max_hour", "clean_share_min_period"]},
        load=load.tolist(),
    )
    days, weights = days_and_weights(inst)
    assert 7 in days and weights[days.index(7)] == 1.0
    hows = [(e["criterion"], e["periods"], e["how"]) for e in inst.periods["extremes"]]
    assert hows == [
        ("load_max_hour", [7], ["appended"]),
        ("clean_share_min_period", [], []),
    ]
    assert inst.weights.sum() == pytest.approx(240.0)


def test_coincident_peak_days_are_kept() -> None:
    """Coincident-peak hours on day 7 (hour 16) and day 8 (hour 15), and one after the ten
    days: ``coincident_peaks`` keeps days 7 and 8 (not medoids: day 5 is), each standing for
    itself; the hour beyond the horizon is left out."""
    inst = ten_days()
    raw = dict(inst.raw)
    raw["grid"] = {
        **raw["grid"],
        "coincident_peak_hours": ["2028-01-08 16:00", "2028-01-09 15:00", "2028-02-01 16:00"],
    }
    raw["time"] = {
        **raw["time"],
        "representative_periods": {"count": 2, "extreme_periods": ["coincident_peaks"]},
    }
    inst = planner.Instance.from_dict(raw, source="tiny.yaml")
    assert days_and_weights(inst) == ([0, 5, 7, 8], [5.0, 3.0, 1.0, 1.0])
    assert inst.periods["extremes"][0]["periods"] == [7, 8]


def test_grid_extremes_are_skipped_without_a_grid() -> None:
    """No grid: ``price_max_hour`` has no series; it is skipped and said so."""
    inst = tiny(48).with_overrides(
        {"time.representative_periods": {"count": 1, "extreme_periods": ["price_max_hour"]}}
    )
    assert inst.periods["extremes"] == [
        {"criterion": "price_max_hour", "periods": None, "how": "skipped: the instance has no grid"}
    ]
    assert inst.hours == 24


@pytest.mark.parametrize("method", ["append", "replace", "new_cluster"])
def test_weights_sum_to_the_horizon_with_a_partial_last_period(method: str) -> None:
    """250 hours of 24-hour periods: 10 whole periods, 10 hours left out of the clustering;
    the weights are scaled by 250 / 240 so that the modelled hours still stand for 250 hours,
    with extreme periods as without."""
    rng = np.random.default_rng(3)
    inst = tiny(
        250,
        load_mw=(100 + 20 * rng.random(250)).tolist(),
        grid=grid(price=(50 * rng.random(250)).tolist(), cfe=rng.random(250).tolist()),
    ).with_overrides(
        {
            "time.representative_periods": {
                "count": 3,
                "extreme_periods": ["load_max_hour", "price_max_period", "clean_share_min_hour"],
                "extreme_method": method,
            }
        }
    )
    assert inst.weights.sum() == pytest.approx(250.0)
    assert len(inst.spec.time.period_sequence) == 10


def test_default_instance_keeps_its_extremes_and_its_year() -> None:
    """Four weeks of the default instance in 6 days, without and with three net-load extremes:
    every extreme day found is modelled, the weights sum to 672 h, and the weighted total of
    the load stays within 1 % of the four weeks' (the load varies by a few % from day to
    day)."""
    base = planner.load_instance(ROOT / "instances" / "default.yaml").with_overrides(
        {"time.hours": 28 * 24}
    )
    extremes = ["net_load_max_period", "net_load_max_hour", "net_load_min_period"]
    for rep in ({"count": 6}, {"count": 6, "extreme_periods": extremes}):
        inst = base.with_overrides({"time.representative_periods": rep})
        assert inst.weights.sum() == pytest.approx(28 * 24)
        days = {int(h) // 24 for h in inst.hour_index[::24]}
        assert {p for e in inst.periods["extremes"] for p in e["periods"]} <= days
        load = base.spec.demand.load_mw
        assert (inst.weights * inst.spec.demand.load_mw).sum() == pytest.approx(
            load.sum(), rel=0.01
        )


def test_extreme_period_statistics() -> None:
    """Four 2-hour periods [1, 5], [4, 4], [0, 2], [3, 3]: highest hour in period 0 (5), lowest
    in period 2 (0), highest mean in period 1 (4), lowest mean in period 2 (1). Runs of two
    periods: means 3.5, 2.5, 2 -> highest periods 0-1, lowest periods 2-3; an hour statistic
    keeps one period whatever the run."""
    values = np.array([1.0, 5.0, 4.0, 4.0, 0.0, 2.0, 3.0, 3.0])
    assert extreme_periods(values, 2, "max_hour") == [0]
    assert extreme_periods(values, 2, "min_hour") == [2]
    assert extreme_periods(values, 2, "max_period") == [1]
    assert extreme_periods(values, 2, "min_period") == [2]
    assert extreme_periods(values, 2, "max_period", run=2) == [0, 1]
    assert extreme_periods(values, 2, "min_period", run=2) == [2, 3]
    assert extreme_periods(values, 2, "max_hour", run=2) == [0]


def test_net_load_scales_each_resource_to_an_equal_share_of_demand() -> None:
    """Load 10 MW for 4 hours (40 MWh); two resources, cf [1, 0, 0, 1] and [0, 0, 1, 1]: each
    scaled to produce 20 MWh, i.e. by 10: net = 10 - 10 cf1 - 10 cf2 = [0, 10, 0, -10]. A
    resource that never produces is left out."""
    load = np.full(4, 10.0)
    cfs = [np.array([1.0, 0, 0, 1]), np.array([0, 0, 1.0, 1]), np.zeros(4)]
    assert net_load(load, cfs).tolist() == [0.0, 10.0, 0.0, -10.0]


def test_replace_twice_in_one_cluster_appends_the_second() -> None:
    """One cluster {0, 1, 2} with medoid 0: the first extreme (2) replaces the medoid, the
    second (1) is appended and stands for itself; the cluster keeps periods 0 and 2."""
    matrix = np.array([[0.0], [1.0], [2.0]])
    chosen = Chosen.of_medoids(np.zeros(3, dtype=int), np.array([0]))
    how = add_extremes(matrix, chosen, [2, 1], "replace")
    assert (chosen.representatives, chosen.labels.tolist(), how) == (
        [2, 1],
        [0, 1, 0],
        ["replaced", "appended"],
    )


def test_an_extreme_that_is_already_the_medoid_is_not_replaced_by_the_next() -> None:
    """One cluster {0, 1, 2} with medoid 1: the first extreme (1) is its representative
    already and stays; the second (2) must not replace it (that would drop period 1, an
    extreme): it is appended."""
    matrix = np.array([[0.0], [1.0], [2.0]])
    chosen = Chosen.of_medoids(np.zeros(3, dtype=int), np.array([1]))
    how = add_extremes(matrix, chosen, [1, 2], "replace")
    assert chosen.representatives == [1, 2]
    assert how == ["already a representative", "appended"]


def test_recentre_leaves_the_clusters_that_lost_nothing() -> None:
    """Two clusters {0, 1, 2} (medoid 1) and {3, 4, 5} (medoid 4, chosen by the clustering's
    rule); period 0 becomes an extreme of its own: the first cluster keeps {1, 2} and its
    medoid is re-chosen among them (1, the earliest of the two equidistant), the second lost
    nothing and keeps 4 even where another rule would pick 5."""
    matrix = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [11.5]])
    labels = np.array([0, 0, 0, 1, 1, 1])
    chosen = Chosen.of_medoids(labels, np.array([1, 4]))
    before = chosen.labels.copy()
    add_extremes(matrix, chosen, [0], "append")
    recentre(matrix, chosen, before, "centroid")
    assert chosen.representatives[:2] == [1, 4]
    assert chosen.representatives[2] == 0


def test_a_constant_series_has_no_extreme_period() -> None:
    """A flat price keeps no day (argmax of a constant would pick the first)."""
    assert extreme_periods(np.full(48, 30.0), 24, "max_hour") == []
    assert extreme_periods(np.full(48, 30.0), 24, "min_period", run=2) == []


@pytest.mark.parametrize(
    ("rep", "message"),
    [
        (
            {"count": 2, "extreme_periods": ["net_load_max"]},
            "time.representative_periods.extreme_periods[0]: must be <series>_<statistic> with "
            "series in net_load, load, clean_share, price and statistic in max_hour, min_hour, "
            "max_period, min_period (e.g. net_load_max_period), or coincident_peaks, got "
            "'net_load_max'",
        ),
        (
            {"count": 2, "extreme_periods": ["load_max_hour", "load_max_hour"]},
            "time.representative_periods.extreme_periods: names load_max_hour more than once",
        ),
        (
            {"count": 2, "keep_periods": [3, 10]},
            "time.representative_periods.keep_periods: must be in [0, 9], the whole 24-hour "
            "periods of time.hours, got [10]",
        ),
        (
            {"count": 2, "keep_periods": [4, 4]},
            "time.representative_periods.keep_periods: names 4 more than once",
        ),
        (
            {"count": 2, "extreme_run_periods": 0},
            "time.representative_periods.extreme_run_periods: must be >= 1, got 0",
        ),
        (
            {"count": 2, "extreme_method": "keep"},
            "time.representative_periods.extreme_method: must be one of 'append', 'replace' or "
            "'new_cluster', got 'keep'",
        ),
    ],
)
def test_extreme_settings_are_validated(rep: dict[str, Any], message: str) -> None:
    with pytest.raises(planner.InstanceError) as info:
        ten_days(rep)
    assert [p.removeprefix("tiny.yaml: ") for p in info.value.problems] == [message]


# -- the count chosen by the error ----------------------------------------------------------


@pytest.fixture(scope="module")
def four_weeks() -> planner.Instance:
    return planner.load_instance(ROOT / "instances" / "default.yaml").with_overrides(
        {"time.hours": 28 * 24}
    )


def test_error_driven_choice_adds_the_most_valuable_periods_until_within(
    four_weeks: planner.Instance,
) -> None:
    """4 clustered days of the 28, then 2 kept days at a time, at two targets (90 % and 95 %
    hourly CFE), until both are within 1 % on cost and 5 % on capacities (28 modelled days are
    the full LP: within at the latest there). Every step before the chosen one is outside at
    some target, the chosen one inside at both; the kept days are the most valuable
    (marginal cost x load, in the full solves) of those the clustering did not model."""
    targets = [{"policy.hourly_cfe_target": 0.9}, {"policy.hourly_cfe_target": 0.95}]
    choice = choose_representative_periods(
        four_weeks, targets, start=4, step=2, max_periods=28, rank="value"
    )
    table = choice.errors
    assert list(table.groupby("step").size()) == [2] * table["step"].nunique()
    within = table.groupby("step")["within"].all()
    assert choice.met and within.iloc[-1] and not within.iloc[:-1].any()
    last = table[table["step"] == table["step"].max()]
    assert (last["objective_error"].abs() <= 0.01).all()
    assert (last["max_capacity_error"] <= 0.05).all()
    assert choice.count == 4
    record = choice.instance.periods
    assert record["met"] is True and record["keep_periods"] == choice.keep_periods
    assert len(record["tried"]) == len(table) and record["targets"] == targets
    modelled = {int(h) // 24 for h in choice.instance.hour_index[::24]}  # type: ignore[index]
    assert set(choice.keep_periods) <= modelled
    # the first two kept days: the most valuable at the worst target of the first step, of
    # the days the 4 clustered ones leave out
    first = table[table["step"] == 0]
    worst = int(
        np.argmax(
            np.maximum(first["objective_error"].abs() / 0.01, first["max_capacity_error"] / 0.05)
        )
    )
    clustered = four_weeks.with_overrides({"time.representative_periods": {"count": 4}})
    medoids = {int(h) // 24 for h in clustered.hour_index[::24]}  # type: ignore[index]
    value = period_values(choice.full[worst], 24)
    ranked = [int(d) for d in np.argsort(-value, kind="stable") if int(d) not in medoids]
    assert set(ranked[:2]) <= set(choice.keep_periods)
    # the errors are measured as the target defines them
    res = planner.solve(choice.instance.with_overrides(targets[1]), baseline=False)
    err = unit_errors(res, choice.full[1])
    assert err["objective_usd"] == pytest.approx(last["objective_error"].iloc[1], abs=1e-6)


def test_mismatch_and_both_rankings() -> None:
    """Values [9, 1, 5, 6] of four periods, modelled periods 0 and 2, sequence [0, 0, 1, 1]
    (periods 0-1 represented by period 0, 2-3 by period 2). Not modelled: 1 and 3. By value:
    3 (6) then 1 (1). By mismatch with the representative: |1 - 9| = 8 for period 1, |6 - 5| =
    1 for period 3: 1 then 3. Both: alternately, value first: 3, 1."""
    value = np.array([9.0, 1.0, 5.0, 6.0])
    args = (value, np.array([0, 2]), np.array([0, 0, 1, 1]), {0, 2})
    assert _new_periods(*args, "value") == [3, 1]
    assert _new_periods(*args, "mismatch") == [1, 3]
    assert _new_periods(*args, "both") == [3, 1]


def test_no_extremes_cluster_as_before(four_weeks: planner.Instance) -> None:
    """Empty ``extreme_periods`` and ``keep_periods`` are the clustering of old, bit for bit."""
    plain = four_weeks.with_overrides({"time.representative_periods": {"count": 6}})
    empty = four_weeks.with_overrides(
        {"time.representative_periods": {"count": 6, "extreme_periods": [], "keep_periods": []}}
    )
    assert np.array_equal(plain.hour_index, empty.hour_index)  # type: ignore[arg-type]
    assert plain.weights.tobytes() == empty.weights.tobytes()
    assert plain.spec.time.period_sequence == empty.spec.time.period_sequence


def test_error_driven_choice_by_count(four_weeks: planner.Instance) -> None:
    """``add="count"``: 4, 8, ... clustered days, no kept day; the first count within the
    tolerances is chosen."""
    choice = choose_representative_periods(four_weeks, start=4, step=4, max_periods=28, add="count")
    table = choice.errors
    assert choice.met and table["within"].iloc[-1] and not table["within"].iloc[:-1].any()
    assert list(table["count"]) == list(range(4, 4 * len(table) + 1, 4))
    assert choice.count == table["count"].iloc[-1] and choice.keep_periods == []
    assert choice.instance.hours == 24 * choice.count


def test_error_driven_choice_says_when_the_tolerance_is_not_met(
    four_weeks: planner.Instance,
) -> None:
    """A tolerance no aggregation into 1 or 2 days can meet (1e-9): a warning names the
    closest choice, which is returned with ``met`` False."""
    with pytest.warns(UserWarning, match="no representative periods tried \\(up to 2 periods\\)"):
        choice = choose_representative_periods(
            four_weeks, cost_tolerance=1e-9, capacity_tolerance=1e-9, start=1, step=1, max_periods=2
        )
    assert not choice.met and choice.instance.periods["met"] is False
    assert list(choice.errors["modelled_hours"]) == [24, 48]
    assert choice.instance.hours in (24, 48)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cost_tolerance": 0.0}, "cost_tolerance and capacity_tolerance must be > 0"),
        ({"start": 10, "max_periods": 5}, "need start >= 1, step >= 1 and max_periods >= start"),
        ({"start": 30, "max_periods": 40}, "start (30) is above the 28 whole periods"),
        ({"add": "weeks"}, "add must be 'periods' or 'count', got 'weeks'"),
    ],
)
def test_error_driven_choice_refuses_bad_arguments(
    four_weeks: planner.Instance, kwargs: dict[str, Any], message: str
) -> None:
    """Refused before anything is solved."""
    with pytest.raises(ValueError) as info:
        choose_representative_periods(four_weeks, **kwargs)
    assert str(info.value).startswith(message)
