"""Console progress of a sweep: points done, failures, ETA.

On a terminal, a ``tqdm`` bar on stderr (tqdm: one small pure-Python package without
dependencies, which computes rate and ETA, redraws in place and leaves stdout to the results).
When stderr is not a terminal (CI logs, pipes, notebooks) a bar's carriage returns would garble
the log, so plain lines are printed instead, at most one every 10 % of the points (and 2 s), and at
least one every 30 s.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field
from typing import IO, Any


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """Progress of ``total`` points of which ``skipped`` were already stored, ``stored_failed``
    of them as failures (counted among the failed: a re-run that only reads errors back must
    not say "0 failed").

    ``enabled``: True or False, or None for automatic (a bar on a terminal, lines otherwise).
    """

    def __init__(
        self,
        label: str,
        total: int,
        skipped: int = 0,
        enabled: bool | None = None,
        stored_failed: int = 0,
        stream: IO[str] | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.skipped = skipped
        self.done = skipped
        self.failed = stored_failed
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled is not False and total > 0
        self.started = time.monotonic()
        self._last_line = -1.0
        self._last_count = skipped
        self._bar: Any = None
        if self.enabled and _isatty(self.stream):
            from tqdm import tqdm

            sized = min(_size(self.stream)) > 0  # a pseudo-terminal may report 0 x 0
            self._bar = tqdm(
                total=total,
                initial=skipped,
                desc=label,
                unit="pt",
                file=self.stream,
                dynamic_ncols=sized,
                ncols=None if sized else 100,
                nrows=None if sized else 24,  # tqdm hides bars below the last row
                smoothing=0.1,
            )
            self._bar.set_postfix_str(f"failed {self.failed}", refresh=False)
        elif self.enabled:
            self._line(force=True)

    def advance(self, ok: bool) -> None:
        """One more point finished (``ok`` False for a failure)."""
        self.done += 1
        self.failed += 0 if ok else 1
        if self._bar is not None:
            self._bar.set_postfix_str(f"failed {self.failed}", refresh=False)
            self._bar.update(1)
        elif self.enabled:
            self._line()

    def eta_seconds(self) -> float | None:
        solved = self.done - self.skipped
        if solved <= 0:
            return None
        rate = solved / max(time.monotonic() - self.started, 1e-9)
        return (self.total - self.done) / rate

    def _line(self, force: bool = False) -> None:
        elapsed = time.monotonic() - self.started
        step = max(1, self.total // 10)
        since = elapsed - self._last_line
        due = (self.done - self._last_count >= step and since >= 2) or since >= 30
        if not (force or due or self.done == self.total):
            return
        eta = self.eta_seconds()
        text = (
            f"{self.label}: {self.done}/{self.total} points"
            + (f" ({self.skipped} already stored)" if self.skipped else "")
            + f", {self.failed} failed, elapsed {_clock(elapsed)}"
            + (f", ETA {_clock(eta)}" if eta is not None and self.done < self.total else "")
        )
        print(text, file=self.stream, flush=True)
        self._last_line = elapsed
        self._last_count = self.done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _size(stream: IO[str]) -> tuple[int, int]:
    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return 0, 0
    return size.columns, size.lines


def _isatty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@dataclass
class RunStats:
    """What one run did: points, how many were already stored, solved now, failed, seconds."""

    points: int = 0
    unique: int = 0
    skipped: int = 0
    solved: int = 0
    failed: int = 0
    stored_failed: int = 0
    """Points read back from the store as failures (not solved again)."""
    elapsed_s: float = 0.0
    workers: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def points_per_minute(self) -> float:
        return 60.0 * self.solved / self.elapsed_s if self.elapsed_s > 0 else float("nan")


def describe_stats(stats: RunStats) -> str:
    """One line: points, skipped, solved, failed, time and throughput."""
    rate = stats.points_per_minute
    return (
        f"{stats.points} points ({stats.unique} distinct): {stats.skipped} already stored"
        + (
            f" ({stats.stored_failed} of them failed: --retry-failed solves them again)"
            if stats.stored_failed
            else ""
        )
        + f", {stats.solved} solved now ({stats.failed} failed) in {stats.elapsed_s:.1f} s"
        + (f", {rate:.1f} points/min" if stats.solved and math.isfinite(rate) else "")
        + (f" on {stats.workers} workers" if stats.workers else "")
    )
