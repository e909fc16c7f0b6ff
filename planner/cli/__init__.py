"""Command line: ``planner solve INSTANCE [--out DIR]`` and ``planner validate INSTANCE``.

``planner report FOLDER`` writes ``report.html`` for a results or sweep folder (docs/reports.md).
Also ``planner sweep SPEC``, ``planner frontier INSTANCE`` and ``planner breakeven INSTANCE
--offer NAME`` (see :mod:`planner.sweep.cli` and docs/sweeps.md).

Exit codes: 0 solved (or valid), 2 invalid input, 3 infeasible or failed solve, 1 an internal
error (a bug: one line on stderr; ``PLANNER_DEBUG=1`` shows the traceback).

``--allow-dir DIR`` (repeatable; also the ``PLANNER_DATA_DIRS`` environment variable) lets an
instance or sweep read CSV and weather files from DIR besides its own folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from planner.cli import sweep as sweep_cli
from planner.errors import InstanceError, SolverOptionError
from planner.inputs.catalogue import KINDS
from planner.inputs.files import name_problem
from planner.inputs.instance import load_instance
from planner.inputs.messages import shorten
from planner.portfolio import is_portfolio_file, load_portfolio, solve_portfolio
from planner.report import report_dir, write_report, write_xlsx
from planner.solve import solve
from planner.solver.heartbeat import hide_progress, show_progress

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID, EXIT_SOLVE_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_PIPE_CLOSED = 141
"""The output was piped to a reader that stopped reading (128 + SIGPIPE, as a shell reports)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planner", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    solve = sub.add_parser("solve", help="solve an instance and print its summary")
    solve.add_argument("instance", help="instance YAML file")
    solve.add_argument("--out", help="write result tables to this folder")
    solve.add_argument("--time-limit", type=float, help="HiGHS time limit, seconds")
    solve.add_argument(
        "--solver-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="HiGHS option (repeatable), e.g. --solver-option solver=simplex",
    )
    sweep_cli.add_set(
        solve, "change a field before solving (repeatable), e.g. --set time.hours=168"
    )
    solve.add_argument("--no-baseline", action="store_true", help="skip the grid-only baseline")
    solve.add_argument("--tee", action="store_true", help="print the HiGHS log")
    solve.add_argument(
        "--quiet", action="store_true", help="no progress lines while building and solving"
    )
    solve.add_argument(
        "--report", action="store_true", help="also write report.html (figures embedded) to --out"
    )
    solve.add_argument("--xlsx", action="store_true", help="also write results.xlsx to --out")
    sweep_cli.add_allow_dir(solve)
    validate = sub.add_parser("validate", help="check an instance and report every problem")
    validate.add_argument("instance", help="instance YAML file")
    sweep_cli.add_set(validate, "change a field before checking (repeatable)")
    sweep_cli.add_allow_dir(validate)
    report = sub.add_parser("report", help="write report.html for a results or sweep folder")
    report.add_argument("folder", help="folder written by solve --out, or a sweep's output folder")
    report.add_argument("--xlsx", action="store_true", help="also write results.xlsx there")
    sweep_cli.add_parsers(sub)
    return parser


