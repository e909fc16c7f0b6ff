"""Figures of a sweep table (``planner.run_sweep``), a frontier (``planner.frontier``) and a
break-even table (``planner.breakeven``). Each returns a :class:`matplotlib.figure.Figure`."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.report.style import KIND_COLOURS, colour, denoise, new_figure, new_grid, pretty
from planner.sweep.frontier import frontier_table

NON_PARAMETERS = ("point", "base", "scenario")
CFE_PATH = "policy.hourly_cfe_target"


def swept_parameters(table: pd.DataFrame) -> list[str]:
    """The swept columns of a sweep table (those before ``status``), plus ``scenario`` when it
    varies."""
    if "status" not in table:
        return []
    before = list(table.columns[: table.columns.get_loc("status")])
    params = [c for c in before if c not in NON_PARAMETERS]
    if "scenario" in table and table["scenario"].nunique() > 1:
        params.append("scenario")
    return params


def resource_kinds(table: pd.DataFrame) -> dict[str, str]:
    """Resource name -> kind, from the ``resource_kinds`` records of a sweep table."""
    out: dict[str, str] = {}
    for text in table.get("resource_kinds", pd.Series(dtype=object)).dropna():
        out |= json.loads(text)
    return out


def _capacity_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table if c.endswith("_capacity_mw") and not c.startswith("grid")]


def _resource_colours(columns: list[str], kinds: dict[str, str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in columns:
        name = c.removesuffix("_capacity_mw")
        kind = kinds[name]
        out.append(colour(kind, seen.get(kind, 0)))
        seen[kind] = seen.get(kind, 0) + 1
    return out


def frontier_figure(front: pd.DataFrame) -> Figure:
    """Cost per MWh of load against the hourly CFE target, with the marginal cost of each step
    ($/MWh of load per percentage point) below. ``front``: the frontier table (``frontier.csv``),
    or a sweep table over ``policy.hourly_cfe_target``."""
    if "cfe_target_pct" not in front:
        front = frontier_table(front)
    ok = front[front["status"] == "optimal"].sort_values("cfe_target_pct")
    fig, (ax, ax_m) = new_grid(9, 6, nrows=2, sharex=True, height_ratios=[2, 1])
    ax.plot(
        ok["cfe_target_pct"],
        denoise(ok["cost_usd_per_mwh_load"]),
        marker="o",
        color=KIND_COLOURS["fusion"],
    )
    for x, y in zip(ok["cfe_target_pct"], ok["cost_usd_per_mwh_load"], strict=True):
        ax.annotate(
            f"{y:,.1f}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8
        )
    ax.set_ylabel("Cost, $/MWh of load")
    ax.set_title("Cost vs hourly CFE target (frontier)")
    ax.grid(alpha=0.3)
    marginal = ok["marginal_cost_usd_per_mwh_per_pp"]
    width = 0.6 * float(np.nanmin(np.diff(ok["cfe_target_pct"]))) if len(ok) > 1 else 1.0
    ax_m.bar(ok["cfe_target_pct"], marginal.fillna(0.0), width=width, color=KIND_COLOURS["grid"])
    ax_m.set_ylabel("Marginal cost,\n$/MWh per pp")
    ax_m.set_xlabel("Hourly CFE target, %")
    ax_m.grid(alpha=0.3, axis="y")
    return fig


def capacity_along(table: pd.DataFrame, parameter: str) -> Figure:
    """Stacked capacity mix (MW, grid left out) along ``parameter``; other swept parameters are
    held at their first value. Colours by kind, from the table's ``resource_kinds``."""
    kinds = resource_kinds(table)
    ok = table[table["status"] == "optimal"]
    for other in swept_parameters(table):
        if other != parameter:
            ok = ok[ok[other] == ok[other].iloc[0]] if len(ok) else ok
    ok = ok.sort_values(parameter)
    columns = _capacity_columns(ok)
    fig, ax = new_figure(9, 4.5)
    x = ok[parameter]
    numeric = pd.api.types.is_numeric_dtype(x)
    xs = x.to_numpy(dtype=float) if numeric else np.arange(len(x))
    values = [denoise(ok[c]) for c in columns]
    labels = [c.removesuffix("_capacity_mw") for c in columns]
    if values:
        ax.stackplot(
            xs, *values, labels=labels, colors=_resource_colours(columns, kinds), alpha=0.9
        )
    if not numeric:
        ax.set_xticks(xs, [str(v) for v in x])
    held = [f"{o} = {ok[o].iloc[0]}" for o in swept_parameters(table) if o != parameter and len(ok)]
    ax.set_xlabel(pretty(parameter))
    ax.set_ylabel("Capacity, MW")
    ax.set_title(
        f"Capacity mix along {parameter}" + (f"\n({', '.join(held)})" if held else ""), fontsize=11
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.margins(x=0)
    return fig


def breakeven_curves(table: pd.DataFrame, offer: str, price: str | None = None) -> Figure:
    """Contracted capacity of fusion ``offer`` (MW) against its energy price, one line per
    value of the other swept parameter: where a line reaches 0 is the break-even price."""
    price = price or f"fusion.{offer}.energy_price_usd_per_mwh"
    ok = table[table["status"] == "optimal"]
    others = [p for p in swept_parameters(table) if p != price]
    fig, ax = new_figure(9, 4.5)
    groups = ok.groupby(others[0]) if others else [("all points", ok)]
    for i, (value, part) in enumerate(groups):
        part = part.sort_values(price)
        label = f"{others[0].split('.')[-1]} = {value}" if others else str(value)
        ax.plot(
            part[price],
            denoise(part[f"{offer}_capacity_mw"]).clip(min=0),
            marker="o",
            color=colour("fusion", i),
            label=label,
        )
    ax.set_xlabel(f"{offer} energy price, $/MWh")
    ax.set_ylabel(f"{offer} contracted capacity, MW")
    ax.set_title(f"Break-even curves of fusion offer {offer}")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def breakeven_figure(result: pd.DataFrame) -> Figure:
    """Break-even price ($/MWh, with its +- half-width) per search of ``planner.breakeven``."""
    fig, ax = new_figure(9, 4.2)
    by = [c for c in result.columns[: result.columns.get_loc("offer")]] if "offer" in result else []
    x_col = by[0] if by else None
    xs = result[x_col].to_numpy() if x_col else np.arange(len(result))
    numeric = x_col is not None and pd.api.types.is_numeric_dtype(result[x_col])
    # categories (e.g. policies) at one position each, shared by every offer
    categories = list(dict.fromkeys(xs.tolist()))
    xp = xs.astype(float) if numeric else np.array([categories.index(v) for v in xs], dtype=float)
    for i, (offer, part) in enumerate(result.groupby("offer")):
        idx = part.index
        ax.errorbar(
            xp[result.index.get_indexer(idx)],
            part["breakeven_usd_per_mwh"],
            yerr=part["half_width_usd_per_mwh"],
            marker="o",
            capsize=4,
            color=colour("fusion", i),
            label=str(offer),
        )
    if not numeric:
        ax.set_xticks(range(len(categories)), [str(v) for v in categories])
    ax.set_xlabel(pretty(x_col) if x_col else "search")
    ax.set_ylabel("Break-even energy price, $/MWh")
    ax.set_title("Break-even fusion price (highest price still contracted)")
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def heatmap_2d(table: pd.DataFrame, x: str, y: str, value: str = "cost_usd_per_mwh_load") -> Figure:
    """``value`` (default cost, $/MWh of load) over two swept parameters."""
    ok = table[table["status"] == "optimal"]
    grid = ok.pivot_table(index=y, columns=x, values=value, aggfunc="mean")
    fig, ax = new_figure(8, 4.8)
    image = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="magma_r")
    ax.set_xticks(
        range(grid.shape[1]), [f"{v:g}" if isinstance(v, float) else str(v) for v in grid.columns]
    )
    ax.set_yticks(
        range(grid.shape[0]), [f"{v:g}" if isinstance(v, float) else str(v) for v in grid.index]
    )
    arr = grid.to_numpy(dtype=float)
    for (i, j), v in np.ndenumerate(arr):
        if np.isfinite(v):
            ax.text(
                j,
                i,
                f"{v:,.1f}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if v > np.nanmean(arr) else "black",
            )
    unit = "Cost, $/MWh of load" if value == "cost_usd_per_mwh_load" else pretty(value)
    fig.colorbar(image, ax=ax, label=unit)
    ax.set_xlabel(pretty(x))
    ax.set_ylabel(pretty(y))
    ax.set_title(f"{unit} over {x} x {y}", fontsize=10)
    return fig


