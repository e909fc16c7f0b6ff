"""The portfolio's results: each site's :class:`~planner.results.result.Result`, a table per
site, the portfolio's figures (cost, CFE score, emissions, load moved and deferred), the hourly
load moved, and what the report needs (:func:`report_data`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.formats import num
from planner.portfolio.load import Portfolio
from planner.results.result import Result

MOVED_COLUMNS = {
    "moved_in_mw": "demand_moved_in_mw",
    "moved_out_mw": "demand_moved_out_mw",
    "deferred_mw": "demand_deferred_mw",
    "caught_up_mw": "demand_caught_up_mw",
}
"""Hourly flexibility columns of a site's dispatch, by their name in
:attr:`PortfolioResult.hourly`."""


@dataclass
class PortfolioResult:
    """A solved portfolio (check :attr:`ok`)."""

    portfolio: Portfolio
    status: str
    sites: dict[str, Result] = field(default_factory=dict)
    """Each site's block read back as the Result of its instance."""
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per site: region, load, cost, CFE score, emissions, load moved and deferred."""
    figures: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    """The portfolio's totals (see :func:`portfolio_figures`)."""
    hourly: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per modelled hour and site: load moved in and out, deferred and caught up (MW)."""
    rigid: PortfolioResult | None = None
    """The same portfolio with every load rigid, when compared."""
    timings: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    warnings: list[str] = field(default_factory=list)
    message: str = ""
    """Why a failed solve failed."""

    @property
    def ok(self) -> bool:
        return self.status == "optimal"

    def text(self) -> str:
        """The per-site table and the portfolio's figures, for the console."""
        if not self.ok:
            return f"{self.portfolio.name}: {self.status}. {self.message}".strip()
        return summary_text(self)

    def to_dir(self, path: str | Path) -> Path:
        """Write ``sites.csv``, ``portfolio.json``, ``hourly.csv`` and each site's results
        folder (``sites/<name>/``)."""
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        self.table.to_csv(out / "sites.csv")
        self.hourly.to_csv(out / "hourly.csv")
        figures = {k: (None if not np.isfinite(v) else float(v)) for k, v in self.figures.items()}
        summary = {"name": self.portfolio.name, "status": self.status, "figures": figures}
        summary["warnings"] = self.warnings
        (out / "portfolio.json").write_text(json.dumps(summary, indent=2) + "\n")
        for name, res in self.sites.items():
            res.to_dir(out / "sites" / name)
        return out


def site_table(pf: Portfolio, results: dict[str, Result]) -> pd.DataFrame:
    """One row per site."""
    rows = []
    for s in pf.sites:
        r = results[s.name]
        years = s.inst.horizon_years
        w = s.inst.weights
        moved = {k: _mwh(r.dispatch, c, w) / years for k, c in MOVED_COLUMNS.items()}
        rows.append(
            {
                "site": s.name,
                "region": s.region,
                "load_mwh_per_yr": float(r.metrics["demand_mwh"]) / years,
                "cost_usd_per_yr": float(r.metrics["total_cost_usd_per_yr"]),
                "cost_usd_per_mwh_load": float(r.metrics["cost_usd_per_mwh_load"]),
                "hourly_cfe_score": float(r.metrics["hourly_cfe_score"]),
                "cfe_floor": np.nan if s.cfe_floor is None else s.cfe_floor,
                "emissions_location_t_per_yr": float(r.metrics["emissions_location_t"]) / years,
                "load_moved_in_mwh_per_yr": moved["moved_in_mw"],
                "load_moved_out_mwh_per_yr": moved["moved_out_mw"],
                "load_deferred_mwh_per_yr": moved["deferred_mw"],
            }
        )
    return pd.DataFrame(rows).set_index("site")


def _mwh(dispatch: pd.DataFrame, column: str, w: np.ndarray) -> float:
    return float((w * dispatch[column].to_numpy()).sum()) if column in dispatch else 0.0


