"""Batch parameter sweeps: parallel, resumable, reproducible, optionally on Dask.

- :mod:`planner.sweep.schema` / :mod:`planner.sweep.spec` / :mod:`planner.sweep.expand`: the
  sweep file, its validation and expansion into points;
- :mod:`planner.sweep.runner`: runs a sweep into its output folder, one stored point at a
  time; :mod:`planner.sweep.options` (HiGHS options and threads per point),
  :mod:`planner.sweep.schedule` (points in flight, crashed workers),
  :mod:`planner.sweep.backends` (this process, a local pool, Dask),
  :mod:`planner.sweep.worker` (one point solved), :mod:`planner.sweep.table` (the tidy table),
  :mod:`planner.sweep.progress` (progress and run statistics);
- :mod:`planner.sweep.store`, :mod:`planner.sweep.keys`, :mod:`planner.sweep.export`: the
  SQLite store, the keys that make re-runs resume, the exported tables;
- :mod:`planner.sweep.frontier` and :mod:`planner.sweep.breakeven`: the cost-vs-CFE frontier
  and a fusion offer's break-even.

See docs/sweeps.md.
"""
