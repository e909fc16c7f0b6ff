"""``python -m planner.shipped write [DIR]`` (``make instances``) and ``python -m planner.shipped
solve [--dir DIR] [NAME ...]`` (``make results``); DIR defaults to ``instances`` in the current
folder."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from planner.shipped.catalogue import SHIPPED, write
from planner.shipped.results import solve_all

DEFAULT_DIR = Path("instances")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planner.shipped", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="write every shipped instance and its profile CSV")
    w.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR, help="instances folder")
    s = sub.add_parser("solve", help="full-year solves of shipped instances -> results.json")
    s.add_argument("names", nargs="*", help=f"instances (default: all of {', '.join(SHIPPED)})")
    s.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="instances folder")
    args = parser.parse_args(argv)
    if args.command == "write":
        for path in write(args.dir):
            print(f"wrote {path}")
        return 0
    unknown = [n for n in args.names if n not in SHIPPED]
    if unknown:
        print(
            f"unknown instance(s): {', '.join(unknown)} (have: {', '.join(SHIPPED)})",
            file=sys.stderr,
        )
        return 2
    print(f"wrote {solve_all(args.dir, list(args.names))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
