"""The study file's ``validation`` block: which points are solved over every hour as well as on
the representative days (run by :mod:`planner.study.validation`)."""

from __future__ import annotations

from pydantic import Field, model_validator

from planner.inputs.base import Number, Schema
from planner.study.policy_case import PolicyCase


class ValidationPart(Schema):
    """The accuracy check: points solved on the study's representative days and over every hour.

    Each policy of ``policies`` is solved at the offer's price (cost and capacities compared);
    each of ``breakeven_policies`` has its break-even price searched over every hour too (part
    1's fast method, about three full-year solves, the first at the offer's price) and compared
    with part 1's; a policy in both lists is compared at that first solve (no full-year solve
    of its own; where the offer is contracted at its price the search takes one solve more)."""

    policies: list[PolicyCase] = Field(
        min_length=1,
        description=(
            "policies solved at the offer's price on both (list the study's highest target: "
            "where the cost is decided)"
        ),
    )
    breakeven_policies: list[PolicyCase] = Field(
        default_factory=list,
        description="policies whose break-even price is also searched over every hour",
    )
    sites: list[str] | None = Field(
        None,
        description=(
            "the sites checked (null: every site); a site left out is named in the document "
            "as not checked by this run"
        ),
    )
    full_hourly_time_limit_s: Number | None = Field(
        600,
        gt=0,
        description=(
            "HiGHS time limit of each every-hour solve, seconds (null: none); a point past it "
            "is reported as not finished, and solved again by the next run"
        ),
    )

    def checks(self, site: str) -> bool:
        """Whether site ``site`` is checked (listed in ``sites``, or ``sites`` is None)."""
        return self.sites is None or site in self.sites

    def site_problems(self, names: list[str], source: str) -> list[str]:
        """``sites`` that are not among the study's site ``names``."""
        unknown = [n for n in self.sites or [] if n not in names]
        if not unknown:
            return []
        return [
            f"{source}: validation.sites: {unknown} are not sites of the study (have: "
            f"{', '.join(names)})"
        ]

    @model_validator(mode="after")
    def _unique(self) -> ValidationPart:
        for name in ("policies", "breakeven_policies"):
            labels = [p.label for p in getattr(self, name)]
            if len(set(labels)) != len(labels):
                raise ValueError(f"{name}: each policy once, got {labels}")
        if self.sites is not None and (not self.sites or len(set(self.sites)) != len(self.sites)):
            raise ValueError(f"sites: each site once, at least one, got {self.sites}")
        return self
