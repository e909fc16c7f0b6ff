"""The shipped instances, generated from code: profiles, YAML files and their solved results.

Instance files cannot include one another, so the shipped ones are written by this module from
one cost set (:mod:`planner.costs`) and the sites of :mod:`planner.profiles.sites`; every cost
in a YAML file carries its source as a comment. Commands::

    python -m planner.shipped write [DIR]      # make instances: profile CSVs + YAML, bit for bit
    python -m planner.shipped solve [NAME ...] # make results: full-year solves -> results.json

``instances/results.json`` holds each instance's key figures and full-year results; the table
of shipped instances in ``docs/instances.md`` is generated from it (``make docs``), and
``tests/test_instances.py`` checks that it matches the current instance files.
"""

from __future__ import annotations

import hashlib
import json
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from planner.costs import FIGURES, derived
from planner.profiles import site_frame
from planner.profiles.grid import GridStats
from planner.profiles.sites import ABILENE_TX, ASHBURN_VA, MALAGA_WA, Site

ROOT = Path(__file__).resolve().parents[1]
INSTANCES_DIR = ROOT / "instances"
RESULTS_FILE = "results.json"
START = "2028-01-01 00:00"
HOURS = 8760


# -- a small YAML writer that keeps comments ------------------------------------------------
@dataclass(frozen=True)
class C:
    """A YAML value with a trailing comment (its source)."""

    value: Any
    comment: str


@dataclass(frozen=True)
class Flow:
    """A mapping written on one line, e.g. ``{csv: profiles/x.csv, column: load_mw}``."""

    items: dict[str, Any]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value)
    plain = text and all(ch.isalnum() or ch in "_-./: " for ch in text) and not text[0].isdigit()
    if plain and ": " not in text and not text.endswith(":") or _is_timestamp(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _is_timestamp(text: str) -> bool:
    return len(text) == 16 and text[4] == "-" and text[7] == "-" and text[10] == " " and text[13] == ":"


def _line(prefix: str, value: Any, comment: str | None) -> str:
    text = prefix + value
    if comment:
        text = f"{text:<44} # {comment}" if len(text) < 44 else f"{text}  # {comment}"
    return text


def to_yaml(node: dict[str, Any], indent: int = 0) -> list[str]:
    """YAML lines of a mapping whose leaves may be :class:`C` or :class:`Flow`."""
    lines: list[str] = []
    pad = " " * indent
    for key, raw in node.items():
        comment = raw.comment if isinstance(raw, C) else None
        value = raw.value if isinstance(raw, C) else raw
        if isinstance(value, Flow):
            inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items.items())
            lines.append(_line(f"{pad}{key}: ", "{" + inner + "}", comment))
        elif isinstance(value, dict):
            lines.append(_line(f"{pad}{key}:", "", comment))
            lines += to_yaml(value, indent + 2)
        elif isinstance(value, list):
            if not value:
                lines.append(_line(f"{pad}{key}: ", "[]", comment))
                continue
            lines.append(_line(f"{pad}{key}:", "", comment))
            for item in value:
                sub = to_yaml(item, indent + 4)
                lines.append(f"{pad}  - {sub[0].lstrip()}")
                lines += sub[1:]
        else:
            lines.append(_line(f"{pad}{key}: ", _scalar(value), comment))
    return lines


# -- building blocks from the cost set -------------------------------------------------------
def _fig(key: str) -> C:
    f = FIGURES[key]
    return C(f.value, f.cite())


def _der(key: str) -> C:
    d = derived()[key]
    return C(d.value, d.rule)


def _ref(profile: str, column: str) -> Flow:
    return Flow({"csv": profile, "column": column})


def fusion_foak(name: str, max_mw: float | C, cod: str = START) -> dict[str, Any]:
    """A first-of-a-kind fusion PPA at the price of a firm clean nuclear-restart PPA."""
    return {
        "name": name,
        "max_capacity_mw": max_mw,
        "energy_price_usd_per_mwh": _fig("firm_clean_ppa_usd_per_mwh"),
        "contract_type": "take_or_pay",
        "availability": _fig("fusion_availability"),
        "commercial_operation_date": cod,
    }


