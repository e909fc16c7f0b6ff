"""The study configuration (``instances/study/study.yaml``): schema, loading and validation.

One YAML file says which sites are studied, which fusion offer of each is "the fusion PPA",
the overrides applied to every solve (representative periods), and the settings of each part
(break-even, frontier, delivery risk, sensitivities, validation). Every problem is collected
before one :class:`StudyError` is raised, each naming the file and the field, e.g.
``instances/study/study.yaml: sites[1].offer: no fusion offer named 'tokamak' in
instances/stargate_tx.yaml (have: fusion_foak, fusion_low_capex)``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import Field, model_validator

from planner.errors import InstanceError
from planner.inputs.base import NAME_PATTERN, Count, Number, Schema
from planner.inputs.instance import Instance, load_instance
from planner.inputs.messages import describe_error
from planner.inputs.yaml_file import read_yaml_mapping
from planner.study.competitor_config import CompetitorsPart
from planner.study.credibility import Credibility
from planner.study.growth_config import FlexibleLoadPart, PathwayPart, pathway_problems
from planner.study.policy_case import PolicyCase
from planner.study.risk_config import DeliveryRiskPart, RiskPlanPart
from planner.study.validation_config import ValidationPart


class StudyError(InstanceError):
    """Invalid study configuration: every problem found, one line each, naming file and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the study configuration:"
        self.args = ("\n".join([head, *("  " + p for p in self.problems)]),)


# -- schema ----------------------------------------------------------------------------------
class Site(Schema):
    """One studied site: a shipped instance and the fusion offer whose price is studied."""

    instance: str = Field(min_length=1, description="instance file, relative to the study file")
    offer: str = Field(pattern=NAME_PATTERN, description="the fusion offer studied")
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="dotted path -> value, applied to every solve of the site"
    )


class Benchmark(Schema):
    """A reference price to compare break-even prices with (a range, or one value)."""

    label: str = Field(min_length=1, description="short name shown in tables and figures")
    low_usd_per_mwh: Number = Field(ge=0, description="low end of the price, $/MWh")
    high_usd_per_mwh: Number = Field(ge=0, description="high end of the price, $/MWh")
    source: str = Field(min_length=1, description="where the figure comes from")


class BreakevenPart(Schema):
    """Part 1: break-even price of the fusion offer per policy."""

    policies: list[PolicyCase] = Field(min_length=1, description="policies, in table order")
    tol_usd_per_mwh: Number = Field(0.5, gt=0, description="half-width of the final bracket, $/MWh")
    max_price_usd_per_mwh: Number = Field(10_000.0, gt=0, description="highest price tried, $/MWh")


class ContractCurvePart(Schema):
    """Part 1.2: the MW of each site's offer in the least-cost portfolio at each price, under
    each policy (the break-even curve; part 1 gives the price where the first MW leaves)."""

    policies: list[PolicyCase] = Field(min_length=1, description="policies, in table order")
    prices_usd_per_mwh: list[Number] = Field(
        min_length=2, description="fusion energy prices solved, $/MWh, ascending"
    )

    @model_validator(mode="after")
    def _ascending(self) -> ContractCurvePart:
        prices = [float(p) for p in self.prices_usd_per_mwh]
        if any(p < 0 for p in prices) or any(
            b <= a for a, b in zip(prices, prices[1:], strict=False)
        ):
            raise ValueError(
                f"prices_usd_per_mwh: give prices >= 0 in ascending order, got {prices}"
            )
        return self


class Variant(Schema):
    """A technology palette of the frontier: with or without fusion, long-duration storage."""

    name: str = Field(pattern=NAME_PATTERN, description="scenario name")
    label: str = Field(min_length=1, description="legend text")
    fusion: bool = Field(description="the studied fusion offer may be contracted")
    long_duration_storage: bool = Field(
        description="long-duration storage allowed (the site's, or the cost set's iron-air)"
    )


