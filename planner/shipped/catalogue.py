"""The shipped instances, generated from code: what each represents and how its file is built.

Instance files cannot include one another, so the shipped ones are written by this package
from one cost set (:mod:`planner.shipped.costs`) and the sites of
:mod:`planner.shipped.sites`; every cost in a YAML file carries its source as a comment.
Nothing here depends on where the package is installed: every function that reads or writes
takes the instances folder as an argument (``make instances`` passes ``instances/``)::

    python -m planner.shipped write DIR        # make instances: profile CSVs + YAML, bit for bit
    python -m planner.shipped solve DIR [NAME] # make results: full-year solves -> results.json
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.shipped.axes import delivery_risk, pathway
from planner.shipped.blocks import (
    HOURS,
    START,
    fig,
    fusion_foak,
    fusion_low_capex,
    grid_section,
    iron_air,
    li_ion,
    pvlib_block,
    ref,
    solar_build,
    solar_ppa,
    wind_ppa,
)
from planner.shipped.clean_firm import clean_firm_offers
from planner.shipped.headers import data_header, tariff_header
from planner.shipped.profiles import site_frame
from planner.shipped.sites import ABILENE_TX, ASHBURN_VA, MALAGA_WA, Site
from planner.shipped.yaml_writer import C, to_yaml


@dataclass(frozen=True)
class Shipped:
    """One shipped instance: what it represents and how its file is built."""

    name: str
    header: tuple[str, ...]
    site: Site
    peak_mw: float
    profile: str
    """Its profile CSV, relative to the instances folder."""
    build: Callable[[Shipped], dict[str, Any]]
    solar_in_csv: bool = False
    writes_profile: bool = True
    axis: bool = False
    """An instance of the scenario or pathway axis built on a site's instance (representative
    days, not a full year of its own)."""


def _default(s: Shipped) -> dict[str, Any]:
    p = s.profile
    return {
        "name": s.name,
        "description": "100 MW datacenter near Abilene TX, ERCOT grid, fusion + solar + wind PPA + "
        "Li-ion + grid, 90 % hourly CFE",
        "time": {"start": START, "hours": HOURS},
        "demand": {"load_mw": ref(p, "load_mw", s.site), "value_of_lost_load_usd_per_mwh": 10000},
        "finance": {"discount_rate": fig("discount_rate")},
        "fusion": [fusion_foak("helion", fig("helion_microsoft_mw"))],
        "clean_firm": clean_firm_offers(s.peak_mw),
        "solar": [solar_build("solar_pv", ref(p, "solar_capacity_factor", s.site), 1000)],
        "wind": [wind_ppa("wind_ppa", ref(p, "wind_capacity_factor", s.site), 400)],
        "storage": [li_ion()],
        "grid": grid_section(s.site, p, 150),
        "policy": {"hourly_cfe_target": C(0.9, "90 % hourly carbon-free energy")},
    }


def _helion_wa(s: Shipped) -> dict[str, Any]:
    p = s.profile
    return {
        "name": s.name,
        "description": "80 MW datacenter near Malaga WA, hydro grid, one 50 MW fusion offer from "
        "2028",
        "time": {"start": START, "hours": HOURS},
        "demand": {"load_mw": ref(p, "load_mw", s.site)},
        "finance": {"discount_rate": fig("discount_rate")},
        "fusion": [fusion_foak("helion", fig("helion_microsoft_mw"))],
        "clean_firm": clean_firm_offers(s.peak_mw),
        "solar": [solar_build("solar_pv", pvlib_block(s.site), 300)],
        "wind": [wind_ppa("wind_ppa", ref(p, "wind_capacity_factor", s.site), 320)],
        "storage": [li_ion()],
        "grid": grid_section(s.site, p, 120),
        "policy": {"hourly_cfe_target": C(0.9, "90 % hourly carbon-free energy")},
    }


def _stargate_tx(s: Shipped) -> dict[str, Any]:
    p = s.profile
    return {
        "name": s.name,
        "description": "1 GW AI campus near Abilene TX, ERCOT grid, two fusion offers, "
        "solar, Li-ion and 100-hour storage, 90 % hourly CFE",
        "time": {"start": START, "hours": HOURS},
        "demand": {"load_mw": ref(p, "load_mw", s.site)},
        "finance": {"discount_rate": fig("discount_rate")},
        "fusion": [
            fusion_foak("fusion_foak", 500),
            fusion_low_capex("fusion_low_capex", 500),
        ],
        "clean_firm": clean_firm_offers(s.peak_mw),
        "solar": [solar_build("solar_pv", pvlib_block(s.site), 4000)],
        "wind": [wind_ppa("wind_ppa", ref(p, "wind_capacity_factor", s.site), 4000)],
        "storage": [li_ion(), iron_air()],
        "grid": grid_section(s.site, p, 1500),
        "policy": {"hourly_cfe_target": C(0.9, "90 % hourly carbon-free energy")},
    }


def _dc_alley_va(s: Shipped) -> dict[str, Any]:
    p = s.profile
    return {
        "name": s.name,
        "description": "300 MW campus in Ashburn VA, PJM grid (Dominion zone), weaker solar "
        "bought by PPA, two fusion offers, Li-ion and 100-hour storage, 90 % hourly CFE",
        "time": {"start": START, "hours": HOURS},
        "demand": {"load_mw": ref(p, "load_mw", s.site)},
        "finance": {"discount_rate": fig("discount_rate")},
        "fusion": [
            fusion_foak("fusion_foak", 150),
            fusion_low_capex("fusion_low_capex", 150),
        ],
        "clean_firm": clean_firm_offers(s.peak_mw),
        "solar": [solar_ppa("solar_ppa", pvlib_block(s.site), 1200)],
        "wind": [wind_ppa("wind_ppa", ref(p, "wind_capacity_factor", s.site), 1200)],
        "storage": [li_ion(), iron_air()],
        "grid": grid_section(s.site, p, 450),
        "policy": {"hourly_cfe_target": C(0.9, "90 % hourly carbon-free energy")},
    }


def _delivery_risk(s: Shipped) -> dict[str, Any]:
    return delivery_risk(_stargate_tx(s))


def _pathway(s: Shipped) -> dict[str, Any]:
    return pathway(_stargate_tx(s))


def _grid_only(s: Shipped) -> dict[str, Any]:
    p = s.profile
    return {
        "name": s.name,
        "description": "reference: the 1 GW Abilene campus of stargate_tx on the grid alone, "
        "no target",
        "time": {"start": START, "hours": HOURS},
        "demand": {"load_mw": ref(p, "load_mw", s.site)},
        "grid": grid_section(s.site, p, 1500, export=False),
    }


SHIPPED: dict[str, Shipped] = {
    s.name: s
    for s in (
        Shipped(
            "default",
            (
                "Default instance: a 100 MW AI datacenter near Abilene, Texas, 2028, small and "
                "fast.",
                "One fusion PPA offer (take-or-pay, 50 MW like Helion-Microsoft, from 2028-01-01),",
                "utility solar, 4-hour Li-ion storage and the grid, under a 90 % hourly (24/7)",
                "carbon-free-energy target.",
            ),
            ABILENE_TX,
            100.0,
            "profiles/default_2028.csv",
            _default,
            solar_in_csv=True,
        ),
        Shipped(
            "helion_wa_2028",
            (
                "A ~80 MW datacenter near Malaga, Chelan County, Washington, next to Helion's "
                "planned",
                "Orion fusion plant: hydro-rich, low-carbon grid (Bonneville), modest solar. One "
                "fusion",
                "offer of up to 50 MW from 2028 (like the Helion-Microsoft PPA; its price is not",
                "public, so the first-of-a-kind price of the cost set is used), solar, Li-ion, "
                "grid;",
                "90 % hourly carbon-free-energy target.",
            ),
            MALAGA_WA,
            80.0,
            "profiles/helion_wa_2028.csv",
            _helion_wa,
        ),
        Shipped(
            "stargate_tx",
            (
                "A 1 GW AI campus near Abilene, Texas (strong solar, ERCOT grid), 2028. Two fusion",
                "offers of up to 500 MW each from 2028-01-01: first-of-a-kind at a nuclear-restart "
                "PPA",
                "price, and a plant at the low end of published fusion capital costs (as a "
                "capacity",
                "charge); utility solar, 4-hour Li-ion, 100-hour iron-air storage and the grid; 90 "
                "%",
                "hourly CFE target.",
            ),
            ABILENE_TX,
            1000.0,
            "profiles/stargate_tx_2028.csv",
            _stargate_tx,
        ),
        Shipped(
            "dc_alley_va",
            (
                "A 300 MW campus in Ashburn, Northern Virginia (PJM grid, Dominion zone, weaker "
                "solar), 2028.",
                "The same two fusion offers as stargate_tx (scaled), solar bought through an "
                "offsite",
                "PPA, Li-ion, 100-hour iron-air storage and the grid; 90 % hourly CFE target.",
            ),
            ASHBURN_VA,
            300.0,
            "profiles/dc_alley_va_2028.csv",
            _dc_alley_va,
        ),
        Shipped(
            "stargate_delivery_risk",
            (
                "The stargate_tx campus deciding under delivery risk (two-stage stochastic "
                "planning): the",
                "first-of-a-kind fusion offer is signed before it is known whether the plant "
                "comes on time",
                "(probability 0.5), two years late (0.3) or never (0.2); solar and wind can be "
                "added after",
                "the outcome at a premium, a 95 % hourly CFE target holds in every outcome. The "
                "probabilities",
                "and the penalty are ASSUMPTIONS (planner/shipped/axes.py).",
            ),
            ABILENE_TX,
            1000.0,
            "profiles/stargate_tx_2028.csv",
            _delivery_risk,
            writes_profile=False,
            axis=True,
        ),
        Shipped(
            "stargate_pathway",
            (
                "The stargate_tx campus planned over 2028-2040 in four investment periods (2028, "
                "2030, 2032,",
                "2035): a 400 MW first phase growing to 1 GW by 2030, a grid getting cleaner, "
                "solar and",
                "storage getting cheaper, an hourly CFE target rising from 80 % to 100 % in "
                "2035; perfect",
                "foresight, net present cost (planner/shipped/axes.py for every trajectory and "
                "its source).",
            ),
            ABILENE_TX,
            1000.0,
            "profiles/stargate_tx_2028.csv",
            _pathway,
            writes_profile=False,
            axis=True,
        ),
        Shipped(
            "grid_only_baseline",
            (
                "Reference: the 1 GW Abilene campus of stargate_tx supplied by the grid alone, "
                "with",
                "no clean-energy target (same demand, grid profiles and tariff as stargate_tx).",
            ),
            ABILENE_TX,
            1000.0,
            "profiles/stargate_tx_2028.csv",
            _grid_only,
            writes_profile=False,
        ),
    )
}
"""Every shipped instance, by name (= file stem under ``instances/``)."""

SITE_INSTANCES = [name for name, s in SHIPPED.items() if not s.axis]
"""The shipped instances of one site over a full year (not the axis instances)."""


def yaml_text(s: Shipped) -> str:
    """The instance file of ``s``: header comments, then the body with cited numbers."""
    body = s.build(s)
    solar = ("csv" if s.solar_in_csv else "pvlib") if body.get("solar") else None
    resources = any(body.get(kind) for kind in ("fusion", "solar", "wind", "storage"))
    header = s.header + ("",) + data_header(s.site, solar) + ("",) + tariff_header(resources)
    lines = []
    for h in header:
        indent = "    " if h.startswith("  - ") else ""
        lines += [
            f"# {part}".rstrip()
            for part in textwrap.wrap(h, 96, subsequent_indent=indent, break_on_hyphens=False)
        ] or ["#"]
    return "\n".join(lines + to_yaml(body)) + "\n"


def write(instances_dir: Path) -> list[Path]:
    """Write every shipped instance and profile CSV under ``instances_dir``; returns the paths."""
    written = []
    for s in SHIPPED.values():
        if s.writes_profile:
            path = instances_dir / s.profile
            path.parent.mkdir(parents=True, exist_ok=True)
            frame = site_frame(s.site, s.peak_mw, START, HOURS, with_solar=s.solar_in_csv)
            frame.to_csv(path, index=False, lineterminator="\n")
            written.append(path)
        path = instances_dir / f"{s.name}.yaml"
        path.write_text(yaml_text(s), encoding="utf-8")
        written.append(path)
    return written
