"""The study file's ``pathway`` block (growth to 2030-2035, run by :mod:`planner.study.growth`)
and ``flexible_load`` block (fusion's value when part of the load can move, run by
:mod:`planner.study.flexible`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from planner.errors import InstanceError
from planner.inputs.base import Count, Number, Schema
from planner.inputs.instance import load_instance
from planner.study.policy_case import PolicyCase


def _both_foresights() -> list[Literal["perfect", "myopic"]]:
    return ["perfect", "myopic"]


def _offer_price() -> list[float | None]:
    return [None]


def _shares() -> list[float]:
    return [0.0, 0.1, 0.2, 0.3]


def _hourly_95() -> PolicyCase:
    return PolicyCase(hourly_cfe_target=0.95)


class PathwayPart(Schema):
    """Growth to 2030-2035: a pathway instance (investment periods, its own trajectories and
    targets) solved with each foresight, at each price of one fusion offer."""

    instance: str = Field(
        min_length=1, description="a pathway instance file, relative to the study file"
    )
    offer: str = Field(min_length=1, description="the fusion offer whose price is varied")
    foresights: list[Literal["perfect", "myopic"]] = Field(
        default_factory=_both_foresights,
        min_length=1,
        description="perfect: one LP over every period; myopic: period by period",
    )
    prices_usd_per_mwh: list[Number | None] = Field(
        default_factory=_offer_price,
        min_length=1,
        description="the offer's energy price in each case (null: its price in the instance); "
        "every other fusion offer of the instance is switched off",
    )
    as_shipped: bool = Field(
        True,
        description="also solve every fusion offer of the instance as shipped (the offer at "
        "its own price beside the others)",
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="dotted path -> value, applied to every pathway solve after the study's "
        "common overrides",
    )

    @model_validator(mode="after")
    def _unique(self) -> PathwayPart:
        if len(set(self.foresights)) != len(self.foresights):
            raise ValueError(f"foresights must be unique, got {self.foresights}")
        bad = [p for p in self.prices_usd_per_mwh if p is not None and p < 0]
        if bad:
            raise ValueError(f"prices_usd_per_mwh must be >= 0, got {bad}")
        return self


class FlexibleLoadPart(Schema):
    """Flexible load: each site's fusion value (break-even price, cost saved at given prices,
    MW contracted) at one policy, for each share of the load that may be deferred or advanced
    (``demand.flexibility`` of the instances)."""

    policy: PolicyCase = Field(default_factory=_hourly_95, description="the policy of every case")
    shares: list[Number] = Field(
        default_factory=_shares,
        min_length=2,
        description="flexible shares of each hour's load, 0-1; 0 (rigid load, the reference) "
        "must be one of them",
    )
    max_delay_h: Count = Field(4, gt=0, description="deferred work is served within this, hours")
    max_advance_h: Count | None = Field(
        None, ge=0, description="work is served at most this early, hours (null: max_delay_h)"
    )
    headroom_share: Number = Field(
        0.4,
        ge=0,
        description="installed IT capacity above the site's peak load, share of the peak: room "
        "for caught-up work (demand.flexibility.max_load_mw = peak x (1 + this))",
    )
    loss_share: Number = Field(
        0.0, ge=0, lt=1, description="share of the energy of shifted work that is lost"
    )
    prices_usd_per_mwh: list[Number | None] = Field(
        default_factory=_offer_price,
        min_length=1,
        description="fusion prices at which cost without fusion minus cost with it is computed "
        "(null: the offer's price in the instance)",
    )
    without_fusion: bool = Field(
        True,
        description="also solve each share without fusion: fusion's value at each price (cost "
        "without fusion minus cost with it)",
    )
    breakeven: bool = Field(True, description="also search the break-even price")
    breakeven_shares: list[Number] | None = Field(
        None,
        description="the shares whose break-even is searched (null: every share); the rigid "
        "load's (0) is part 1's row where part 1 has the policy",
    )

    @model_validator(mode="after")
    def _shares_ok(self) -> FlexibleLoadPart:
        bad = [s for s in self.shares if not 0 <= s <= 1]
        if bad:
            raise ValueError(f"shares must be in [0, 1], got {bad}")
        if 0 not in self.shares:
            raise ValueError(
                f"shares must include 0 (the rigid load, the reference), got {self.shares}"
            )
        if len(set(self.shares)) != len(self.shares):
            raise ValueError(f"shares must be unique, got {self.shares}")
        stray = [s for s in self.breakeven_shares or [] if s not in self.shares]
        if stray:
            raise ValueError(f"breakeven_shares {stray} are not in shares {self.shares}")
        neg = [p for p in self.prices_usd_per_mwh if p is not None and p < 0]
        if neg:
            raise ValueError(f"prices_usd_per_mwh must be >= 0, got {neg}")
        return self

    def flexibility(self, share: float, peak_mw: float) -> dict[str, Any]:
        """The instance's ``demand.flexibility`` section at ``share`` for a site of peak load
        ``peak_mw``."""
        out: dict[str, Any] = {
            "share": float(share),
            "max_delay_h": self.max_delay_h,
            "max_load_mw": peak_mw * (1.0 + self.headroom_share),
            "loss_share": self.loss_share,
        }
        if self.max_advance_h is not None:
            out["max_advance_h"] = self.max_advance_h
        return out


def pathway_problems(
    part: PathwayPart, folder: Path, source: str, common: dict[str, Any]
) -> list[str]:
    """Problems of the ``pathway`` block that need its instance: it loads, has a ``pathway``
    section and the offer, and takes the overrides (each line names the field)."""
    where = f"{source}: pathway"
    path = Path(os.path.normpath(folder / part.instance))
    try:
        inst = load_instance(path)
    except InstanceError as exc:
        return [f"{where}.instance: {p}" for p in exc.problems]
    problems = []
    if inst.spec.pathway is None:
        problems.append(f"{where}.instance: {path} has no pathway section")
    offers = [o.name for o in inst.spec.fusion]
    if part.offer not in offers:
        problems.append(
            f"{where}.offer: no fusion offer named {part.offer!r} in {path} "
            f"(have: {', '.join(offers) or 'none'})"
        )
        return problems
    try:
        inst.with_overrides({**common, **part.overrides})
    except InstanceError as exc:
        problems += [f"{where}.overrides: {p}" for p in exc.problems]
    return problems
