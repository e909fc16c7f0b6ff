"""Datacenter clean-power portfolio planner: fusion PPAs, solar, storage and grid, as an LP.

>>> import planner
>>> inst = planner.load_instance("instances/default.yaml")       # doctest: +SKIP
>>> res = planner.solve(inst.with_overrides({"policy.hourly_cfe_target": 0.95}))  # doctest: +SKIP
>>> res.metrics["hourly_cfe_score"]                                # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from planner.errors import InstanceError, SolveError, SolverOptionError
from planner.inputs.instance import Instance, load_instance
from planner.results import Prices, Result
from planner.solve import DEFAULT_SOLVER_OPTIONS, solve

try:
    __version__ = version("planner")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

# After __version__: the sweep package reads it.
from planner.sweep import SweepError, breakeven, frontier, load_sweep, run_sweep  # noqa: E402

__all__ = [
    "DEFAULT_SOLVER_OPTIONS",
    "Instance",
    "InstanceError",
    "Prices",
    "Result",
    "SolveError",
    "SolverOptionError",
    "SweepError",
    "breakeven",
    "frontier",
    "load_instance",
    "load_sweep",
    "run_sweep",
    "solve",
]
