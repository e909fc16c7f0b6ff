"""Figures of one solve (matplotlib, Agg). Each function takes a
:class:`~planner.results.saved.SavedResult` and returns a :class:`matplotlib.figure.Figure`;
:func:`all_figures` returns them all by name, :func:`save_all` writes them as PNG.

Colours, stacking order and the role of each dispatch column come from the resource catalogue
(:mod:`planner.inputs.catalogue`), the same in every figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from planner.inputs.catalogue import BY_KEY
from planner.report.style import (
    FLOW_COLOURS,
    KIND_COLOURS,
    close,
    denoise,
    new_figure,
    new_grid,
    order_of,
    resource_colours,
    save_png,
)
from planner.results.saved import MARGINAL_COLUMN, SavedResult
from planner.results.summary import field_parts

WEEK_H = 168


def _ordered(d: SavedResult) -> list[str]:
    """Resources in the catalogue's stacking order, then by name."""
    kinds = d.kinds
    return sorted(kinds, key=lambda r: (order_of(kinds[r]), r))


def _noise(values: pd.Series | np.ndarray) -> np.ndarray:
    """Solver noise as 0 (|x| < 1e-6), values rounded to 6 decimals (:func:`denoise`)."""
    return denoise(values)


def capacity_mix(d: SavedResult) -> Figure:
    """Power capacity (MW) and storage energy (MWh) per resource, next to the grid-only baseline."""
    fig, (ax_mw, ax_mwh) = new_grid(10, 4.2, ncols=2, width_ratios=[3, 1.3])
    names = _ordered(d)
    colours = resource_colours({r: d.kinds[r] for r in names})
    base = d.baseline.capacity if d.baseline is not None and d.baseline.ok else pd.DataFrame()
    x = np.arange(len(names))
    width = 0.4
    mw = _noise(d.capacity.loc[names, "capacity_mw"])
    ax_mw.bar(x - width / 2, mw, width, color=[colours[r] for r in names], label="portfolio")
    if len(base):
        base_mw = _noise(base["capacity_mw"].reindex(names).fillna(0.0))
        ax_mw.bar(
            x + width / 2,
            base_mw,
            width,
            color=FLOW_COLOURS["baseline"],
            hatch="//",
            edgecolor="white",
            label="grid only",
        )
    for xi, v in zip(x, mw, strict=True):
        ax_mw.annotate(f"{v:,.0f}", (xi - width / 2, v), ha="center", va="bottom", fontsize=8)
    ax_mw.set_xticks(x, [f"{r}\n({d.kinds[r]})" for r in names])
    ax_mw.set_ylabel("Capacity, MW")
    ax_mw.set_title("Power capacity")
    ax_mw.legend(loc="upper right")
    storage = [r for r in names if "energy_mwh" in BY_KEY[d.kinds[r]].capacity_columns]
    if storage:
        mwh = _noise(d.capacity.loc[storage, "energy_mwh"].fillna(0.0))
        ax_mwh.bar(storage, mwh, color=[colours[r] for r in storage], width=0.5)
        for r, v in zip(storage, mwh, strict=True):
            ax_mwh.annotate(f"{v:,.0f}", (r, v), ha="center", va="bottom", fontsize=8)
    else:
        ax_mwh.text(0.5, 0.5, "no storage", ha="center", va="center", transform=ax_mwh.transAxes)
    ax_mwh.set_ylabel("Energy capacity, MWh")
    ax_mwh.set_title("Storage energy (grid only: none)")
    fig.suptitle(f"Capacity mix of {d.name} vs the grid-only baseline")
    return fig


