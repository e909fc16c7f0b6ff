"""The study file's ``competitors`` block: fusion against each clean-firm offer of the sites
(run by :mod:`planner.study.competitors`)."""

from __future__ import annotations

from pydantic import Field

from planner.inputs.base import Schema
from planner.study.policy_case import PolicyCase


def _library() -> list[str]:
    return ["fission_restart", "smr", "geothermal", "gas_ccs"]


class CompetitorsPart(Schema):
    """Each clean-firm offer switched on alone (up to the campus's peak load), then all of them:
    the least-cost portfolio without fusion, the fusion MW signed at the offer's price, and the
    fusion break-even against that portfolio."""

    policy: PolicyCase = Field(description="the policy of every case")
    options: list[str] = Field(
        default_factory=_library,
        min_length=1,
        description="names of the sites' clean_firm offers, each tried alone",
    )
    together: bool = Field(True, description="also try every option at once")