def sweep_figures(
    table: pd.DataFrame | None,
    front: pd.DataFrame | None = None,
    breakeven: pd.DataFrame | None = None,
) -> dict[str, Figure]:
    """Every figure that fits the tables given, by file stem."""
    figs: dict[str, Figure] = {}
    params = swept_parameters(table) if table is not None else []
    if front is not None and len(front):
        figs["frontier"] = frontier_figure(front)
    elif table is not None and CFE_PATH in params and len(params) == 1:
        figs["frontier"] = frontier_figure(table)
    if table is not None and (table["status"] == "optimal").any():
        for p in params:
            figs[f"capacity_along_{p.replace('.', '_')}"] = capacity_along(table, p)
        for p in params:
            parts = p.split(".")
            if len(parts) == 3 and parts[0] == "fusion" and parts[2] == "energy_price_usd_per_mwh":
                figs[f"breakeven_curves_{parts[1]}"] = breakeven_curves(table, parts[1], p)
        numeric = [p for p in params if pd.api.types.is_numeric_dtype(table[p])]
        if len(numeric) >= 2:
            figs["heatmap_cost"] = heatmap_2d(table, numeric[0], numeric[1])
    if breakeven is not None and len(breakeven):
        figs["breakeven"] = breakeven_figure(breakeven)
    return figs