def _report(folder: str, xlsx: bool) -> int:
    try:
        path = report_dir(folder, xlsx=xlsx)
    except (FileNotFoundError, NotADirectoryError, InstanceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:  # a name too long, no permission: the folder given cannot be read
        print(f"error: {shorten(folder)}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Report written to {path}")
    return EXIT_OK


def _portfolio(args: argparse.Namespace) -> int:
    """``planner solve|validate PORTFOLIO``: a file with top-level ``sites`` (docs/portfolio.md);
    without --no-baseline a flexible portfolio is compared with its rigid self."""
    try:
        pf = load_portfolio(args.instance, allowed_dirs=args.allow_dir or None)
        if args.set:
            pf = pf.with_overrides(sweep_cli.pairs(args.set, "--set"))
        options = sweep_cli.pairs(getattr(args, "solver_option", []), "--solver-option")
    except InstanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.command == "validate":
        hours = pf.sites[0].inst.hours
        each = f"{hours:,} hour{'s' if hours != 1 else ''} each"
        print(f"{args.instance}: valid portfolio ({len(pf.sites)} sites, {each})")
        return EXIT_OK
    handler = show_progress() if not args.quiet and not args.tee else None
    try:
        res = solve_portfolio(
            pf, options, args.time_limit, rigid=not args.no_baseline, tee=args.tee
        )
    except SolverOptionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        if handler is not None:
            hide_progress(handler)
    print(res.text())
    if args.report or args.xlsx:
        print("note: --report and --xlsx are not written for a portfolio yet", file=sys.stderr)
    if args.out and res.ok:
        print(f"\nResults written to {res.to_dir(args.out)}")
    if not res.ok:
        print(f"error: {res.message or res.status}", file=sys.stderr)
        return EXIT_SOLVE_FAILED
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:  # Ctrl-C: stopped at once, nothing half-written (exit 130)
        print("\ninterrupted: nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader stopped (| head): quiet, like a command killed by SIGPIPE
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's final flush must not fail again
        return EXIT_PIPE_CLOSED
    except Exception as exc:  # a bug, not bad input: one line, not a traceback
        if os.environ.get("PLANNER_DEBUG"):
            raise
        print(
            f"error: internal error ({type(exc).__name__}: {exc}); this is a bug in planner, "
            "please report it with the input (PLANNER_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    if args.command in sweep_cli.COMMANDS:
        return sweep_cli.run_command(args)
    if args.command == "report":
        return _report(args.folder, args.xlsx)
    if is_portfolio_file(args.instance):
        return _portfolio(args)
    try:
        # allowed_dirs only when given: keeps load_instance(path) the plain call
        inst = (
            load_instance(args.instance, allowed_dirs=args.allow_dir)
            if args.allow_dir
            else load_instance(args.instance)
        )
        if args.set:
            inst = inst.with_overrides(sweep_cli.pairs(args.set, "--set"))
        options = sweep_cli.pairs(getattr(args, "solver_option", []), "--solver-option")
    except InstanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.command == "validate":
        spec = inst.spec
        counts = ", ".join(f"{k.key} {len(spec.items(k))}" for k in KINDS if k.many)
        grid = "a grid" if spec.grid is not None else "no grid"
        print(f"{args.instance}: valid ({inst.hours} hours; {counts}; {grid})")
        return EXIT_OK

    if (args.report or args.xlsx) and not args.out:
        args.out = str(Path("out") / inst.name)
    problem = name_problem(args.out, "--out") if args.out else None
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_INVALID
    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
        print(f"error: --out {args.out}: exists and is not a folder", file=sys.stderr)
        return EXIT_INVALID
    handler = show_progress() if not args.quiet and not args.tee else None
    try:
        res = solve(
            inst,
            solver_options=options,
            time_limit_s=args.time_limit,
            baseline=not args.no_baseline,
            tee=args.tee,
        )
    except SolverOptionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        if handler is not None:
            hide_progress(handler)
    print(res.summary())
    if res.risk is not None:
        print()
        print(res.risk.text())
    if res.pathway is not None:
        print()
        print(res.pathway.text())
    if args.out:
        try:
            res.to_dir(args.out)
        except OSError as exc:
            print(f"error: cannot write results to {args.out}: {exc}", file=sys.stderr)
            return EXIT_INVALID
        print(f"\nResults written to {args.out}")
        if res.ok and (args.report or args.xlsx):
            if args.report:
                print(f"Report written to {write_report(res, Path(args.out) / 'report.html')}")
            if args.xlsx:
                print(f"Workbook written to {write_xlsx(res, Path(args.out) / 'results.xlsx')}")
    if not res.ok:
        detail = (
            res.diagnosis.message
            if res.diagnosis is not None
            else f"{inst.source}: solve ended with status {res.status}"
        )
        print(f"error: {detail}", file=sys.stderr)
        return EXIT_SOLVE_FAILED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
