"""The console progress of a sweep when stderr is not a terminal: plain lines, no bar."""

from __future__ import annotations

import io

from planner.sweep.progress import Progress


def test_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress("demo", total=4, skipped=1, stream=stream)
    progress.advance(ok=True)
    progress.advance(ok=False)
    progress.advance(ok=True)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[0].startswith("demo: 1/4 points (1 already stored), 0 failed, elapsed 0:00:00")
    assert lines[-1].startswith("demo: 4/4 points (1 already stored), 1 failed, elapsed")
    assert "ETA" not in lines[-1]


def test_disabled_progress_prints_nothing() -> None:
    stream = io.StringIO()
    progress = Progress("demo", total=3, enabled=False, stream=stream)
    progress.advance(ok=True)
    progress.close()
    assert stream.getvalue() == ""
