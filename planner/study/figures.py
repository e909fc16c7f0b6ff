"""Figures of the study. The break-even and capacity figures are the sweep report's own
(:mod:`planner.report.sweep_figures`), annotated with the study's reference prices; the
premium, delivery-risk and sensitivity figures are specific to the study. Each function
returns a :class:`matplotlib.figure.Figure`, colours from :mod:`planner.report.style`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.report import sweep_figures
from planner.report.style import FLOW_COLOURS, KIND_COLOURS, colour, new_grid
from planner.study.analysis import breakeven_cell
from planner.study.config import Benchmark, Literature, Variant

BENCHMARK_COLOURS = ("#2ca02c", "#d62728", "#1f77b4", "#ff7f0e")


def variant_colour(variant: Variant | None) -> str:
    """Fusion palettes purple (lighter without long-duration storage), long-duration storage
    teal, the rest gold."""
    if variant is None:
        return "#444444"
    if variant.fusion:
        return colour("fusion", 0 if variant.long_duration_storage else 2)
    return colour("storage", 0) if variant.long_duration_storage else colour("solar", 0)


def breakeven_by_policy(
    long: pd.DataFrame,
    policies: Sequence[str],
    benchmarks: Sequence[Benchmark],
    max_price: float,
) -> Figure:
    """Break-even price per policy, one line per site (``sweep_figures.breakeven_figure``),
    with the reference prices as bands; a triangle marks a site that contracts fusion at every
    price tried (at the highest price tried)."""
    sites = list(dict.fromkeys(long["site"]))
    frame = pd.DataFrame(
        {
            "policy": long["order"].astype(float),
            # categories keep the sites in study order (the figure groups by this column)
            "offer": pd.Categorical(long["site"], categories=sites, ordered=True),
            "breakeven_usd_per_mwh": long["breakeven_usd_per_mwh"],
            "half_width_usd_per_mwh": long["half_width_usd_per_mwh"],
        }
    ).reset_index(drop=True)
    fig = sweep_figures.breakeven_figure(frame)
    ax = fig.axes[0]
    for i, site in enumerate(sites):
        part = long[long["site"] == site]
        top = part[part["note"].str.startswith("contracted up to")]
        if len(top):
            ax.scatter(
                top["order"],
                top["contracted_at_usd_per_mwh"],
                marker="^",
                s=70,
                color=colour("fusion", i),
                zorder=5,
            )
    for j, bench in enumerate(benchmarks):
        shade = BENCHMARK_COLOURS[j % len(BENCHMARK_COLOURS)]
        low, high = bench.low_usd_per_mwh, bench.high_usd_per_mwh
        if high > low:
            ax.axhspan(low, high, color=shade, alpha=0.25, label=bench.label)
        else:
            ax.axhline(low, color=shade, linestyle="--", label=bench.label)
    values = pd.concat([long["breakeven_usd_per_mwh"], long["contracted_at_usd_per_mwh"]])
    values = values[values > 0].dropna()
    lows = [b.low_usd_per_mwh for b in benchmarks if b.low_usd_per_mwh > 0]
    if len(values) and values.max() / max(min(lows + list(values)), 1e-9) > 30:
        ax.set_yscale("log")
    ax.set_xticks(range(len(policies)), list(policies))
    ax.set_xlabel("CFE policy (annual matching, then hourly targets)")
    ax.set_title(
        "Break-even fusion PPA price by CFE policy "
        f"(triangles: contracted at every price up to {max_price:,.0f} $/MWh)",
        fontsize=10,
    )
    ax.legend(loc="lower right", fontsize=8)
    return fig


def premium_figure(
    front: pd.DataFrame, variants: Sequence[Variant], literature: Literature | None
) -> Figure:
    """Premium of each hourly target over the site's annual-matching reference (%), one panel
    per site and one for the published figures; one line per technology palette. Targets a
    palette cannot reach are marked with a cross on the axis."""
    sites = list(dict.fromkeys(front["site"]))
    panels = len(sites) + (1 if literature is not None else 0)
    fig, axes = new_grid(4.2 * panels, 4.4, ncols=panels, sharey=True, squeeze=False)
    axes = axes[0]
    hourly = front[front["hourly_target_pct"].notna()]
    for ax, site in zip(axes, sites, strict=False):
        for v in variants:
            sub = hourly[(hourly["site"] == site) & (hourly["variant"] == v.name)]
            sub = sub.sort_values("hourly_target_pct")
            ax.plot(
                sub["hourly_target_pct"],
                sub["premium_pct"],
                marker="o",
                color=variant_colour(v),
                label=v.label,
            )
            missing = sub[sub["premium_pct"].isna()]
            ax.scatter(
                missing["hourly_target_pct"],
                np.zeros(len(missing)),
                marker="x",
                s=60,
                color=variant_colour(v),
                clip_on=False,
                zorder=5,
            )
        ax.set_title(f"{site} (x: out of reach)", fontsize=10)
        ax.set_xlabel("Hourly CFE target, %")
        ax.grid(alpha=0.3)
    if literature is not None:
        ax = axes[-1]
        targets = 100 * np.asarray(literature.targets, dtype=float)
        by_name = {v.name: v for v in variants}
        for name, values in literature.premium_pct.items():
            known = by_name.get(name)
            ax.plot(
                targets,
                values,
                marker="s",
                linestyle="--",
                color=variant_colour(known),
                label=known.label if known is not None else name,
            )
        ax.set_title("Riepin & Brown (Ireland)", fontsize=10)
        ax.set_xlabel("Hourly CFE target, %")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("Premium over annual matching, %")
    top = np.nanmax(np.r_[hourly["premium_pct"].to_numpy(dtype=float), 1.0])
    if top > 400:
        axes[0].set_yscale("symlog", linthresh=10)
    axes[0].legend(loc="upper left", fontsize=7)
    fig.suptitle("Cost of 24/7 CFE: premium of each hourly target over 100 % annual matching")
    return fig


def capacity_by_target(front_table: pd.DataFrame, site: str, variant_label: str) -> Figure:
    """Capacity mix (MW) along the hourly target for one palette
    (``sweep_figures.capacity_along``; colours from the table's resource kinds)."""
    drop = ["scenario", "policy.annual_matching_fraction", "policy_label"]
    table = front_table.drop(columns=drop, errors="ignore")
    table = table[table["policy.hourly_cfe_target"].notna()]
    fig = sweep_figures.capacity_along(table, "policy.hourly_cfe_target")
    fig.axes[0].set_title(
        f"{site}: capacity mix along the hourly CFE target ({variant_label})", fontsize=10
    )
    return fig


def delivery_figure(delivery: pd.DataFrame) -> Figure:
    """Change of the contract window's cost (present value, M$) and emissions (kt CO2) when the
    plant is late or derated, per site; bars per price and strategy (top-up hatched)."""
    sub = delivery[delivery["case"] != "on time"].copy()
    sites = list(dict.fromkeys(sub["site"]))
    ncols = max(1, len(sites))
    fig, axes = new_grid(5.0 * ncols, 6.5, nrows=2, ncols=ncols, squeeze=False)
    for j, site in enumerate(sites):
        part = sub[sub["site"] == site]
        cases = list(dict.fromkeys(part["case"]))
        groups = list(dict.fromkeys(zip(part["price_usd_per_mwh"], part["strategy"], strict=True)))
        width = 0.8 / max(1, len(groups))
        x = np.arange(len(cases))
        for g, (price, strategy) in enumerate(groups):
            chosen = (part["price_usd_per_mwh"] == price) & (part["strategy"] == strategy)
            rows = part[chosen].set_index("case").reindex(cases)
            shade = colour("fusion" if strategy == "top_up" else "grid", g // 2)
            label = f"{price:g} $/MWh, {strategy.replace('_', '-')}"
            offset = (g - (len(groups) - 1) / 2) * width
            for row, column in ((0, "delta_pv_musd"), (1, "delta_emissions_kt")):
                axes[row][j].bar(
                    x + offset,
                    rows[column].fillna(0.0),
                    width,
                    color=shade,
                    label=label,
                    hatch="//" if strategy == "top_up" else None,
                    edgecolor="white",
                )
        units = ("Change of window cost (PV), M$", "Change of window emissions, kt CO2")
        for row, unit in enumerate(units):
            ax = axes[row][j]
            ax.axhline(0, color=KIND_COLOURS["demand"], linewidth=0.8)
            ax.set_xticks(x, cases, rotation=20, fontsize=8)
            ax.grid(alpha=0.3, axis="y")
            if j == 0:
                ax.set_ylabel(unit, fontsize=9)
        axes[0][j].set_title(site, fontsize=10)
    if sites:
        axes[0][0].legend(fontsize=7, loc="best")
    fig.suptitle("Delivery risk: plant late or derated", fontsize=11)
    return fig


def _cell(row: pd.Series) -> str:
    return breakeven_cell(
        {
            "breakeven_usd_per_mwh": row["breakeven_usd_per_mwh"],
            "note": row["breakeven_note"],
            "contracted_at_usd_per_mwh": row["contracted_at_usd_per_mwh"],
        }
    )


def tornado(sens: pd.DataFrame) -> Figure:
    """Change of the break-even price from the reference case ($/MWh), per site and case; each
    bar is labelled with the break-even itself."""
    sites = list(dict.fromkeys(sens["site"]))
    ncols = max(1, len(sites))
    height = 0.5 * (sens["case"].nunique() + 2) + 1.2
    fig, axes = new_grid(4.6 * ncols, height, ncols=ncols, squeeze=False, sharey=True)
    for ax, site in zip(axes[0], sites, strict=False):
        part = sens[(sens["site"] == site) & (sens["case"] != "reference")]
        ref = sens[(sens["site"] == site) & (sens["case"] == "reference")]
        # a break-even out of the range tried (censored) is drawn as a hatched bar running past
        # every finite one, in its direction, and labelled with what is known ("> 10,000")
        delta = part["delta_breakeven_usd_per_mwh"].to_numpy(dtype=float)
        notes = part["breakeven_note"].fillna("").astype(str)
        finite = np.abs(delta[np.isfinite(delta)])
        reach = 1.15 * (float(finite.max()) if finite.size else 1.0)
        up = notes.str.startswith("contracted up to").to_numpy()
        down = notes.str.startswith("not contracted").to_numpy()
        censored = up | down
        delta = np.where(up, reach, np.where(down, -reach, np.nan_to_num(delta)))
        y = np.arange(len(part))
        shades = [FLOW_COLOURS["export"] if d >= 0 else FLOW_COLOURS["unserved"] for d in delta]
        bars = ax.barh(y, delta, color=shades)
        for bar, cut in zip(bars, censored, strict=True):
            if cut:
                bar.set_hatch("//")
                bar.set_alpha(0.6)
        for yi, (_, r) in zip(y, part.iterrows(), strict=True):
            ax.annotate(
                _cell(r),
                (0, yi),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
        ax.set_yticks(y, part["label"], fontsize=8)
        ax.axvline(0, color=KIND_COLOURS["demand"], linewidth=0.8)
        ref_text = _cell(ref.iloc[0]) if len(ref) else "n/a"
        ax.set_title(f"{site}\n(reference {ref_text} $/MWh)", fontsize=9)
        ax.set_xlabel("Change of break-even, $/MWh")
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(
        "Break-even sensitivity (bar labels: the break-even, $/MWh; hatched: censored, beyond "
        "the range tried)",
        fontsize=10,
    )
    return fig


def contract_curve(curve: pd.DataFrame, benchmarks: Sequence[Benchmark]) -> Figure:
    """MW of each site's offer against its price, one panel per site, one line per policy
    (straight between the solved prices; an open marker: at the offer's cap), the reference
    prices as vertical bands."""
    sites = list(dict.fromkeys(curve["site"]))
    fig, axes = new_grid(4.4 * len(sites), 4.0, ncols=len(sites), squeeze=False)
    markers = ("o", "s", "D", "^", "v", "P")
    for ax, site in zip(axes[0], sites, strict=True):
        here = curve[curve["site"] == site]
        for i, (label, rows) in enumerate(here.groupby("policy_label", sort=False)):
            c = colour("fusion", i)
            m = markers[i % len(markers)]
            ax.plot(rows["price_usd_per_mwh"], rows["contracted_mw"], color=c, label=label)
            capped = rows[rows["at_cap"]]
            free = rows[~rows["at_cap"]]
            ax.scatter(free["price_usd_per_mwh"], free["contracted_mw"], color=c, marker=m, s=22)
            ax.scatter(
                capped["price_usd_per_mwh"],
                capped["contracted_mw"],
                facecolors="none",
                edgecolors=c,
                marker=m,
                s=40,
            )
        for j, bench in enumerate(benchmarks):
            shade = BENCHMARK_COLOURS[j % len(BENCHMARK_COLOURS)]
            low, high = bench.low_usd_per_mwh, bench.high_usd_per_mwh
            if high > low:
                ax.axvspan(low, high, color=shade, alpha=0.2)
            else:
                ax.axvline(low, color=shade, linestyle="--", linewidth=1)
        ax.set_title(site, fontsize=10)
        ax.set_xlabel("fusion PPA price, $/MWh")
        ax.set_ylim(bottom=0)
    axes[0][0].set_ylabel("fusion contracted, MW")
    axes[0][-1].legend(fontsize=8, loc="upper right")
    fig.suptitle("Fusion MW contracted against its price (open markers: at the cap)", fontsize=10)
    return fig