def hourly_moves(pf: Portfolio, results: dict[str, Result]) -> pd.DataFrame:
    """Per hour (the rows: modelled timestamps) and site: moved in, moved out, deferred and
    caught up, MW; columns ``(site, quantity)``, and ``weight_h``: the hours each stands for."""
    first = pf.sites[0].inst
    frames = {}
    for s in pf.sites:
        d = results[s.name].dispatch
        frames[s.name] = pd.DataFrame(
            {k: d[c].to_numpy() if c in d else np.zeros(len(d)) for k, c in MOVED_COLUMNS.items()},
            index=d.index,
        )
    out = pd.concat(frames, axis=1)
    out.index = first.timestamps
    out.index.name = "timestamp"
    out[("all", "weight_h")] = np.asarray(first.weights, dtype=float)
    return out


def portfolio_figures(
    pf: Portfolio, table: pd.DataFrame, target_price: float, shortfall_mwh: float
) -> dict[str, float]:
    """The portfolio's totals: cost, cost per MWh of the original load, CFE score (the sum of
    the sites' numerators over the sum of their loads), emissions, load moved between sites and
    deferred, and the target's shadow price."""
    load = float(table["load_mwh_per_yr"].sum())
    cost = float(table["cost_usd_per_yr"].sum())
    clean = float((table["hourly_cfe_score"] * table["load_mwh_per_yr"]).sum())
    moved = float(table["load_moved_out_mwh_per_yr"].sum())
    policy = pf.spec.policy
    return {
        "sites": float(len(table)),
        "horizon_years": pf.horizon_years,
        "load_mwh_per_yr": load,
        "total_cost_usd_per_yr": cost,
        "cost_usd_per_mwh_load": cost / load if load else np.nan,
        "hourly_cfe_score": clean / load if load else np.nan,
        "hourly_cfe_target": _or_nan(policy.hourly_cfe_target),
        "hourly_cfe_shortfall_mwh_per_yr": shortfall_mwh / pf.horizon_years,
        "hourly_cfe_usd_per_mwh": target_price,
        "emissions_location_t_per_yr": float(table["emissions_location_t_per_yr"].sum()),
        "load_moved_mwh_per_yr": moved,
        "load_moved_share": moved / load if load else np.nan,
        "load_deferred_mwh_per_yr": float(table["load_deferred_mwh_per_yr"].sum()),
        "budget_usd_per_yr": _or_nan(policy.budget_usd_per_yr),
    }


def _or_nan(value: float | None) -> float:
    return np.nan if value is None else float(value)


def compare_rigid(res: PortfolioResult, rigid: PortfolioResult) -> None:
    """Add the rigid portfolio's cost and what flexibility saved to ``res``'s figures."""
    res.rigid = rigid
    if not rigid.ok:
        res.figures["rigid_total_cost_usd_per_yr"] = np.nan
        res.warnings.append(f"the rigid portfolio (no flexibility) ended {rigid.status}")
        return
    base = float(rigid.figures["total_cost_usd_per_yr"])
    cost = float(res.figures["total_cost_usd_per_yr"])
    load = float(res.figures["load_mwh_per_yr"])
    res.figures["rigid_total_cost_usd_per_yr"] = base
    res.figures["savings_usd_per_yr"] = base - cost
    res.figures["savings_usd_per_mwh_load"] = (base - cost) / load if load else np.nan


