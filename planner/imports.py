"""Import real hourly grid data into the planner's profile columns.

Three source formats, each turned into hourly rows in the site's *local standard time* (fixed
UTC offset, no daylight saving, hour-beginning timestamps, as the planner reads them):

``eia930``
    EIA-930 hourly net generation by energy source of one balancing authority (the EIA
    "six-month" balance files, columns ``Net Generation (MW) from Coal`` ... and ``UTC Time at
    End of Hour``; the per-BA files with ``NG: COL`` ... and ``UTC time``; or the short-code
    layout ``timestamp, WND, SUN, WAT, OIL, NG, COL, NUC, OTH`` of any balancing authority,
    UTC hour-beginning, whose defective hours are repaired as in the shipped data). Gives
    ``grid_carbon_free_share`` (nuclear + hydro + solar + wind over all generation) and a
    generation-based ``grid_carbon_intensity_t_per_mwh`` from EIA's fuel emission factors.
``electricitymaps``
    An Electricity Maps hourly export (``Datetime (UTC)``, ``Carbon Intensity gCO₂eq/kWh
    (direct)`` or ``(life cycle ...)``, ``Carbon-free energy percentage (CFE%)`` or ``Low Carbon
    Percentage``). Gives ``grid_carbon_intensity_t_per_mwh`` and ``grid_carbon_free_share``.
``price``
    An ISO price file: ``--preset ercot`` (ERCOT day-ahead settlement point prices: ``Delivery
    Date``, ``Hour Ending``, ``Settlement Point``, ``Settlement Point Price``, ``Repeated Hour
    Flag``), ``--preset pjm`` (PJM Data Miner LMPs: ``datetime_beginning_utc``,
    ``pnode_name``, ``total_lmp_da`` or ``total_lmp_rt``), or any CSV with
    ``--time-column``/``--price-column``. Gives ``grid_price_usd_per_mwh`` (price plus
    ``--adder-usd-per-mwh``, the non-energy part of a retail tariff) and
    ``grid_export_price_usd_per_mwh`` (the price itself).

The site's time is ``--utc-offset`` hours or ``--tz`` (an IANA zone, whose *standard* offset
is used all year: the planner's hours are standard time). Stamps are hour-beginning or
hour-ending by each layout's default (EIA-930 long layouts: ending; short-code, Electricity
Maps, PJM, generic prices: beginning; ERCOT: ending), or as ``--hour-ending`` /
``--hour-beginning`` say. Sub-hourly values are averaged to the hour; missing hours are filled
by linear interpolation (and counted in the report); a file of exactly one UTC year is wrapped
onto the local year (the first ``|offset|`` hours, 31 December of the year before in local
time, fill the last hours of the local year: :func:`planner.data.calendar.wrap_to_local_year`).

Rows are written with the site's local standard-time ``timestamp``. Write a new profile file
(``--out``) or replace columns of an existing one (``--into``): its ``timestamp`` column must
list the imported hours, row by row, or the import is refused naming the first row that does
not match. To put another year's data on the file's hours by position (the rule of
:func:`planner.data.calendar.place`), say so with ``--place-at``, e.g.::

    python -m planner.imports eia930 instances/data/eia930_2022/ERCO.csv --tz America/Chicago \\
        --place-at "2028-01-01 00:00" --into instances/profiles/stargate_tx_2028.csv
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from planner.data.calendar import CalendarError, modelled_hours, standard_offset_h
from planner.data.grid_import import (
    EMISSION_FACTORS_T_PER_MWH,
    PRICE_PRESETS,
    ImportFormatError,
    import_eia930,
    import_electricitymaps,
    import_price,
    select,
)

__all__ = [
    "EMISSION_FACTORS_T_PER_MWH",
    "ImportFormatError",
    "import_eia930",
    "import_electricitymaps",
    "import_price",
    "main",
    "merge_into",
    "select",
    "write_csv",
]


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A new profile file: ``timestamp`` then the imported columns."""
    out = frame.round(4).reset_index()
    out["timestamp"] = out["timestamp"].dt.strftime("%Y-%m-%d %H:%M")
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n")


def _hour(stamp: pd.Timestamp) -> str:
    return f"{stamp:%Y-%m-%d %H:%M}"


