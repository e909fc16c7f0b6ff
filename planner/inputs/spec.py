"""The schema of a whole instance file: its sections, one per resource kind of the catalogue.

The resource sections are declared here with their item schema (so that the static types of
``spec.fusion`` etc. are known); :func:`check_catalogue` makes the import fail if they do not
match :data:`planner.inputs.catalogue.KINDS` one for one.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import Field

from planner.inputs.base import NAME_PATTERN, Schema
from planner.inputs.catalogue import (
    CERTIFICATES,
    CLEAN_FIRM,
    FUSION,
    GRID,
    KINDS,
    SOLAR,
    STORAGE,
    WIND,
    Kind,
)
from planner.inputs.certificates import Certificates
from planner.inputs.clean_firm import CleanFirmOffer
from planner.inputs.fusion import FusionOffer
from planner.inputs.grid import Grid
from planner.inputs.pathway import Pathway
from planner.inputs.policy import Policy
from planner.inputs.scenarios import Scenarios
from planner.inputs.sections import Demand, Finance
from planner.inputs.solar import Solar, Wind
from planner.inputs.storage import Storage
from planner.inputs.time_axis import TimeAxis


def _listed(kind: Kind) -> Any:
    return Field(default_factory=list, description=kind.title)


class InstanceSpec(Schema):
    """The whole instance file."""

    name: str = Field(
        pattern=NAME_PATTERN,
        description="instance name: a letter, then letters, digits or _ (it names the default "
        "output folder)",
    )
    description: str = Field("", description="what the instance represents")
    time: TimeAxis = Field(description="the modelled hours")
    demand: Demand = Field(description="the datacenter's demand")
    finance: Finance = Field(default_factory=Finance, description="discounting")
    fusion: list[FusionOffer] = _listed(FUSION)
    clean_firm: list[CleanFirmOffer] = _listed(CLEAN_FIRM)
    solar: list[Solar] = _listed(SOLAR)
    wind: list[Wind] = _listed(WIND)
    storage: list[Storage] = _listed(STORAGE)
    grid: Grid | None = Field(None, description=f"{GRID.title} (null: islanded)")
    certificates: list[Certificates] = _listed(CERTIFICATES)
    policy: Policy = Field(default_factory=Policy, description="clean-energy targets")
    scenarios: Scenarios | None = Field(
        None, description="delivery risk: outcomes for a two-stage plan (null: one outcome)"
    )
    pathway: Pathway | None = Field(
        None, description="investment periods to a target year (null: one modelled year)"
    )

    def items(self, kind: Kind) -> list[Any]:
        """The resources of ``kind`` (the grid as a list of at most one section)."""
        value = getattr(self, kind.key)
        if kind.many:
            return list(value)
        return [] if value is None else [value]

    def resources(self) -> Iterator[tuple[Kind, str, Any]]:
        """(kind, name, item) of every resource, kinds in catalogue order, items in file
        order; the grid is named ``grid``."""
        for k in KINDS:
            for item in self.items(k):
                yield k, (item.name if k.many else k.key), item


def check_catalogue() -> None:
    """Raise if the resource sections of :class:`InstanceSpec` and the catalogue differ."""
    problems = []
    for k in KINDS:
        field = InstanceSpec.model_fields.get(k.key)
        if field is None:
            problems.append(f"kind {k.key!r} has no section in InstanceSpec")
            continue
        args = typing.get_args(field.annotation)
        item = args[0] if args else field.annotation
        if item is not k.schema:
            problems.append(f"section {k.key!r} holds {item}, the catalogue says {k.schema}")
    keys = {k.key for k in KINDS}
    for name, field in InstanceSpec.model_fields.items():
        args = typing.get_args(field.annotation)
        if typing.get_origin(field.annotation) is list and args and issubclass(args[0], Schema):
            if name not in keys:
                problems.append(f"section {name!r} is a list of resources missing from KINDS")
    if problems:
        raise RuntimeError("resource catalogue and instance schema differ: " + "; ".join(problems))


check_catalogue()
