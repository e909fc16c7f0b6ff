"""Validation of instance input: every problem raises :class:`planner.InstanceError`.

Each message has the documented form ``<file>: <field path>: <what is wrong>``, e.g.
``x.yaml: storage[li_ion].charge_efficiency: ...``; items of ``fusion``, ``solar`` and
``storage`` are named by their ``name``. CSV rows are numbered as lines of the file: the
header is line 1, so data row 0 is "row 2". No test here solves anything.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import planner

ROOT = Path(__file__).resolve().parents[1]
SRC = "x.yaml"
HOURS = 4


# -- helpers --------------------------------------------------------------------------------
def valid_raw() -> dict[str, Any]:
    """A small valid instance with one resource of each kind and a grid (no CSV)."""
    return {
        "name": "small",
        "time": {"start": "2028-01-01 00:00", "hours": HOURS},
        "demand": {"load_mw": 10.0},
        "fusion": [{"name": "helion", "max_capacity_mw": 50, "energy_price_usd_per_mwh": 70}],
        "solar": [
            {
                "name": "solar_pv",
                "capacity_factor": 0.25,
                "max_capacity_mw": 100,
                "procurement": "build",
                "capex_usd_per_kw": 1285,
                "lifetime_yr": 30,
            }
        ],
        "storage": [
            {
                "name": "li_ion",
                "power_capex_usd_per_kw": 466,
                "energy_capex_usd_per_kwh": 274,
                "lifetime_yr": 15,
                "charge_efficiency": 0.95,
                "discharge_efficiency": 0.95,
            }
        ],
        "grid": {
            "price_usd_per_mwh": 40.0,
            "carbon_intensity_t_per_mwh": 0.4,
            "carbon_free_share": 0.3,
        },
    }


def load(raw: dict[str, Any], base_dir: Path) -> planner.Instance:
    return planner.Instance.from_dict(raw, base_dir=base_dir, source=SRC)


def problems(raw: dict[str, Any], base_dir: Path) -> list[str]:
    """The problems of an invalid instance (fails if it loads)."""
    with pytest.raises(planner.InstanceError) as info:
        load(raw, base_dir)
    err = info.value
    assert err.problems, "an InstanceError must carry at least one problem"
    # the exception text lists every problem
    for p in err.problems:
        assert p in str(err)
    return err.problems


def single(raw: dict[str, Any], base_dir: Path, prefix: str) -> str:
    """The only problem of an invalid instance; it must start with ``prefix``."""
    found = problems(raw, base_dir)
    assert len(found) == 1, found
    assert found[0].startswith(prefix), found[0]
    return found[0]


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    """tmp_path holding profiles.csv: HOURS rows, one clean column and some bad ones."""
    frame = pd.DataFrame(
        {
            "timestamp": pd.date_range("2028-01-01", periods=HOURS, freq="h").strftime(
                "%Y-%m-%d %H:%M"
            ),
            "load_mw": [10.0, 11.0, 12.0, 13.0],
            "negative_load": [10.0, 11.0, -3.0, 13.0],  # data row 2 -> CSV row 4
            "cfs_too_high": [0.3, 1.2, 0.4, 0.5],  # data row 1 -> CSV row 3
        }
    )
    frame.to_csv(tmp_path / "profiles.csv", index=False)
    # hand-written so that the cells are exactly as a user would type them
    (tmp_path / "cells.csv").write_text(
        "load_mw,with_text,with_empty,with_nan\n"
        "10,10,10,10\n"
        "11,11,,11\n"  # data row 1 -> CSV row 3: empty cell
        "12,abc,12,nan\n"  # data row 2 -> CSV row 4: text cell, 'nan' cell
        "13,13,13,13\n",
        encoding="utf-8",
    )
    return tmp_path


def csv_ref(column: str, csv: str = "profiles.csv") -> dict[str, str]:
    return {"csv": csv, "column": column}


# -- a valid instance -----------------------------------------------------------------------
def test_valid_instance_loads(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("load_mw")
    inst = load(raw, csv_dir)
    assert inst.hours == HOURS
    assert inst.source == SRC
    np.testing.assert_array_equal(inst.spec.demand.load_mw, [10, 11, 12, 13])
    # constants are broadcast to one value per hour
    np.testing.assert_array_equal(inst.spec.grid.carbon_free_share, [0.3] * HOURS)


def test_default_instance_loads() -> None:
    inst = planner.load_instance(ROOT / "instances" / "default.yaml")
    assert inst.hours == 8760
    assert len(inst.spec.demand.load_mw) == 8760


# -- structure: unknown, missing, wrong type, out of range -----------------------------------
def test_unknown_top_level_key(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["colour"] = "blue"
    single(raw, tmp_path, "x.yaml: colour: unknown field")


def test_unknown_key_inside_resource(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["storage"][0]["round_trip_efficiency"] = 0.9
    single(raw, tmp_path, "x.yaml: storage[li_ion].round_trip_efficiency: unknown field")


def test_unknown_key_inside_series_reference(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = {**csv_ref("load_mw"), "sheet": 1}
    single(raw, csv_dir, "x.yaml: demand.load_mw.sheet: unknown field")


@pytest.mark.parametrize(
    ("drop", "prefix"),
    [
        (
            ("storage", 0, "lifetime_yr"),
            "x.yaml: storage[li_ion].lifetime_yr: required field is missing",
        ),
        (
            ("fusion", 0, "energy_price_usd_per_mwh"),
            "x.yaml: fusion[helion].energy_price_usd_per_mwh: required field is missing",
        ),
        (
            ("grid", "carbon_free_share"),
            "x.yaml: grid.carbon_free_share: required field is missing",
        ),
        (("demand",), "x.yaml: demand: required field is missing"),
    ],
)
def test_missing_required_field(tmp_path: Path, drop: tuple[Any, ...], prefix: str) -> None:
    raw = valid_raw()
    node: Any = raw
    for part in drop[:-1]:
        node = node[part]
    del node[drop[-1]]
    single(raw, tmp_path, prefix)


def test_missing_resource_name_is_reported_by_position(tmp_path: Path) -> None:
    raw = valid_raw()
    del raw["storage"][0]["name"]
    single(raw, tmp_path, "x.yaml: storage[0].name: required field is missing")


@pytest.mark.parametrize(
    ("path", "value", "prefix"),
    [
        (("fusion", 0, "max_capacity_mw"), "lots", "x.yaml: fusion[helion].max_capacity_mw: "),
        (("time", "hours"), "three", "x.yaml: time.hours: "),
        (("time", "start"), "soon", "x.yaml: time.start: "),
        (("fusion", 0, "contract_type"), "maybe", "x.yaml: fusion[helion].contract_type: "),
        (("storage",), {"name": "li_ion"}, "x.yaml: storage: "),
    ],
)
def test_wrong_type(tmp_path: Path, path: tuple[Any, ...], value: Any, prefix: str) -> None:
    raw = valid_raw()
    node: Any = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    message = single(raw, tmp_path, prefix)
    # the offending value is quoted; a mapping or list is named by its type, not dumped
    shown = f"a {type(value).__name__}" if isinstance(value, (dict, list)) else repr(value)
    assert message.endswith(f"got {shown}"), message


def test_hourly_field_of_wrong_type(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["grid"]["price_usd_per_mwh"] = "cheap"
    message = single(
        raw,
        tmp_path,
        "x.yaml: grid.price_usd_per_mwh: must be a number or {csv: FILE, column: NAME}",
    )
    assert "'cheap'" in message


def test_hourly_field_of_wrong_type_quotes_the_value_once(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["grid"]["price_usd_per_mwh"] = "cheap"
    (message,) = problems(raw, tmp_path)
    assert message.count("got") == 1, message


@pytest.mark.parametrize(
    ("path", "prefix"),
    [
        (("time", "hours"), "x.yaml: time.hours: "),
        (("storage", 0, "charge_efficiency"), "x.yaml: storage[li_ion].charge_efficiency: "),
    ],
)
def test_boolean_for_a_number_is_rejected(
    tmp_path: Path, path: tuple[Any, ...], prefix: str
) -> None:
    raw = valid_raw()
    node: Any = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = True
    single(raw, tmp_path, prefix)


@pytest.mark.parametrize(
    ("path", "value", "prefix"),
    [
        (("storage", 0, "charge_efficiency"), 1.3, "x.yaml: storage[li_ion].charge_efficiency: "),
        (
            ("storage", 0, "discharge_efficiency"),
            0.0,
            "x.yaml: storage[li_ion].discharge_efficiency: ",
        ),
        (("solar", 0, "max_capacity_mw"), -5, "x.yaml: solar[solar_pv].max_capacity_mw: "),
        (("fusion", 0, "max_capacity_mw"), -1, "x.yaml: fusion[helion].max_capacity_mw: "),
        (("policy", "hourly_cfe_target"), 1.2, "x.yaml: policy.hourly_cfe_target: "),
        (("finance", "discount_rate"), 1.0, "x.yaml: finance.discount_rate: "),
        (("time", "hours"), 0, "x.yaml: time.hours: "),
    ],
)
def test_out_of_range_scalar(
    tmp_path: Path, path: tuple[Any, ...], value: Any, prefix: str
) -> None:
    raw = valid_raw()
    node: Any = raw
    for part in path[:-1]:
        node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
    node[path[-1]] = value
    message = single(raw, tmp_path, prefix)
    assert message.endswith(f"got {value!r}"), message


def test_invalid_resource_name(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["storage"][0]["name"] = "li ion"
    message = single(raw, tmp_path, "x.yaml: storage[li ion].name: ")
    assert "must match" in message


# -- hourly series: constants, CSV columns, arrays ------------------------------------------
def test_constant_series_out_of_range(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["grid"]["carbon_free_share"] = 1.5
    single(raw, tmp_path, "x.yaml: grid.carbon_free_share: must be in [0, 1], got 1.5")


def test_constant_series_not_finite(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = float("nan")
    single(raw, tmp_path, "x.yaml: demand.load_mw: must be a finite number, got nan")


def test_csv_file_missing(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("load_mw", csv="nowhere.csv")
    message = single(raw, csv_dir, "x.yaml: demand.load_mw: CSV file 'nowhere.csv' not found")
    assert str(csv_dir) in message  # says where it looked


def test_csv_column_missing(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["solar"][0]["capacity_factor"] = csv_ref("solar_cf")
    message = single(
        raw,
        csv_dir,
        "x.yaml: solar[solar_pv].capacity_factor: CSV file 'profiles.csv' has no column 'solar_cf'",
    )
    assert "load_mw" in message  # lists the columns it has


def test_csv_too_few_rows(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["time"]["hours"] = HOURS + 2
    raw["demand"]["load_mw"] = csv_ref("load_mw")
    single(
        raw,
        csv_dir,
        f"x.yaml: demand.load_mw: profiles.csv column 'load_mw' has {HOURS} rows, "
        f"time.hours needs {HOURS + 2}",
    )


def test_csv_longer_than_horizon_is_truncated(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["time"]["hours"] = 2
    raw["demand"]["load_mw"] = csv_ref("load_mw")
    np.testing.assert_array_equal(load(raw, csv_dir).spec.demand.load_mw, [10, 11])


def test_csv_non_numeric_cell_names_the_row(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("with_text", csv="cells.csv")
    message = single(
        raw,
        csv_dir,
        "x.yaml: demand.load_mw: cells.csv column 'with_text' row 4: not a finite number",
    )
    assert "'abc'" in message


@pytest.mark.parametrize(("column", "row"), [("with_empty", 3), ("with_nan", 4)])
def test_csv_nan_cell_names_the_row(csv_dir: Path, column: str, row: int) -> None:
    raw = valid_raw()
    raw["grid"]["price_usd_per_mwh"] = csv_ref(column, csv="cells.csv")
    single(
        raw,
        csv_dir,
        f"x.yaml: grid.price_usd_per_mwh: cells.csv column '{column}' row {row}: not a finite number",
    )


def test_csv_nan_cell_message_does_not_leak_numpy_repr(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["grid"]["price_usd_per_mwh"] = csv_ref("with_empty", csv="cells.csv")
    (message,) = problems(raw, csv_dir)
    assert "np.float64" not in message, message


def test_csv_several_bad_cells_counted(csv_dir: Path) -> None:
    (csv_dir / "many.csv").write_text("v\n1\nx\ny\nz\n", encoding="utf-8")
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("v", csv="many.csv")
    message = single(
        raw, csv_dir, "x.yaml: demand.load_mw: many.csv column 'v' row 3: not a finite number"
    )
    assert "2 more such rows" in message


def test_csv_negative_load(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("negative_load")
    single(
        raw,
        csv_dir,
        "x.yaml: demand.load_mw: profiles.csv column 'negative_load' row 4: must be >= 0, got -3.0",
    )


def test_csv_carbon_free_share_above_one(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["grid"]["carbon_free_share"] = csv_ref("cfs_too_high")
    single(
        raw,
        csv_dir,
        "x.yaml: grid.carbon_free_share: profiles.csv column 'cfs_too_high' row 3: "
        "must be in [0, 1], got 1.2",
    )


def test_csv_unreadable(csv_dir: Path) -> None:
    (csv_dir / "empty.csv").write_text("", encoding="utf-8")
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("load_mw", csv="empty.csv")
    single(raw, csv_dir, "x.yaml: demand.load_mw: CSV file 'empty.csv' cannot be read")


@pytest.mark.parametrize(
    ("values", "prefix"),
    [
        ([10.0, 11.0], "x.yaml: demand.load_mw: array has 2 rows, time.hours needs 4"),
        ([10.0] * 6, "x.yaml: demand.load_mw: array has 6 values, time.hours is 4"),
        (np.full(6, 10.0), "x.yaml: demand.load_mw: array has 6 values, time.hours is 4"),
    ],
)
def test_series_list_of_wrong_length(tmp_path: Path, values: Any, prefix: str) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = values
    single(raw, tmp_path, prefix)


def test_series_list_of_right_length(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = [1, 2, 3, 4]
    np.testing.assert_array_equal(load(raw, tmp_path).spec.demand.load_mw, [1, 2, 3, 4])


def test_series_list_with_nan_names_the_index(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = [1.0, 2.0, float("nan"), 4.0]
    single(raw, tmp_path, "x.yaml: demand.load_mw: array row 2: not a finite number")


def test_series_list_out_of_range_names_the_index(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["fusion"][0]["availability"] = [0.9, 0.9, 0.9, 1.1]
    single(
        raw,
        tmp_path,
        "x.yaml: fusion[helion].availability: array row 3: must be in [0, 1], got 1.1",
    )


def test_series_list_of_text(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = [1, "a", 3, 4]
    single(raw, tmp_path, "x.yaml: demand.load_mw: must be a sequence of numbers")


# -- names and cross-field rules --------------------------------------------------------------
def test_duplicate_names_across_kinds(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["storage"][0]["name"] = "helion"
    single(raw, tmp_path, "x.yaml: storage[helion].name: duplicate name (also used in fusion)")


def test_resource_named_grid(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["solar"][0]["name"] = "grid"
    single(raw, tmp_path, "x.yaml: solar[grid].name: 'grid' is reserved for the grid")


def test_solar_build_without_capex(tmp_path: Path) -> None:
    raw = valid_raw()
    del raw["solar"][0]["capex_usd_per_kw"]
    single(raw, tmp_path, "x.yaml: solar[solar_pv]: procurement 'build' needs capex_usd_per_kw")


def test_solar_ppa_without_price(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["solar"][0]["procurement"] = "ppa"
    single(raw, tmp_path, "x.yaml: solar[solar_pv]: procurement 'ppa' needs ppa_price_usd_per_mwh")


def test_storage_max_duration_below_min(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["storage"][0].update(min_duration_h=4, max_duration_h=2)
    single(
        raw, tmp_path, "x.yaml: storage[li_ion]: max_duration_h (2.0) is below min_duration_h (4.0)"
    )


def test_both_emissions_cap_forms(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["policy"] = {"emissions_cap_t_per_yr": 1000, "emissions_cap_fraction_of_baseline": 0.5}
    single(
        raw,
        tmp_path,
        "x.yaml: policy: set emissions_cap_t_per_yr or emissions_cap_fraction_of_baseline, not both",
    )


def test_emissions_cap_fraction_needs_a_grid(tmp_path: Path) -> None:
    raw = valid_raw()
    del raw["grid"]
    raw["policy"] = {"emissions_cap_fraction_of_baseline": 0.5}
    single(
        raw,
        tmp_path,
        "x.yaml: policy.emissions_cap_fraction_of_baseline: needs a grid to define the baseline",
    )


def test_export_limit_without_export_price(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["grid"]["export_limit_mw"] = 5
    single(
        raw, tmp_path, "x.yaml: grid: export_limit_mw is set but export_price_usd_per_mwh is not"
    )


def test_cross_field_message_does_not_dump_the_mapping(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["storage"][0].update(min_duration_h=4, max_duration_h=2)
    (message,) = problems(raw, tmp_path)
    assert "power_capex_usd_per_kw" not in message, message


# -- several problems at once ---------------------------------------------------------------
def test_several_structure_problems_reported_at_once(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["colour"] = "blue"
    raw["storage"][0]["charge_efficiency"] = 1.3
    raw["solar"][0]["max_capacity_mw"] = -5
    del raw["fusion"][0]["energy_price_usd_per_mwh"]
    with pytest.raises(planner.InstanceError) as info:
        load(raw, tmp_path)
    err = info.value
    assert len(err.problems) == 4, err.problems
    assert all(p.startswith("x.yaml: ") for p in err.problems)
    text = str(err)
    assert text.startswith("4 problems in the instance:")
    for where in (
        "colour",
        "storage[li_ion].charge_efficiency",
        "solar[solar_pv].max_capacity_mw",
        "fusion[helion].energy_price_usd_per_mwh",
    ):
        assert f"x.yaml: {where}: " in text


def test_several_series_and_name_problems_reported_at_once(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("negative_load")
    raw["grid"]["carbon_free_share"] = csv_ref("cfs_too_high")
    raw["grid"]["price_usd_per_mwh"] = csv_ref("nope")
    raw["fusion"][0]["availability"] = [1.0, 2.0]
    raw["solar"][0]["name"] = "li_ion"
    with pytest.raises(planner.InstanceError) as info:
        load(raw, csv_dir)
    err = info.value
    assert len(err.problems) == 5, err.problems
    joined = "\n".join(err.problems)
    for where in (
        "x.yaml: demand.load_mw: profiles.csv column 'negative_load' row 4",
        "x.yaml: grid.carbon_free_share: profiles.csv column 'cfs_too_high' row 3",
        "x.yaml: grid.price_usd_per_mwh: CSV file 'profiles.csv' has no column 'nope'",
        "x.yaml: fusion[helion].availability: array has 2 rows",
        "x.yaml: storage[li_ion].name: duplicate name",
    ):
        assert where in joined


# -- files ------------------------------------------------------------------------------------
def write_yaml(path: Path, raw: Any) -> Path:
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_load_instance_resolves_csv_next_to_the_file(
    csv_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("load_mw")
    path = write_yaml(csv_dir / "inst.yaml", raw)
    monkeypatch.chdir(ROOT)  # the working directory must not matter
    inst = planner.load_instance(path)
    assert inst.source == str(path)
    np.testing.assert_array_equal(inst.spec.demand.load_mw, [10, 11, 12, 13])


def test_load_instance_message_names_the_file(csv_dir: Path) -> None:
    raw = valid_raw()
    raw["storage"][0]["charge_efficiency"] = 1.3
    raw["demand"]["load_mw"] = csv_ref("load_mw")
    path = write_yaml(csv_dir / "inst.yaml", raw)
    with pytest.raises(planner.InstanceError) as info:
        planner.load_instance(path)
    (message,) = info.value.problems
    assert message.startswith(f"{path}: storage[li_ion].charge_efficiency: ")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("- a\n- b\n", "list"),
        ("just a string\n", "str"),
        ("42\n", "int"),
        ("", "an empty file"),
        ("# only a comment\n", "an empty file"),
    ],
)
def test_non_mapping_yaml(tmp_path: Path, text: str, kind: str) -> None:
    path = tmp_path / "inst.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(planner.InstanceError) as info:
        planner.load_instance(path)
    assert info.value.problems == [f"{path}: must hold a mapping of sections, got {kind}"]


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "inst.yaml"
    path.write_text("name: x\ntime: {start: 2028-01-01\n  hours: [\n", encoding="utf-8")
    with pytest.raises(planner.InstanceError) as info:
        planner.load_instance(path)
    (message,) = info.value.problems
    assert message.startswith(f"{path}: not valid YAML: ")


def test_missing_instance_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(planner.InstanceError) as info:
        planner.load_instance(path)
    assert info.value.problems == [f"{path}: file not found"]


def test_instance_path_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(planner.InstanceError) as info:
        planner.load_instance(tmp_path)
    (message,) = info.value.problems
    assert message.startswith(f"{tmp_path}: cannot read: ")


# -- overrides ----------------------------------------------------------------------------------
@pytest.fixture
def small(csv_dir: Path) -> planner.Instance:
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("load_mw")
    raw["policy"] = {"hourly_cfe_target": 0.9}
    return load(raw, csv_dir)


def test_override_policy_target(small: planner.Instance) -> None:
    new = small.with_overrides({"policy.hourly_cfe_target": 0.95})
    assert new.spec.policy.hourly_cfe_target == 0.95
    assert small.spec.policy.hourly_cfe_target == 0.9  # the original is unchanged
    assert new.source == small.source


def test_override_resource_field_by_name(small: planner.Instance) -> None:
    new = small.with_overrides({"fusion.helion.energy_price_usd_per_mwh": 55})
    assert new.spec.fusion[0].energy_price_usd_per_mwh == 55
    assert small.spec.fusion[0].energy_price_usd_per_mwh == 70


def test_override_hours_shortens_csv_series(small: planner.Instance) -> None:
    new = small.with_overrides({"time.hours": 2})
    assert new.hours == 2
    np.testing.assert_array_equal(new.spec.demand.load_mw, [10, 11])
    assert len(new.spec.grid.price_usd_per_mwh) == 2
    assert len(new.weights) == 2
    assert small.hours == HOURS


def test_override_hours_shortens_default_instance() -> None:
    inst = planner.load_instance(ROOT / "instances" / "default.yaml")
    new = inst.with_overrides({"time.hours": 24})
    assert new.hours == 24
    for series in (
        new.spec.demand.load_mw,
        new.spec.solar[0].capacity_factor,
        new.spec.grid.price_usd_per_mwh,
    ):
        assert len(series) == 24
    np.testing.assert_array_equal(new.spec.demand.load_mw, inst.spec.demand.load_mw[:24])


def test_override_hours_beyond_csv(small: planner.Instance) -> None:
    with pytest.raises(planner.InstanceError) as info:
        small.with_overrides({"time.hours": HOURS + 1})
    (message,) = info.value.problems
    assert message.startswith("x.yaml: demand.load_mw: profiles.csv column 'load_mw' has 4 rows")


def test_override_series_with_array(small: planner.Instance) -> None:
    new = small.with_overrides({"grid.price_usd_per_mwh": np.array([1.0, 2.0, 3.0, 4.0])})
    np.testing.assert_array_equal(new.spec.grid.price_usd_per_mwh, [1, 2, 3, 4])


def test_override_unknown_resource_name(small: planner.Instance) -> None:
    with pytest.raises(planner.InstanceError) as info:
        small.with_overrides({"fusion.tokamak.energy_price_usd_per_mwh": 55})
    assert info.value.problems == [
        "x.yaml: override 'fusion.tokamak.energy_price_usd_per_mwh': "
        "no item named 'tokamak' in fusion (have: helion)"
    ]


def test_override_unknown_field_of_a_resource(small: planner.Instance) -> None:
    with pytest.raises(planner.InstanceError) as info:
        small.with_overrides({"storage.li_ion.colour": "red"})
    assert info.value.problems == ["x.yaml: storage[li_ion].colour: unknown field"]


def test_override_unknown_policy_field(small: planner.Instance) -> None:
    with pytest.raises(planner.InstanceError) as info:
        small.with_overrides({"policy.cfe_target": 0.95})
    assert info.value.problems == [
        "x.yaml: policy.cfe_target: unknown field (did you mean 'hourly_cfe_target'?)"
    ]


def test_override_unknown_section(small: planner.Instance) -> None:
    with pytest.raises(planner.InstanceError) as info:
        small.with_overrides({"polcy.hourly_cfe_target": 0.95})
    assert info.value.problems == [
        "x.yaml: override 'polcy.hourly_cfe_target': unknown section 'polcy'"
    ]


def test_override_missing_resource_section(tmp_path: Path) -> None:
    raw = valid_raw()
    del raw["fusion"]
    inst = load(raw, tmp_path)
    with pytest.raises(planner.InstanceError) as info:
        inst.with_overrides({"fusion.helion.energy_price_usd_per_mwh": 55})
    (message,) = info.value.problems
    assert message.startswith("x.yaml: override 'fusion.helion.energy_price_usd_per_mwh': ")
    assert "no fusion section" in message


def test_override_invalid_value(small: planner.Instance) -> None:
    with pytest.raises(planner.InstanceError) as info:
        small.with_overrides({"policy.hourly_cfe_target": 1.5})
    (message,) = info.value.problems
    assert message.startswith("x.yaml: policy.hourly_cfe_target: ")


def test_override_bad_paths_reported_at_once(small: planner.Instance) -> None:
    with pytest.raises(planner.InstanceError) as info:
        small.with_overrides(
            {"fusion.nope.max_capacity_mw": 1, "storage.nope.lifetime_yr": 2, "policy..x": 3}
        )
    assert len(info.value.problems) == 3, info.value.problems


def test_override_replaces_a_whole_item_by_name(small: planner.Instance) -> None:
    item = {**small.raw["fusion"][0], "max_capacity_mw": 7.0}
    changed = small.with_overrides({"fusion.helion": item})
    assert changed.spec.fusion[0].max_capacity_mw == 7.0
    with pytest.raises(planner.InstanceError) as info:
        small.with_overrides({"fusion.nope": item})
    (message,) = info.value.problems
    assert message.startswith("x.yaml: override 'fusion.nope': no item named 'nope' in fusion")


def test_from_dict_does_not_modify_its_input(tmp_path: Path) -> None:
    raw = valid_raw()
    before = copy.deepcopy(raw)
    load(raw, tmp_path)
    assert raw == before


# -- hardening: timestamps, encodings, headers, YAML keys, limits ------------------------------
def stamped_csv(folder: Path, stamps: list[str], name: str = "stamped.csv") -> dict[str, str]:
    """A CSV with a ``timestamp`` column and ``load_mw`` 10, 11, ...; returns its reference."""
    rows = "".join(f"{s},{10 + i}\n" for i, s in enumerate(stamps))
    (folder / name).write_text("timestamp,load_mw\n" + rows, encoding="utf-8")
    return csv_ref("load_mw", csv=name)


HOURS_OF_DAY = [f"2028-01-01 {h:02d}:00" for h in range(6)]


@pytest.mark.parametrize(
    ("stamps", "message"),
    [
        (
            [HOURS_OF_DAY[i] for i in (0, 2, 1, 3, 4, 5)],
            "stamped.csv row 3: timestamp 2028-01-01 02:00 is not one hour after row 2 "
            "(2028-01-01 00:00): the rows must be consecutive hours in time order",
        ),
        (
            [HOURS_OF_DAY[i] for i in (0, 1, 1, 2, 3, 4)],
            "stamped.csv row 4: timestamp 2028-01-01 01:00 is not one hour after row 3",
        ),
        (
            [f"2027-01-01 {h:02d}:00" for h in range(6)],
            "stamped.csv row 2: timestamp 2027-01-01 00:00 is not time.start (2028-01-01 00:00)",
        ),
        (
            [*HOURS_OF_DAY[:2], "soon", *HOURS_OF_DAY[3:]],
            "stamped.csv row 4: timestamp 'soon' is not a local date and time",
        ),
        (
            [*HOURS_OF_DAY[:3], "2028-01-01T03:00+01:00", *HOURS_OF_DAY[4:]],
            "stamped.csv row 5: timestamp '2028-01-01T03:00+01:00' is not a local date and time "
            "such as 2028-01-01 00:00 (no time zone)",
        ),
    ],
)
def test_csv_timestamps_must_be_consecutive_hours_from_start(
    tmp_path: Path, stamps: list[str], message: str
) -> None:
    raw = valid_raw()
    raw["demand"]["load_mw"] = stamped_csv(tmp_path, stamps)
    raw["grid"]["price_usd_per_mwh"] = csv_ref(
        "load_mw", csv="stamped.csv"
    )  # same file: one message
    single(raw, tmp_path, f"x.yaml: demand.load_mw: {message}")


def test_csv_timestamps_beyond_the_horizon_and_other_formats_are_fine(tmp_path: Path) -> None:
    raw = valid_raw()  # 4 hours: rows 5 and 6 are not used
    stamps = [
        "2028-01-01T00:00",
        "2028-01-01 01:00:00",
        "2028-01-01 02:00",
        "2028-01-01 03:00",
        "2020-05-05 00:00",
        "x",
    ]
    raw["demand"]["load_mw"] = stamped_csv(tmp_path, stamps)
    np.testing.assert_array_equal(load(raw, tmp_path).spec.demand.load_mw, [10, 11, 12, 13])


def test_csv_with_byte_order_mark_loads(tmp_path: Path) -> None:
    (tmp_path / "bom.csv").write_bytes("\ufeffload_mw\n1\n2\n3\n4\n".encode("utf-8"))
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("load_mw", csv="bom.csv")
    np.testing.assert_array_equal(load(raw, tmp_path).spec.demand.load_mw, [1, 2, 3, 4])


def test_csv_not_utf8_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "latin.csv").write_bytes(
        "load_mw,site\n1,a\n2,Z\xfcrich\n3,b\n4,c\n".encode("latin-1")
    )
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref("load_mw", csv="latin.csv")
    single(
        raw,
        tmp_path,
        "x.yaml: demand.load_mw: CSV file 'latin.csv': not UTF-8 text: line 3 has the byte 0xfc",
    )


@pytest.mark.parametrize(
    ("header", "column", "message"),
    [
        ("load_mw,load_mw", "load_mw", "CSV file 'h.csv' has the column 'load_mw' more than once"),
        (
            "timestamp, load_mw",
            "load_mw",
            "CSV file 'h.csv' has no column 'load_mw' (columns: timestamp,  load_mw); ' load_mw' has spaces around its name",
        ),
        (
            "timestamp;load_mw",
            "load_mw",
            "the header looks separated by ';': save the file with commas",
        ),
        ("timestamp,load_MW", "load_mw", "did you mean 'load_MW'?"),
    ],
)
def test_csv_header_problems_are_explained(
    tmp_path: Path, header: str, column: str, message: str
) -> None:
    (tmp_path / "h.csv").write_text(header + "\n" + "1,2\n" * HOURS, encoding="utf-8")
    raw = valid_raw()
    raw["demand"]["load_mw"] = csv_ref(column, csv="h.csv")
    found = single(raw, tmp_path, "x.yaml: demand.load_mw: CSV file 'h.csv' ")
    assert message in found, found


def test_yaml_key_given_twice_is_refused_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "inst.yaml"
    path.write_text(
        yaml.safe_dump(valid_raw(), sort_keys=False)
        + "policy: {hourly_cfe_target: 0.9}\npolicy: {}\n",
        encoding="utf-8",
    )
    (message,) = problems_of_file(path)
    assert message.startswith(f"{path}: not valid YAML: while reading a mapping")
    assert "found the key 'policy' twice (first on line" in message
    assert f'in "inst.yaml", line {len(path.read_text().splitlines())}' in message


def test_yaml_merge_keys_still_work(tmp_path: Path) -> None:
    path = tmp_path / "inst.yaml"
    path.write_text(
        "name: x\ntime: {start: 2028-01-01 00:00, hours: 2}\ndemand: {load_mw: 1}\n"
        "storage:\n  - &li {name: a, power_capex_usd_per_kw: 1, energy_capex_usd_per_kwh: 1,\n"
        "      lifetime_yr: 10, charge_efficiency: 0.9, discharge_efficiency: 0.9}\n"
        "  - {<<: *li, name: b, lifetime_yr: 20}\n",
        encoding="utf-8",
    )
    inst = planner.load_instance(path)
    assert [(s.name, s.lifetime_yr) for s in inst.spec.storage] == [("a", 10), ("b", 20)]


def problems_of_file(path: Path) -> list[str]:
    with pytest.raises(planner.InstanceError) as info:
        planner.load_instance(path)
    return info.value.problems


@pytest.mark.parametrize(
    ("content", "start"),
    [
        (b"name: x\ndescription: \xe9t\xe9\n", "not UTF-8 text: line 2 has the byte 0xe9"),
        (
            b"name: x\ntime: {start: 2028-13-45}\n",
            "not valid YAML: cannot read the value '2028-13-45' (month must be in 1..12)",
        ),
        (b"name: !!int x\n", "not valid YAML: cannot read the value 'x'"),
        (
            b"name: x\nloop: &a [*a]\n",
            "nested more than 64 levels deep (a YAML alias used inside its own anchor?)",
        ),
        (
            b"name: " + b"[" * 2000 + b"]" * 2000 + b"\n",
            "not valid YAML: nested more than 64 levels deep",
        ),
        (
            b"a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + b"".join(
                b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n"
                % ((c,) * 2 + (c - 1,) * 10)
                for c in range(98, 106)
            ),
            "holds more than 5,000,000 values",
        ),
    ],
)
def test_unreadable_yaml_is_one_problem_naming_the_file(
    tmp_path: Path, content: bytes, start: str
) -> None:
    path = tmp_path / "inst.yaml"
    path.write_bytes(content)
    (message,) = problems_of_file(path)
    assert message.startswith(f"{path}: {start}"), message


def test_yaml_with_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "inst.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + yaml.safe_dump(valid_raw()).encode("utf-8"))
    assert planner.load_instance(path).hours == HOURS


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("time", "start"),
            2028,
            "time.start: must be a timestamp such as 2028-01-01 00:00, got 2028",
        ),
        (
            ("time", "start"),
            "1700000000",
            "time.start: must be a timestamp such as 2028-01-01 00:00, got '1700000000'",
        ),
        (
            ("time", "start"),
            "2028-01-01T00:00+05:00",
            "time.start: must be a local timestamp without a time zone",
        ),
        (
            ("time", "start"),
            "2028-01-01 00:30",
            "time.start: must be on the hour (hour-beginning timestamps), got 2028-01-01 00:30:00",
        ),
        (
            ("fusion", 0, "commercial_operation_date"),
            "2028-01-01T06:00Z",
            "fusion[helion].commercial_operation_date: must be a local timestamp",
        ),
        (("time", "hours"), 10**9, "time.hours: must be <= 878400, got 1000000000"),
        (
            ("storage", 0, "lifetime_yr"),
            0.5,
            "storage[li_ion].lifetime_yr: must be >= 1.0, got 0.5",
        ),
        (
            ("fusion", 0, "max_capacity_mw"),
            1e13,
            "fusion[helion].max_capacity_mw: must be at most 1e+12 in magnitude, got 1e+13",
        ),
        (
            ("grid", "price_usd_per_mwh"),
            -1e300,
            "grid.price_usd_per_mwh: must be at most 1e+12 in magnitude, got -1e+300",
        ),
        (
            ("grid", "price_usd_per_mwh"),
            [1.0, 2.0, 3e12, 4.0],
            "grid.price_usd_per_mwh: array row 2: must be at most 1e+12 in magnitude, got 3000000000000.0",
        ),
        (
            ("time", "representative_periods"),
            {"count": 1, "period_hours": 2, "seed": 2**40},
            "time.representative_periods.seed: must be <= 4294967295",
        ),
    ],
)
def test_limits_of_values(tmp_path: Path, path: tuple[Any, ...], value: Any, message: str) -> None:
    raw = valid_raw()
    node: Any = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    single(raw, tmp_path, f"x.yaml: {message}")


def test_start_as_a_date_is_midnight(tmp_path: Path) -> None:
    raw = valid_raw()
    raw["time"]["start"] = "2028-03-01"
    assert str(load(raw, tmp_path).timestamps[0]) == "2028-03-01 00:00:00"


@pytest.mark.parametrize("raw", [[1, 2], "text", None])
def test_from_dict_of_a_non_mapping(raw: Any) -> None:
    with pytest.raises(planner.InstanceError) as info:
        planner.Instance.from_dict(raw, source="x.yaml")
    assert info.value.problems == [
        f"x.yaml: must hold a mapping of sections, got {type(raw).__name__}"
    ]
