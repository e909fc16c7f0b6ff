"""The tables a sweep exports at the end of a run, each written atomically (a temporary file
renamed over the old one): ``results.parquet``, ``results.csv``, ``manifest.csv``, and the
analyses' ``frontier.csv`` and ``breakeven.csv``."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.sweep.store import StoreError, describe_error


def atomic_write(path: Path, write: Callable[[str], Any]) -> None:
    """Write through ``write(tmp_path)`` to a temporary file, then rename it over ``path``.

    On failure the temporary file is removed and ``path`` is left as it was; an OS error
    (disk full, no permission) is raised as :class:`StoreError`.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        reason = describe_error(exc)
        raise StoreError(f"{path}: cannot write: {reason}", reason, resumable=True) from None
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            reason = describe_error(exc)
            raise StoreError(f"{path}: cannot write: {reason}", reason, resumable=True) from None
        raise


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns with mixed types (e.g. numbers and text) as text, for Parquet."""
    out = frame.copy()
    out.attrs = {}
    for column in out.columns:
        if out[column].dtype == object:
            kinds = {
                type(v)
                for v in out[column]
                if v is not None and not (isinstance(v, float) and np.isnan(v))
            }
            if len(kinds) > 1 or (kinds and not kinds <= {str}):
                out[column] = out[column].map(lambda v: None if v is None else str(v))
    return out


def export(folder: str | Path, table: pd.DataFrame, manifest: pd.DataFrame) -> None:
    """Write ``results.parquet``, ``results.csv`` and ``manifest.csv`` atomically."""
    folder = Path(folder)
    atomic_write(
        folder / "results.parquet", lambda p: _parquet_safe(table).to_parquet(p, index=False)
    )
    atomic_write(folder / "results.csv", lambda p: table.to_csv(p, index=False))
    atomic_write(folder / "manifest.csv", lambda p: manifest.to_csv(p, index=False))
