"""Datacenter clean-power portfolio planner: fusion PPAs, solar, storage and grid, as an LP.

>>> import planner
>>> inst = planner.load_instance("instances/default.yaml")       # doctest: +SKIP
>>> res = planner.solve(inst.with_overrides({"policy.hourly_cfe_target": 0.95}))  # doctest: +SKIP
>>> res.metrics["hourly_cfe_score"]                                # doctest: +SKIP

This module is the public API only: internal code imports the modules it needs, never the
``planner`` package itself (``tests/test_layers.py``).
"""

from planner.errors import InstanceError, SolveError, SolverOptionError
from planner.inputs.instance import Instance, load_instance
from planner.portfolio import Portfolio, PortfolioResult, load_portfolio, solve_portfolio
from planner.results.result import Prices, Result
from planner.solve import DEFAULT_SOLVER_OPTIONS, SolveSettings, solve
from planner.sweep.breakeven import breakeven
from planner.sweep.curve import contract_curve
from planner.sweep.frontier import frontier
from planner.sweep.runner import run_sweep
from planner.sweep.spec import SweepError, load_sweep
from planner.version import __version__

__all__ = [
    "DEFAULT_SOLVER_OPTIONS",
    "Instance",
    "InstanceError",
    "Portfolio",
    "PortfolioResult",
    "Prices",
    "Result",
    "SolveError",
    "SolveSettings",
    "SolverOptionError",
    "SweepError",
    "__version__",
    "breakeven",
    "contract_curve",
    "frontier",
    "load_instance",
    "load_portfolio",
    "load_sweep",
    "run_sweep",
    "solve",
    "solve_portfolio",
]
