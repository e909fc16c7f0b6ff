"""The clean-firm library: default offers of the technologies a buyer compares fusion with, each
figure cited with its range (issue 14, item 2). The shipped site instances carry them switched
off (``max_capacity_mw: 0``); ``benchmarks/clean_firm_comparison.py`` switches each on in turn
(the study's cases leave them off).

Where a figure comes from public reporting of a deal rather than a published cost, or is recalled
from a publication this project could not reach offline, its note says so: check it against the
source before building on it.
"""

from __future__ import annotations

from typing import Any

from planner.inputs.sections import capital_recovery_factor
from planner.shipped.costs import Figure, value
from planner.shipped.yaml_writer import C

LIBRARY: dict[str, Figure] = {
    "restart_price_usd_per_mwh": Figure(
        112.5,
        "$/MWh",
        "analysts' estimates of the Microsoft-Constellation Crane (TMI-1) restart PPA (Jefferies "
        "110-115; Bloomberg Intelligence >= 100)",
        2024,
        "range 100-115; an existing plant's restart, 835 MW, 20 years, online 2028",
    ),
    "nuclear_availability": Figure(
        0.93, "0-1", "NREL ATB 2024 (moderate), via PyPSA/technology-data", 2024, "nuclear CF"
    ),
    "smr_capex_usd_per_kw": Figure(
        8198,
        "$/kW",
        "NREL ATB 2024 (moderate, 2022 $), new nuclear, via PyPSA/technology-data",
        2024,
        "a first small modular reactor is likely dearer; Google-Kairos-TVA's first unit (50 MW "
        "Hermes 2) is due in 2030: offered here from the first modelled hour as a what-if",
    ),
    "smr_fuel_om_usd_per_mwh": Figure(
        10, "$/MWh", "assumption of this project", 2026, "ASSUMPTION: fuel and variable O&M"
    ),
    "geothermal_price_usd_per_mwh": Figure(
        85,
        "$/MWh",
        "Lazard LCOE+ v17, geothermal, unsubsidised",
        2024,
        "midpoint of 64-106 $/MWh as recalled offline (check the publication); Fervo-type "
        "enhanced geothermal deals (Google 115 MW via NV Energy, SCE 320 MW) have no public price",
    ),
    "geothermal_availability": Figure(
        0.90, "0-1", "assumption of this project", 2026, "ASSUMPTION: a flash or binary plant's CF"
    ),
    "gas_ccs_capex_usd_per_kw": Figure(
        2500,
        "$/kW",
        "NREL ATB 2024, natural gas combined cycle with carbon capture, order of magnitude",
        2024,
        "recalled offline (ATB's NGCC-CCS lies around 2,300-2,800 $/kW): check the publication",
    ),
    "gas_ccs_fixed_om_usd_per_kw_yr": Figure(
        60, "$/kW-yr", "assumption of this project", 2026, "ASSUMPTION: with capture and storage"
    ),
    "gas_price_usd_per_mmbtu": Figure(
        3.5, "$/MMBtu", "assumption of this project", 2026, "ASSUMPTION: Henry Hub, mid-2020s"
    ),
    "gas_ccs_heat_rate_mmbtu_per_mwh": Figure(
        7.6, "MMBtu/MWh", "assumption of this project", 2026, "ASSUMPTION: with the capture's load"
    ),
    "gas_ccs_vom_usd_per_mwh": Figure(
        6, "$/MWh", "assumption of this project", 2026, "ASSUMPTION: variable O&M and CO2 storage"
    ),
    "gas_co2_kg_per_mmbtu": Figure(
        53.06,
        "kg/MMBtu",
        "U.S. EPA, Emission Factors for Greenhouse Gas Inventories",
        2024,
        "natural gas, CO2",
    ),
    "gas_ccs_capture_rate": Figure(
        0.90,
        "0-1",
        "assumption of this project",
        2026,
        "ASSUMPTION: 90 % of the CO2 formed (designs claim 95 % and more; plants in service have "
        "captured less than designed)",
    ),
    "gas_ccs_availability": Figure(
        0.85, "0-1", "assumption of this project", 2026, "ASSUMPTION: combined cycle availability"
    ),
}
"""Figures of the clean-firm library, by key."""


