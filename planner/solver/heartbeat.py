"""Progress lines of a solve, for a person waiting at a terminal: the stages (building the
model, its size, handing it to HiGHS, the outcome) and, while HiGHS works, a line every
:data:`EVERY_S` seconds.

They go to the ``planner.progress`` logger at INFO, which is silent unless a program turns it
on: ``planner solve`` does (``--quiet`` keeps it off), a Python caller can with
:func:`show_progress`. Sweeps never do (their own progress line counts points).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

PROGRESS = logging.getLogger("planner.progress")
EVERY_S = 10.0
"""Seconds between two 'still solving' lines."""


def stage(message: str, *args: object) -> None:
    """One progress line (``message % args``), if progress is shown."""
    PROGRESS.info(message, *args)


def show_progress(stream: IO[str] | None = None) -> logging.Handler:
    """Print the progress lines to ``stream`` (standard error by default); returns the handler,
    for :func:`hide_progress`."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter("  ... %(message)s"))
    PROGRESS.addHandler(handler)
    PROGRESS.setLevel(logging.INFO)
    PROGRESS.propagate = False
    return handler


def hide_progress(handler: logging.Handler) -> None:
    """Undo :func:`show_progress`."""
    PROGRESS.removeHandler(handler)
    if not PROGRESS.handlers:
        PROGRESS.setLevel(logging.NOTSET)
        PROGRESS.propagate = True


@contextmanager
def ticking(what: str, every_s: float = EVERY_S) -> Iterator[None]:
    """While the block runs, log ``what, N s`` every ``every_s`` seconds (nothing at all when
    progress is not shown, and no thread is started)."""
    if not PROGRESS.isEnabledFor(logging.INFO):
        yield
        return
    done = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        while not done.wait(every_s):
            PROGRESS.info("%s, %.0f s", what, time.monotonic() - started)

    thread = threading.Thread(target=tick, name="planner-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
