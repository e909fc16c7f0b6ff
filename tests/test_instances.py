"""The shipped instances: they load, say what they are, match their documented figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

import planner
from planner.data.calendar import place
from planner.data.peaks import coincident_peaks_2022, placed
from planner.data.regions import REGIONS, derived_path, derived_text, region_2022
from planner.data.solar import capacity_factor
from planner.shipped.catalogue import SHIPPED, SITE_INSTANCES, write
from planner.shipped.costs import FIGURES
from planner.shipped.results import RESULTS_FILE, inputs_sha256, key_figures

INSTANCES = ROOT / "instances"

# name: (solar capacity factor, mean grid carbon intensity g/kWh, mean grid CFE share) ranges:
# solar from docs/data.md (TMYx weather), the grid from the region's real 2022 EIA-930 series
# (docs/data.md: direct intensity ERCOT 357.7, PJM 380.3, Bonneville 27.3 g/kWh; carbon-free
# share 0.417, 0.396, 0.920); test_instance_grid_is_its_regions_2022_data checks them exactly
RANGES = {
    "default": ((0.26, 0.27), (355, 360), (0.41, 0.42)),
    "helion_wa_2028": ((0.195, 0.205), (26, 29), (0.91, 0.93)),
    "stargate_tx": ((0.26, 0.27), (355, 360), (0.41, 0.42)),
    "dc_alley_va": ((0.23, 0.24), (378, 383), (0.39, 0.40)),
    "grid_only_baseline": (None, (355, 360), (0.41, 0.42)),
}


@pytest.fixture(scope="module")
def loaded() -> dict[str, planner.Instance]:
    return {name: planner.load_instance(INSTANCES / f"{name}.yaml") for name in SHIPPED}


def test_every_shipped_instance_is_listed_and_ranged() -> None:
    on_disk = {p.stem for p in INSTANCES.glob("*.yaml")}
    assert set(SHIPPED) <= on_disk
    assert set(RANGES) == set(SITE_INSTANCES)


@pytest.mark.parametrize("name", sorted(SITE_INSTANCES))
def test_instance_loads_validates_and_has_a_full_year(
    name: str, loaded: dict[str, planner.Instance]
) -> None:
    inst = loaded[name]
    assert inst.name == name
    assert inst.hours == 8760
    assert inst.spec.grid is not None


@pytest.mark.parametrize("name", sorted(SITE_INSTANCES))
def test_instance_profiles_fall_in_documented_ranges(
    name: str, loaded: dict[str, planner.Instance]
) -> None:
    figures = key_figures(loaded[name])
    solar, ci, cfe = RANGES[name]
    if solar is None:
        assert figures["solar_capacity_factor"] is None
    else:
        assert solar[0] <= figures["solar_capacity_factor"] <= solar[1]
    assert ci[0] <= figures["grid_carbon_intensity_g_per_kwh"] <= ci[1]
    assert cfe[0] <= figures["grid_carbon_free_share"] <= cfe[1]
    load = loaded[name].spec.demand.load_mw
    assert load.max() == pytest.approx(SHIPPED[name].peak_mw)
    assert 0.85 <= load.mean() / load.max() <= 0.95


def header_of(name: str) -> str:
    text = (INSTANCES / f"{name}.yaml").read_text()
    assert text.startswith("# ")
    return " ".join(line[1:].strip() for line in text.splitlines() if line.startswith("#"))


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_instance_header_says_what_it_represents_and_where_data_comes_from(name: str) -> None:
    header = header_of(name)
    site = SHIPPED[name].site
    assert "REFERENCES.md" not in header and "shared/" not in header
    assert "instances/data/README.md" in header and "docs/data.md" in header
    assert "EIA-930" in header and "U.S. EIA" in header
    assert "demand: SYNTHETIC" in header
    price = header.split("wholesale price, paid on imports and earned by exports:")[1]
    if site.region.price_kind == "real":
        assert price.lstrip().startswith("REAL") and "Source: ERCOT" in price
    else:
        assert price.lstrip().startswith("SYNTHETIC, not measured")
    if SHIPPED[name].build(SHIPPED[name]).get("solar"):
        assert "pvlib" in header and "TMYx" in header
    if site.key == "malaga_wa":  # the stand-in weather's bias, in numbers
        for words in ("Seattle-Tacoma", "1,252 kWh/m2", "15-20 %", "0.201", "0.035-0.05"):
            assert words in header, words


def csv_refs(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every ``{csv: ..., column: ...}`` reference of a raw instance, with its dotted path."""
    if isinstance(node, dict):
        if "csv" in node:
            return [(path, node)]
        return [r for k, v in node.items() for r in csv_refs(v, f"{path}.{k}".lstrip("."))]
    if isinstance(node, list):
        return [r for i, v in enumerate(node) for r in csv_refs(v, f"{path}[{i}]")]
    return []


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_csv_reference_states_its_provenance_and_source(name: str) -> None:
    raw = yaml.safe_load((INSTANCES / f"{name}.yaml").read_text())
    refs = dict(csv_refs(raw))
    assert refs
    for path, ref in refs.items():
        assert ref["provenance"] in ("real", "derived", "synthetic"), path
        assert len(ref["source"]) > 40 and "REFERENCES" not in ref["source"], path
    site = SHIPPED[name].site
    price = refs["grid.price_usd_per_mwh"]
    assert price["provenance"] == site.region.price_kind
    assert ("SYNTHETIC" in price["source"]) == (price["provenance"] == "synthetic")
    assert refs["demand.load_mw"]["provenance"] == "synthetic"
    for column in ("carbon_intensity_t_per_mwh", "carbon_free_share"):
        assert refs[f"grid.{column}"]["provenance"] == "derived"
        assert "EIA-930" in refs[f"grid.{column}"]["source"]
    if "grid.export_price_usd_per_mwh" in refs:  # exports earn the wholesale price
        assert refs["grid.export_price_usd_per_mwh"] == price


