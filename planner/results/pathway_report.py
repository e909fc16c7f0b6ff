"""What a pathway gives in each investment period: cost, CFE score, emissions, capacity by
period and by vintage, and the net present cost. Built by :mod:`planner.pathway`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from planner.results.result import Result


@dataclass
class PathwayReport:
    """The periods of a pathway.

    ``table``: one row per period (first year, years it stands for, discount weight, yearly
    cost, cost per MWh of load, hourly CFE score, emissions per year); ``capacity``: MW (MWh
    for storage energy is in ``vintages``) of every resource in every period; ``vintages``:
    what each period built or signed (``built``), per resource and capacity variable;
    ``npv_usd``: the net present cost; ``results``: each period's :class:`Result`.
    """

    table: pd.DataFrame
    capacity: pd.DataFrame
    vintages: pd.DataFrame
    npv_usd: float
    settings: dict[str, Any]
    results: dict[int, Result] = field(default_factory=dict, repr=False)

    def text(self) -> str:
        """The periods and the contracted or built MW, for a terminal."""
        shown = self.table[
            ["years", "cost_usd_per_yr", "cost_usd_per_mwh_load", "hourly_cfe_score"]
        ].copy()
        shown["cost_usd_per_yr"] = shown["cost_usd_per_yr"] / 1e6
        shown = shown.rename(
            columns={
                "cost_usd_per_yr": "cost M$/yr",
                "cost_usd_per_mwh_load": "$/MWh",
                "hourly_cfe_score": "CFE",
            }
        )
        mw = self.capacity.drop(index=["grid"], errors="ignore")
        return "\n".join(
            [
                f"Pathway ({self.settings['foresight']} foresight, discount rate "
                f"{self.settings['discount_rate']:g}): net present cost "
                f"{self.npv_usd / 1e6:,.1f} M$",
                shown.to_string(float_format=lambda v: f"{v:,.3f}"),
                "",
                "Capacity by period, MW",
                mw.to_string(float_format=lambda v: f"{v:,.1f}"),
            ]
        )
