"""The footer every benchmark shares: write its table to a timestamped CSV and print it."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd


def write_table(frame: pd.DataFrame, out: str | Path, stem: str, digits: int = 3) -> Path:
    """Write ``frame`` to ``out/<stem>-<timestamp>.csv`` (so runs can be compared), print it
    rounded to ``digits`` and the path; return the path."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}.csv"
    frame.to_csv(path, index=False)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(frame.round(digits).to_string(index=False))
    print(f"wrote {path}")
    return path
