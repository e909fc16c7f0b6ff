"""The catalogue of resource kinds: one explicit tuple, every layer iterates it.

Each :class:`Kind` says once what the other layers need to know about a kind of resource:

- its input schema (one item of the instance section named ``key``);
- whether its supply is carbon-free (the hourly CFE score) and procured by the buyer (annual
  matching), and whether the grid-only baseline keeps it;
- the input fields that bound its model variables (:class:`Limit`) and rows
  (:class:`RowLimit`), which the diagnosis names when they bind;
- its result columns (:class:`Output`: ``<resource>_<suffix>`` in ``Result.dispatch``) with
  their role in the power balance, its capacity columns, and its colour and stacking order in
  the figures.

The model layer has one builder per kind (:data:`planner.model.build.BUILDERS`); the model
block of a kind is named after its ``key`` and holds the variables and rows its limits name.
Adding a kind: ``docs/adding_a_resource.md``; ``tests/test_catalogue.py`` fails when a kind
is missing from any layer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from planner.inputs.base import Schema
from planner.inputs.certificates import Certificates
from planner.inputs.clean_firm import CleanFirmOffer
from planner.inputs.fusion import FusionOffer
from planner.inputs.grid import Grid
from planner.inputs.solar import Solar, Wind
from planner.inputs.storage import Storage

Role = Literal["supply", "withdrawal", "curtailment", "state", "claim"]


@dataclass(frozen=True)
class Output:
    """An hourly result column of each resource of a kind: ``<resource>_<suffix>``.

    ``role``: ``supply`` (power into the datacenter's bus, MW), ``withdrawal`` (power out of
    the bus other than the demand, MW), ``curtailment`` (energy available but not used, MW),
    ``state`` (a level such as the state of charge, MWh) or ``claim`` (an attribute bought
    without energy: certificates, MWh/h)."""

    suffix: str
    role: Role
    label: str


@dataclass(frozen=True)
class Limit:
    """Input fields that bound a model variable of the kind's block (a bound, not a row)."""

    variable: str
    """Name of the variable in the kind's block, e.g. ``capacity_mw``."""
    upper: str | None
    lower: str | None
    unit: str


@dataclass(frozen=True)
class RowLimit:
    """An input field that stands behind a row of the kind's block."""

    row: str
    """Name of the constraint in the kind's block, e.g. ``energy_le_max_duration``."""
    field: str
    unit: str


@dataclass(frozen=True)
class Kind:
    """One kind of resource (see the module doc)."""

    key: str
    """Section of the instance file, model block, ``kind`` column of the results."""
    schema: type[Schema]
    title: str
    """Plural, for documents and messages: ``fusion PPA offers``."""
    many: bool
    """A list of named items (True) or one optional section (False: the grid)."""
    carbon_free: bool
    """Its supply counts as carbon-free in the hourly CFE score."""
    procured: bool
    """Its energy is procured clean energy (annual matching)."""
    in_baseline: bool
    """The grid-only baseline keeps it."""
    colour: str
    order: int
    """Position in stacks and legends (lower first)."""
    outputs: tuple[Output, ...]
    capacity_columns: tuple[str, ...] = ("capacity_mw",)
    limits: tuple[Limit, ...] = ()
    row_limits: tuple[RowLimit, ...] = ()
    physical: bool = True
    """Its supply is energy into the power balance (False: certificates, which only re-label)."""
    example: Mapping[str, Any] = field(default_factory=dict)
    """A small valid item (for a list kind, without its name): the documentation's example and
    what ``tests/test_catalogue.py`` builds to check every layer."""

    def field_text(self, name: str, field: str) -> str:
        """The input field of item ``name``: ``storage[li_ion].max_duration_h`` (or
        ``grid.import_limit_mw`` for a single section)."""
        return f"{self.key}[{name}].{field}" if self.many else f"{self.key}.{field}"

    def columns(self, name: str, role: Role | None = None) -> list[str]:
        """Dispatch columns of resource ``name`` (of one role, if given)."""
        return [f"{name}_{o.suffix}" for o in self.outputs if role is None or o.role == role]

    def path(self, name: str, field: str) -> str:
        """The override path of input ``field`` of item ``name``: ``storage.li_ion.max_power_mw``
        (or ``grid.import_limit_mw`` for a single section)."""
        return f"{self.key}.{name}.{field}" if self.many else f"{self.key}.{field}"

    @property
    def sized(self) -> tuple[tuple[str, Limit], ...]:
        """Each capacity column with the limit that bounds it from both sides (a min and a max
        field): the capacities a solve sizes and a caller may fix. Empty where the two do not
        pair up (the grid, certificates)."""
        pairs = tuple(zip(self.capacity_columns, self.limits, strict=False))
        whole = len(self.capacity_columns) == len(self.limits)
        if not whole or any(lim.lower is None or lim.upper is None for _, lim in pairs):
            return ()
        return pairs

    def switch_off(self, name: str) -> dict[str, Any]:
        """Overrides that keep item ``name`` in the instance but let it build or contract
        nothing: every limited capacity bounded to 0."""
        out: dict[str, Any] = {}
        for limit in self.limits:
            for bounded in (limit.upper, limit.lower):
                if bounded is not None:
                    out[self.path(name, bounded)] = 0.0
        return out


