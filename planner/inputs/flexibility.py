"""The optional ``demand.flexibility`` block: compute that may wait or run early at its site,
and load that may move to another site of a portfolio in the same hour
(docs/formulation.md, "Flexible load"; docs/portfolio.md).

AI training jobs can be paused and resumed, or run on another campus; inference mostly cannot.
``share`` is the flexible part of each hour's load; deferred work must be served within
``max_delay_h`` hours (a service level, as GenX's maximum-delay rule), work may be done at most
``max_advance_h`` hours early, and the campus never runs above its installed IT capacity
``max_load_mw``.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from planner.inputs.base import Count, Number, Schema

MAX_SHIFT_HOURS = 168
"""Longest delay or advance: a week. Each hour's delay row sums the next ``max_delay_h`` hours,
so the limit also bounds the size of the LP."""


class Flexibility(Schema):
    """Flexible load: a share that may be deferred or advanced at the site, and a share that
    may move to the other sites of a portfolio."""

    share: Number = Field(
        0.0,
        ge=0,
        le=1,
        description="share of each hour's load that may be deferred to later hours or served "
        "in advance, 0-1 (0: none)",
    )
    max_delay_h: Count = Field(
        4,
        ge=0,
        le=MAX_SHIFT_HOURS,
        description="deferred work is served within this many hours (a service level); with "
        "representative periods within the period, which wraps around",
    )
    max_advance_h: Count | None = Field(
        None,
        ge=0,
        le=MAX_SHIFT_HOURS,
        description="work is served at most this many hours before its hour (0: never early; "
        "null: max_delay_h)",
    )
    max_load_mw: Number | None = Field(
        None,
        gt=0,
        description="installed IT capacity: the load with caught-up or moved-in work never "
        "exceeds it, MW (null: the peak of demand.load_mw)",
    )
    loss_share: Number = Field(
        0.0,
        ge=0,
        lt=1,
        description="share of the energy spent catching up on shifted work that is lost (each "
        "MWh of work shifted costs 1 / (1 - loss_share) MWh), 0-1",
    )
    spatial_share: Number = Field(
        0.0,
        ge=0,
        le=1,
        description="share of each hour's load that may move to the other sites of a "
        "portfolio in the same hour, and the most the site may take in, as a share of its own "
        "load (docs/portfolio.md); nothing moves in an instance solved alone",
    )

    @model_validator(mode="after")
    def _delay_with_share(self) -> Flexibility:
        if self.share > 0 and self.max_delay_h == 0:
            raise ValueError(
                f"max_delay_h is 0 while share is {self.share:g}: deferred work could never "
                "be served; give a delay of at least 1 hour, or set share to 0"
            )
        return self

    @property
    def advance_h(self) -> int:
        """The advance limit in hours (``max_delay_h`` unless set)."""
        return self.max_delay_h if self.max_advance_h is None else self.max_advance_h