def fusion_low_capex(name: str, max_mw: float, cod: str = START) -> dict[str, Any]:
    """A fusion plant at the low end of Schwartz et al.'s capital costs, as a capacity charge."""
    return {
        "name": name,
        "max_capacity_mw": max_mw,
        "energy_price_usd_per_mwh": C(0.0, "variable O&M not given by the source"),
        "capacity_charge_usd_per_mw_yr": _der("fusion_capacity_charge_usd_per_mw_yr"),
        "contract_type": "take_or_pay",
        "availability": _fig("fusion_availability"),
        "commercial_operation_date": cod,
    }


def solar_build(name: str, capacity_factor: Any, max_mw: float) -> dict[str, Any]:
    """Utility PV built by the buyer at NREL ATB 2024 costs."""
    return {
        "name": name,
        "capacity_factor": capacity_factor,
        "max_capacity_mw": max_mw,
        "procurement": "build",
        "capex_usd_per_kw": _der("solar_capex_usd_per_kw"),
        "fixed_om_usd_per_kw_yr": _der("solar_fixed_om_usd_per_kw_yr"),
        "lifetime_yr": _fig("solar_lifetime_yr"),
    }


def solar_ppa(name: str, capacity_factor: Any, max_mw: float) -> dict[str, Any]:
    """An as-produced solar PPA at the LevelTen Q4-2024 price."""
    return {
        "name": name,
        "capacity_factor": capacity_factor,
        "max_capacity_mw": max_mw,
        "procurement": "ppa",
        "ppa_price_usd_per_mwh": _fig("solar_ppa_usd_per_mwh"),
    }


def li_ion(name: str = "li_ion") -> dict[str, Any]:
    """A Li-ion battery at NREL ATB 2024 costs (1 to 8 hours)."""
    return {
        "name": name,
        "power_capex_usd_per_kw": _der("battery_power_usd_per_kw"),
        "energy_capex_usd_per_kwh": _der("battery_energy_usd_per_kwh"),
        "fixed_om_usd_per_kw_yr": _der("battery_fixed_om_usd_per_kw_yr"),
        "lifetime_yr": _fig("battery_lifetime_yr"),
        "charge_efficiency": _der("battery_efficiency_one_way"),
        "discharge_efficiency": _der("battery_efficiency_one_way"),
        "min_duration_h": C(1, "assumption"),
        "max_duration_h": C(8, "assumption"),
    }


def iron_air(name: str = "iron_air") -> dict[str, Any]:
    """100-hour iron-air storage at Riepin & Brown's costs."""
    return {
        "name": name,
        "power_capex_usd_per_kw": _fig("iron_air_power_usd_per_kw"),
        "energy_capex_usd_per_kwh": _fig("iron_air_energy_usd_per_kwh"),
        "lifetime_yr": _fig("iron_air_lifetime_yr"),
        "charge_efficiency": _fig("iron_air_charge_efficiency"),
        "discharge_efficiency": _fig("iron_air_discharge_efficiency"),
        "min_duration_h": _fig("iron_air_duration_h"),
        "max_duration_h": _fig("iron_air_duration_h"),
    }


def grid_section(profile: str, import_limit_mw: float, export: bool = True) -> dict[str, Any]:
    """The grid, read from the instance's profile CSV."""
    section: dict[str, Any] = {
        "price_usd_per_mwh": _ref(profile, "grid_price_usd_per_mwh"),
        "carbon_intensity_t_per_mwh": _ref(profile, "grid_carbon_intensity_t_per_mwh"),
        "carbon_free_share": _ref(profile, "grid_carbon_free_share"),
        "import_limit_mw": C(import_limit_mw, "assumption: 1.5 x peak demand"),
    }
    if export:
        section["export_price_usd_per_mwh"] = C(
            _ref(profile, "grid_export_price_usd_per_mwh"), "energy component of the price"
        )
        section["export_max_share_of_demand"] = _fig("export_max_share_of_demand")
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


# -- the shipped instances -------------------------------------------------------------------
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


