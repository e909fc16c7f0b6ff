"""Batch parameter sweeps: parallel, resumable, reproducible, optionally on Dask.

- :mod:`planner.sweep.spec`: the sweep file, its validation and expansion into points;
- :mod:`planner.sweep.runner`: local process pools or a Dask cluster, one stored point at a time;
- :mod:`planner.sweep.store`: the SQLite store, the manifest and the keys that make re-runs resume;
- :mod:`planner.sweep.analyses`: the cost-vs-CFE ``frontier`` and a fusion offer's ``breakeven``.

See docs/sweeps.md.
"""

from planner.sweep.analyses import breakeven, frontier
from planner.sweep.runner import Runner, RunStats, SweepInterrupted, run_sweep
from planner.sweep.spec import Point, Sweep, SweepError, load_sweep
from planner.sweep.store import StoreError

__all__ = [
    "Point",
    "RunStats",
    "StoreError",
    "Runner",
    "Sweep",
    "SweepError",
    "SweepInterrupted",
    "breakeven",
    "frontier",
    "load_sweep",
    "run_sweep",
]
