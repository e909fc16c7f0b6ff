"""Coincident-peak hours of 2022 (planner/data/peaks.py): ERCOT 4CP, PJM 5CP, placed on 2028."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner.data.calendar import local_year_hours, place
from planner.data.peaks import (
    RULES,
    coincident_peaks_2022,
    daily_peak_hours,
    monthly_peak_hours,
    placed,
)
from planner.data.regions import region_2022


def frame_of(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"timestamp": local_year_hours(2022), "x": values})


def test_monthly_peaks_are_the_highest_hour_of_each_summer_month() -> None:
    values = np.zeros(8760)
    stamps = local_year_hours(2022)
    peaks = ["2022-06-03 15:00", "2022-07-19 16:00", "2022-08-31 23:00", "2022-09-01 00:00"]
    for rank, stamp in enumerate(peaks):
        values[stamps.get_loc(pd.Timestamp(stamp))] = 10.0 + rank
    values[stamps.get_loc(pd.Timestamp("2022-05-31 23:00"))] = 99.0  # May: not a summer month
    values[stamps.get_loc(pd.Timestamp("2022-07-20 16:00"))] = 10.5  # below July's peak
    got = monthly_peak_hours(frame_of(values), column="x")
    assert got == [pd.Timestamp(s) for s in peaks]


def test_daily_peaks_take_one_hour_per_day() -> None:
    values = np.zeros(8760)
    stamps = local_year_hours(2022)
    # the highest two hours of all fall on 20 July: only one of them counts
    for stamp, x in (
        ("2022-07-20 15:00", 100.0),
        ("2022-07-20 16:00", 101.0),
        ("2022-06-10 16:00", 90.0),
        ("2022-08-01 17:00", 80.0),
        ("2022-09-30 23:00", 70.0),
        ("2022-07-01 14:00", 60.0),
        ("2022-08-15 12:00", 50.0),  # sixth day: left out
        ("2022-10-01 00:00", 200.0),  # October: not a summer month
    ):
        values[stamps.get_loc(pd.Timestamp(stamp))] = x
    got = daily_peak_hours(frame_of(values), 5, column="x")
    expected = ["2022-06-10 16:00", "2022-07-01 14:00", "2022-07-20 16:00"]
    expected += ["2022-08-01 17:00", "2022-09-30 23:00"]
    assert got == [pd.Timestamp(s) for s in expected]


def test_placed_hours_follow_the_series_position_rule() -> None:
    stamps = [pd.Timestamp("2022-01-01 00:00"), pd.Timestamp("2022-02-28 23:00")]
    stamps += [pd.Timestamp("2022-03-01 00:00"), pd.Timestamp("2022-12-31 23:00")]
    got = placed(stamps, "2028-01-01 00:00")
    assert got == ["2028-01-01 00:00", "2028-02-28 23:00", "2028-02-29 00:00", "2028-12-30 23:00"]
    # the same hour as place() gives the series: a peak stays on the data hour it was found in
    year = pd.DataFrame({"timestamp": local_year_hours(2022), "i": np.arange(8760)})
    on_2028 = place(year, "2028-01-01 00:00", 8760).set_index("timestamp")["i"]
    for stamp, label in zip(stamps, got, strict=True):
        assert local_year_hours(2022)[on_2028[label]] == stamp


@pytest.mark.parametrize("region", sorted(RULES))
def test_shipped_peaks_are_summer_weekday_afternoons_at_the_generation_peaks(region: str) -> None:
    frame = region_2022(region).frame
    got = coincident_peaks_2022(region)
    rule = RULES[region]
    assert len(got) == rule.count == len({h.date() for h in got})
    summer = frame[frame["timestamp"].dt.month.isin([6, 7, 8, 9])]
    by_hour = frame.set_index("timestamp")["grid_generation_mw"]
    for hour in got:
        assert hour.month in (6, 7, 8, 9) and hour.weekday() < 5 and 13 <= hour.hour <= 18
    if rule.name == "4CP":
        assert [h.month for h in got] == [6, 7, 8, 9]
        for hour in got:
            month = summer[summer["timestamp"].dt.month == hour.month]
            assert by_hour[hour] == month["grid_generation_mw"].max()
    else:  # the year's summer peak is one of them, and no other day beats the fifth
        assert summer["grid_generation_mw"].max() == max(by_hour[h] for h in got)
        daily = summer.groupby(summer["timestamp"].dt.date)["grid_generation_mw"].max()
        assert sorted(daily, reverse=True)[:5] == sorted((by_hour[h] for h in got), reverse=True)


def test_the_shipped_2022_peaks() -> None:
    """The hours written into the shipped instances (make instances)."""
    ercot = placed(coincident_peaks_2022("ercot"), "2028-01-01 00:00")
    assert ercot == ["2028-06-19 16:00", "2028-07-18 16:00", "2028-08-01 16:00", "2028-09-20 16:00"]
    pjm = [str(h) for h in coincident_peaks_2022("pjm_dominion")]
    assert pjm[1] == "2022-07-20 16:00:00"  # the PJM generation peak of 2022
    assert coincident_peaks_2022("bpa_midc") == []