def summary_text(res: PortfolioResult) -> str:
    """The console summary of a solved portfolio."""
    f = res.figures
    t = res.table
    sites = f"{len(t)} site{'s' if len(t) != 1 else ''}"
    lines = [f"Portfolio {res.portfolio.name}: {sites}, status {res.status}", ""]
    header = f"{'site':<14}{'region':<10}{'load GWh/yr':>12}{'cost M$/yr':>12}{'$/MWh':>8}"
    header += f"{'CFE':>7}{'floor':>7}{'kt CO2/yr':>11}{'in GWh':>8}{'out GWh':>8}{'defer GWh':>10}"
    lines.append(header)
    for site, row in t.iterrows():
        floor = "-" if not np.isfinite(row["cfe_floor"]) else f"{row['cfe_floor']:.0%}"
        lines.append(
            f"{site!s:<14}{row['region']!s:<10}{row['load_mwh_per_yr'] / 1e3:>12,.1f}"
            f"{row['cost_usd_per_yr'] / 1e6:>12,.1f}{row['cost_usd_per_mwh_load']:>8,.1f}"
            f"{row['hourly_cfe_score']:>7.1%}{floor:>7}"
            f"{row['emissions_location_t_per_yr'] / 1e3:>11,.1f}"
            f"{row['load_moved_in_mwh_per_yr'] / 1e3:>8,.1f}"
            f"{row['load_moved_out_mwh_per_yr'] / 1e3:>8,.1f}"
            f"{row['load_deferred_mwh_per_yr'] / 1e3:>10,.1f}"
        )
    lines += [
        "",
        f"Portfolio cost: {num(f['total_cost_usd_per_yr'] / 1e6)} M$/yr, "
        f"{f['cost_usd_per_mwh_load']:.2f} $/MWh of load",
        f"Portfolio hourly CFE score: {f['hourly_cfe_score']:.1%}" + _target_text(f),
        f"Emissions: {num(f['emissions_location_t_per_yr'] / 1e3)} kt CO2/yr (location-based)",
        f"Load moved between sites: {num(f['load_moved_mwh_per_yr'] / 1e3)} GWh/yr "
        f"({f['load_moved_share']:.1%} of the load); deferred or advanced: "
        f"{num(f['load_deferred_mwh_per_yr'] / 1e3)} GWh/yr",
    ]
    if "savings_usd_per_yr" in f and np.isfinite(f["savings_usd_per_yr"]):
        lines.append(
            f"Against the rigid portfolio ({num(f['rigid_total_cost_usd_per_yr'] / 1e6)} M$/yr): "
            f"flexibility saves {num(f['savings_usd_per_yr'] / 1e6)} M$/yr, "
            f"{f['savings_usd_per_mwh_load']:.2f} $/MWh"
        )
    if np.isfinite(f["budget_usd_per_yr"]):
        lines.append(f"Budget: {num(f['budget_usd_per_yr'] / 1e6)} M$/yr")
    lines += [f"warning: {w}" for w in res.warnings]
    return "\n".join(lines)


def _target_text(f: pd.Series) -> str:
    target = f["hourly_cfe_target"]
    if not np.isfinite(target):
        return ""
    return f" (target {target:.0%}, shadow price {f['hourly_cfe_usd_per_mwh']:.1f} $/MWh)"


def report_data(res: PortfolioResult) -> dict[str, Any]:
    """What the report shows of a portfolio: ``sites`` (the per-site table), ``figures`` (the
    portfolio's totals), ``moved`` (per site and hour of the day: mean MW moved in minus
    moved out, weighted by the hours each modelled hour stands for: where and when the load
    went), ``shifted`` (the same for work caught up minus deferred) and ``hourly`` (every
    modelled hour)."""
    hourly = res.hourly
    if hourly.empty:
        return {"sites": res.table, "figures": res.figures, "moved": pd.DataFrame(),
                "shifted": pd.DataFrame(), "hourly": hourly}  # fmt: skip
    w = hourly[("all", "weight_h")].to_numpy()
    hour = pd.DatetimeIndex(hourly.index).hour
    names = [s.name for s in res.portfolio.sites]

    def by_hour(plus: str, minus: str) -> pd.DataFrame:
        net = {n: (hourly[(n, plus)] - hourly[(n, minus)]).to_numpy() * w for n in names}
        frame = pd.DataFrame(net, index=hour).groupby(level=0).sum()
        weights = pd.Series(w, index=hour).groupby(level=0).sum()
        out = frame.div(weights, axis=0)
        out.index.name = "hour_of_day"
        return out

    return {
        "sites": res.table,
        "figures": res.figures,
        "moved": by_hour("moved_in_mw", "moved_out_mw"),
        "shifted": by_hour("caught_up_mw", "deferred_mw"),
        "hourly": hourly,
    }