def cost_breakdown(d: SavedResult) -> Figure:
    """Annual cost by resource and component, $/MWh of load (negative: revenue)."""
    demand = float(d.metrics.get("demand_mwh", np.nan))
    costs = d.costs.copy()
    costs["usd_per_mwh"] = costs["cost_usd"] / demand
    costs = costs[costs["usd_per_mwh"].abs() > 1e-3]
    fig, ax = new_figure(9, 0.45 * (len(costs) + 3) + 1.2)
    labels = [f"{r.resource} · {field_parts(str(r.component))[0]}" for r in costs.itertuples()]
    colours = [KIND_COLOURS[k] for k in costs["kind"]]
    y = np.arange(len(costs))
    ax.barh(y, costs["usd_per_mwh"], color=colours)
    total = float(d.metrics.get("cost_usd_per_mwh_load", costs["usd_per_mwh"].sum()))
    rows = [("total, portfolio", total, "#333333")]
    if "baseline_cost_usd_per_mwh_load" in d.metrics:
        rows.append(
            (
                "total, grid only",
                float(d.metrics["baseline_cost_usd_per_mwh_load"]),
                FLOW_COLOURS["baseline"],
            )
        )
    for i, (label, value, c) in enumerate(rows):
        ax.barh(len(costs) + 0.5 + i, value, color=c)
        labels.append(label)
    yticks = [float(v) for v in y] + [len(costs) + 0.5 + i for i in range(len(rows))]
    for yi, v in zip(yticks, list(costs["usd_per_mwh"]) + [r[1] for r in rows], strict=True):
        ax.annotate(f" {v:,.2f}", (max(v, 0), yi), va="center", fontsize=8)
    ax.set_yticks(yticks, labels)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("Cost, $/MWh of load")
    ax.set_title(f"Annual cost by resource and component, {d.name}")
    kinds = list(dict.fromkeys(costs["kind"]))
    ax.legend(
        handles=[Patch(color=KIND_COLOURS[k], label=k) for k in kinds],
        loc="upper right",
        fontsize=8,
    )
    ax.margins(x=0.15)
    return fig


def default_weeks(d: SavedResult) -> list[pd.Timestamp]:
    """Start of the week with the least procured clean energy available (supply plus
    curtailment of the kinds the buyer procures: fusion, solar) and of a summer week
    (mid-July if the horizon holds it, else the week with the most)."""
    index = pd.DatetimeIndex(d.dispatch.index)
    if len(index) <= WEEK_H:
        return [index[0]]
    procured = [k for k in dict.fromkeys(d.kinds.values()) if BY_KEY[k].procured]
    available = [
        c for k in procured for role in ("supply", "curtailment") for c in d.columns(role, k)
    ]
    solar = sum(
        (d.dispatch[c] for c in available),
        start=pd.Series(0.0, index=index),
    )
    weekly = solar.rolling(WEEK_H).sum().shift(-(WEEK_H - 1)).dropna()
    starts = weekly[weekly.index.hour == 0] if (weekly.index.hour == 0).any() else weekly
    low = starts.idxmin()
    july = starts[(starts.index.month == 7) & (starts.index.day >= 12)]
    summer = july.index[0] if len(july) else starts.idxmax()
    weeks = [low]
    if abs((summer - low) / pd.Timedelta(hours=1)) >= WEEK_H:
        weeks.append(summer)
    return sorted(weeks)


