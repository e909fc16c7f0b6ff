"""The sites of the shipped instances: where each is (a site of :mod:`planner.data.regions`, with
its real 2022 grid region and its weather file), the shape of its synthetic demand, and the keys
of its tariff in the cost set (:mod:`planner.shipped.costs`)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.data import regions
from planner.inputs.pvlib_profile import PvArray


@dataclass(frozen=True)
class Tariff:
    """The cost-set keys of a site's non-bypassable charges (None: no such charge)."""

    energy_charge: str
    demand_charge: str
    coincident_peak_charge: str | None = None
    """A key of :func:`planner.shipped.costs.derived` or :data:`~planner.shipped.costs.FIGURES`;
    the hours come from :mod:`planner.data.peaks` (the region's rule)."""


@dataclass(frozen=True)
class Site:
    """One datacenter site of the shipped instances."""

    key: str
    """A key of :data:`planner.data.regions.SITES`."""
    daily_swing: float
    seasonal_swing: float
    load_seed: int
    """Seed of the synthetic demand (:mod:`planner.data.synthetic_load`)."""
    tariff: Tariff

    @property
    def data(self) -> regions.Site:
        """The site in :mod:`planner.data.regions`: coordinates, region, weather file."""
        return regions.SITES[self.key]

    @property
    def region(self) -> regions.Region:
        return regions.REGIONS[self.data.region]

    @property
    def label(self) -> str:
        return self.data.label

    def pv_array(self, mount: str = "single_axis", dc_ac_ratio: float = 1.3) -> PvArray:
        """The utility PV array of this site (its weather path is relative to ``instances/``)."""
        return PvArray.model_validate(self.data.pvlib_block(mount, dc_ac_ratio))


ERCOT_TARIFF = Tariff(
    "ercot_energy_charge_usd_per_mwh",
    "ercot_demand_charge_usd_per_kw_month",
    "ercot_4cp_charge_usd_per_kw_yr",
)

# The demand seeds are those of the synthetic grids the sites used before (seed + 1), so the
# synthetic demand is unchanged by the move to real grid data.
ABILENE_TX = Site("abilene_tx", 0.05, 0.05, 2028_49, ERCOT_TARIFF)

ASHBURN_VA = Site(
    "ashburn_va",
    0.04,
    0.04,
    2028_52,
    Tariff(
        "dominion_energy_charge_usd_per_mwh",
        "dominion_demand_charge_usd_per_kw_month",
        "pjm_5cp_charge_usd_per_kw_yr",
    ),
)

MALAGA_WA = Site(
    "malaga_wa",
    0.03,
    0.03,
    2028_54,
    Tariff("chelan_energy_charge_usd_per_mwh", "chelan_demand_charge_usd_per_kw_month"),
)

SITES = {s.key: s for s in (ABILENE_TX, MALAGA_WA, ASHBURN_VA)}
