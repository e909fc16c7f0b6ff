"""Every kind of the resource catalogue reaches every layer (docs/adding_a_resource.md).

One instance holds one example item of every kind (``Kind.example``); it is built, solved and
read back, and each layer is checked for each kind: the input schema and the documentation,
the model block and its limited variables and rows, the registry terms its flags promise, the
result columns, the diagnosis limits, the grid-only baseline, the study's switch-off, the
report's colours and dispatch stack, and the sweep record. A kind left out of any of them
fails here, by name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import planner
from planner.diagnose.limits import column_limits, row_limits
from planner.inputs.catalogue import KINDS, Kind
from planner.inputs.spec import InstanceSpec
from planner.model.build import BUILDERS, build_model
from planner.report import figures
from planner.report.style import KIND_COLOURS, close
from planner.schema_doc import SECTIONS
from planner.solve import grid_only
from planner.sweep.worker import capacity_of_record, flatten

ROOT = Path(__file__).resolve().parents[1]
HOURS = 4


def example_raw() -> dict[str, Any]:
    raw: dict[str, Any] = {
        "name": "every_kind",
        "time": {"start": "2028-01-01 00:00", "hours": HOURS},
        "demand": {"load_mw": [80.0, 90.0, 100.0, 90.0]},
        "policy": {"hourly_cfe_target": 0.5},
    }
    for k in KINDS:
        if k.many:
            raw[k.key] = [{"name": f"{k.key}_example", **k.example}]
        else:
            raw[k.key] = dict(k.example)
    return raw


def name_of(k: Kind) -> str:
    return f"{k.key}_example" if k.many else k.key


@pytest.fixture(scope="module")
def solved() -> planner.Result:
    res = planner.solve(planner.Instance.from_dict(example_raw(), source="every_kind.yaml"))
    assert res.ok, res.status
    return res


@pytest.mark.parametrize("k", KINDS, ids=lambda k: k.key)
def test_inputs_schema_and_documentation(k: Kind) -> None:
    field = InstanceSpec.model_fields[k.key]
    assert k.schema is (field.annotation.__args__[0] if k.many else k.schema)
    assert any(model is k.schema for _, model, _ in SECTIONS), "missing from docs/instances.md"
    reference = (ROOT / "docs" / "instances.md").read_text()
    assert f"## `{k.key}[]`" in reference if k.many else f"## `{k.key}`" in reference
    for limit in k.limits:
        for name in (limit.upper, limit.lower):
            assert name is None or name in k.schema.model_fields, name
    for row in k.row_limits:
        assert row.field in k.schema.model_fields, row.field


@pytest.mark.parametrize("k", KINDS, ids=lambda k: k.key)
def test_model_block_holds_the_limited_variables_and_rows(k: Kind) -> None:
    assert k.key in BUILDERS
    inst = planner.Instance.from_dict(example_raw(), source="every_kind.yaml")
    m, reg = build_model(inst)
    block = getattr(m, k.key)
    item = next(i for kind, _, i in inst.spec.resources() if kind is k)
    for limit in k.limits:
        var = getattr(block, limit.variable)
        # a grid variable: hour 0; an hourly variable of a list kind: (name, hour 0)
        index = name_of(k) if k.many else next(iter(var.keys()))
        if k.many and var.dim() == 2:
            index = (name_of(k), 0)
        low, high = var[index].bounds
        if limit.upper is not None:
            assert high == getattr(item, limit.upper), (limit.variable, high)
        if limit.lower is not None:
            assert low == getattr(item, limit.lower), (limit.variable, low)
        assert f"{k.key}.{limit.variable}" in column_limits()
    for row in k.row_limits:
        assert hasattr(block, row.row), row.row
        assert f"{k.key}.{row.row}" in row_limits()
    assert any(c.kind == k.key for c in reg.costs), "no cost term registered"


@pytest.mark.parametrize("k", KINDS, ids=lambda k: k.key)
def test_results_have_the_outputs_and_capacity_columns(k: Kind, solved: planner.Result) -> None:
    name = name_of(k)
    assert solved.capacity.loc[name, "kind"] == k.key
    for column in k.capacity_columns:
        assert np.isfinite(solved.capacity.loc[name, column]), column
    for column in k.columns(name):
        assert column in solved.dispatch, column
    record = flatten(solved)
    for column in k.capacity_columns:
        assert f"{name}_{column}" in record
    assert json.loads(record["resource_kinds"])[name] == k.key


def test_a_record_gives_back_the_capacity_table(solved: planner.Result) -> None:
    """``capacity_of_record`` inverts ``flatten``'s capacity columns for every kind: the same
    kinds, MW and MWh (NaN but for storage) as ``Result.capacity``."""
    back = capacity_of_record(flatten(solved))
    cols = ["kind", "capacity_mw", "energy_mwh"]
    expected = solved.capacity[cols].sort_index()
    got = back[cols].sort_index()
    assert list(got.index) == list(expected.index)
    assert list(got["kind"]) == list(expected["kind"])
    for column in ("capacity_mw", "energy_mwh"):
        np.testing.assert_array_equal(got[column].to_numpy(float), expected[column].to_numpy(float))


@pytest.mark.parametrize("k", KINDS, ids=lambda k: k.key)
def test_flags_match_the_registered_terms(k: Kind) -> None:
    """A carbon-free kind's supply is counted as clean supply, a procured kind's as procured."""
    inst = planner.Instance.from_dict(example_raw(), source="every_kind.yaml")
    _, reg = build_model(inst)
    blocks = {k2.key for k2 in KINDS}

    def kinds_in(terms: list[Any]) -> set[str]:
        found = set()
        for term in terms:
            name = term.var.parent_component().name if hasattr(term.var, "parent_component") else ""
            owner = name.split(".")[0]
            if owner in blocks:
                found.add(owner)
        return found

    must_pay = {s.kind for s in reg.available}
    supplied = kinds_in(reg.supply) | must_pay
    if k.physical:
        assert k.key in supplied, "its supply never reaches the power balance"
    else:
        assert k.key not in supplied, "a kind that only re-labels energy supplies none"
    clean = kinds_in(reg.clean_supply) | (must_pay if reg.available else set())
    procured = kinds_in(reg.procured_clean) | (must_pay if reg.available else set())
    if k.carbon_free:
        assert k.key in clean
    if k.procured:
        assert k.key in procured
    if not k.procured:
        assert k.key not in procured


@pytest.mark.parametrize("k", KINDS, ids=lambda k: k.key)
def test_baseline_and_switch_off(k: Kind) -> None:
    inst = planner.Instance.from_dict(example_raw(), source="every_kind.yaml")
    base = grid_only(inst)
    assert bool(base.spec.items(k)) == k.in_baseline
    if k.many and k.limits:
        off = planner.solve(inst.with_overrides(k.switch_off(name_of(k))), baseline=False)
        if off.ok:
            assert abs(off.capacity.loc[name_of(k), "capacity_mw"]) < 1e-6


@pytest.mark.parametrize("k", KINDS, ids=lambda k: k.key)
def test_report_colours_and_dispatch_stack(k: Kind, solved: planner.Result) -> None:
    assert KIND_COLOURS[k.key] == k.colour
    saved = solved.saved()
    fig = figures.dispatch_week(saved)
    labels = {t.get_text() for t in fig.axes[0].get_legend().get_texts()}
    close(fig)
    name = name_of(k)
    for output in k.outputs:
        if output.role in ("supply", "withdrawal"):
            assert f"{name} {output.label}" in labels, (output.label, labels)


def test_kinds_are_unique_and_ordered() -> None:
    keys = [k.key for k in KINDS]
    assert len(set(keys)) == len(keys)
    assert len({k.order for k in KINDS}) == len(KINDS)
    assert len({k.colour for k in KINDS}) == len(KINDS)


def test_adding_a_resource_checklist_names_every_file_it_asks_for() -> None:
    """docs/adding_a_resource.md stays true: every file it names exists."""
    text = (ROOT / "docs" / "adding_a_resource.md").read_text()
    import re

    named = set(re.findall(r"`((?:planner|tests|docs)/[\w/]+\.(?:py|md))`", text))
    assert named, "the checklist names no file"
    missing = [p for p in named if "<kind>" not in p and not (ROOT / p).exists()]
    assert not missing, missing


def test_sized_pairs_each_capacity_with_its_two_sided_limit() -> None:
    """What a solve sizes and a caller may fix: one MW capacity per offer and renewable, power
    and energy for storage, nothing for the grid and certificates (one-sided limits); the
    override paths follow the instance's sections."""
    by_key = {k.key: k for k in KINDS}
    for key in ("fusion", "clean_firm", "solar", "wind"):
        assert [(c, lim.lower, lim.upper) for c, lim in by_key[key].sized] == [
            ("capacity_mw", "min_capacity_mw", "max_capacity_mw")
        ]
    storage = [(c, lim.lower, lim.upper) for c, lim in by_key["storage"].sized]
    assert storage == [
        ("capacity_mw", "min_power_mw", "max_power_mw"),
        ("energy_mwh", "min_energy_mwh", "max_energy_mwh"),
    ]
    assert by_key["grid"].sized == () and by_key["certificates"].sized == ()
    assert by_key["storage"].path("li_ion", "max_power_mw") == "storage.li_ion.max_power_mw"
    assert by_key["grid"].path("grid", "import_limit_mw") == "grid.import_limit_mw"
