"""One clean-energy policy of a study part: annual matching or an hourly CFE target."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from planner.inputs.base import Number, Schema


class PolicyCase(Schema):
    """One clean-energy policy: annual matching or an hourly (24/7) CFE target, not both."""

    annual_matching_fraction: Number | None = Field(
        None, ge=0, le=1, description="procured clean energy >= this share of annual demand"
    )
    hourly_cfe_target: Number | None = Field(
        None, ge=0, le=1, description="hourly CFE score >= this share of demand"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> PolicyCase:
        if (self.annual_matching_fraction is None) == (self.hourly_cfe_target is None):
            raise ValueError("give exactly one of annual_matching_fraction and hourly_cfe_target")
        return self

    @property
    def is_annual(self) -> bool:
        return self.annual_matching_fraction is not None

    @property
    def share(self) -> float:
        """The target as a share of demand, 0-1."""
        value = self.annual_matching_fraction if self.is_annual else self.hourly_cfe_target
        assert value is not None
        return float(value)

    @property
    def label(self) -> str:
        """``annual 100 %`` or ``hourly 95 %``."""
        return f"{'annual' if self.is_annual else 'hourly'} {100 * self.share:g} %"

    def policy(self) -> dict[str, Any]:
        """The instance's whole ``policy`` section for this case (no other target)."""
        return self.model_dump(exclude_none=True)
