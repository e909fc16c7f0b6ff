"""One break-even search's bracket and its proofs (:class:`BracketSearch`), for
:func:`planner.sweep.breakeven.breakeven` (whose module doc describes the two methods)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planner.sweep.table import display

MAX_ESTIMATES = 3
"""Reduced-cost estimates a ``fast`` search tries before it narrows the bracket by k-section."""


@dataclass
class BracketSearch:
    """The bracket of one break-even search."""

    values: dict[str, Any]
    low: float
    high: float
    max_price: float
    tol: float
    threshold_mw: float
    offer: str
    method: str = "fast"
    max_capacity_mw: float = math.inf
    min_capacity_mw: float = 0.0
    deliverable_mwh_per_mw: float = math.nan
    seen: dict[float, tuple[bool, dict[str, Any]]] = field(default_factory=dict)
    hint: float | None = None
    hint_used: bool = False
    estimates: list[float] = field(default_factory=list)
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
        estimate = self._estimate(price)
        if not contracted and self.hint is None and estimate is not None:
            self.hint = estimate

    def _estimate(self, price: float) -> float | None:
        """``price - r`` at a price where the offer is left out: where its first MW pays."""
        contracted, record = self.seen[price]
        rc = record.get(f"{self.offer}_reduced_cost_usd_per_mwh")
        if contracted or rc is None or not math.isfinite(rc) or rc < 0:
            return None
        return price - float(rc)

    def done(self) -> bool:
        if self.failure is not None or not self.seen:
            return self.failure is not None
        lo, hi = self.lo, self.hi
        if lo is None and self.low in self.seen:
            return True  # not contracted at the lowest price
        if hi is None:
            return max(self.seen) >= self.max_price
        lower, upper = self.bounds()
        return lower is not None and upper is not None and upper - lower <= 2 * self.tol

    def bounds(self) -> tuple[float | None, float | None]:
        """Where the break-even lies: the solved bracket, narrowed (``fast``) by what the solves
        prove. Every estimate ``price - r`` bounds it from above (the optimum without the offer
        stays optimal above it). The optimal cost V(p) is concave, with slope ``capacity x
        deliverable MWh per MW`` at a contracted price ``lo`` and flat, at V0, where the offer
        is left out: the break-even is at least ``lo + (V0 - V(lo)) / slope`` (equal when the
        contracted capacity is the same from ``lo`` to the break-even)."""
        lo, hi = self.lo, self.hi
        if self.method != "fast" or lo is None or hi is None:
            return lo, hi
        (_, at_lo), (_, at_hi) = self.seen[lo], self.seen[hi]
        lower = lo
        slope = float(at_lo.get(f"{self.offer}_capacity_mw") or 0.0) * self.deliverable_mwh_per_mw
        rise = float(at_hi.get("objective_usd") or 0.0) - float(at_lo.get("objective_usd") or 0.0)
        if slope > 0 and math.isfinite(rise):
            lower = lo + max(rise, 0.0) / slope
        estimates = [e for p in self.seen if (e := self._estimate(p)) is not None]
        upper = min([hi, *(e for e in estimates if e >= lo)])
        slack = 0.01 * self.tol  # the solver's tolerance on both proofs
        if upper < lower <= upper + slack:
            lower = upper = 0.5 * (lower + upper)
        if not lo <= lower <= upper <= hi:  # the proofs disagree with the solves: trust these
            return lo, hi
        return lower, upper

    def proposals(self, k: int) -> list[float]:
        if self.failure is not None:  # a failed solve ends the search (done() says why)
            return []
        if not self.seen:
            return [self.high] if self.method == "fast" else [self.low, self.high]
        if self.done():
            return []
        lo, hi = self.lo, self.hi
        if hi is None:  # contracted everywhere so far: raise the upper price
            top = max(self.seen)
            if self.method == "fast":
                return [self.max_price]
            return sorted({min(top * 2.0**i, self.max_price) for i in range(1, k + 1)})
        if self.method == "fast":
            near = self._confirmations(lo, hi)
            if near:
                return near
            if lo is None:  # no estimate left: is the offer contracted at all?
                return [self.low]
        assert lo is not None
        if self.hint is not None and not self.hint_used and lo < self.hint < hi:
            self.hint_used = True
            a = 0.9 * self.tol
            near = [p for p in (self.hint - a, self.hint + a) if lo < p < hi]
            if near:
                return near
        step = (hi - lo) / (k + 1)
        return [lo + step * i for i in range(1, k + 1)]

    def _confirmations(self, lo: float | None, hi: float) -> list[float]:
        """0.1 tol above and 1.8 tol below (not under ``low``) the estimate from the lowest
        price where the offer is left out, if that estimate is new and in the bracket."""
        estimate = self._estimate(hi)
        if (
            estimate is None
            or len(self.estimates) >= MAX_ESTIMATES
            or any(abs(estimate - e) < 0.05 * self.tol for e in self.estimates)
            or (lo is not None and estimate <= lo)
        ):
            return []
        self.estimates.append(estimate)
        self.hint = self.hint if self.hint is not None else estimate
        prices = {max(estimate - 1.8 * self.tol, self.low), estimate + 0.1 * self.tol}
        return sorted(
            p
            for p in prices
            if self.low <= p < hi and (lo is None or p > lo) and p not in self.seen
        )

    def row(self) -> dict[str, Any]:
        lo, hi = self.lo, self.hi
        cap = np.nan
        if lo is not None:
            cap = float(self.seen[lo][1].get(f"{self.offer}_capacity_mw") or 0.0)
        cap_bound = bool(cap >= self.max_capacity_mw * (1 - 1e-6) - 1e-6)
        note = ""
        value = np.nan
        if self.failure is not None:
            note = f"search stopped: solve failed {self.failure}"
        elif lo is None:
            note = f"not contracted even at {self.low:g} $/MWh"
        elif hi is None:
            note = f"contracted up to {max(self.seen):g} $/MWh (max_price)"
            if self.min_capacity_mw > self.threshold_mw:
                note += f"; min_capacity_mw is {self.min_capacity_mw:g} MW"
        lower, upper = self.bounds()
        half_width = np.nan
        if not note and lower is not None and upper is not None:
            value, half_width = 0.5 * (lower + upper), 0.5 * (upper - lower)
        without = self.seen[hi][1] if hi is not None else {}
        return {
            **{k: display(v) for k, v in self.values.items()},
            "offer": self.offer,
            "breakeven_usd_per_mwh": value,
            "half_width_usd_per_mwh": half_width,
            "contracted_at_usd_per_mwh": lo,
            "not_contracted_at_usd_per_mwh": hi,
            "capacity_mw_contracted": cap,
            "cap_bound": cap_bound,
            "ranging_estimate_usd_per_mwh": self.hint,
            "solves": len(self.seen),
            "method": self.method,
            "note": note,
            # the optimum at the upper end, the offer left out: does the policy bind there?
            "hourly_cfe_score_without_offer": float(without.get("hourly_cfe_score", np.nan)),
            "annual_match_fraction_without_offer": float(
                without.get("annual_match_fraction", np.nan)
            ),
        }
