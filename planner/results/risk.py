"""What a plan under delivery risk gives in each outcome, and the hedging figures: expected
cost, CVaR, the expected value of perfect information (EVPI) and the value of the stochastic
solution (VSS). Built by :mod:`planner.stochastic`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from planner.results.result import Result


def cvar(costs: np.ndarray, probabilities: np.ndarray, alpha: float) -> float:
    """Conditional value at risk at level ``alpha``: the expected cost over the worst
    ``1 - alpha`` of the probability mass (Rockafellar-Uryasev).

    >>> cvar(np.array([800.0, 1500.0]), np.array([0.5, 0.5]), 0.5)
    1500.0
    """
    order = np.argsort(-costs)
    tail = 1.0 - alpha
    taken, total = 0.0, 0.0
    for i in order:
        share = min(probabilities[i], tail - taken)
        if share <= 0:
            break
        total += share * costs[i]
        taken += share
    return float(total / tail)


@dataclass
class RiskReport:
    """The outcomes of a two-stage plan.

    ``table``: one row per scenario (probability, cost over the horizon and per year, cost per
    MWh of load, hourly CFE score, emissions, recourse capacity bought); ``figures``:
    ``expected_cost_usd``, ``cvar_usd``, ``objective_usd`` (what was minimised),
    ``evpi_usd`` and ``vss_usd`` with their ``_per_yr`` values (NaN when not evaluated);
    ``settings``: the risk measure, the targets' scope, the recourse; ``results``: each
    scenario's :class:`Result`.
    """

    table: pd.DataFrame
    figures: pd.Series
    settings: dict[str, Any]
    results: dict[str, Result] = field(default_factory=dict, repr=False)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The per-scenario table and the hedging figures, for a terminal."""
        shown = self.table[
            [
                "probability",
                "cost_usd_per_yr",
                "cost_usd_per_mwh_load",
                "hourly_cfe_score",
                "emissions_location_t_per_yr",
                "recourse_mw",
            ]
        ].copy()
        shown["cost_usd_per_yr"] = shown["cost_usd_per_yr"] / 1e6
        shown = shown.rename(
            columns={
                "probability": "p",
                "cost_usd_per_yr": "cost M$/yr",
                "cost_usd_per_mwh_load": "$/MWh",
                "hourly_cfe_score": "CFE",
                "emissions_location_t_per_yr": "t CO2/yr",
                "recourse_mw": "recourse MW",
            }
        )
        f = self.figures
        years = f["horizon_years"]

        def money(key: str) -> str:
            value = f[key]
            return (
                "not evaluated" if not np.isfinite(value) else f"{value / years / 1e6:,.3f} M$/yr"
            )

        measure = self.settings["measure"]
        lines = [
            f"Delivery risk: {len(self.table)} scenarios, targets {self.settings['targets']}, "
            + (
                f"minimising expected cost + {self.settings['weight']:g} x CVaR at "
                f"{self.settings['alpha']:g}"
                if measure == "cvar"
                else "minimising expected cost"
            ),
            shown.to_string(float_format=lambda v: f"{v:,.3f}"),
            "",
            f"  expected cost        {money('expected_cost_usd')}",
            f"  CVaR                 {money('cvar_usd')}",
            f"  EVPI                 {money('evpi_usd')} (what knowing the outcome first is worth)",
            f"  VSS                  {money('vss_usd')} (what planning for the risk saves against "
            "the on-time plan)",
            *(f"  note: {n}" for n in self.notes),
        ]
        return "\n".join(lines)