def _grid_header(grid: GridStats) -> tuple[str, ...]:
    return (
        f"Grid profiles are SYNTHETIC ({grid.name}), generated by planner/profiles/grid.py with a "
        "fixed seed and calibrated to published statistics:",
        *(f"  - {s}" for s in grid.sources),
    )


def _solar_header(site: Site, in_csv: bool, has_solar: bool) -> tuple[str, ...]:
    how = "written to the profile CSV" if in_csv else "computed at load time from the pvlib block"
    if not has_solar:
        return (
            "No solar resource. The grid's solar shape is the site's solar profile, derived from "
            f"pvlib's real TMY weather ({site.weather}, {site.weather_note}); method in "
            "docs/data.md. Demand is synthetic: ~90 % load factor (LBNL 2024).",
            "GENERATED by `make instances`: edit planner/shipped.py, not this file.",
        )
    return (
        f"Solar is derived from pvlib's real TMY weather ({site.weather}, {site.weather_note}), "
        f"moved to the site's coordinates with pvlib's clear-sky and transposition models ({how}); "
        "method in docs/data.md. Demand is synthetic: ~90 % load factor (LBNL 2024). Costs: "
        "planner/costs.py, sources beside each number.",
        "GENERATED by `make instances`: edit planner/shipped.py, not this file.",
    )


def _default(s: Shipped) -> dict[str, Any]:
    p = s.profile
    return {
        "name": s.name,
        "description": "100 MW datacenter, ERCOT-like grid, fusion + solar + Li-ion + grid, 90 % hourly CFE",
        "time": {"start": START, "hours": HOURS},
        "demand": {"load_mw": _ref(p, "load_mw"), "value_of_lost_load_usd_per_mwh": 10000},
        "finance": {"discount_rate": _fig("discount_rate")},
        "fusion": [fusion_foak("helion", _fig("helion_microsoft_mw"))],
        "solar": [solar_build("solar_pv", _ref(p, "solar_capacity_factor"), 1000)],
        "storage": [li_ion()],
        "grid": grid_section(p, 150),
        "policy": {"hourly_cfe_target": C(0.9, "90 % hourly carbon-free energy")},
    }


def _helion_wa(s: Shipped) -> dict[str, Any]:
    p = s.profile
    return {
        "name": s.name,
        "description": "80 MW datacenter near Malaga WA, hydro grid, one 50 MW fusion offer from 2028",
        "time": {"start": START, "hours": HOURS},
        "demand": {"load_mw": _ref(p, "load_mw")},
        "finance": {"discount_rate": _fig("discount_rate")},
        "fusion": [fusion_foak("helion", _fig("helion_microsoft_mw"))],
        "solar": [solar_build("solar_pv", pvlib_block(s.site), 300)],
        "storage": [li_ion()],
        "grid": grid_section(p, 120),
        "policy": {"hourly_cfe_target": C(0.9, "90 % hourly carbon-free energy")},
    }


def _stargate_tx(s: Shipped) -> dict[str, Any]:
    p = s.profile
    return {
        "name": s.name,
        "description": "1 GW AI campus near Abilene TX, ERCOT-like grid, two fusion offers, "
        "solar, Li-ion and 100-hour storage, 90 % hourly CFE",
        "time": {"start": START, "hours": HOURS},
        "demand": {"load_mw": _ref(p, "load_mw")},
        "finance": {"discount_rate": _fig("discount_rate")},
        "fusion": [
            fusion_foak("fusion_foak", 500),
            fusion_low_capex("fusion_low_capex", 500),
        ],
        "solar": [solar_build("solar_pv", pvlib_block(s.site), 4000)],
        "storage": [li_ion(), iron_air()],
        "grid": grid_section(p, 1500),
        "policy": {"hourly_cfe_target": C(0.9, "90 % hourly carbon-free energy")},
    }


