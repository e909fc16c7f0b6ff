"""Command-line subcommands ``sweep``, ``frontier`` and ``breakeven`` (added to ``planner``).

They only parse arguments and print tables; the work is in :mod:`planner.sweep`. Exit codes:
0 every point solved, 2 invalid input, 3 some point (or search) failed, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any

import pandas as pd
import pydantic
import yaml

from planner.errors import InstanceError
from planner.formats import noise_free
from planner.inputs.instance import load_instance
from planner.inputs.messages import shorten
from planner.report import report_dir
from planner.report.sweep_html import sweep_folder
from planner.report.sweep_words import sweep_opening
from planner.results.warned import warned_sentence
from planner.sweep.breakeven import breakeven
from planner.sweep.frontier import frontier
from planner.sweep.progress import describe_stats
from planner.sweep.runner import SweepInterrupted, run_sweep
from planner.sweep.schema import Range
from planner.sweep.spec import load_sweep

COMMANDS = ("sweep", "frontier", "breakeven")
EXIT_OK, EXIT_INVALID, EXIT_FAILED, EXIT_INTERRUPTED = 0, 2, 3, 130


def add_allow_dir(parser: argparse.ArgumentParser) -> None:
    """The ``--allow-dir`` option of every command that reads an instance or sweep file."""
    parser.add_argument(
        "--allow-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="also let the input read CSV and weather files from DIR (repeatable; by default "
        "only the input file's folder and those in PLANNER_DATA_DIRS)",
    )


def _common(p: argparse.ArgumentParser) -> None:
    add_allow_dir(p)
    p.add_argument("--workers", type=int, help="local worker processes (default: the cores)")
    p.add_argument("--out", help="output folder holding the store and tables")
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="solve on this Dask cluster (needs planner[dask])",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar or lines")


def add_set(p: argparse.ArgumentParser, help_text: str) -> None:
    """The repeatable ``--set PATH=VALUE`` option."""
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help=help_text)


def _solver(p: argparse.ArgumentParser) -> None:
    p.add_argument("--time-limit", type=float, help="HiGHS time limit per point, seconds")
    p.add_argument(
        "--solver-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="HiGHS option (repeatable)",
    )
    add_set(p, "override applied to every point (repeatable), e.g. --set time.hours=168")


def add_parsers(sub: Any) -> None:
    """Add the three subcommands to the ``planner`` parser's subparsers."""
    sweep = sub.add_parser("sweep", help="run a parameter sweep (resumable)")
    sweep.add_argument("spec", help="sweep YAML file (see docs/sweeps.md)")
    _common(sweep)
    sweep.add_argument(
        "--retry-failed", action="store_true", help="solve again the stored points that failed"
    )
    sweep.add_argument(
        "--report", action="store_true", help="also write report.html to the output folder"
    )
    sweep.add_argument(
        "--xlsx", action="store_true", help="also write results.xlsx to the output folder"
    )

    front = sub.add_parser("frontier", help="cost versus hourly CFE target")
    front.add_argument("instance", help="instance YAML file")
    front.add_argument(
        "--targets",
        default="0:1:0.1",
        help="CFE targets 0-1: START:STOP:STEP or a comma list (default 0:1:0.1)",
    )
    _solver(front)
    _common(front)

    be = sub.add_parser("breakeven", help="highest fusion price at which an offer is contracted")
    be.add_argument("instance", help="instance YAML file")
    be.add_argument("--offer", required=True, help="fusion offer name")
    be.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="PATH=V1,V2,...",
        help="one search per value (repeatable: every combination)",
    )
    be.add_argument("--low", type=float, default=0.0, help="lowest price tried, $/MWh (default 0)")
    be.add_argument("--high", type=float, help="first upper price, $/MWh (doubled as needed)")
    be.add_argument("--tol", type=float, default=0.5, help="half-width of the result, $/MWh")
    be.add_argument(
        "--threshold-mw", type=float, default=1e-3, help="contracted means capacity above this, MW"
    )
    _solver(be)
    _common(be)


def _value(text: str, flag: str) -> Any:
    """``--set`` values are YAML (numbers, lists, ``{csv: F, column: C}``); solver options are
    JSON or else text, as for ``planner solve`` (so ``off`` stays the text HiGHS expects)."""
    if flag == "--solver-option":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return yaml.safe_load(text) if text else text


