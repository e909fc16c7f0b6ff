"""Building blocks of the shipped instances, each from the cost set (:mod:`planner.shipped.costs`)
with its source as a YAML comment: fusion offers, solar, storage, the grid section, the
``pvlib`` block of a site."""

from __future__ import annotations

from typing import Any

from planner.data.peaks import RULES, coincident_peaks_2022, placed
from planner.shipped.costs import FIGURES, derived
from planner.shipped.profiles import columns
from planner.shipped.sites import Site
from planner.shipped.yaml_writer import C

START = "2028-01-01 00:00"
HOURS = 8760
VIRTUAL = "a financial PPA in the same region: worth the wholesale price, no charge avoided"
ON_SITE = "behind the meter: lowers the metered import and its charges"


def fig(key: str) -> C:
    f = FIGURES[key]
    return C(f.value, f.cite())


def der(key: str) -> C:
    d = derived()[key]
    return C(d.value, d.rule)


def ref(profile: str, column: str, site: Site) -> dict[str, Any]:
    """A CSV column of the site's profile, with its provenance and source."""
    what = columns(site)[column]
    return {
        "csv": profile,
        "column": column,
        "provenance": what.provenance,
        "source": what.source,
    }


def fusion_foak(name: str, max_mw: float | C, cod: str = START) -> dict[str, Any]:
    """A first-of-a-kind fusion PPA at the price of a firm clean nuclear-restart PPA."""
    return {
        "name": name,
        "max_capacity_mw": max_mw,
        "energy_price_usd_per_mwh": fig("firm_clean_ppa_usd_per_mwh"),
        "contract_type": "take_or_pay",
        "availability": fig("fusion_availability"),
        "commercial_operation_date": cod,
        "delivery": C("virtual", VIRTUAL),
    }


def fusion_low_capex(name: str, max_mw: float, cod: str = START) -> dict[str, Any]:
    """A fusion plant at the low end of Schwartz et al.'s capital cost *targets* (the costs at
    which fusion would be valuable, not an estimate), as a capacity charge."""
    return {
        "name": name,
        "max_capacity_mw": max_mw,
        "energy_price_usd_per_mwh": C(0.0, "variable O&M not given by the source"),
        "capacity_charge_usd_per_mw_yr": der("fusion_capacity_charge_usd_per_mw_yr"),
        "contract_type": "take_or_pay",
        "availability": fig("fusion_availability"),
        "commercial_operation_date": cod,
        "delivery": C("virtual", VIRTUAL),
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
        "delivery": C("on_site", ON_SITE),
    }


def solar_ppa(name: str, capacity_factor: Any, max_mw: float) -> dict[str, Any]:
    """An as-produced solar PPA at the LevelTen Q4-2024 price."""
    return {
        "name": name,
        "capacity_factor": capacity_factor,
        "max_capacity_mw": max_mw,
        "procurement": "ppa",
        "ppa_price_usd_per_mwh": fig("solar_ppa_usd_per_mwh"),
        "delivery": C("virtual", VIRTUAL),
    }


def wind_ppa(name: str, capacity_factor: Any, max_mw: float) -> dict[str, Any]:
    """An as-produced wind PPA at the LevelTen Q4-2024 price."""
    return {
        "name": name,
        "capacity_factor": capacity_factor,
        "max_capacity_mw": max_mw,
        "procurement": "ppa",
        "ppa_price_usd_per_mwh": fig("wind_ppa_usd_per_mwh"),
        "delivery": C("virtual", VIRTUAL),
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
        "delivery": C("on_site", ON_SITE),
    }


def iron_air(name: str = "iron_air") -> dict[str, Any]:
    """100-hour iron-air storage at its maker's cost target (labelled a target)."""
    return {
        "name": name,
        "power_capex_usd_per_kw": fig("iron_air_power_usd_per_kw"),
        "energy_capex_usd_per_kwh": fig("iron_air_energy_usd_per_kwh"),
        "lifetime_yr": fig("iron_air_lifetime_yr"),
        "charge_efficiency": fig("iron_air_charge_efficiency"),
        "discharge_efficiency": fig("iron_air_discharge_efficiency"),
        "min_duration_h": fig("iron_air_duration_h"),
        "max_duration_h": fig("iron_air_duration_h"),
        "delivery": C("on_site", ON_SITE),
    }


def grid_section(
    site: Site, profile: str, import_limit_mw: float, export: bool = True
) -> dict[str, Any]:
    """The grid, read from the instance's profile CSV, with the site's tariff: the wholesale
    price for imports (and exports), the non-bypassable charges on the metered import."""
    price = ref(profile, "grid_wholesale_price_usd_per_mwh", site)
    section: dict[str, Any] = {
        "price_usd_per_mwh": C(price, "the wholesale energy price: charges below"),
        "carbon_intensity_t_per_mwh": C(
            ref(profile, "grid_carbon_intensity_t_per_mwh", site), "direct (location-based)"
        ),
        "carbon_free_share": ref(profile, "grid_carbon_free_share", site),
        "import_limit_mw": C(import_limit_mw, "assumption: 1.5 x peak demand"),
    }
    if export:
        section["export_price_usd_per_mwh"] = C(price, "exports earn the wholesale price")
        section["export_max_share_of_demand"] = fig("export_max_share_of_demand")
    return section | tariff(site)


def tariff(site: Site) -> dict[str, Any]:
    """The site's non-bypassable charges (docs/formulation.md, Tariff), each from the cost set;
    the coincident-peak hours from the region's 2022 data (:mod:`planner.data.peaks`)."""
    keys = site.tariff
    out: dict[str, Any] = {
        "energy_charge_usd_per_mwh": fig(keys.energy_charge),
        "demand_charge_usd_per_kw_month": fig(keys.demand_charge),
    }
    if keys.coincident_peak_charge is not None:
        key = keys.coincident_peak_charge
        out["coincident_peak_charge_usd_per_kw_yr"] = der(key) if key in derived() else fig(key)
        rule = RULES[site.data.region]
        hours = placed(coincident_peaks_2022(site.data.region), START)
        out["coincident_peak_hours"] = C(hours, f"{rule.description}, placed on 2028 by position")
    return out


def pvlib_block(site: Site) -> dict[str, Any]:
    """The ``pvlib`` block of the site's single-axis array (fields that differ from defaults)."""
    block = site.data.pvlib_block()
    note = "see the header" if site.key == "malaga_wa" else site.data.weather_note
    out: dict[str, Any] = {k: v for k, v in block.items() if k not in ("weather", "dc_ac_ratio")}
    return {
        "pvlib": {
            "weather": C(block["weather"], note),
            **out,
            "dc_ac_ratio": C(block["dc_ac_ratio"], "assumption"),
        }
    }
