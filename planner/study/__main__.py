"""``python -m planner.study``: run the fusion study and write its document (``make study``).

Exit codes: 0 done, 2 invalid study file, 130 interrupted (every stored solve is kept: run
again to resume).
"""

from __future__ import annotations

import argparse
import sys

from planner.errors import InstanceError
from planner.study.run import DEFAULT_CONFIG, DEFAULT_DOC, DEFAULT_OUT, run_study


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m planner.study", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--config", default=str(DEFAULT_CONFIG), help="study file (YAML)")
    parser.add_argument(
        "--out", default=str(DEFAULT_OUT), help="folder of the stores, tables and report.html"
    )
    parser.add_argument(
        "--doc", default=str(DEFAULT_DOC), help="Markdown document to write (figures beside it)"
    )
    parser.add_argument("--html", help="HTML report (default: OUT/report.html)")
    parser.add_argument("--workers", type=int, help="parallel solves (default: the study file's)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    try:
        results = run_study(
            args.config, args.out, args.doc, args.html, args.workers, progress=not args.quiet
        )
    except InstanceError as exc:  # the study file, or a sweep built from it
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: solves stored so far are kept; run again to resume", file=sys.stderr)
        return 130
    print(f"wrote {args.doc} and the report in {args.out} in {results.total_s / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