AVAILABLE_OUTPUTS = (
    Output("generation_mw", "supply", "generation"),
    Output("curtailment_mw", "curtailment", "curtailment"),
)

FUSION = Kind(
    key="fusion",
    schema=FusionOffer,
    title="fusion PPA offers",
    many=True,
    carbon_free=True,
    procured=True,
    in_baseline=False,
    colour="#7b3fa0",  # purple
    order=0,
    outputs=AVAILABLE_OUTPUTS,
    limits=(Limit("capacity_mw", "max_capacity_mw", "min_capacity_mw", "MW"),),
    example={"max_capacity_mw": 50.0, "energy_price_usd_per_mwh": 80.0, "availability": 0.9},
)

CLEAN_FIRM = Kind(
    key="clean_firm",
    schema=CleanFirmOffer,
    title="clean-firm offers (fission, geothermal, gas with capture)",
    many=True,
    carbon_free=True,  # gas with capture: only its captured share, per item
    procured=True,
    in_baseline=False,
    colour="#d95f02",  # burnt orange
    order=1,
    outputs=AVAILABLE_OUTPUTS,
    limits=(Limit("capacity_mw", "max_capacity_mw", "min_capacity_mw", "MW"),),
    example={
        "technology": "fission_restart",
        "max_capacity_mw": 50.0,
        "energy_price_usd_per_mwh": 110.0,
        "availability": 0.92,
    },
)

SOLAR = Kind(
    key="solar",
    schema=Solar,
    title="solar resources",
    many=True,
    carbon_free=True,
    procured=True,
    in_baseline=False,
    colour="#f2b701",  # gold
    order=2,
    outputs=AVAILABLE_OUTPUTS,
    limits=(Limit("capacity_mw", "max_capacity_mw", "min_capacity_mw", "MW"),),
    example={
        "capacity_factor": [0.0, 0.5, 1.0, 0.5],
        "max_capacity_mw": 200.0,
        "capex_usd_per_kw": 1000.0,
        "lifetime_yr": 30.0,
    },
)

WIND = Kind(
    key="wind",
    schema=Wind,
    title="wind resources",
    many=True,
    carbon_free=True,
    procured=True,
    in_baseline=False,
    colour="#4daf4a",  # green
    order=3,
    outputs=AVAILABLE_OUTPUTS,
    limits=(Limit("capacity_mw", "max_capacity_mw", "min_capacity_mw", "MW"),),
    example={
        "capacity_factor": [0.6, 0.2, 0.4, 0.7],
        "max_capacity_mw": 200.0,
        "procurement": "ppa",
        "ppa_price_usd_per_mwh": 60.0,
    },
)

