"""The shipped instances: they load, say what they are, match their documented figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import ROOT

import planner
from planner.shipped.catalogue import SHIPPED, write
from planner.shipped.results import RESULTS_FILE, inputs_sha256, key_figures

INSTANCES = ROOT / "instances"

# name: (solar capacity factor, mean grid carbon intensity g/kWh, mean grid CFE share) ranges,
# from docs/data.md (solar) and the grid statistics each grid is calibrated to
RANGES = {
    "default": ((0.25, 0.29), (340, 354), (0.40, 0.46)),
    "helion_wa_2028": ((0.17, 0.21), (53, 57), (0.85, 0.90)),
    "stargate_tx": ((0.25, 0.29), (340, 354), (0.40, 0.46)),
    "dc_alley_va": ((0.20, 0.24), (356, 370), (0.40, 0.46)),
    "grid_only_baseline": (None, (340, 354), (0.40, 0.46)),
}


@pytest.fixture(scope="module")
def loaded() -> dict[str, planner.Instance]:
    return {name: planner.load_instance(INSTANCES / f"{name}.yaml") for name in SHIPPED}


def test_every_shipped_instance_is_listed_and_ranged() -> None:
    on_disk = {p.stem for p in INSTANCES.glob("*.yaml")}
    assert set(SHIPPED) <= on_disk
    assert set(RANGES) == set(SHIPPED)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_instance_loads_validates_and_has_a_full_year(
    name: str, loaded: dict[str, planner.Instance]
) -> None:
    inst = loaded[name]
    assert inst.name == name
    assert inst.hours == 8760
    assert inst.spec.grid is not None


@pytest.mark.parametrize("name", sorted(SHIPPED))
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


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_instance_header_says_what_it_represents_and_where_data_comes_from(name: str) -> None:
    text = (INSTANCES / f"{name}.yaml").read_text()
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert text.startswith("# ")
    assert "SYNTHETIC" in header and "calibrated to published statistics" in header
    assert "pvlib" in header and "TMY" in header
    assert "EIA" in header


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
    written = write(tmp_path)
    assert written
    for path in written:
        committed = INSTANCES / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run make instances"
        )


def test_generated_yaml_reads_back_as_written() -> None:
    raw = yaml.safe_load((INSTANCES / "stargate_tx.yaml").read_text())
    assert raw["solar"][0]["capacity_factor"]["pvlib"]["weather"] == "12839.tm2"
    assert raw["fusion"][0]["energy_price_usd_per_mwh"] == 112.5
    assert raw["grid"]["price_usd_per_mwh"] == {
        "csv": "profiles/stargate_tx_2028.csv",
        "column": "grid_price_usd_per_mwh",
    }


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
