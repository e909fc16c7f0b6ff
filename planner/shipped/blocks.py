"""Building blocks of the shipped instances, each from the cost set (:mod:`planner.shipped.costs`)
with its source as a YAML comment: fusion offers, solar, storage, the grid section, the
``pvlib`` block of a site."""

from __future__ import annotations

from typing import Any

from planner.shipped.costs import FIGURES, derived
from planner.shipped.sites import Site
from planner.shipped.yaml_writer import C, Flow

START = "2028-01-01 00:00"
HOURS = 8760


def fig(key: str) -> C:
    f = FIGURES[key]
    return C(f.value, f.cite())


def der(key: str) -> C:
    d = derived()[key]
    return C(d.value, d.rule)


def ref(profile: str, column: str) -> Flow:
    return Flow({"csv": profile, "column": column})


def fusion_foak(name: str, max_mw: float | C, cod: str = START) -> dict[str, Any]:
    """A first-of-a-kind fusion PPA at the price of a firm clean nuclear-restart PPA."""
    return {
        "name": name,
        "max_capacity_mw": max_mw,
        "energy_price_usd_per_mwh": fig("firm_clean_ppa_usd_per_mwh"),
        "contract_type": "take_or_pay",
        "availability": fig("fusion_availability"),
        "commercial_operation_date": cod,
    }


def fusion_low_capex(name: str, max_mw: float, cod: str = START) -> dict[str, Any]:
    """A fusion plant at the low end of Schwartz et al.'s capital costs, as a capacity charge."""
    return {
        "name": name,
        "max_capacity_mw": max_mw,
        "energy_price_usd_per_mwh": C(0.0, "variable O&M not given by the source"),
        "capacity_charge_usd_per_mw_yr": der("fusion_capacity_charge_usd_per_mw_yr"),
        "contract_type": "take_or_pay",
        "availability": fig("fusion_availability"),
        "commercial_operation_date": cod,
    }


def solar_build(name: str, capacity_factor: Any, max_mw: float) -> dict[str, Any]:
    """Utility PV built by the buyer at NREL ATB 2024 costs."""
    return {
        "name": name,
        "capacity_factor": capacity_factor,
        "max_capacity_mw": max_mw,
        "procurement": "build",
        "capex_usd_per_kw": der("solar_capex_usd_per_kw"),
        "fixed_om_usd_per_kw_yr": der("solar_fixed_om_usd_per_kw_yr"),
        "lifetime_yr": fig("solar_lifetime_yr"),
    }


def solar_ppa(name: str, capacity_factor: Any, max_mw: float) -> dict[str, Any]:
    """An as-produced solar PPA at the LevelTen Q4-2024 price."""
    return {
        "name": name,
        "capacity_factor": capacity_factor,
        "max_capacity_mw": max_mw,
        "procurement": "ppa",
        "ppa_price_usd_per_mwh": fig("solar_ppa_usd_per_mwh"),
    }


def li_ion(name: str = "li_ion") -> dict[str, Any]:
    """A Li-ion battery at NREL ATB 2024 costs (1 to 8 hours)."""
    return {
        "name": name,
        "power_capex_usd_per_kw": der("battery_power_usd_per_kw"),
        "energy_capex_usd_per_kwh": der("battery_energy_usd_per_kwh"),
        "fixed_om_usd_per_kw_yr": der("battery_fixed_om_usd_per_kw_yr"),
        "lifetime_yr": fig("battery_lifetime_yr"),
        "charge_efficiency": der("battery_efficiency_one_way"),
        "discharge_efficiency": der("battery_efficiency_one_way"),
        "min_duration_h": C(1, "assumption"),
        "max_duration_h": C(8, "assumption"),
    }


def iron_air(name: str = "iron_air") -> dict[str, Any]:
    """100-hour iron-air storage at Riepin & Brown's costs."""
    return {
        "name": name,
        "power_capex_usd_per_kw": fig("iron_air_power_usd_per_kw"),
        "energy_capex_usd_per_kwh": fig("iron_air_energy_usd_per_kwh"),
        "lifetime_yr": fig("iron_air_lifetime_yr"),
        "charge_efficiency": fig("iron_air_charge_efficiency"),
        "discharge_efficiency": fig("iron_air_discharge_efficiency"),
        "min_duration_h": fig("iron_air_duration_h"),
        "max_duration_h": fig("iron_air_duration_h"),
    }


def grid_section(profile: str, import_limit_mw: float, export: bool = True) -> dict[str, Any]:
    """The grid, read from the instance's profile CSV."""
    section: dict[str, Any] = {
        "price_usd_per_mwh": ref(profile, "grid_price_usd_per_mwh"),
        "carbon_intensity_t_per_mwh": ref(profile, "grid_carbon_intensity_t_per_mwh"),
        "carbon_free_share": ref(profile, "grid_carbon_free_share"),
        "import_limit_mw": C(import_limit_mw, "assumption: 1.5 x peak demand"),
    }
    if export:
        section["export_price_usd_per_mwh"] = C(
            ref(profile, "grid_export_price_usd_per_mwh"), "energy component of the price"
        )
        section["export_max_share_of_demand"] = fig("export_max_share_of_demand")
    return section


def pvlib_block(site: Site) -> dict[str, Any]:
    """The ``pvlib`` block of the site's single-axis array (fields that differ from defaults)."""
    array = site.pv_array()
    block: dict[str, Any] = {
        "weather": C(array.weather, site.weather_note),
        "latitude_deg": array.latitude_deg,
        "longitude_deg": array.longitude_deg,
        "altitude_m": array.altitude_m,
        "utc_offset_h": array.utc_offset_h,
        "mount": array.mount,
        "dc_ac_ratio": C(array.dc_ac_ratio, "assumption"),
    }
    return {"pvlib": block}
