"""Import real hourly grid data into the planner's profile columns.

Three source formats, each turned into hourly rows in the site's *local standard time* (fixed
UTC offset, no daylight saving, hour-beginning timestamps, as the planner reads them):

``eia930``
    EIA-930 hourly net generation by energy source of one balancing authority (the EIA
    "six-month" balance files, columns ``Net Generation (MW) from Coal`` ... and ``UTC Time at
    End of Hour``; or the per-BA files with ``NG: COL`` ... and ``UTC time``). Gives
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

Sub-hourly values are averaged to the hour; missing hours are filled by linear interpolation
(and counted in the report). Write a new profile file (``--out``) or replace columns of an
existing one row by row (``--into``), e.g.::

    python -m planner.imports eia930 EIA930_BALANCE_2023_Jan_Jun.csv --ba ERCO \\
        --utc-offset -6 --into instances/profiles/stargate_tx_2028.csv

Rows are matched in order (row ``i`` of the import goes to data row ``i`` of the profile file),
as the planner reads CSV columns from the first row: choose the first hour with ``--start``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

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


def merge_into(frame: pd.DataFrame, path: Path) -> None:
    """Replace (or add) the imported columns of an existing profile file, row by row."""
    target = pd.read_csv(path, encoding="utf-8")
    if len(frame) < len(target):
        raise ImportFormatError(
            f"--into {path}: the import has {len(frame)} hours from {frame.index[0]}, the file "
            f"{len(target)} rows"
        )
    for column in frame.columns:
        target[column] = frame[column].round(4).to_numpy()[: len(target)]
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
    parser.add_argument(
        "--utc-offset",
        type=float,
        required=True,
        help="site's standard time, hours from UTC (e.g. -6)",
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
        "--hour-ending", action="store_true", help="price: timestamps mark the end of the hour"
    )
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
        if args.format == "eia930":
            imported = import_eia930(args.file, args.utc_offset, args.ba, args.other_clean)
        elif args.format == "electricitymaps":
            imported = import_electricitymaps(args.file, args.utc_offset, args.lifecycle)
        else:
            imported = import_price(
                args.file,
                args.utc_offset,
                preset=args.preset,
                time_column=args.time_column,
                price_column=args.price_column,
                node=args.node,
                hour_ending=args.hour_ending,
                local_time_zone=args.local_time_zone,
                adder_usd_per_mwh=args.adder_usd_per_mwh,
            )
        frame = select(imported, args.start, args.hours)
        if args.out:
            write_csv(frame, args.out)
        else:
            merge_into(frame, args.into)
    except (ImportFormatError, FileNotFoundError) as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 2
    where = args.out or args.into
    print(
        f"{args.file}: {imported.source_rows} rows -> {len(frame)} hours from {frame.index[0]} "
        f"(local standard time, UTC{args.utc_offset:+g}); {imported.filled_hours} missing hours "
        f"interpolated; columns {', '.join(frame.columns)} -> {where}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