def _dc_alley_va(s: Shipped) -> dict[str, Any]:
    p = s.profile
    return {
        "name": s.name,
        "description": "300 MW campus in Ashburn VA, PJM-like grid, weaker solar bought by PPA, "
        "two fusion offers, Li-ion and 100-hour storage, 90 % hourly CFE",
        "time": {"start": START, "hours": HOURS},
        "demand": {"load_mw": _ref(p, "load_mw")},
        "finance": {"discount_rate": _fig("discount_rate")},
        "fusion": [
            fusion_foak("fusion_foak", 150),
            fusion_low_capex("fusion_low_capex", 150),
        ],
        "solar": [solar_ppa("solar_ppa", pvlib_block(s.site), 1200)],
        "storage": [li_ion(), iron_air()],
        "grid": grid_section(p, 450),
        "policy": {"hourly_cfe_target": C(0.9, "90 % hourly carbon-free energy")},
    }


def _grid_only(s: Shipped) -> dict[str, Any]:
    p = s.profile
    return {
        "name": s.name,
        "description": "reference: the 1 GW Abilene campus of stargate_tx on the grid alone, no target",
        "time": {"start": START, "hours": HOURS},
        "demand": {"load_mw": _ref(p, "load_mw")},
        "grid": grid_section(p, 1500, export=False),
    }