@pytest.mark.parametrize("name", sorted(SITE_INSTANCES))
def test_instance_grid_is_its_regions_2022_data(
    name: str, loaded: dict[str, planner.Instance]
) -> None:
    """The grid series are the region's real 2022 data (price: real or synthetic) placed on
    2028 by position; no shipped site depends on the synthetic grid generator."""
    inst = loaded[name]
    grid = inst.spec.grid
    region = SHIPPED[name].site.data.region
    year = place(region_2022(region).frame, inst.spec.time.start, inst.hours)
    np.testing.assert_array_equal(grid.price_usd_per_mwh, year["grid_wholesale_price_usd_per_mwh"])
    np.testing.assert_array_equal(grid.carbon_free_share, year["grid_carbon_free_share"])
    np.testing.assert_array_equal(
        grid.carbon_intensity_t_per_mwh, year["grid_carbon_intensity_t_per_mwh"]
    )
    if grid.export_price_usd_per_mwh is not None:
        np.testing.assert_array_equal(grid.export_price_usd_per_mwh, grid.price_usd_per_mwh)
    for path in (ROOT / "planner" / "shipped").glob("*.py"):
        assert "synthetic_grid" not in path.read_text(), path


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_instance_tariff_is_the_cost_sets_and_the_regions_peaks(
    name: str, loaded: dict[str, planner.Instance]
) -> None:
    grid = loaded[name].spec.grid
    site = SHIPPED[name].site
    assert grid.energy_charge_usd_per_mwh == FIGURES[site.tariff.energy_charge].value
    assert grid.demand_charge_usd_per_kw_month == FIGURES[site.tariff.demand_charge].value
    hours = [h.strftime("%Y-%m-%d %H:%M") for h in grid.coincident_peak_hours]
    assert hours == placed(coincident_peaks_2022(site.data.region), "2028-01-01 00:00")
    expected = {"abilene_tx": (3, 0, 60, 4), "ashburn_va": (3, 5.593, 120.1, 5)}
    expected["malaga_wa"] = (0, 6.4, 0, 0)
    charges = (
        grid.energy_charge_usd_per_mwh,
        grid.demand_charge_usd_per_kw_month,
        grid.coincident_peak_charge_usd_per_kw_yr,
        len(hours),
    )
    assert charges == expected[site.key]
    for line in (INSTANCES / f"{name}.yaml").read_text().splitlines():  # each charge cited
        if "charge_usd_per" in line:
            assert len(line.split("#", 1)[1].strip()) > 20, line


