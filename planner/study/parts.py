"""The solves of each part of the study, run through the sweep machinery.

Every solve goes through :func:`planner.run_sweep` (frontier, delivery risk, sensitivity
costs; each from a sweep file written to ``<out>/specs/``, which ``planner sweep`` can re-run)
or :func:`planner.breakeven` (break-even prices); the accuracy check is
:mod:`planner.study.validation`, so every solve is stored in a resumable
SQLite store under ``<out>/<site>/<part>/``: running the study again after an interruption
solves only what is missing. The functions here return the raw tables; the derived tables of
the document are computed in :mod:`planner.study.analysis`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from planner.inputs.instance import Instance
from planner.study import cases
from planner.study.config import PolicyCase, Study
from planner.study.sites import PreparedSite
from planner.sweep.breakeven import breakeven
from planner.sweep.runner import run_sweep


@dataclass
class Context:
    """What every part needs: the study, the output folder, where solves run, timings."""

    study: Study
    out: Path
    workers: int
    scheduler: Any = None
    """The workers every part shares: a shared local pool or a Dask client (None: one
    worker, in this process)."""
    progress: bool = True
    timings: list[dict[str, Any]] = field(default_factory=list)

    def say(self, text: str) -> None:
        if self.progress:
            print(f"[study] {text}", file=sys.stderr, flush=True)

    @contextlib.contextmanager
    def timed(self, part: str, site: str) -> Iterator[None]:
        """Record the wall time of one part for one site (``concurrent``: with a shared
        cluster the sites' parts run at the same time, on the same workers, and their times
        overlap)."""
        started = time.perf_counter()
        self.say(f"{site}: {part} ...")
        yield
        seconds = time.perf_counter() - started
        self.timings.append(
            {
                "part": part,
                "site": site,
                "seconds": seconds,
                "concurrent": self.scheduler is not None,
            }
        )
        self.say(f"{site}: {part} done in {seconds:.0f} s")

    def sweep(self, site: PreparedSite, part: str, spec: dict[str, Any]) -> pd.DataFrame:
        """Write ``spec`` (a sweep file's content, base relative to it) to
        ``<out>/specs/<site>_<part>.yaml`` and run it into ``<out>/<site>/<part>/``."""
        folder = self.out / "specs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{site.name}_{part}.yaml"
        spec = {
            "name": f"{part}_{site.name}",
            "base": os.path.relpath(site.path.resolve(), folder.resolve()),  # the prepared site
            "baseline": False,
            "reuse_model": self.study.spec.reuse_model,
            **spec,
        }
        header = (
            f"# Written by `python -m planner.study` ({self.study.source}): part '{part}' of site "
            f"{site.name}.\n# Re-run alone with: planner sweep {path}\n"
        )
        path.write_text(header + yaml.safe_dump(_plain(spec), sort_keys=False), encoding="utf-8")
        return run_sweep(
            path,
            workers=self.workers,
            out=self.out / site.name / part,
            scheduler=self.scheduler,
            progress=False,
        )

    def breakeven(
        self,
        site: PreparedSite,
        folder: Path,
        policies: list[PolicyCase],
        overrides: Mapping[str, Any],
        instance: Instance | None = None,
        time_limit_s: float | None = None,
        high: float | None = None,
    ) -> pd.DataFrame:
        """Break-even price of the site's offer for each policy (one search each, sharing
        rounds), with a ``policy_label`` column; on ``instance`` (e.g. the site over every hour)
        instead of the site's representative days if given; ``time_limit_s``: HiGHS's limit
        per solve (a search whose solve reaches it stops and says so); ``high``: the first
        price tried by the fast method (default the top price; where the offer is contracted
        there, the top price next; see :func:`planner.sweep.breakeven.breakeven`). Each
        search's solves are in ``attrs["solves"]``. Solves on the representative periods reuse
        the model if the study says so; over every hour they are solved cold (interior point:
        a full year's cold simplex would take far longer)."""
        part = self.study.spec.breakeven
        tol = part.tol_usd_per_mwh if part is not None else 0.5
        top = part.max_price_usd_per_mwh if part is not None else 10_000.0
        result = breakeven(
            site.instance if instance is None else instance,
            site.offer,
            by={"policy": [p.policy() for p in policies]},
            overrides=dict(overrides),
            tol_usd_per_mwh=tol,
            high=top if high is None else high,  # its reduced cost gives the break-even
            max_price=top,
            workers=self.workers,
            out=folder,
            scheduler=self.scheduler,
            progress=False,
            time_limit_s=time_limit_s,
            reuse_model=self.study.spec.reuse_model and instance is None,
        )
        result.insert(0, "policy_label", [p.label for p in policies])
        return result


def _plain(value: Any) -> Any:
    """Numbers of numpy as Python numbers, tuples as lists: safe for ``yaml.safe_dump``."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def offer_price(site: PreparedSite) -> float:
    """The energy price of the site's studied fusion offer in its instance, $/MWh."""
    offer = next(o for o in site.instance.spec.fusion if o.name == site.offer)
    return float(offer.energy_price_usd_per_mwh)


def offer_cap_mw(site: PreparedSite) -> float:
    """The ``max_capacity_mw`` of the site's studied fusion offer in its instance."""
    offer = next(o for o in site.instance.spec.fusion if o.name == site.offer)
    return float(offer.max_capacity_mw)


def price_path(site: PreparedSite) -> str:
    return f"fusion.{site.offer}.energy_price_usd_per_mwh"


# -- part 1 ----------------------------------------------------------------------------------
def breakeven_part(ctx: Context, site: PreparedSite) -> pd.DataFrame:
    """Break-even price of the site's fusion offer for each policy of part 1."""
    part = ctx.study.spec.breakeven
    assert part is not None
    return ctx.breakeven(site, ctx.out / site.name / "breakeven", list(part.policies), {})


# -- part 2 ----------------------------------------------------------------------------------
def frontier_part(ctx: Context, site: PreparedSite) -> pd.DataFrame:
    """Every policy of part 2 for every technology palette: one sweep, palettes as scenarios,
    the two policy fields as zipped parameters."""
    part = ctx.study.spec.frontier
    assert part is not None
    inst = site.instance
    scenarios = []
    for v in part.variants:
        ov: dict[str, Any] = {}
        if not v.fusion:
            ov |= cases.fusion_off(inst)
        ov |= cases.long_duration_storage(inst, v.long_duration_storage)
        scenarios.append({"name": v.name, "description": v.label, "overrides": ov})
    spec = {
        "description": f"{site.name}: cost per CFE policy, with and without fusion and "
        "long-duration storage",
        "overrides": {"policy": {}},
        "combine": "zip",
        "parameters": [
            {
                "path": "policy.annual_matching_fraction",
                "values": [p.annual_matching_fraction for p in part.policies],
            },
            {
                "path": "policy.hourly_cfe_target",
                "values": [p.hourly_cfe_target for p in part.policies],
            },
        ],
        "scenarios": scenarios,
    }
    table = ctx.sweep(site, "frontier", spec)
    labels = {p.label: p for p in part.policies}
    table.insert(1, "policy_label", [_policy_label(row) for _, row in table.iterrows()])
    assert set(table["policy_label"]) <= set(labels)
    return table


def _policy_label(row: Mapping[str, Any]) -> str:
    annual = row.get("policy.annual_matching_fraction")
    hourly = row.get("policy.hourly_cfe_target")
    if annual is not None and pd.notna(annual):
        return PolicyCase(annual_matching_fraction=annual).label
    return PolicyCase(hourly_cfe_target=hourly).label


# -- part 3 ----------------------------------------------------------------------------------
def delivery_prices(ctx: Context, site: PreparedSite) -> list[float]:
    part = ctx.study.spec.delivery_risk
    assert part is not None
    prices = [offer_price(site) if p is None else float(p) for p in part.prices_usd_per_mwh]
    return list(dict.fromkeys(prices))


def delivery_part(ctx: Context, site: PreparedSite) -> tuple[pd.DataFrame, pd.DataFrame]:
    """On-time solves (one per price), then, for each price at which the offer is contracted,
    the contract fixed at its on-time size and the plant late (availability 0) or derated, under
    each strategy. Returns (on-time table, late/derated table)."""
    part = ctx.study.spec.delivery_risk
    assert part is not None
    inst = site.instance
    ppath = price_path(site)
    prices = delivery_prices(ctx, site)
    policy = {"policy": part.policy.policy()}
    on_time = ctx.sweep(
        site,
        "delivery_on_time",
        {
            "description": f"{site.name}: contract sized for on-time delivery, one point per price",
            "overrides": policy,
            "parameters": [{"path": ppath, "values": prices}],
            "baseline": True,
        },
    )
    scenarios = []
    for i, (_, row) in enumerate(on_time.iterrows()):
        if row["status"] != "optimal":
            continue
        price = float(row[ppath])
        mw = cases.clean_mw(row.get(f"{site.offer}_capacity_mw"))
        if mw <= 0:
            continue
        signed_contract = {**cases.contract(site.offer, mw), ppath: price}
        events = [("late", 0.0)]
        events += [(f"availability_{round(100 * a)}", float(a)) for a in part.availability]
        for strategy in part.strategies:
            if strategy == "fixed":
                ov = {**signed_contract, **cases.fixed_builds(inst, row, site.offer), "policy": {}}
            else:
                penalty = part.shortfall_penalty_usd_per_mwh
                soft = {}
                if penalty is not None:
                    field = "annual_matching" if part.policy.is_annual else "hourly_cfe"
                    soft = {f"{field}_penalty_usd_per_mwh": penalty}
                target = {**part.policy.policy(), **soft}
                ov = {
                    **signed_contract,
                    **cases.kept_builds(inst, row, site.offer),
                    "policy": target,
                }
            for event, availability in events:
                scenarios.append(
                    {
                        "name": f"p{i}_{strategy}_{event}",
                        "description": f"price {price:g} $/MWh, {strategy}, {event}",
                        "overrides": {**ov, f"fusion.{site.offer}.availability": availability},
                    }
                )
    if not scenarios:
        return on_time, pd.DataFrame()
    late = ctx.sweep(
        site,
        "delivery_late",
        {
            "description": f"{site.name}: the contract of the on-time solve, plant late or derated",
            "scenarios": scenarios,
        },
    )
    pattern = r"^p(?P<price_index>\d+)_(?P<strategy>fixed|top_up)_(?P<event>.+)$"
    parsed = late["scenario"].str.extract(pattern)
    late = pd.concat([parsed, late], axis=1)
    late["price_index"] = late["price_index"].astype(int)
    prices_of = [float(on_time.iloc[i][ppath]) for i in late["price_index"]]
    late.insert(0, "price_usd_per_mwh", prices_of)
    return on_time, late


# -- part 4 ----------------------------------------------------------------------------------
def sensitivity_overrides(ctx: Context, site: PreparedSite) -> dict[str, dict[str, Any]]:
    """Case name -> overrides (``reference`` first, no override)."""
    part = ctx.study.spec.sensitivities
    assert part is not None
    out: dict[str, dict[str, Any]] = {"reference": {}}
    for case in part.cases:
        out[case.name] = cases.sensitivity(site.full, case, site.path.parent, site.hour_index)
    return out


def sensitivity_part(
    ctx: Context, site: PreparedSite, reference_breakeven: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Costs (with and without fusion) and break-even price at the part's policy, per case.

    ``reference_breakeven``: a part-1 row at the same policy, reused for the reference case
    (None: searched here). Returns (costs table, break-even table).
    """
    part = ctx.study.spec.sensitivities
    assert part is not None
    return with_and_without_fusion(
        ctx,
        site,
        "sensitivity",
        f"{site.name}: cost at one policy, one input changed at a time",
        part.policy,
        sensitivity_overrides(ctx, site),
        reference_breakeven,
    )


def with_and_without_fusion(
    ctx: Context,
    site: PreparedSite,
    name: str,
    description: str,
    policy: PolicyCase,
    by_case: Mapping[str, dict[str, Any]],
    reference_breakeven: pd.DataFrame | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cases of one part at one policy: one sweep ``name`` of every case with and without
    fusion (costs, with ``case`` and ``fusion_allowed`` columns), then one break-even search
    per case under ``<out>/<site>/<name>_breakeven/<case>``. The first case is the reference:
    ``reference_breakeven`` (a part-1 row at the same policy), when given, is its break-even."""
    off = cases.fusion_off(site.instance)
    scenarios = []
    for case, ov in by_case.items():
        scenarios.append({"name": case, "overrides": ov})
        scenarios.append({"name": f"{case}__no_fusion", "overrides": {**ov, **off}})
    costs = ctx.sweep(
        site,
        name,
        {
            "description": description,
            "overrides": {"policy": policy.policy()},
            "scenarios": scenarios,
        },
    )
    split = costs["scenario"].str.partition("__")
    costs.insert(1, "case", split[0])
    costs.insert(2, "fusion_allowed", split[2] != "no_fusion")
    rows = []
    for i, (case, ov) in enumerate(by_case.items()):
        if i == 0 and reference_breakeven is not None and len(reference_breakeven):
            row = reference_breakeven.iloc[[0]].copy()
        else:
            row = ctx.breakeven(
                site, ctx.out / site.name / f"{name}_breakeven" / case, [policy], ov
            )
        row.insert(0, "case", case)
        rows.append(row)
    return costs, pd.concat(rows, ignore_index=True)


def part1_row(
    breakeven_by_site: Mapping[str, pd.DataFrame], site: PreparedSite, policy: PolicyCase
) -> pd.DataFrame | None:
    """Part 1's break-even row of ``site`` at ``policy`` (None when part 1 did not run)."""
    table = breakeven_by_site.get(site.name)
    return None if table is None else table[table["policy_label"] == policy.label]
