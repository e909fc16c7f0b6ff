"""A fusion offer's break-even price, built on sweeps.

Its solves run through :class:`~planner.sweep.runner.Runner`, so they are parallel, stored
point by point and resumable.

**breakeven** finds, for a fusion offer, the highest energy price at which the optimum still
contracts it: ``capacity_mw > threshold_mw`` (default 1e-3 MW; an interior-point solve leaves
an uncontracted offer at about 1e-7 MW or less). Contracted capacity does not increase with
the price. Two methods:

``fast`` (default): one solve at a price where the offer is left out (``high``, default
``max_price``). There its reduced cost ``r`` ($/MWh of deliverable energy,
``Result.prices.fusion_reduced_cost``) prices the first MW with that optimum's hourly marginal
costs and policy shadow prices, which stay optimal at every lower price while the offer stays
out; a take-or-pay offer's price does not change the value of its energy, so ``price - r``
bounds the break-even from above (exactly it when the duals are unique). One solve 0.1 tol
above that estimate and one 1.8 tol below confirm it: three solves. The optimal cost is
concave in the price, with slope ``capacity x deliverable MWh per MW`` where the offer is
contracted and flat where it is not, so the contracted solve bounds the break-even from below
too; the result is the midpoint of the two bounds (see
:meth:`~planner.sweep.breakeven_search.BracketSearch.bounds`). Where a confirmation disagrees,
the search goes on from the bracket it has, with the next estimate, then ``low`` and
k-section. An as-available offer's price changes the hours it takes, so one reduced cost does
not give its break-even: it is searched with ``bisect`` (the ``method`` column says so).

``bisect``: the bracket between a price where the offer is contracted (``low``) and one where
it is not (``high``, default max(2 x the offer's price, 100), doubled until it is not, up to
``max_price``) is narrowed until it is at most ``2 * tol`` wide, as many prices per round as
there are workers (k-section), the first round after the bracket is known at the estimate
``price - r`` +- 0.9 tol (four to twelve solves).

Both report a break-even within +- tol, say in ``note`` when no price in range is one
(contracted up to ``max_price``: censored; not even at ``low``) and in ``cap_bound`` when the
offer is at its ``max_capacity_mw`` just below the break-even. ``by`` repeats the search for
each value of other parameters (e.g. per CFE target), all searches sharing each round's batch.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from planner.inputs.instance import Instance
from planner.inputs.schedule import offer_shares
from planner.sweep.breakeven_search import BracketSearch
from planner.sweep.capped import with_caps_note
from planner.sweep.frontier import instance_of, write_csv
from planner.sweep.runner import DEFAULT_OUT, Runner
from planner.sweep.spec import Sweep, SweepError

METHODS = ("fast", "bisect")
"""Break-even search methods (see the module doc); ``fast`` is the default."""


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
    method: str = "fast",
    reuse_model: bool = False,
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
        Lowest price tried, and the first price where the offer should be left out
        (``fast``: default ``max_price``, then ``max_price`` if the offer is contracted there;
        ``bisect``: default max(2 x the offer's price, 100), doubled while the offer is still
        contracted, up to ``max_price``).
    tol_usd_per_mwh:
        Half-width of the final bracket, $/MWh.
    threshold_mw:
        Contracted means ``capacity_mw > threshold_mw``.
    method:
        ``fast`` (default: the reduced cost at one price, confirmed either side: three solves
        for a take-or-pay offer) or ``bisect`` (the bracketing search, about ten solves).
    reuse_model:
        Warm-start each solve from the last one of the same LP structure in its worker
        (:mod:`planner.solver.warm`; a sweep file's ``reuse_model``).

    Returns
    -------
    pandas.DataFrame
        One row per search: the ``by`` values, ``breakeven_usd_per_mwh`` (NaN with a ``note``
        if the offer is contracted at no price in range, or at every price),
        ``half_width_usd_per_mwh``, the bracket ends, ``capacity_mw_contracted`` at its lower
        end, ``ranging_estimate_usd_per_mwh``, the number of ``solves`` and the ``method``; ``note``
        also says when the offer is cap-bound just below the break-even;
        ``hourly_cfe_score_without_offer`` and ``annual_match_fraction_without_offer``: those
        of the optimum at the upper end (the offer left out), which show whether the policy
        binds where the offer leaves (a score above its target: it does not, and the
        break-even is the offer's value against the other resources, not a price of the
        policy). ``attrs["solves"]``: per search (row), its optimal solves' records by price
        (as a sweep's records: :func:`planner.sweep.worker.flatten`).
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
    if method not in METHODS:
        problems.append(f"method: must be one of {', '.join(METHODS)}, got {method!r}")
    if problems:
        raise SweepError(problems)
    price_path = f"fusion.{offer}.energy_price_usd_per_mwh"
    spec = next(o for o in inst.spec.fusion if o.name == offer)
    fixed = dict(overrides or {})

    def field_of(c: Mapping[str, Any], name: str) -> Any:
        path = f"fusion.{offer}.{name}"
        return c.get(path, fixed.get(path, getattr(spec, name)))

    def method_of(c: Mapping[str, Any]) -> str:
        # An as-available offer's price changes the hours it delivers, hence the value of its
        # energy: one reduced cost does not give its break-even, so it is bracketed.
        return method if field_of(c, "contract_type") == "take_or_pay" else "bisect"

    def high_of(c: Mapping[str, Any]) -> float:
        if high is not None:
            return float(high)
        if method_of(c) == "fast":
            return max(float(max_price), low + 4 * tol_usd_per_mwh)
        price = float(field_of(c, "energy_price_usd_per_mwh"))
        return max(2.0 * price, 100.0, low + 4 * tol_usd_per_mwh)

    by = {path: list(values) for path, values in (by or {}).items()}
    empty = [f"by: {path}: give at least one value" for path, values in by.items() if not values]
    if empty:
        raise SweepError(empty)
    combos = [dict(zip(by, values, strict=True)) for values in itertools.product(*by.values())]
    bad = [f"high: must be > low ({low}), got {high_of(c)}" for c in combos if high_of(c) <= low]
    if bad:
        raise SweepError(bad[:1])

    def deliverable_of(c: Mapping[str, Any]) -> float:
        """MWh per contracted MW over the modelled horizon (the slope of the optimal cost in
        the price, per MW contracted)."""
        changes = {**fixed, **c}
        if any(str(path).startswith(("time", "fusion")) for path in changes):
            here = inst.with_overrides(changes)
        else:
            here = inst
        o = next(o for o in here.spec.fusion if o.name == offer)
        return float((here.weights * offer_shares(o, here.spec, here.timestamps)[0]).sum())

    searches = [
        BracketSearch(
            c,
            float(low),
            high_of(c),
            float(max_price),
            tol_usd_per_mwh,
            threshold_mw,
            offer,
            method_of(c),
            max_capacity_mw=float(field_of(c, "max_capacity_mw")),
            min_capacity_mw=float(field_of(c, "min_capacity_mw")),
            deliverable_mwh_per_mw=deliverable_of(c) if method_of(c) == "fast" else math.nan,
        )
        for c in combos
    ]
    # Check the paths once, before any solve.
    Sweep.of_instance(
        inst, "check", [{**c, price_path: high_of(c)} for c in combos[:1]], fixed=overrides
    )

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
                reuse_model=reuse_model,
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
    result = with_caps_note(pd.DataFrame([s.row() for s in searches]), searches, inst, fixed)
    result.attrs["out"] = str(folder)
    result.attrs["solves"] = [{p: record for p, (_, record) in s.seen.items()} for s in searches]
    write_csv(result, folder / "breakeven.csv")
    return result