COST_FIELDS = (
    "discount_rate",
    "energy_price_usd_per_mwh",
    "capacity_charge_usd_per_mw_yr",
    "availability",
    "capex_usd_per_kw",
    "fixed_om_usd_per_kw_yr",
    "lifetime_yr",
    "ppa_price_usd_per_mwh",
    "power_capex_usd_per_kwh",
    "power_capex_usd_per_kw",
    "energy_capex_usd_per_kwh",
    "charge_efficiency",
    "discharge_efficiency",
)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_cost_in_an_instance_cites_its_source(name: str) -> None:
    for line in (INSTANCES / f"{name}.yaml").read_text().splitlines():
        key = line.strip().lstrip("- ").split(":")[0]
        if key in COST_FIELDS:
            assert "#" in line and len(line.split("#", 1)[1].strip()) > 5, line


def test_instances_and_profiles_regenerate_bit_for_bit(tmp_path: Path) -> None:
    """Everything make instances writes is current: instance files, profile CSVs and the
    per-region 2022 series of instances/data/derived/, from the shipped real files."""
    written = write(tmp_path)
    assert written
    for path in written:
        committed = INSTANCES / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run make instances"
        )
    for key in REGIONS:
        assert derived_path(key).read_bytes() == derived_text(key).encode("ascii"), (
            f"{derived_path(key)} is stale: run make instances"
        )
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\ninstances:")[1].split("\n\n")[0]
    assert "-m planner.data.regions" in target and "-m planner.shipped write instances" in target


def test_generated_yaml_reads_back_as_written() -> None:
    raw = yaml.safe_load((INSTANCES / "stargate_tx.yaml").read_text())
    weather = raw["solar"][0]["capacity_factor"]["pvlib"]["weather"]
    assert weather == "data/weather_tmyx/USA_TX_Dallas-Fort.Worth.epw"
    assert raw["fusion"][0]["energy_price_usd_per_mwh"] == 112.5
    price = raw["grid"]["price_usd_per_mwh"]
    assert {k: price[k] for k in ("csv", "column", "provenance")} == {
        "csv": "profiles/stargate_tx_2028.csv",
        "column": "grid_wholesale_price_usd_per_mwh",
        "provenance": "real",
    }
    assert raw["grid"]["coincident_peak_hours"][0] == "2028-06-19 16:00"


def test_the_axis_instances_are_their_sites_on_representative_days(
    loaded: dict[str, planner.Instance],
) -> None:
    """stargate_delivery_risk and stargate_pathway: the stargate_tx campus (same load and grid)
    on 24 representative days plus the extreme and coincident-peak days, one with scenarios
    whose probabilities sum to 1, the other with its investment periods."""
    base = loaded["stargate_tx"]
    for name in ("stargate_delivery_risk", "stargate_pathway"):
        inst = loaded[name]
        assert SHIPPED[name].axis
        assert inst.periods["count"] == 24
        assert inst.hours % 24 == 0 and 24 * 24 < inst.hours < 8760
        assert float(np.sum(inst.weights)) == pytest.approx(8760)
        assert inst.spec.demand.load_mw.max() == pytest.approx(base.spec.demand.load_mw.max())
    risk = loaded["stargate_delivery_risk"].spec.scenarios
    assert risk is not None
    assert sum(c.probability for c in risk.cases) == pytest.approx(1)
    pathway = loaded["stargate_pathway"].spec.pathway
    assert pathway is not None and list(pathway.periods) == [2028, 2030, 2032, 2035]