def dispatch_week(d: SavedResult, start: pd.Timestamp | str | None = None) -> Figure:
    """Hourly dispatch stack for the week from ``start``: supply above zero (fusion, solar,
    storage discharge, grid import), storage charge and export below, curtailment hatched on
    top, demand as a line."""
    index = pd.DatetimeIndex(d.dispatch.index)
    start = pd.Timestamp(start) if start is not None else default_weeks(d)[0]
    week = d.dispatch.loc[(index >= start) & (index < start + pd.Timedelta(hours=WEEK_H))]
    colours = resource_colours(d.kinds)
    fig, ax = new_figure(11, 4.8)
    t = week.index
    above: list[tuple[str, np.ndarray, str, str | None]] = []
    below: list[tuple[str, np.ndarray, str]] = []
    for r in _ordered(d):
        kind = BY_KEY[d.kinds[r]]
        for output in kind.outputs:
            column = f"{r}_{output.suffix}"
            if column not in week:
                continue
            label = f"{r} {output.label}"
            if output.role == "supply":
                above.append((label, _noise(week[column]), colours[r], None))
            elif output.role == "withdrawal":
                below.append(
                    (label, -_noise(week[column]), FLOW_COLOURS.get(output.label, colours[r]))
                )
    curtail = sum((_noise(week[c]) for c in d.columns("curtailment")), start=np.zeros(len(week)))
    if np.any(curtail > 0):
        above.append(("curtailment", curtail, FLOW_COLOURS["curtailment"], "xx"))
    bottom = np.zeros(len(week))
    for label, values, c, hatch in above:
        top = bottom + values
        ax.fill_between(
            t,
            bottom,
            top,
            step="post",
            color=c,
            label=label,
            lw=0,
            hatch=hatch,
            alpha=0.55 if hatch else 0.9,
        )
        bottom = top
    bottom = np.zeros(len(week))
    for label, values, c in below:
        low = bottom + values
        ax.fill_between(
            t, low, bottom, step="post", color=c, alpha=0.45, hatch="..", lw=0, label=label
        )
        bottom = low
    ax.step(
        t, week["demand_mw"], where="post", color=KIND_COLOURS["demand"], lw=1.6, label="demand"
    )
    if "unserved_mw" in week and week["unserved_mw"].max() > 1e-6:
        ax.step(
            t,
            week["unserved_mw"],
            where="post",
            color=FLOW_COLOURS["unserved"],
            lw=1,
            label="unserved",
        )
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("Power, MW (below 0: charge, export)")
    ax.set_xlabel("Time (local), hour")
    ax.set_title(f"Hourly dispatch, week from {start:%Y-%m-%d} ({d.name})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.margins(x=0)
    fig.autofmt_xdate()
    return fig


HOURLY_SOC_H = 8 * WEEK_H
"""Horizons spanning up to this many hours show the state of charge hour by hour; longer ones
day by day (the range from the daily minimum to the maximum, and the daily mean)."""


def state_of_charge(d: SavedResult) -> Figure:
    """State of charge of each storage over the horizon, MWh: hour by hour up to eight weeks,
    else a daily band (minimum to maximum) and the daily mean, readable over a full year. Days
    not modelled (between representative periods) are left as gaps."""
    fig, ax = new_figure(11, 3.8)
    colours = resource_colours(d.kinds)
    storage = [r for r in _ordered(d) if BY_KEY[d.kinds[r]].columns(r, "state")]
    storage = [r for r in storage if BY_KEY[d.kinds[r]].columns(r, "state")[0] in d.dispatch]
    index = pd.DatetimeIndex(d.dispatch.index)
    daily = len(index) > 1 and (index[-1] - index[0]) > pd.Timedelta(hours=HOURLY_SOC_H)
    for r in storage:
        column = BY_KEY[d.kinds[r]].columns(r, "state")[0]
        soc = pd.Series(_noise(d.dispatch[column]), index=index)
        size = f"{r} ({d.capacity.loc[r, 'energy_mwh']:,.0f} MWh)"
        if not daily:
            ax.plot(soc.index, soc.to_numpy(), color=colours[r], lw=1, label=size)
            continue
        days = soc.resample("D").agg(["min", "max", "mean"])
        if days["mean"].notna().mean() > 0.9:  # (nearly) every day modelled: a band and a line
            ax.fill_between(
                days.index,
                days["min"],
                days["max"],
                color=colours[r],
                alpha=0.3,
                lw=0,
                label=f"{r}: daily range",
            )
            ax.plot(days.index, days["mean"], color=colours[r], lw=1.2, label=f"{size}: daily mean")
        else:  # representative days: one bar per modelled day
            days = days.dropna()
            ax.vlines(
                days.index,
                days["min"],
                days["max"],
                color=colours[r],
                alpha=0.4,
                lw=3,
                label=f"{r}: daily range",
            )
            ax.plot(
                days.index, days["mean"], "o", color=colours[r], ms=3, label=f"{size}: daily mean"
            )
    if storage:
        ax.legend(loc="upper right", fontsize=8)
    else:
        ax.text(
            0.5,
            0.5,
            "no storage in the portfolio",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
    ax.set_ylabel("State of charge, MWh")
    ax.set_xlabel("Time (local)")
    what = ", daily range and mean" if daily else ""
    ax.set_title(f"Storage state of charge{what} ({d.name})")
    ax.margins(x=0.01 if daily else 0)
    return fig


def cfe_heatmap(d: SavedResult, grid_only: bool = False) -> Figure:
    """Hourly carbon-free share of the load, hour of day x day of year, %. With
    ``grid_only``: the grid-only baseline (the grid's own carbon-free share)."""
    src = d.baseline if grid_only and d.baseline is not None else d
    share = 100 * src.clean_share()
    index = pd.DatetimeIndex(share.index)
    frame = pd.DataFrame({"v": share.to_numpy(), "hour": index.hour, "day": index.day_of_year})
    grid = frame.pivot_table(index="hour", columns="day", values="v", aggfunc="mean")
    grid = grid.reindex(index=range(24))
    fig, ax = new_figure(11, 3.8)
    days = grid.columns.to_numpy()
    image = ax.imshow(
        grid.to_numpy(),
        aspect="auto",
        origin="lower",
        cmap="viridis",
        vmin=0,
        vmax=100,
        extent=(days.min() - 0.5, days.max() + 0.5, -0.5, 23.5),
        interpolation="nearest",
    )
    fig.colorbar(image, ax=ax, label="Carbon-free share of load, %")
    ax.set_yticks([0, 6, 12, 18, 23])
    ax.set_xlabel("Day of year")
    ax.set_ylabel("Hour of day")
    what = "grid only (baseline)" if grid_only else "portfolio"
    note = ""
    score = 100 * float(src.metrics.get("hourly_cfe_score", np.nan))
    ax.set_title(f"Hourly carbon-free share, {what}: score {score:.1f} %{note}")
    return fig


def price_duration(d: SavedResult) -> Figure:
    """Hourly marginal cost of supply, sorted high to low, against the hours at or above it."""
    fig, ax = new_figure(9, 4)
    price = d.dispatch[MARGINAL_COLUMN].to_numpy(dtype=float)
    w = d.weights.reindex(d.dispatch.index).fillna(1.0).to_numpy()
    order = np.argsort(-price)
    ax.step(
        np.cumsum(w[order]),
        price[order],
        where="pre",
        color=KIND_COLOURS["grid"],
        lw=1.4,
        label="portfolio",
    )
    if d.baseline is not None and d.baseline.ok and MARGINAL_COLUMN in d.baseline.dispatch:
        bp = d.baseline.dispatch[MARGINAL_COLUMN].to_numpy(dtype=float)
        bw = d.baseline.weights.reindex(d.baseline.dispatch.index).fillna(1.0).to_numpy()
        bo = np.argsort(-bp)
        ax.step(
            np.cumsum(bw[bo]),
            bp[bo],
            where="pre",
            color=FLOW_COLOURS["baseline"],
            lw=1.2,
            ls="--",
            label="grid only",
        )
    if price.size and np.nanmax(np.abs(price)) > 20 * max(np.nanmedian(np.abs(price)), 1.0):
        ax.set_yscale("symlog", linthresh=100)
    ax.set_xlabel("Hours at or above the cost, h")
    ax.set_ylabel("Marginal cost, $/MWh")
    ax.set_title(f"Duration curve of the hourly marginal cost ({d.name})")
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    return fig


def all_figures(d: SavedResult, weeks: list[pd.Timestamp] | None = None) -> dict[str, Figure]:
    """Every figure of a solve, by file stem. Empty when the solve is not optimal."""
    if not d.ok:
        return {}
    figs = {"capacity_mix": capacity_mix(d), "cost_breakdown": cost_breakdown(d)}
    for start in weeks if weeks is not None else default_weeks(d):
        figs[f"dispatch_{pd.Timestamp(start):%Y%m%d}"] = dispatch_week(d, start)
    figs["state_of_charge"] = state_of_charge(d)
    figs["cfe_heatmap"] = cfe_heatmap(d)
    if d.baseline is not None and d.baseline.ok:
        figs["cfe_heatmap_grid"] = cfe_heatmap(d, grid_only=True)
    figs["price_duration"] = price_duration(d)
    return figs


def save_all(d: SavedResult, folder: str | Path) -> list[Path]:
    """Write every figure as ``<folder>/<name>.png``; return the paths."""
    paths = []
    for name, fig in all_figures(d).items():
        paths.append(save_png(fig, Path(folder) / f"{name}.png"))
        close(fig)
    return paths