SHIPPED: dict[str, Shipped] = {
    s.name: s
    for s in (
        Shipped(
            "default",
            (
                "Default instance: a 100 MW AI datacenter near Abilene, Texas, 2028, small and fast.",
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
                "A ~80 MW datacenter near Malaga, Chelan County, Washington, next to Helion's planned",
                "Orion fusion plant: hydro-rich, low-carbon grid (BPA-like), modest solar. One fusion",
                "offer of up to 50 MW from 2028 (like the Helion-Microsoft PPA; its price is not",
                "public, so the first-of-a-kind price of the cost set is used), solar, Li-ion, grid;",
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
                "A 1 GW AI campus near Abilene, Texas (strong solar, ERCOT-like grid), 2028. Two fusion",
                "offers of up to 500 MW each from 2028-01-01: first-of-a-kind at a nuclear-restart PPA",
                "price, and a plant at the low end of published fusion capital costs (as a capacity",
                "charge); utility solar, 4-hour Li-ion, 100-hour iron-air storage and the grid; 90 %",
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
                "A 300 MW campus in Ashburn, Northern Virginia (PJM-like grid, weaker solar), 2028.",
                "The same two fusion offers as stargate_tx (scaled), solar bought through an offsite",
                "PPA, Li-ion, 100-hour iron-air storage and the grid; 90 % hourly CFE target.",
            ),
            ASHBURN_VA,
            300.0,
            "profiles/dc_alley_va_2028.csv",
            _dc_alley_va,
        ),
        Shipped(
            "grid_only_baseline",
            (
                "Reference: the 1 GW Abilene campus of stargate_tx supplied by the grid alone, with",
                "no clean-energy target (same demand and grid profiles as stargate_tx).",
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


def yaml_text(s: Shipped) -> str:
    """The instance file of ``s``: header comments, then the body with cited numbers."""
    body = s.build(s)
    solar_header = _solar_header(s.site, s.solar_in_csv, bool(body.get("solar")))
    header = s.header + ("",) + solar_header + ("",) + _grid_header(s.site.grid)
    lines = []
    for h in header:
        indent = "    " if h.startswith("  - ") else ""
        lines += [f"# {part}".rstrip() for part in textwrap.wrap(h, 96, subsequent_indent=indent)] or ["#"]
    return "\n".join(lines + to_yaml(body)) + "\n"


def write(instances_dir: Path = INSTANCES_DIR) -> list[Path]:
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


# -- key figures and results -----------------------------------------------------------------
def inputs_sha256(name: str, instances_dir: Path = INSTANCES_DIR) -> str:
    """Hash of an instance file and the profile CSV it reads: tells when results are stale."""
    digest = hashlib.sha256()
    digest.update((instances_dir / f"{name}.yaml").read_bytes())
    digest.update((instances_dir / SHIPPED[name].profile).read_bytes())
    return digest.hexdigest()


def key_figures(inst: Any) -> dict[str, Any]:
    """Peak load, solar capacity factor, grid means and fusion offers of a loaded instance."""
    spec = inst.spec
    w = inst.weights
    load = np.asarray(spec.demand.load_mw)
    out: dict[str, Any] = {
        "peak_load_mw": round(float(load.max()), 3),
        "energy_gwh_per_yr": round(float((w * load).sum()) / 1e3 / inst.horizon_years, 3),
        "solar_capacity_factor": (
            round(float(np.average(spec.solar[0].capacity_factor, weights=w)), 4) if spec.solar else None
        ),
        "grid_carbon_intensity_g_per_kwh": None,
        "grid_carbon_free_share": None,
        "fusion_offers": [
            {
                "name": f.name,
                "max_capacity_mw": f.max_capacity_mw,
                "energy_price_usd_per_mwh": f.energy_price_usd_per_mwh,
                "capacity_charge_usd_per_mw_yr": f.capacity_charge_usd_per_mw_yr,
                "from": str(f.commercial_operation_date or spec.time.start)[:10],
            }
            for f in spec.fusion
        ],
    }
    if spec.grid is not None:
        out["grid_carbon_intensity_g_per_kwh"] = round(
            1000 * float(np.average(spec.grid.carbon_intensity_t_per_mwh, weights=w)), 1
        )
        out["grid_carbon_free_share"] = round(float(np.average(spec.grid.carbon_free_share, weights=w)), 4)
    return out


def solve_entry(name: str, instances_dir: Path = INSTANCES_DIR) -> dict[str, Any]:
    """Solve one shipped instance over its full horizon; its entry of ``results.json``."""
    import planner

    started = time.perf_counter()
    inst = planner.load_instance(instances_dir / f"{name}.yaml")
    res = planner.solve(inst)
    wall = time.perf_counter() - started
    entry: dict[str, Any] = {
        "inputs_sha256": inputs_sha256(name, instances_dir),
        "figures": key_figures(inst),
        "status": res.status,
        "timings_s": {k: round(float(v), 2) for k, v in res.timings.items()} | {"total": round(wall, 2)},
    }
    if res.ok:
        m = res.metrics
        capacity = res.capacity.drop(index="grid", errors="ignore")
        entry["result"] = {
            "cost_usd_per_mwh": round(float(m["cost_usd_per_mwh_load"]), 2),
            "total_cost_musd_per_yr": round(float(m["total_cost_usd_per_yr"]) / 1e6, 3),
            "hourly_cfe_score": round(float(m["hourly_cfe_score"]), 4),
            "emissions_g_per_kwh": round(float(m["emissions_location_g_per_kwh"]), 1),
            "baseline_cost_usd_per_mwh": (
                round(float(m["baseline_cost_usd_per_mwh_load"]), 2)
                if "baseline_cost_usd_per_mwh_load" in m
                else None
            ),
            "capacity_mw": {str(k): round(float(v), 1) for k, v in capacity["capacity_mw"].items()},
            "energy_mwh": {
                str(k): round(float(v), 1) for k, v in capacity["energy_mwh"].dropna().items()
            },
        }
    return entry


def solve_all(names: list[str], instances_dir: Path = INSTANCES_DIR) -> Path:
    """Solve ``names`` (all if empty) one after another and update ``results.json``."""
    path = instances_dir / RESULTS_FILE
    stored = json.loads(path.read_text()) if path.exists() else {}
    for name in names or list(SHIPPED):
        print(f"solving {name} (full year) ...", flush=True)
        stored[name] = solve_entry(name, instances_dir)
        print(f"  {json.dumps(stored[name].get('result'))} in {stored[name]['timings_s']['total']} s")
        path.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    """``write [DIR]`` or ``solve [NAME ...]``."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("write", "solve"):
        print("usage: python -m planner.shipped write [DIR] | solve [NAME ...]", file=sys.stderr)
        return 2
    if args[0] == "write":
        for p in write(Path(args[1]) if len(args) > 1 else INSTANCES_DIR):
            print(f"wrote {p}")
        return 0
    unknown = [n for n in args[1:] if n not in SHIPPED]
    if unknown:
        print(f"unknown instance(s): {', '.join(unknown)} (have: {', '.join(SHIPPED)})", file=sys.stderr)
        return 2
    print(f"wrote {solve_all(args[1:])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