def pairs(items: list[str], flag: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    problems = []
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key:
            problems.append(f"{flag} {item!r}: expected KEY=VALUE")
            continue
        try:
            out[key] = _value(text, flag)
        except yaml.YAMLError as exc:
            problems.append(f"{flag} {item!r}: not a valid value: {exc}")
    if problems:
        raise InstanceError(problems)
    return out


def _targets(text: str) -> list[float]:
    try:
        if ":" in text:
            start, stop, step = (float(x) for x in text.split(":"))
            return Range(start=start, stop=stop, step=step).values()
        return [float(x) for x in text.split(",") if x.strip()]
    except pydantic.ValidationError as exc:
        raise InstanceError(
            [
                f"--targets {shorten(text)}: {e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors()
            ]
        ) from None
    except (ValueError, TypeError):
        raise InstanceError(
            [f"--targets {shorten(text)}: expected START:STOP:STEP or a comma list of numbers"]
        ) from None


def _by(items: list[str]) -> dict[str, list[Any]]:
    out = {}
    problems = []
    for key, value in pairs(items, "--by").items():
        try:
            values = yaml.safe_load(f"[{value}]") if isinstance(value, str) else value
        except yaml.YAMLError:
            values = [value]
        out[key] = list(values) if isinstance(values, (list, tuple)) else [values]
        if not out[key] or value is None:
            problems.append(f"--by {key}=: give at least one value, e.g. --by {key}=0.8,0.9")
    if problems:
        raise InstanceError(problems)
    return out


def _show(frame: pd.DataFrame, columns: list[str], limit: int = 60) -> str:
    shown = frame[[c for c in columns if c in frame]].copy()
    for column in shown.select_dtypes("number"):  # solver noise (1e-9 MW) shown as 0
        shown[column] = shown[column].map(noise_free)
    with pd.option_context(
        "display.width", 200, "display.max_columns", 30, "display.float_format", "{:,.4g}".format
    ):
        text = shown.head(limit).to_string(index=False)
    more = len(frame) - limit
    return text + (f"\n... {more} more rows" if more > 0 else "")


def _print_warned(records: pd.DataFrame, where: str) -> None:
    """The warnings raised by this run's solves (``records``; nothing if none raised one)."""
    text = warned_sentence(records, where)
    if text:
        print(f"\n{textwrap.fill(text, 96)}")


def run_command(args: argparse.Namespace) -> int:
    """Run ``sweep``, ``frontier`` or ``breakeven``; return the exit code."""
    progress = False if args.no_progress else None
    try:
        if args.command == "sweep":
            table = run_sweep(
                load_sweep(args.spec, allowed_dirs=args.allow_dir),
                workers=args.workers,
                out=args.out,
                scheduler=args.scheduler,
                retry_failed=args.retry_failed,
                progress=progress,
            )
            swept = [c for c in table.columns[: table.columns.get_loc("status")] if c != "point"]
            capacity = [
                c for c in table if c.endswith("_capacity_mw") and not c.startswith("grid_")
            ]
            print(
                _show(
                    table,
                    [
                        "point",
                        *swept,
                        "status",
                        "cost_usd_per_mwh_load",
                        "hourly_cfe_score",
                        *capacity,
                    ],
                )
            )
            print(f"\n{describe_stats(table.attrs['stats'])}")
            print(f"\n{textwrap.fill(sweep_opening(sweep_folder(table.attrs['out'])), 96)}")
            print(
                f"Results written to {table.attrs['out']} (results.parquet, results.csv, "
                "manifest.csv)"
            )
            if args.report or args.xlsx:
                print(f"Report written to {report_dir(table.attrs['out'], xlsx=args.xlsx)}")
            failed = table[table["status"] != "optimal"]
            for _, row in failed.head(10).iterrows():
                print(
                    f"error: point {row['point']}: {row['status']}: {row['error']}", file=sys.stderr
                )
            return EXIT_FAILED if len(failed) else EXIT_OK

        options = pairs(args.solver_option, "--solver-option")
        fixed = pairs(args.set, "--set")
        inst = load_instance(args.instance, allowed_dirs=args.allow_dir)
        if args.command == "frontier":
            result = frontier(
                inst,
                targets=_targets(args.targets),
                overrides=fixed,
                workers=args.workers,
                out=args.out,
                scheduler=args.scheduler,
                solver_options=options,
                time_limit_s=args.time_limit,
                progress=progress,
            )
            print(_show(result, list(result.columns)))
            print(f"\nWritten to {result.attrs['out']}/frontier.csv")
            _print_warned(result, "the `warnings` column of frontier.csv")
            return EXIT_FAILED if (result["status"] != "optimal").any() else EXIT_OK

        result = breakeven(
            inst,
            args.offer,
            by=_by(args.by),
            overrides=fixed,
            low=args.low,
            high=args.high,
            tol_usd_per_mwh=args.tol,
            threshold_mw=args.threshold_mw,
            workers=args.workers,
            out=args.out,
            scheduler=args.scheduler,
            solver_options=options,
            time_limit_s=args.time_limit,
            progress=progress,
        )
        print(_show(result, list(result.columns)))
        print(f"\nWritten to {result.attrs['out']}/breakeven.csv")
        searched = [r for solves in result.attrs.get("solves", []) for r in solves.values()]
        records = pd.DataFrame(searched).drop(columns="point", errors="ignore")  # per search
        _print_warned(records, "the `warnings` of the records in points.sqlite")
        return EXIT_FAILED if result["note"].str.startswith("search stopped").any() else EXIT_OK
    except InstanceError as exc:  # SweepError included
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except SweepInterrupted as exc:
        print(f"\n{exc}; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:  # before any point was under way
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