def _fig(key: str) -> C:
    f = LIBRARY[key]
    return C(f.value, f.cite())


def _off(on: bool, mw: float) -> C:
    if on:
        return C(mw, "offered")
    return C(
        0,
        f"switched off: set to {mw:g} (or any MW) to offer it "
        "(benchmarks/clean_firm_comparison.py switches each on)",
    )


def clean_firm_offers(peak_mw: float, on: bool = False) -> list[dict[str, Any]]:
    """The library's four offers for a campus of ``peak_mw``, each up to the campus's peak."""
    rate = value("discount_rate")
    smr_charge = round(
        LIBRARY["smr_capex_usd_per_kw"].value * 1000 * capital_recovery_factor(rate, 30)
    )
    ccs_annuity = (
        LIBRARY["gas_ccs_capex_usd_per_kw"].value * 1000 * capital_recovery_factor(rate, 30)
    )
    ccs_charge = round(ccs_annuity + LIBRARY["gas_ccs_fixed_om_usd_per_kw_yr"].value * 1000)
    fuel = round(
        LIBRARY["gas_price_usd_per_mmbtu"].value * LIBRARY["gas_ccs_heat_rate_mmbtu_per_mwh"].value
        + LIBRARY["gas_ccs_vom_usd_per_mwh"].value,
        2,
    )
    gross = round(
        LIBRARY["gas_co2_kg_per_mmbtu"].value
        * LIBRARY["gas_ccs_heat_rate_mmbtu_per_mwh"].value
        / 1000,
        4,
    )
    return [
        {
            "name": "fission_restart",
            "technology": "fission_restart",
            "max_capacity_mw": _off(on, peak_mw),
            "energy_price_usd_per_mwh": _fig("restart_price_usd_per_mwh"),
            "contract_type": "take_or_pay",
            "availability": _fig("nuclear_availability"),
        },
        {
            "name": "smr",
            "technology": "smr",
            "max_capacity_mw": _off(on, peak_mw),
            "energy_price_usd_per_mwh": _fig("smr_fuel_om_usd_per_mwh"),
            "capacity_charge_usd_per_mw_yr": C(
                smr_charge, "8,198 $/kW (NREL ATB 2024 new nuclear) annualised at 7 % over 30 years"
            ),
            "contract_type": "take_or_pay",
            "availability": _fig("nuclear_availability"),
        },
        {
            "name": "geothermal",
            "technology": "geothermal",
            "max_capacity_mw": _off(on, peak_mw),
            "energy_price_usd_per_mwh": _fig("geothermal_price_usd_per_mwh"),
            "contract_type": "take_or_pay",
            "availability": _fig("geothermal_availability"),
        },
        {
            "name": "gas_ccs",
            "technology": "gas_ccs",
            "max_capacity_mw": _off(on, peak_mw),
            "energy_price_usd_per_mwh": C(0.0, "the plant's costs are its charge and its fuel"),
            "capacity_charge_usd_per_mw_yr": C(
                ccs_charge,
                "2,500 $/kW annualised at 7 % over 30 years plus 60 $/kW-yr fixed O&M "
                "(clean_firm.py, sources and caveats there)",
            ),
            "contract_type": "as_available",
            "availability": _fig("gas_ccs_availability"),
            "fuel_cost_usd_per_mwh": C(
                fuel, "3.5 $/MMBtu x 7.6 MMBtu/MWh + 6 $/MWh variable O&M (ASSUMPTIONS)"
            ),
            "gross_emissions_t_per_mwh": C(gross, "53.06 kg CO2/MMBtu (U.S. EPA) x 7.6 MMBtu/MWh"),
            "capture_rate": _fig("gas_ccs_capture_rate"),
        },
    ]