class FrontierPart(Schema):
    """Part 2: cost per policy for each palette; premium over the annual-matching policy."""

    policies: list[PolicyCase] = Field(min_length=2, description="the first is the reference")
    variants: list[Variant] = Field(min_length=1, description="technology palettes")

    @model_validator(mode="after")
    def _reference_first(self) -> FrontierPart:
        if not self.policies[0].is_annual:
            raise ValueError(
                "the first policy is the reference of the premium: give annual matching"
            )
        names = [v.name for v in self.variants]
        if len(set(names)) != len(names):
            raise ValueError("variant names must be unique")
        return self


class Sensitivity(Schema):
    """One sensitivity case: factors on the site's inputs (1: unchanged)."""

    name: str = Field(pattern=NAME_PATTERN, description="case name")
    label: str = Field(min_length=1, description="text in tables and figures")
    solar_cost: Number = Field(1.0, gt=0, description="factor on solar capex (or PPA price)")
    storage_cost: Number = Field(1.0, gt=0, description="factor on storage power and energy capex")
    grid_fossil: Number = Field(
        1.0, gt=0, description="factor on the grid's fossil share each hour (carbon intensity)"
    )
    demand: Number = Field(
        1.0, gt=0, description="factor on the datacenter load and grid connection"
    )


class SensitivityPart(Schema):
    """Part 4: break-even and cost at one policy, one input changed at a time."""

    policy: PolicyCase = Field(description="the policy of every case")
    cases: list[Sensitivity] = Field(min_length=1, description="the cases")

    @model_validator(mode="after")
    def _unique(self) -> SensitivityPart:
        names = [c.name for c in self.cases]
        if len(set(names)) != len(names) or "reference" in names:
            raise ValueError("case names must be unique and not 'reference'")
        return self


class Literature(Schema):
    """A published premium of hourly CFE over annual matching, to compare with."""

    source: str = Field(min_length=1, description="publication and setting")
    targets: list[Number] = Field(min_length=1, description="hourly CFE targets, 0-1")
    premium_pct: dict[str, list[Number]] = Field(
        description="palette label -> premium over annual matching at each target, %"
    )

    @model_validator(mode="after")
    def _lengths(self) -> Literature:
        wrong = [k for k, v in self.premium_pct.items() if len(v) != len(self.targets)]
        if wrong:
            raise ValueError(
                f"premium_pct rows {wrong} need one value per target ({len(self.targets)})"
            )
        return self


class StudySpec(Schema):
    """The whole study file."""

    name: str = Field(pattern=NAME_PATTERN, description="study name")
    title: str = Field(min_length=1, description="title of the document")
    workers: Count = Field(2, gt=0, description="parallel solves")
    executor: Literal["pool", "dask"] = Field(
        "pool",
        description="where the solves run with workers > 1: one local process pool shared by "
        "every part (pool), or a Dask LocalCluster (dask, needs planner[dask])",
    )
    reuse_model: bool = Field(
        True,
        description="warm-start simplex from the last solve of the same LP structure in each "
        "worker, for every solve on the representative periods (a sweep's reuse_model; every "
        "tenth warm solve is checked against a cold one); the solves over every hour stay cold",
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="dotted path -> value, applied to every solve"
    )
    sites: list[Site] = Field(min_length=1, description="the sites studied")
    benchmarks: list[Benchmark] = Field(default_factory=list, description="reference prices")
    literature: Literature | None = Field(None, description="published premiums to compare with")
    breakeven: BreakevenPart | None = Field(None, description="part 1")
    contract_curve: ContractCurvePart | None = Field(
        None, description="part 1.2: MW contracted against the price"
    )
    frontier: FrontierPart | None = Field(None, description="part 2")
    delivery_risk: DeliveryRiskPart | None = Field(None, description="part 3")
    sensitivities: SensitivityPart | None = Field(None, description="part 4")
    risk_plan: RiskPlanPart | None = Field(None, description="part 5")
    competitors: CompetitorsPart | None = Field(
        None, description="fusion against each clean-firm offer of the sites"
    )
    credibility: Credibility | None = Field(
        None, description="dated public facts part 5's probabilities are judged from"
    )
    pathway: PathwayPart | None = Field(None, description="growth to 2030-2035 (part 6)")
    flexible_load: FlexibleLoadPart | None = Field(
        None, description="fusion's value when part of the load can move (part 7)"
    )
    validation: ValidationPart | None = Field(
        None, description="points solved over every hour too: the aggregation error"
    )
    assumptions: list[str] = Field(default_factory=list, description="stated in every conclusion")

    @model_validator(mode="after")
    def _reasons(self) -> StudySpec:
        if self.credibility is not None and self.risk_plan is not None:
            bare = [p.name for p in self.risk_plan.probability_sets if not p.reason.strip()]
            if bare:
                raise ValueError(
                    f"risk_plan.probability_sets {bare}: give each a reason (the credibility "
                    "block states the facts the odds are judged from)"
                )
        if self.validation is not None and self.validation.breakeven_policies:
            known = {p.label for p in self.breakeven.policies} if self.breakeven else set()
            stray = [p.label for p in self.validation.breakeven_policies if p.label not in known]
            if stray:
                raise ValueError(
                    f"validation.breakeven_policies {stray}: each must be a policy of "
                    "breakeven.policies (part 1's break-even is the one compared)"
                )
        return self