def merge_into(frame: pd.DataFrame, path: Path) -> None:
    """Replace (or add) the imported columns of an existing profile file, row by row, once its
    ``timestamp`` column is checked to list the imported hours (CSV rows named as lines: the
    header is line 1)."""
    try:
        target = pd.read_csv(path, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ImportFormatError(f"--into {path}: cannot be read as CSV: {exc}") from None
    if "timestamp" not in target.columns:
        raise ImportFormatError(
            f"--into {path}: no 'timestamp' column, so the imported hours cannot be checked "
            "against its rows"
        )
    stamps = pd.to_datetime(target["timestamp"], errors="coerce", format="ISO8601")
    unread = np.flatnonzero(stamps.isna().to_numpy())
    if unread.size:
        raise ImportFormatError(
            f"--into {path} row {unread[0] + 2}: timestamp {target['timestamp'].iloc[unread[0]]!r} "
            "is not a local date and time"
        )
    index = pd.DatetimeIndex(frame.index)
    if stamps.iloc[0] not in index:
        raise ImportFormatError(
            f"--into {path} row 2: timestamp {_hour(stamps.iloc[0])} is not among the imported "
            f"hours ({_hour(index[0])} to {_hour(index[-1])}, local standard time); to put them "
            "on the file's hours by position, give --place-at"
        )
    first = index.get_loc(stamps.iloc[0])
    rows = frame.iloc[int(first) : int(first) + len(target)]
    wanted = pd.DatetimeIndex(stamps)[: len(rows)]
    off = np.flatnonzero(pd.DatetimeIndex(rows.index) != wanted)
    if off.size or len(rows) < len(target):
        row = int(off[0]) if off.size else len(rows)
        have = _hour(rows.index[row]) if row < len(rows) else "none (the import ends)"
        raise ImportFormatError(
            f"--into {path} row {row + 2}: timestamp {_hour(stamps.iloc[row])}, the imported "
            f"hour is {have}: the rows do not line up"
        )
    for column in frame.columns:
        target[column] = rows[column].round(4).to_numpy()
    target.to_csv(path, index=False, lineterminator="\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m planner.imports",
        description="Convert hourly grid data to planner profile columns (docs/data.md).",
    )
    parser.add_argument("format", choices=("eia930", "electricitymaps", "price"))
    parser.add_argument("file", type=Path, help="input CSV")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="write a new profile CSV")
    target.add_argument(
        "--into", type=Path, help="replace these columns of an existing profile CSV"
    )
    zone = parser.add_mutually_exclusive_group(required=True)
    zone.add_argument(
        "--utc-offset", type=float, help="site's standard time, hours from UTC (e.g. -6)"
    )
    zone.add_argument(
        "--tz",
        help="site's IANA time zone (e.g. America/Chicago): its standard offset, all year",
    )
    stamp = parser.add_mutually_exclusive_group()
    stamp.add_argument(
        "--hour-ending",
        dest="hour_ending",
        action="store_const",
        const=True,
        help="timestamps mark the end of the hour (default per layout: docs/data.md)",
    )
    stamp.add_argument(
        "--hour-beginning",
        dest="hour_ending",
        action="store_const",
        const=False,
        help="timestamps mark the beginning of the hour",
    )
    parser.add_argument(
        "--place-at",
        help="put the selected hours on consecutive hours from this local time, by position "
        "(e.g. 2022 data on '2028-01-01 00:00')",
    )
    parser.add_argument(
        "--start", help="first local standard hour to keep, e.g. '2023-01-01 00:00'"
    )
    parser.add_argument("--hours", type=int, help="number of hours to keep")
    parser.add_argument("--ba", help="eia930: balancing authority code, e.g. ERCO, PJM, BPAT")
    parser.add_argument(
        "--other-clean", action="store_true", help="eia930: count 'other' fuels as carbon-free"
    )
    parser.add_argument(
        "--lifecycle",
        action="store_true",
        help="electricitymaps: life-cycle instead of direct intensity",
    )
    parser.add_argument("--preset", choices=sorted(PRICE_PRESETS), help="price: file layout")
    parser.add_argument("--time-column", help="price: timestamp column")
    parser.add_argument("--price-column", help="price: $/MWh column")
    parser.add_argument("--node", help="price: settlement point or pricing node to keep")
    parser.add_argument(
        "--local-time-zone", help="price: timestamps are wall-clock times of this IANA zone"
    )
    parser.add_argument(
        "--adder-usd-per-mwh", type=float, default=0.0, help="price: added to the import price"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; exit code 0 on success, 2 on a problem with the input."""
    args = _parser().parse_args(argv)
    try:
        offset = args.utc_offset if args.tz is None else standard_offset_h(args.tz)
        if args.format == "eia930":
            imported = import_eia930(
                args.file, offset, args.ba, args.other_clean, hour_ending=args.hour_ending
            )
        elif args.format == "electricitymaps":
            imported = import_electricitymaps(
                args.file, offset, args.lifecycle, hour_ending=bool(args.hour_ending)
            )
        else:
            imported = import_price(
                args.file,
                offset,
                preset=args.preset,
                time_column=args.time_column,
                price_column=args.price_column,
                node=args.node,
                hour_ending=args.hour_ending,
                local_time_zone=args.local_time_zone,
                adder_usd_per_mwh=args.adder_usd_per_mwh,
            )
        frame = select(imported, args.start, args.hours)
        if args.place_at:
            frame = frame.set_axis(
                modelled_hours(args.place_at, len(frame)).rename("timestamp"), axis=0
            )
        if args.out:
            write_csv(frame, args.out)
        else:
            merge_into(frame, args.into)
    except (ImportFormatError, FileNotFoundError, CalendarError, ValueError) as exc:
        print(f"error: {args.file}: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    where = args.out or args.into
    zone = f" = {args.tz} standard time" if args.tz else ""
    notes = [f"{imported.filled_hours} missing hours interpolated"]
    if imported.repaired_hours:
        notes.append(f"{imported.repaired_hours} defective hours repaired")
    if imported.wrapped_hours:
        notes.append(
            f"one UTC year wrapped onto the local year ({imported.wrapped_hours} hours moved)"
        )
    if args.place_at:
        notes.append(f"placed by position from {args.place_at}")
    print(
        f"{args.file}: {imported.source_rows} rows -> {len(frame)} hours from {frame.index[0]} "
        f"(local standard time, UTC{offset:+g}{zone}); {'; '.join(notes)}; columns "
        f"{', '.join(frame.columns)} -> {where}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
