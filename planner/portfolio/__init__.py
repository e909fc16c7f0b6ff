"""A buyer with several campuses: one LP of site blocks linked by shared contracts, a
portfolio hourly CFE target, per-site floors, a shared budget and load moved between sites
(docs/portfolio.md; docs/formulation.md, "Several sites: a portfolio").

>>> pf = load_portfolio("instances/portfolio_three_sites.yaml")     # doctest: +SKIP
>>> res = solve_portfolio(pf.with_overrides({"flexibility.spatial_share": 0.2}))  # doctest: +SKIP
>>> res.table                                                        # doctest: +SKIP
"""

from planner.portfolio.load import (
    Portfolio,
    PortfolioSite,
    is_portfolio,
    is_portfolio_file,
    load_portfolio,
)
from planner.portfolio.results import PortfolioResult, report_data
from planner.portfolio.solve import rigid_portfolio, solve_portfolio

__all__ = [
    "Portfolio",
    "PortfolioResult",
    "PortfolioSite",
    "is_portfolio",
    "is_portfolio_file",
    "load_portfolio",
    "report_data",
    "rigid_portfolio",
    "solve_portfolio",
]