# -- the loaded study ------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadedSite:
    """A site: its instance file as loaded (``base``), and with the site's overrides applied
    (``instance``: full hourly horizon, the study's common overrides not yet applied)."""

    name: str
    path: Path
    offer: str
    overrides: Mapping[str, Any]
    base: Instance
    instance: Instance


@dataclass(frozen=True)
class Study:
    """A validated study: the spec, the file it came from and the loaded sites."""

    spec: StudySpec
    source: Path
    sites: tuple[LoadedSite, ...]

    @property
    def folder(self) -> Path:
        return self.source.parent


def load_study(path: str | Path) -> Study:
    """Read and validate a study file; load every site. Raises :class:`StudyError`."""
    path = Path(path)
    raw, problem = read_yaml_mapping(path, "fields")
    if problem:
        raise StudyError([problem])
    source = str(path)
    try:
        spec = StudySpec.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise StudyError(
            [
                f"{source}: {describe_error(err, raw, ('overrides',), StudySpec)}"
                for err in exc.errors()
            ]
        ) from None
    problems: list[str] = []
    sites: list[LoadedSite] = []
    for i, site in enumerate(spec.sites):
        where = f"{source}: sites[{i}]"
        site_path = Path(os.path.normpath(path.parent / site.instance))
        try:
            inst = load_instance(site_path)
        except InstanceError as exc:
            problems += [f"{where}.instance: {p}" for p in exc.problems]
            continue
        offers = [o.name for o in inst.spec.fusion]
        if site.offer not in offers:
            problems.append(
                f"{where}.offer: no fusion offer named {site.offer!r} in {site_path} "
                f"(have: {', '.join(offers) or 'none'})"
            )
        if spec.competitors is not None:
            firm = [c.name for c in inst.spec.clean_firm]
            missing = [n for n in spec.competitors.options if n not in firm]
            if missing:
                problems.append(
                    f"{source}: competitors.options: {missing} not clean_firm offers of "
                    f"{site_path} (have: {', '.join(firm) or 'none'})"
                )
        try:
            resolved = inst.with_overrides(site.overrides)
            inst.with_overrides({**site.overrides, **spec.overrides})
        except InstanceError as exc:
            problems += [f"{where}.overrides: {p}" for p in exc.problems]
            continue
        if any(s.name == inst.name for s in sites):
            problems.append(f"{where}.instance: site {inst.name!r} is listed twice")
        overrides = dict(site.overrides)
        sites.append(LoadedSite(inst.name, site_path, site.offer, overrides, inst, resolved))
    if spec.validation is not None and len(sites) == len(spec.sites):  # all names known
        problems += spec.validation.site_problems([s.name for s in sites], source)
    if spec.pathway is not None:
        problems += pathway_problems(spec.pathway, path.parent, source, spec.overrides)
    if problems:
        raise StudyError(problems)
    return Study(spec, path, tuple(sites))
