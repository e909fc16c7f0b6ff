"""Sweep files: grid, zip and named-scenario expansion, and every problem reported at once.

Nothing is solved here: these tests only load, validate and expand specs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

import planner
from planner.cli import main
from planner.sweep.spec import Range, Sweep, SweepError

DEFAULT = str(ROOT / "instances" / "default.yaml")
PRICE = "fusion.helion.energy_price_usd_per_mwh"
CFE = "policy.hourly_cfe_target"


def sweep_of(
    tmp_path: Path, name: str = "s.yaml", allowed_dirs: Any = None, **fields: Any
) -> Sweep:
    raw = {"name": "s", "base": DEFAULT, "overrides": {"time.hours": 24}, **fields}
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return planner.load_sweep(path, allowed_dirs=allowed_dirs)


def problems_of(tmp_path: Path, **fields: Any) -> list[str]:
    with pytest.raises(SweepError) as info:
        sweep_of(tmp_path, **fields)
    return info.value.problems


# -- expansion --------------------------------------------------------------------------------
def test_grid_crosses_every_parameter_first_varies_slowest(tmp_path: Path) -> None:
    sweep = sweep_of(
        tmp_path,
        parameters=[{"path": PRICE, "values": [40, 60, 80]}, {"path": CFE, "values": [0.8, 0.9]}],
    )
    assert sweep.columns == (PRICE, CFE)
    assert [tuple(p.values.values()) for p in sweep.points] == [
        (40, 0.8),
        (40, 0.9),
        (60, 0.8),
        (60, 0.9),
        (80, 0.8),
        (80, 0.9),
    ]
    assert [p.index for p in sweep.points] == list(range(6))
    assert sweep.points[0].overrides == {"time.hours": 24, PRICE: 40, CFE: 0.8}


def test_zip_advances_lists_together(tmp_path: Path) -> None:
    sweep = sweep_of(
        tmp_path,
        combine="zip",
        parameters=[{"path": PRICE, "values": [40, 60]}, {"path": CFE, "values": [0.8, 0.9]}],
    )
    assert [tuple(p.values.values()) for p in sweep.points] == [(40, 0.8), (60, 0.9)]


def test_groups_zip_within_and_cross_between(tmp_path: Path) -> None:
    sweep = sweep_of(
        tmp_path,
        parameters=[
            {"path": PRICE, "values": [40, 60], "group": "offer"},
            {"path": CFE, "values": [0.8, 0.9, 1.0]},
            {"path": "fusion.helion.max_capacity_mw", "values": [10, 20], "group": "offer"},
        ],
    )
    got = [tuple(p.values.values()) for p in sweep.points]
    assert len(got) == 6
    assert got[:3] == [(40, 0.8, 10), (40, 0.9, 10), (40, 1.0, 10)]
    assert got[3] == (60, 0.8, 20)


def test_range_includes_stop_without_float_noise() -> None:
    assert Range(start=0, stop=1, step=0.1).values() == [
        0.0,
        0.1,
        0.2,
        0.3,
        0.4,
        0.5,
        0.6,
        0.7,
        0.8,
        0.9,
        1.0,
    ]
    assert Range(start=30, stop=100, step=25).values() == [30, 55, 80]


def test_named_scenarios_cross_parameters_and_parameters_win(tmp_path: Path) -> None:
    sweep = sweep_of(
        tmp_path,
        parameters=[{"path": CFE, "values": [0.8, 0.9]}],
        scenarios=[
            {"name": "reference"},
            {
                "name": "late",
                "overrides": {"fusion.helion.commercial_operation_date": "2028-01-01 12:00"},
            },
            {"name": "strict", "overrides": {CFE: 1.0, PRICE: 10}},
        ],
    )
    assert [(p.scenario, p.values[CFE]) for p in sweep.points] == [
        ("reference", 0.8),
        ("reference", 0.9),
        ("late", 0.8),
        ("late", 0.9),
        ("strict", 0.8),
        ("strict", 0.9),
    ]
    strict = sweep.points[4]
    assert strict.overrides[CFE] == 0.8 and strict.overrides[PRICE] == 10
    assert (
        sweep.points[2].overrides["fusion.helion.commercial_operation_date"] == "2028-01-01 12:00"
    )


def test_several_bases_each_get_every_point(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    raw = yaml.safe_load(Path(DEFAULT).read_text())
    raw["name"] = "other"
    for section in ("demand", "solar", "wind", "grid"):
        text = yaml.safe_dump(raw[section]).replace(
            "profiles/", str(ROOT / "instances" / "profiles") + "/"
        )
        raw[section] = yaml.safe_load(text)
    other.write_text(yaml.safe_dump(raw))
    profiles = ROOT / "instances" / "profiles"  # outside other.yaml's folder: allowed explicitly
    sweep = sweep_of(
        tmp_path,
        base=[DEFAULT, str(other)],
        parameters=[{"path": CFE, "values": [0.8, 0.9]}],
        allowed_dirs=[profiles],
    )
    assert [(p.base, p.values[CFE]) for p in sweep.points] == [
        ("default", 0.8),
        ("default", 0.9),
        ("other", 0.8),
        ("other", 0.9),
    ]


def test_no_parameters_is_one_point_per_base_and_scenario(tmp_path: Path) -> None:
    assert len(sweep_of(tmp_path).points) == 1
    assert len(sweep_of(tmp_path, scenarios=[{"name": "a"}, {"name": "b"}]).points) == 2


def test_csv_values_are_relative_to_the_sweep_file(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "flat.csv").write_text("load_mw\n" + "90\n" * 24)
    sweep = sweep_of(
        tmp_path,
        scenarios=[
            {
                "name": "flat",
                "overrides": {"demand.load_mw": {"csv": "profiles/flat.csv", "column": "load_mw"}},
            }
        ],
    )
    (point,) = sweep.points
    ref = point.overrides["demand.load_mw"]
    assert (ROOT / "instances" / ref["csv"]).resolve() == (
        tmp_path / "profiles" / "flat.csv"
    ).resolve()
    inst = sweep.bases["default"].with_overrides(point.overrides)
    assert list(inst.spec.demand.load_mw) == [90.0] * 24


def test_example_specs_are_valid() -> None:
    sizes = {}
    for path in sorted((ROOT / "instances" / "sweeps").glob("*.yaml")):
        sizes[path.stem] = len(planner.load_sweep(path).points)
    assert sizes == {"cfe_target": 11, "flexibility": 16, "fusion_price": 15, "scenarios": 12}


# -- problems ---------------------------------------------------------------------------------
def test_every_path_and_value_problem_reported_at_once(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        parameters=[
            {"path": CFE, "values": [0.9, 1.2]},
            {"path": "policy.hourly_cfe_targt", "values": [0.9]},
            {"path": "fusion.tokamak.energy_price_usd_per_mwh", "values": [50]},
            {"path": "storage.li_ion.energy_capex_usd_per_kwh", "values": [100, -5]},
            {"path": "policy.hourly_cfe_target.x", "values": [1]},
        ],
    )
    src = str(tmp_path / "s.yaml")
    assert problems == [
        f"{src}: parameters[0].values[1]: policy.hourly_cfe_target: must be <= 1, got 1.2",
        f"{src}: parameters[1].path: unknown field 'hourly_cfe_targt' in policy (did you mean 'hourly_cfe_target'?)",
        f"{src}: parameters[2].path: no item named 'tokamak' in fusion (have: helion)",
        f"{src}: parameters[3].values[1]: storage[li_ion].energy_capex_usd_per_kwh: must be >= 0.0, got -5",
        f"{src}: parameters[4].path: policy.hourly_cfe_target is a value, not a section",
    ]


def test_structure_problems_name_the_field(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        combine="product",
        parameters=[
            {"path": CFE},
            {"values": [1]},
            {"path": PRICE, "values": [1], "range": {"start": 0, "stop": 1, "step": 1}},
        ],
        scenarios=[{"name": "2bad"}],
        colour="blue",
    )
    src = str(tmp_path / "s.yaml")
    assert f"{src}: combine: must be one of 'grid' or 'zip', got 'product'" in problems
    assert f"{src}: parameters[0]: give either values or range, not both or neither" in problems
    assert f"{src}: parameters[1].path: required field is missing" in problems
    assert f"{src}: parameters[2]: give either values or range, not both or neither" in problems
    assert any(p.startswith(f"{src}: scenarios[2bad].name: must match") for p in problems)
    assert f"{src}: colour: unknown field" in problems
    assert len(problems) == 6


def test_zip_lengths_duplicates_scenarios_and_overrides(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        combine="zip",
        parameters=[
            {"path": PRICE, "values": [1, 2, 3]},
            {"path": CFE, "values": [0.5, 0.6]},
            {"path": CFE, "values": [0.7]},
        ],
        scenarios=[
            {"name": "a", "overrides": {"storage.li_ion.charge_efficiency": 1.3}},
            {"name": "a", "overrides": {"solar.pv.max_capacity_mw": 1}},
        ],
    )
    src = str(tmp_path / "s.yaml")
    assert (
        f"{src}: parameters[1]: has 2 values, but parameters[0], zipped with it, has 3" in problems
    )
    assert (
        f"{src}: parameters[2].path: 'policy.hourly_cfe_target' is already swept by parameters[1]"
        in problems
    )
    assert f"{src}: scenarios[a].name: duplicate scenario name" in problems
    assert (
        f"{src}: scenarios[a]: storage[li_ion].charge_efficiency: must be <= 1.0, got 1.3"
        in problems
    )
    assert (
        f"{src}: scenarios[a].overrides[solar.pv.max_capacity_mw]: no item named 'pv' in solar (have: solar_pv)"
        in problems
    )


def test_bad_fixed_override_and_missing_base(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, overrides={"time.hours": 0, "finance.rate": 0.1})
    src = str(tmp_path / "s.yaml")
    assert problems == [f"{src}: overrides[finance.rate]: unknown field 'rate' in finance"]
    problems = problems_of(tmp_path, overrides={"time.hours": 0})
    assert problems == [f"{src}: overrides: time.hours: must be > 0, got 0"]
    problems = problems_of(tmp_path, base=["nope.yaml"])
    assert problems == [f"{src}: base[0]: {tmp_path / 'nope.yaml'}: file not found"]


def test_sweep_error_is_an_instance_error_with_one_line_per_problem(tmp_path: Path) -> None:
    with pytest.raises(planner.InstanceError) as info:
        sweep_of(
            tmp_path,
            parameters=[{"path": "policy.x", "values": [1]}, {"path": "policy.y", "values": [1]}],
        )
    text = str(info.value)
    assert text.splitlines()[0] == "2 problems in the sweep:"
    assert len(text.splitlines()) == 3


def test_cli_reports_invalid_spec_once_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        yaml.safe_dump(
            {"name": "bad", "base": DEFAULT, "parameters": [{"path": "policy.nope", "values": [1]}]}
        )
    )
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: 1 problem in the sweep:") and "Traceback" not in err
    assert "parameters[0].path: unknown field 'nope' in policy" in err
    assert main(["sweep", str(tmp_path / "missing.yaml")]) == 2


# -- hardening --------------------------------------------------------------------------------
def test_too_many_points_is_refused_before_expanding(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        parameters=[
            {"path": PRICE, "range": {"start": 0, "stop": 9999, "step": 1}},
            {"path": "fusion.helion.max_capacity_mw", "values": list(range(100))},
            {"path": "policy.hourly_cfe_targt", "values": [0.5]},
        ],
        scenarios=[{"name": "a"}, {"name": "b"}],
    )
    src = str(tmp_path / "s.yaml")
    assert problems == [  # the paths are still checked, not every value
        f"{src}: parameters: expand to 2,000,000 points (bases x scenarios x combinations), "
        "more than 100,000; split the sweep",
        f"{src}: parameters[2].path: unknown field 'hourly_cfe_targt' in policy (did you mean 'hourly_cfe_target'?)",
    ]


def test_too_many_values_is_refused(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, parameters=[{"path": PRICE, "values": list(range(10_001))}])
    assert problems == [
        f"{tmp_path / 's.yaml'}: parameters[0].values: List should have at most 10000 items after validation, not 10001, got a list"
    ]


def test_override_value_that_refers_to_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(
        f"name: s\nbase: {DEFAULT}\noverrides: {{demand.load_mw: &a [*a]}}\n", encoding="utf-8"
    )
    with pytest.raises(SweepError) as info:
        planner.load_sweep(path)
    assert info.value.problems == [
        f"{path}: nested more than 64 levels deep (a YAML alias used inside its own anchor?)"
    ]


@pytest.mark.parametrize("raw", [[1], "x", None])
def test_sweep_from_dict_of_a_non_mapping(raw: Any) -> None:
    with pytest.raises(SweepError) as info:
        Sweep.from_dict(raw, source="s.yaml")
    assert info.value.problems == [
        f"s.yaml: must hold a mapping of fields, got {type(raw).__name__}"
    ]