def test_results_file_is_current(loaded: dict[str, planner.Instance]) -> None:
    """instances/results.json (make results) was computed from the current instance files."""
    stored = json.loads((INSTANCES / RESULTS_FILE).read_text())
    assert set(stored) == set(SHIPPED), "run: make results"
    for name, entry in stored.items():
        assert entry["inputs_sha256"] == inputs_sha256(name, INSTANCES), (
            f"{name}: results are stale, run: make results"
        )
        assert entry["figures"] == json.loads(json.dumps(key_figures(loaded[name]))), name
        assert entry["status"] == "optimal"
        result = entry["result"]
        target = loaded[name].spec.policy.hourly_cfe_target
        if target is not None:
            assert result["hourly_cfe_score"] >= target - 1e-3
        assert result["cost_usd_per_mwh"] >= 0.0
        assert np.isfinite(entry["timings_s"]["highs_s"])


def site_tables() -> dict[str, dict[str, str]]:
    """docs/data.md, section "The shipped sites": instance names -> series -> shipped cell."""
    text = (ROOT / "docs" / "data.md").read_text()
    block = text.split("<!-- shipped sites -->")[1].split("<!-- /shipped sites -->")[0]
    tables = {}
    for part in block.split("### ")[1:]:
        heading, *lines = part.splitlines()
        names = heading.split(":")[1].split("(")[0]
        rows = {}
        for line in lines:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 5 and cells[0] not in ("series", "---"):
                rows[cells[0]] = cells[3]
        for name in (n.strip(" `") for n in names.split(",")):
            tables[name] = rows
    return tables


def triple(values: Any, decimals: int) -> str:
    return " / ".join(f"{v:.{decimals}f}" for v in (values.mean(), values.min(), values.max()))


def test_documented_site_statistics_are_those_of_the_shipped_files() -> None:
    tables = site_tables()
    assert set(tables) == set(SHIPPED)
    for name, rows in tables.items():
        shipped = SHIPPED[name]
        profile = pd.read_csv(INSTANCES / shipped.profile)
        derived = pd.read_csv(derived_path(shipped.site.data.region))
        assert rows["carbon-free share"] == triple(profile["grid_carbon_free_share"], 3)
        direct = profile["grid_carbon_intensity_t_per_mwh"] * 1000
        assert rows["direct carbon intensity, g/kWh"] == triple(direct, 1)
        lifecycle = derived["grid_carbon_intensity_lifecycle_t_per_mwh"] * 1000
        assert rows["life-cycle carbon intensity, g/kWh"] == triple(lifecycle, 1)
        assert rows["wind share"] == f"{100 * derived['grid_wind_share'].mean():.1f} %"
        wind = profile["wind_capacity_factor"]
        assert rows["wind capacity factor"] == triple(wind, 3)
        price = profile["grid_wholesale_price_usd_per_mwh"]
        assert rows["wholesale price, $/MWh"] == (
            f"mean {price.mean():.2f}, median {price.median():.2f}, min {price.min():.2f}, "
            f"max {price.max():,.2f}, {(price > 500).sum()} h > 500"
        )
        load = profile["load_mw"]
        assert f"load factor {load.mean() / load.max():.3f}" in rows["demand"]
        assert f"{shipped.peak_mw:,.0f} MW" in rows["demand"]
        solar = capacity_factor(shipped.site.pv_array(), INSTANCES).mean()
        assert rows["solar capacity factor"].startswith(f"{solar:.3f} single-axis"), name
        cp = next(v for k, v in rows.items() if k.startswith("coincident-peak hours"))
        hours = placed(coincident_peaks_2022(shipped.site.data.region), "2028-01-01 00:00")
        assert cp == (", ".join(hours) or "none")
