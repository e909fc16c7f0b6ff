"""A fusion offer's break-even price, built on sweeps.

Its solves run through :class:`~planner.sweep.runner.Runner`, so they are parallel, stored
point by point and resumable.

**breakeven** finds, for a fusion offer, the highest energy price at which the optimum still
contracts it: ``capacity_mw > threshold_mw`` (default 1e-3 MW; an interior-point solve leaves
an uncontracted offer at about 1e-7 MW or less). Contracted capacity does not increase with the
price, so the break-even is bracketed between a price where the offer is contracted (``low``)
and one where it is not (``high``, doubled until it is not, up to ``max_price``), and the
bracket is narrowed until it is at most ``2 * tol`` wide; the midpoint is reported (+- tol).
Each round solves as many prices as there are workers (k-section). The first round after the
bracket is known also uses LP ranging: at a price where the offer is left out, its reduced
cost ``r`` ($/MWh of deliverable energy) says the price must fall by ``r`` before contracting
pays, so ``price - r`` is tried +- 0.9 tol, which usually closes the bracket at once.
``by`` repeats the search for each value of other parameters (e.g. per CFE target), all
searches sharing each round's batch.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.inputs.instance import Instance
from planner.sweep.frontier import instance_of, write_csv
from planner.sweep.runner import DEFAULT_OUT, Runner
from planner.sweep.spec import Sweep, SweepError
from planner.sweep.table import display


@dataclass
class _Search:
    """The bracket of one break-even search."""

    values: dict[str, Any]
    low: float
    high: float
    max_price: float
    tol: float
    threshold_mw: float
    offer: str
    seen: dict[float, tuple[bool, dict[str, Any]]] = field(default_factory=dict)
    hint: float | None = None
    hint_used: bool = False
    failure: str | None = None

    @property
    def lo(self) -> float | None:
        hi = self.hi
        contracted = [p for p, (c, _) in self.seen.items() if c and (hi is None or p < hi)]
        return max(contracted) if contracted else None

    @property
    def hi(self) -> float | None:
        free = [p for p, (c, _) in self.seen.items() if not c]
        return min(free) if free else None

    def observe(self, price: float, record: Mapping[str, Any]) -> None:
        if record.get("status") != "optimal":
            self.failure = f"at {price:g} $/MWh: {record.get('status')}: {record.get('error')}"
            return
        capacity = float(record.get(f"{self.offer}_capacity_mw", 0.0) or 0.0)
        contracted = capacity > self.threshold_mw
        self.seen[price] = (contracted, dict(record))
        rc = record.get(f"{self.offer}_reduced_cost_usd_per_mwh")
        if (
            not contracted
            and self.hint is None
            and rc is not None
            and math.isfinite(rc)
            and rc >= 0
        ):
            self.hint = price - rc

    def done(self) -> bool:
        if self.failure is not None or not self.seen:
            return self.failure is not None
        lo, hi = self.lo, self.hi
        if lo is None and self.low in self.seen:
            return True  # not contracted at the lowest price
        if hi is None:
            return max(self.seen) >= self.max_price
        return lo is not None and hi - lo <= 2 * self.tol

    def proposals(self, k: int) -> list[float]:
        if self.failure is not None:  # a failed solve ends the search (done() says why)
            return []
        if not self.seen:
            return [self.low, self.high]
        if self.done():
            return []
        lo, hi = self.lo, self.hi
        if hi is None:  # contracted everywhere so far: raise the upper price
            top = max(self.seen)
            return sorted({min(top * 2.0**i, self.max_price) for i in range(1, k + 1)})
        assert lo is not None
        if self.hint is not None and not self.hint_used and lo < self.hint < hi:
            self.hint_used = True
            a = 0.9 * self.tol
            near = [p for p in (self.hint - a, self.hint + a) if lo < p < hi]
            if near:
                return near
        step = (hi - lo) / (k + 1)
        return [lo + step * i for i in range(1, k + 1)]

    def row(self) -> dict[str, Any]:
        lo, hi = self.lo, self.hi
        note = ""
        value = np.nan
        if self.failure is not None:
            note = f"search stopped: solve failed {self.failure}"
        elif lo is None:
            note = f"not contracted even at {self.low:g} $/MWh"
        elif hi is None:
            note = f"contracted up to {max(self.seen):g} $/MWh (max_price)"
        else:
            value = 0.5 * (lo + hi)
        cap = self.seen[lo][1].get(f"{self.offer}_capacity_mw") if lo is not None else np.nan
        return {
            **{k: display(v) for k, v in self.values.items()},
            "offer": self.offer,
            "breakeven_usd_per_mwh": value,
            "half_width_usd_per_mwh": 0.5 * (hi - lo)
            if lo is not None and hi is not None
            else np.nan,
            "contracted_at_usd_per_mwh": lo,
            "not_contracted_at_usd_per_mwh": hi,
            "capacity_mw_contracted": cap,
            "ranging_estimate_usd_per_mwh": self.hint,
            "solves": len(self.seen),
            "note": note,
        }


def breakeven(
    instance: str | Path | Instance,
    offer: str,
    by: Mapping[str, Sequence[Any]] | None = None,
    overrides: Mapping[str, Any] | None = None,
    low: float = 0.0,
    high: float | None = None,
    tol_usd_per_mwh: float = 0.5,
    threshold_mw: float = 1e-3,
    max_price: float = 10_000.0,
    workers: int | None = None,
    out: str | Path | None = None,
    scheduler: Any = None,
    solver_options: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Highest energy price ($/MWh) at which the optimum still contracts fusion ``offer``.

    Parameters
    ----------
    offer:
        Name of a fusion offer of the instance.
    by:
        Optional path -> values; one search per combination (e.g.
        ``{"policy.hourly_cfe_target": [0.8, 0.9, 1.0]}``).
    low, high:
        Starting bracket (``high`` defaults to max(2 x the offer's price, 100)); ``high`` is
        doubled while the offer is still contracted, up to ``max_price``.
    tol_usd_per_mwh:
        Half-width of the final bracket, $/MWh.
    threshold_mw:
        Contracted means ``capacity_mw > threshold_mw``.

    Returns
    -------
    pandas.DataFrame
        One row per search: the ``by`` values, ``breakeven_usd_per_mwh`` (NaN with a ``note``
        if the offer is contracted at no price in range, or at every price),
        ``half_width_usd_per_mwh``, the bracket ends, ``capacity_mw_contracted`` at its lower
        end, ``ranging_estimate_usd_per_mwh`` and the number of ``solves``.
    """
    inst = instance_of(instance)
    names = [o.name for o in inst.spec.fusion]
    problems = []
    if offer not in names:
        problems.append(
            f"{inst.source}: fusion: no offer named {offer!r} (have: {', '.join(names) or 'none'})"
        )
    if not tol_usd_per_mwh > 0:
        problems.append(f"tol: must be > 0, got {tol_usd_per_mwh}")
    if not low >= 0:
        problems.append(f"low: must be >= 0, got {low}")
    if not threshold_mw >= 0:
        problems.append(f"threshold_mw: must be >= 0, got {threshold_mw}")
    if problems:
        raise SweepError(problems)
    price_path = f"fusion.{offer}.energy_price_usd_per_mwh"
    if high is None:
        current = next(o for o in inst.spec.fusion if o.name == offer).energy_price_usd_per_mwh
        high = max(2.0 * current, 100.0, low + 4 * tol_usd_per_mwh)
    if not high > low:
        raise SweepError([f"high: must be > low ({low}), got {high}"])
    by = {path: list(values) for path, values in (by or {}).items()}
    empty = [f"by: {path}: give at least one value" for path, values in by.items() if not values]
    if empty:
        raise SweepError(empty)
    combos = [dict(zip(by, values, strict=True)) for values in itertools.product(*by.values())]
    searches = [
        _Search(c, float(low), float(high), float(max_price), tol_usd_per_mwh, threshold_mw, offer)
        for c in combos
    ]
    # Check the paths once, before any solve.
    Sweep.of_instance(inst, "check", [{**c, price_path: high} for c in combos[:1]], fixed=overrides)

    folder = (
        Path(out) if out is not None else DEFAULT_OUT.parent / "breakeven" / f"{inst.name}_{offer}"
    )
    with Runner(folder, workers, scheduler, progress=False) as runner:
        k = runner.workers if scheduler is None else 2
        for round_no in itertools.count(1):
            batch = [(s, round(p, 6)) for s in searches for p in s.proposals(k)]
            if not batch:
                break
            cases = [{**s.values, price_path: p} for s, p in batch]
            sweep = Sweep.of_instance(
                inst,
                f"breakeven_{inst.name}_{offer}",
                cases,
                fixed=overrides,
                solver_options=solver_options,
                time_limit_s=time_limit_s,
                baseline=False,
            )
            table = runner.run(sweep, export_tables=False)
            for (search, price), (_, record) in zip(batch, table.iterrows(), strict=True):
                search.observe(price, record.to_dict())
            if progress is not False:
                open_ = [s for s in searches if not s.done()]
                print(
                    f"breakeven {offer} round {round_no}: {len(batch)} solves, "
                    f"{len(searches) - len(open_)}/{len(searches)} searches closed",
                    file=sys.stderr,
                    flush=True,
                )
    result = pd.DataFrame([s.row() for s in searches])
    result.attrs["out"] = str(folder)
    write_csv(result, folder / "breakeven.csv")
    return result
