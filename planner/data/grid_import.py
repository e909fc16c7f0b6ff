"""Readers of real hourly grid data (EIA-930, Electricity Maps, ISO prices) into the planner's
profile columns, in the site's local standard time; the command line is :mod:`planner.imports`.

Every reader takes the time stamps as hour-beginning or hour-ending (``hour_ending``; the
default of each layout is stated where it is read), converts them to UTC and then to local
standard time (a fixed offset all year), averages sub-hourly rows and interpolates missing
hours. A file covering exactly one UTC calendar year is wrapped onto the local year
(:func:`planner.data.calendar.wrap_to_local_year`, the rule of the shipped data).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.data.calendar import CalendarError, whole_utc_year, wrap_to_local_year
from planner.data.eia930 import (
    DIRECT_T_PER_MWH,
    FUELS,
    Eia930Error,
    grid_series,
    read_short_codes,
    repair,
)

EMISSION_FACTORS_T_PER_MWH = {
    "coal": DIRECT_T_PER_MWH["COL"],
    "gas": DIRECT_T_PER_MWH["NG"],
    "oil": DIRECT_T_PER_MWH["OIL"],
}
"""CO2 per MWh generated, US 2023: EIA FAQ 'How much carbon dioxide is produced per kilowatthour
of U.S. electricity generation?' (709 Mt / 675 TWh coal, 790 Mt / 1,806 TWh gas, 18 Mt / 16.2 TWh
petroleum); the same as :data:`planner.data.eia930.DIRECT_T_PER_MWH`."""

CLEAN_FUELS = ("nuclear", "hydro", "solar", "wind")

EIA930_FUELS = {
    "coal": ("Net Generation (MW) from Coal", "NG: COL"),
    "gas": ("Net Generation (MW) from Natural Gas", "NG: NG"),
    "oil": ("Net Generation (MW) from All Petroleum Products", "NG: OIL"),
    "nuclear": ("Net Generation (MW) from Nuclear", "NG: NUC"),
    "hydro": ("Net Generation (MW) from Hydropower and Pumped Storage", "NG: WAT"),
    "solar": ("Net Generation (MW) from Solar", "NG: SUN"),
    "wind": ("Net Generation (MW) from Wind", "NG: WND"),
    "other": ("Net Generation (MW) from Other Fuel Sources", "NG: OTH"),
    "unknown": ("Net Generation (MW) from Unknown Fuel Sources", "NG: UNK"),
}
"""Fuel -> column names in the EIA-930 six-month files and in the per-BA files."""

EIA930_TIME = ("UTC Time at End of Hour", "UTC time")
EIA930_BA = ("Balancing Authority", "BA")


class ImportFormatError(ValueError):
    """The input file does not have the expected columns or values."""


@dataclass(frozen=True)
class Imported:
    """Hourly columns in local standard time, and what was done to get them."""

    frame: pd.DataFrame  # index: hour-beginning local standard time; planner column names
    filled_hours: int
    source_rows: int
    wrapped_hours: int = 0
    """Hours of a whole UTC year moved to the other end of the local year (0: not wrapped)."""
    repaired_hours: int = 0
    """EIA-930 short-code layout: defective hours repaired (:func:`planner.data.eia930.repair`)."""


# -- helpers ---------------------------------------------------------------------------------
def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, encoding="utf-8-sig", thousands=",", low_memory=False)
    except FileNotFoundError:
        raise ImportFormatError("file not found") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ImportFormatError(f"cannot be read as CSV: {exc}") from None


def _column(frame: pd.DataFrame, names: Sequence[str], what: str) -> str:
    for name in names:
        if name in frame.columns:
            return name
    raise ImportFormatError(
        f"no {what} column (expected one of {', '.join(map(repr, names))}; "
        f"have {', '.join(map(str, frame.columns))})"
    )


def _matching(frame: pd.DataFrame, pattern: str, what: str) -> str:
    regex = re.compile(pattern, re.IGNORECASE)
    for name in frame.columns:
        if regex.search(str(name)):
            return str(name)
    raise ImportFormatError(
        f"no {what} column (matching /{pattern}/; have {', '.join(map(str, frame.columns))})"
    )


def _line(series: pd.Series, mask: np.ndarray) -> str:
    """'line N' of the first row in ``mask`` (the header is line 1)."""
    return f"line {series.index.get_loc(series.index[np.flatnonzero(mask)[0]]) + 2}"


def _numbers(series: pd.Series, what: str) -> np.ndarray:
    """Numbers of a column; empty cells are NaN, anything else that is not a number is refused."""
    text = series.astype(str).str.replace(",", "", regex=False).str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & series.notna().to_numpy() & (text != "").to_numpy()
    if bad.any():
        first = series.iloc[np.flatnonzero(bad)[0]]
        raise ImportFormatError(
            f"column {what!r} {_line(series, bad)}: {first!r} is not a number"
            + (f" ({int(bad.sum()) - 1} more)" if bad.sum() > 1 else "")
        )
    return values


def _utc(series: pd.Series, what: str) -> pd.DatetimeIndex:
    """Parse timestamps as UTC (naive values are taken as UTC)."""
    parsed = pd.to_datetime(series, errors="coerce", utc=True, format="mixed")
    bad = parsed.isna().to_numpy()
    if bad.any():
        first = series.iloc[np.flatnonzero(bad)[0]]
        raise ImportFormatError(
            f"column {what!r} {_line(series, bad)}: {first!r} is not a timestamp"
            + (f" ({int(bad.sum()) - 1} more)" if bad.sum() > 1 else "")
        )
    return pd.DatetimeIndex(parsed)


def to_local_hourly(
    utc_hour_start: pd.DatetimeIndex, columns: dict[str, np.ndarray], utc_offset_h: float
) -> Imported:
    """Average to hours in local standard time (UTC + offset, naive), fill gaps by interpolation."""
    local = (
        utc_hour_start.tz_convert("UTC").tz_localize(None) + pd.Timedelta(hours=utc_offset_h)
    ).floor("h")
    frame = pd.DataFrame(columns, index=local).groupby(level=0).mean().sort_index()
    if frame.empty:
        raise ImportFormatError("no rows left after filtering")
    full = pd.date_range(frame.index[0], frame.index[-1], freq="h")
    frame = frame.reindex(full)
    missing = int(frame.isna().any(axis=1).sum())
    frame = frame.interpolate(method="linear", limit_direction="both")
    frame.index.name = "timestamp"
    wrapped = 0
    year = whole_utc_year(pd.DatetimeIndex(frame.index), utc_offset_h)
    if year is not None and utc_offset_h != 0:
        try:
            frame = wrap_to_local_year(frame, utc_offset_h, year)
            wrapped = int(abs(utc_offset_h))
        except CalendarError:
            pass  # a fractional offset: the hours stay as they are
    return Imported(frame, missing, len(utc_hour_start), wrapped_hours=wrapped)


# -- the three formats -----------------------------------------------------------------------
def _short_codes(path: Path, utc_offset_h: float, other_clean: bool, hour_ending: bool) -> Imported:
    """The short-code layout (``timestamp``, ``WND`` ... ``OTH``): the shipped conversion."""
    try:
        fixed = repair(read_short_codes(path))
    except Eia930Error as exc:
        raise ImportFormatError(str(exc)) from None
    series = grid_series(fixed.fuels)
    share = series["grid_carbon_free_share"].to_numpy()
    if other_clean:
        mw = fixed.fuels.clip(lower=0)
        share = share + (mw["OTH"] / mw.sum(axis=1)).to_numpy()
    start = pd.DatetimeIndex(fixed.fuels.index)
    if hour_ending:
        start = start - pd.Timedelta(hours=1)
    columns = {
        "grid_carbon_intensity_t_per_mwh": series["grid_carbon_intensity_t_per_mwh"].to_numpy(),
        "grid_carbon_free_share": share,
    }
    got = to_local_hourly(start, columns, utc_offset_h)
    return Imported(
        got.frame, got.filled_hours, got.source_rows, got.wrapped_hours, int(fixed.defective.sum())
    )


def import_eia930(
    path: Path,
    utc_offset_h: float,
    ba: str | None = None,
    other_clean: bool = False,
    hour_ending: bool | None = None,
) -> Imported:
    """EIA-930 generation by fuel -> carbon-free share and generation-based carbon intensity.

    Three layouts: the six-month balance files (``UTC Time at End of Hour``: hour-ending by
    default), the per-BA files (``UTC time``, ``NG: COL`` ...: hour-ending by default) and the
    short-code layout of any balancing authority (``timestamp``, ``WND``, ``SUN``, ``WAT``,
    ``OIL``, ``NG``, ``COL``, ``NUC``, ``OTH``: hour-beginning by default; defective hours are
    repaired by :func:`planner.data.eia930.repair`). ``hour_ending`` overrides the default.

    Negative net generation (pumped-storage pumping) counts as zero. ``other`` and ``unknown``
    fuels count in the total, as not carbon-free unless ``other_clean``, with no emissions.
    """
    frame = _read(path)
    if "timestamp" in frame.columns and all(f in frame.columns for f in FUELS):
        return _short_codes(path, utc_offset_h, other_clean, bool(hour_ending))
    ba_col = next((c for c in EIA930_BA if c in frame.columns), None)
    if ba is not None:
        if ba_col is None:
            raise ImportFormatError(f"--ba {ba}: the file has no 'Balancing Authority' column")
        frame = frame[frame[ba_col].astype(str).str.strip() == ba]
        if frame.empty:
            raise ImportFormatError(f"no rows for balancing authority {ba!r}")
    elif ba_col is not None and frame[ba_col].nunique() > 1:
        have = ", ".join(sorted(frame[ba_col].astype(str).unique())[:10])
        raise ImportFormatError(f"several balancing authorities ({have}): choose one with --ba")
    time_col = _column(frame, EIA930_TIME, "UTC time")
    found = {
        fuel: next((n for n in names if n in frame.columns), None)
        for fuel, names in EIA930_FUELS.items()
    }
    if not any(found[f] for f in CLEAN_FUELS) or not any(found[f] for f in ("coal", "gas", "oil")):
        raise ImportFormatError(
            "no generation-by-fuel columns (expected e.g. 'Net Generation (MW) from Coal' or 'NG: "
            "COL')"
        )
    mw = {
        fuel: np.clip(np.nan_to_num(_numbers(frame[col], col)), 0.0, None)
        for fuel, col in found.items()
        if col
    }
    total = np.sum(list(mw.values()), axis=0)
    clean_fuels = CLEAN_FUELS + (("other",) if other_clean else ())
    clean = np.sum([mw[f] for f in clean_fuels if f in mw], axis=0)
    emitted = np.sum(
        [mw[f] * EMISSION_FACTORS_T_PER_MWH[f] for f in EMISSION_FACTORS_T_PER_MWH if f in mw],
        axis=0,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, clean / total, np.nan)
        intensity = np.where(total > 0, emitted / total, np.nan)
    stamps = _utc(frame[time_col], time_col)
    ending = True if hour_ending is None else hour_ending
    return to_local_hourly(
        stamps - pd.Timedelta(hours=1 if ending else 0),
        {"grid_carbon_intensity_t_per_mwh": intensity, "grid_carbon_free_share": share},
        utc_offset_h,
    )


def import_electricitymaps(
    path: Path, utc_offset_h: float, lifecycle: bool = False, hour_ending: bool = False
) -> Imported:
    """Electricity Maps hourly export -> carbon intensity (t/MWh) and carbon-free share
    (``Datetime (UTC)``: hour-beginning unless ``hour_ending``)."""
    frame = _read(path)
    time_col = _matching(frame, r"^datetime", "'Datetime (UTC)'")
    ci_col = _matching(
        frame,
        r"carbon intensity.*(life ?cycle|lca)" if lifecycle else r"carbon intensity.*direct",
        "carbon intensity",
    )
    cfe_col = _matching(frame, r"carbon[- ]free|low carbon", "carbon-free percentage")
    intensity = _numbers(frame[ci_col], ci_col) / 1000.0  # g/kWh -> t/MWh
    share = _numbers(frame[cfe_col], cfe_col) / 100.0
    return to_local_hourly(
        _utc(frame[time_col], time_col) - pd.Timedelta(hours=1 if hour_ending else 0),
        {"grid_carbon_intensity_t_per_mwh": intensity, "grid_carbon_free_share": share},
        utc_offset_h,
    )


PRICE_PRESETS = {
    "ercot": {"node_column": "Settlement Point", "price_column": "Settlement Point Price"},
    "pjm": {"node_column": "pnode_name", "time_column": "datetime_beginning_utc"},
}


def import_price(
    path: Path,
    utc_offset_h: float,
    preset: str | None = None,
    time_column: str | None = None,
    price_column: str | None = None,
    node: str | None = None,
    hour_ending: bool | None = None,
    local_time_zone: str | None = None,
    adder_usd_per_mwh: float = 0.0,
) -> Imported:
    """An ISO price file -> import price (price + adder) and export price (price), $/MWh.

    Stamps are hour-beginning unless ``hour_ending`` (default: ending for ``--preset ercot``,
    whose ``Hour Ending`` column says so; beginning for ``pjm`` and any other file).
    Timestamps are UTC unless ``local_time_zone`` (an IANA name, e.g. ``America/Chicago``)
    says they are local wall-clock times (daylight saving resolved by the zone). ERCOT's
    ``Delivery Date`` + ``Hour Ending`` are local to ``America/Chicago``, with the repeated
    autumn hour flagged.
    """
    frame = _read(path)
    settings = dict(PRICE_PRESETS.get(preset or "", {}))
    node_column = settings.get("node_column")
    if node is not None:
        node_column = node_column or _column(
            frame, ("node", "Node", "pnode_name", "Settlement Point"), "node"
        )
        frame = frame[frame[node_column].astype(str).str.strip() == node]
        if frame.empty:
            raise ImportFormatError(f"no rows for node {node!r} in column {node_column!r}")
    elif node_column and node_column in frame.columns and frame[node_column].nunique() > 1:
        have = ", ".join(sorted(frame[node_column].astype(str).unique())[:10])
        raise ImportFormatError(
            f"several nodes in {node_column!r} ({have}): choose one with --node"
        )
    if preset == "ercot":
        date_col = _column(frame, ("Delivery Date", "DeliveryDate"), "'Delivery Date'")
        hour_col = _column(frame, ("Hour Ending", "HourEnding"), "'Hour Ending'")
        price_col = price_column or _column(
            frame, ("Settlement Point Price", "SettlementPointPrice"), "price"
        )
        hours = pd.to_numeric(frame[hour_col].astype(str).str.split(":").str[0], errors="coerce")
        if hours.isna().any():
            raise ImportFormatError(f"{hour_col}: values must look like '01:00' ... '24:00'")
        ending = True if hour_ending is None else hour_ending
        wall = pd.to_datetime(frame[date_col], format="mixed") + pd.to_timedelta(
            hours - (1 if ending else 0), unit="h"
        )
        repeated = (
            frame.get("Repeated Hour Flag", pd.Series("N", index=frame.index))
            .astype(str)
            .str.upper()
            == "Y"
        )
        start = pd.DatetimeIndex(wall).tz_localize(
            "America/Chicago", ambiguous=~repeated.to_numpy()
        )
        price = _numbers(frame[price_col], price_col)
    else:
        if preset == "pjm":
            price_col = price_column or _matching(
                frame, r"^total_lmp_(da|rt)$", "total_lmp_da or total_lmp_rt"
            )
        else:
            if not time_column or not price_column:
                raise ImportFormatError("give --time-column and --price-column, or a --preset")
            price_col = price_column
        time_col = time_column or settings.get("time_column") or ""
        for col in (time_col, price_col):
            if col not in frame.columns:
                raise ImportFormatError(
                    f"no column {col!r} (have {', '.join(map(str, frame.columns))})"
                )
        if local_time_zone:
            wall = pd.to_datetime(frame[time_col], errors="coerce", format="mixed")
            if wall.isna().any():
                raise ImportFormatError(
                    f"{time_col}: {int(wall.isna().sum())} values are not timestamps"
                )
            start = pd.DatetimeIndex(wall).tz_localize(local_time_zone, ambiguous="infer")
        else:
            start = _utc(frame[time_col], time_col)
        if hour_ending:
            start = start - pd.Timedelta(hours=1)
        price = _numbers(frame[price_col], price_col)
    return to_local_hourly(
        pd.DatetimeIndex(start).tz_convert("UTC"),
        {
            "grid_price_usd_per_mwh": price + adder_usd_per_mwh,
            "grid_export_price_usd_per_mwh": price,
        },
        utc_offset_h,
    )


# -- output ----------------------------------------------------------------------------------
def select(imported: Imported, start: str | None, hours: int | None) -> pd.DataFrame:
    """The rows from ``start`` (local standard time; default: the first) for ``hours`` hours."""
    frame = imported.frame
    if start is not None:
        first = pd.Timestamp(start)
        if first not in frame.index:
            raise ImportFormatError(
                f"--start {start}: outside the data ({frame.index[0]} to {frame.index[-1]}, local "
                "standard time)"
            )
        frame = frame.loc[first:]
    if hours is not None:
        if len(frame) < hours:
            raise ImportFormatError(
                f"--hours {hours}: only {len(frame)} hours from {frame.index[0]}"
            )
        frame = frame.iloc[:hours]
    return frame