STORAGE = Kind(
    key="storage",
    schema=Storage,
    title="storage types",
    many=True,
    carbon_free=True,  # discharge counts as clean supply, charging as withdrawal
    procured=False,
    in_baseline=False,
    colour="#1b9e77",  # teal
    order=4,
    outputs=(
        Output("charge_mw", "withdrawal", "charge"),
        Output("discharge_mw", "supply", "discharge"),
        Output("soc_mwh", "state", "state of charge"),
    ),
    capacity_columns=("capacity_mw", "energy_mwh"),
    limits=(
        Limit("power_mw", "max_power_mw", "min_power_mw", "MW"),
        Limit("energy_mwh", "max_energy_mwh", "min_energy_mwh", "MWh"),
    ),
    row_limits=(
        RowLimit("energy_le_max_duration", "max_duration_h", "h"),
        RowLimit("energy_ge_min_duration", "min_duration_h", "h"),
    ),
    example={
        "power_capex_usd_per_kw": 300.0,
        "energy_capex_usd_per_kwh": 200.0,
        "lifetime_yr": 15.0,
        "charge_efficiency": 0.95,
        "discharge_efficiency": 0.95,
        "min_duration_h": 1.0,
        "max_duration_h": 4.0,
    },
)

GRID = Kind(
    key="grid",
    schema=Grid,
    title="grid connection",
    many=False,
    carbon_free=False,  # only its carbon-free share, hour by hour
    procured=False,
    in_baseline=True,
    colour="#7f7f7f",  # grey
    order=6,
    outputs=(Output("import_mw", "supply", "import"), Output("export_mw", "withdrawal", "export")),
    limits=(
        Limit("import_mw", "import_limit_mw", None, "MW"),
        Limit("export_mw", "export_limit_mw", None, "MW"),
    ),
    row_limits=(RowLimit("export_le_share", "export_max_share_of_demand", ""),),
    example={
        "price_usd_per_mwh": [40.0, 30.0, 60.0, 90.0],
        "carbon_intensity_t_per_mwh": 0.4,
        "carbon_free_share": [0.3, 0.5, 0.4, 0.2],
        "import_limit_mw": 150.0,
        "export_price_usd_per_mwh": 20.0,
    },
)

CERTIFICATES = Kind(
    key="certificates",
    schema=Certificates,
    title="hourly energy attribute certificates",
    many=True,
    carbon_free=True,
    procured=True,
    in_baseline=False,
    colour="#a6761d",  # ochre
    order=5,
    outputs=(Output("claim_mw", "claim", "certificates"),),
    limits=(Limit("claim_mw", "max_mw", None, "MW"),),
    row_limits=(RowLimit("le_volume", "max_volume_mwh_per_yr", "MWh/yr"),),
    physical=False,
    example={"price_usd_per_mwh": [5.0, 5.0, 20.0, 20.0], "max_volume_mwh_per_yr": 100000.0},
)

KINDS: tuple[Kind, ...] = (FUSION, CLEAN_FIRM, SOLAR, WIND, STORAGE, GRID, CERTIFICATES)
"""Every kind of resource, in model-building order."""

BY_KEY: Mapping[str, Kind] = {k.key: k for k in KINDS}

RESERVED_NAMES = frozenset(k.key for k in KINDS if not k.many)
"""Resource names taken by single-section kinds (their results are named after the kind)."""


def kind(key: str) -> Kind:
    """The kind named ``key``; a KeyError names the known kinds."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown resource kind {key!r} (have: {', '.join(BY_KEY)})") from None


def listed() -> Iterator[Kind]:
    """The kinds held as lists of named items (instance sections addressed by item name)."""
    return (k for k in KINDS if k.many)
