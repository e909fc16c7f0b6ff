"""Property-based hardening of the input loaders: malformed input never crashes.

Hypothesis mutates valid inputs -- the shipped instances (cut to 24 hours) and their profile
CSVs (cut to 200 rows), tiny instances built in memory, and the shipped sweeps -- with wrong
types, missing and unknown keys, negative, NaN, infinite and huge numbers, efficiencies above
1, series of the wrong length, duplicate names and keys, empty files, wrong CSV headers,
non-UTF-8 bytes, timestamps out of order and paths leaving the input's folder. Every case must
either load as a valid instance (finite series of the right length, in range, a model that
builds) or raise :class:`planner.InstanceError` (:class:`planner.SweepError` for sweeps) whose
every problem reads ``<file>: <field>: <what>``; a change to one CSV cell must be reported
with that cell's row. Any other exception fails the test.

The examples are derandomized (the same cases on every run, no example database) and counted
per kind; ``test_generated_case_count`` checks the total (at least 1,000) and prints it
(``pytest -s``).
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner.cli import main
from planner.inputs.aggregate import hourly_arrays
from planner.inputs.base import MAX_HOURS, MAX_MAGNITUDE, hourly_bounds
from planner.inputs.instance import InstanceSpec
from planner.model.build import build_model
from planner.sweep.spec import Sweep, SweepSpec

HOURS = 24
CSV_ROWS = 200
CASES: Counter[str] = Counter()
"""Cases run, by kind (module-level so that the last test can report the total)."""
REJECTED: Counter[str] = Counter()
"""Of those, the cases refused with an InstanceError (the others loaded as valid input)."""

EXAMPLES = {
    "instance_values": 330,
    "instance_api": 120,
    "pvlib_block": 20,
    "csv_content": 260,
    "yaml_text": 140,
    "sweep_values": 150,
    "cli_validate": 20,
}
"""max_examples per test: at least 1,000 in all."""


def fuzz_settings(kind: str) -> settings:
    return settings(
        max_examples=EXAMPLES[kind],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,  # tmp files are unique per case; capsys is drained
        ],
    )


# -- the valid inputs that get mutated ------------------------------------------------------
@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copies of the shipped instances (24 hours), their CSVs (200 rows) and sweeps (24 hours),
    laid out as in ``instances/``; the cases write their mutated files next to them."""
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "profiles").mkdir()
    (folder / "sweeps").mkdir()
    weather = folder / "data" / "weather_tmyx"  # the shipped sites' pvlib blocks read these
    weather.mkdir(parents=True)
    for epw in (ROOT / "instances" / "data" / "weather_tmyx").glob("*.epw"):
        (weather / epw.name).write_bytes(epw.read_bytes())
    for csv in (ROOT / "instances" / "profiles").glob("*.csv"):
        lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
        (folder / "profiles" / csv.name).write_text(
            "".join(lines[: CSV_ROWS + 1]), encoding="utf-8"
        )
    for path in (ROOT / "instances").glob("*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "sites" in raw:  # a portfolio: its sites are the instances fuzzed here
            continue
        raw["time"]["hours"] = HOURS
        raw["time"].pop("representative_periods", None)  # 24 hours: one day, nothing to cluster
        (folder / path.name).write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    for path in (ROOT / "instances" / "sweeps").glob("*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "portfolio" in str(raw.get("base")):
            continue  # a sweep of the portfolio: tests/test_portfolio.py
        raw.setdefault("overrides", {})["time.hours"] = HOURS
        (folder / "sweeps" / path.name).write_text(
            yaml.safe_dump(raw, sort_keys=False), encoding="utf-8"
        )
    return folder


@pytest.fixture(scope="module")
def shipped(work: Path) -> dict[str, dict[str, Any]]:
    """The raw content of each copied instance, checked to load as it is."""
    raws = {}
    for path in sorted(work.glob("*.yaml")):
        planner.load_instance(path)
        raws[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return raws


@pytest.fixture(scope="module")
def sweeps(work: Path) -> dict[str, dict[str, Any]]:
    raws = {}
    for path in sorted((work / "sweeps").glob("*.yaml")):
        planner.load_sweep(path)
        raws[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return raws


def tiny_raw(hours: int = HOURS) -> dict[str, Any]:
    """An in-memory instance with one resource of each kind, a grid and targets; no files."""
    return {
        "name": "tiny",
        "time": {"start": "2028-01-01 00:00", "hours": hours},
        "demand": {"load_mw": [10.0 + (h % 5) for h in range(hours)]},
        "fusion": [
            {
                "name": "helion",
                "max_capacity_mw": 50,
                "min_capacity_mw": 5,
                "energy_price_usd_per_mwh": 70,
                "availability": np.full(hours, 0.9),
                "commercial_operation_date": "2028-01-01 06:00",
            }
        ],
        "solar": [
            {
                "name": "pv",
                "capacity_factor": [
                    max(0.0, math.sin((h % 24 - 6) / 12 * math.pi)) for h in range(hours)
                ],
                "max_capacity_mw": 100,
                "procurement": "ppa",
                "ppa_price_usd_per_mwh": 40,
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
                "max_duration_h": 8,
            }
        ],
        "grid": {
            "price_usd_per_mwh": 40.0,
            "carbon_intensity_t_per_mwh": 0.4,
            "carbon_free_share": 0.3,
            "export_price_usd_per_mwh": 20.0,
            "export_limit_mw": 10,
        },
        "policy": {"hourly_cfe_target": 0.5, "annual_matching_penalty_usd_per_mwh": 100},
    }


# -- what a mutation may put somewhere --------------------------------------------------------
OUTSIDE = "../../../../../../etc/passwd"

BAD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    -0.5,
    0.0,
    1.3,
    2,
    1e-300,
    -1e308,
    1e308,
    MAX_MAGNITUDE * 10,
    float("inf"),
    float("-inf"),
    float("nan"),
    10**30,
    -(10**30),
    2**64,
    "",
    " ",
    "text",
    "1e400",
    "nan",
    "2028",
    "2028-13-45",
    "2028-01-01 00:30",
    "2028-01-01T00:00+05:00",
    "9999-12-31 23:00",
    "../x",
    OUTSIDE,
    "/etc/passwd",
    "a\x00b",
    "é\u202e",
    "x" * 300,
    b"\xff\xfe",
    [],
    {},
    [1, 2],
    [[1.0] * HOURS],
    [float("nan")] * HOURS,
    [-1.0] * HOURS,
    [2.0] * HOURS,
    [1.0] * (HOURS + 1),
    {"a": 1},
    {"csv": OUTSIDE, "column": "root"},
    {"csv": "/etc/passwd", "column": "root"},
    {"csv": "profiles/absent.csv", "column": "x"},
    {"csv": "profiles", "column": "x"},
    {"csv": "profiles/default_2028.csv", "column": "nope"},
    {"csv": "profiles/default_2028.csv", "column": "timestamp"},
    {"csv": "profiles/default_2028.csv", "column": "load_mw", "sheet": 1},
    {"pvlib": {"weather": OUTSIDE}},
    {"pvlib": {"weather": "/etc/passwd"}},
    {"pvlib": {}},
    {"count": 1, "period_hours": 24},
    {"count": 10**9},
    {"name": "../../x"},
    {"name": "grid"},
    "../../x",
    "grid",
    "helion",
    "li_ion",
]
"""Hand-picked values, mostly invalid somewhere; hypothesis adds arbitrary ones."""

UNKNOWN_KEYS = ["colour", "Name", "name ", "round_trip_efficiency", "capacity_mw", "", "1", "pvlib"]

values = st.one_of(
    st.sampled_from(BAD_VALUES),
    st.floats(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=12),
    st.lists(st.floats(), max_size=4),
    st.dictionaries(
        st.sampled_from(["csv", "column", "pvlib", "x", "name"]),
        st.sampled_from(BAD_VALUES[:30]),
        max_size=3,
    ),
)

MUTATIONS = (
    "replace",
    "replace",
    "replace",
    "delete",
    "unknown_key",
    "duplicate",
    "retype",
    "scale",
)


def locations(
    node: Any,
    prefix: tuple[Any, ...] = (),
    skip: Callable[[tuple[Any, ...]], bool] = lambda loc: False,
) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside ``node`` (mapping keys, list positions; long lists and
    arrays are one value)."""
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list) and len(node) <= 8:
        items = enumerate(node)
    else:
        return
    for key, child in items:
        loc = (*prefix, key)
        if not skip(loc):
            yield loc
        yield from locations(child, loc, skip)


def parent_of(raw: Any, loc: tuple[Any, ...]) -> Any:
    node = raw
    for part in loc[:-1]:
        node = node[part]
    return node


def mutate(
    data: st.DataObject,
    raw: Any,
    pool: st.SearchStrategy[Any] = values,
    skip: Callable[[tuple[Any, ...]], bool] = lambda loc: False,
) -> tuple[Any, list[str]]:
    """Apply one to three random mutations to a copy of ``raw``; return it and the keys added."""
    raw = copy.deepcopy(raw)
    added: list[str] = []
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        locs = list(locations(raw, skip=skip))
        if not locs:
            break
        loc = data.draw(st.sampled_from(locs), label="where")
        parent, key = parent_of(raw, loc), loc[-1]
        kind = data.draw(st.sampled_from(MUTATIONS), label="kind")
        value = parent[key]
        if kind == "replace":
            parent[key] = copy.deepcopy(data.draw(pool, label="value"))  # never share a pool object
        elif kind == "delete":
            del parent[key]
        elif kind == "unknown_key":
            target = (
                value if isinstance(value, dict) else parent if isinstance(parent, dict) else None
            )
            if target is not None:
                new = data.draw(st.sampled_from(UNKNOWN_KEYS) | st.text(max_size=6), label="key")
                target[new] = copy.deepcopy(
                    data.draw(pool, label="value")
                )  # never share a pool object
                added.append(new)
        elif kind == "duplicate":
            if isinstance(parent, list):
                parent.append(copy.deepcopy(value))
            elif isinstance(value, list) and value:
                value.append(copy.deepcopy(value[0]))
        elif kind == "retype":
            if isinstance(value, dict):
                parent[key] = list(value.values())
            elif isinstance(value, list):
                parent[key] = dict(enumerate(value))
            else:
                parent[key] = data.draw(
                    st.sampled_from([[value], str(value), {"value": value}]), label="as"
                )
        elif kind == "scale" and isinstance(value, (int, float)) and not isinstance(value, bool):
            factor = data.draw(st.sampled_from([-1, 0, 1e-300, 1.5, 1e6, 1e300]), label="factor")
            with np.errstate(over="ignore"):
                parent[key] = value * factor
    return raw, added


# -- what every outcome must satisfy ---------------------------------------------------------
FILE_LEVEL = (
    "not valid YAML",
    "not UTF-8 text",
    "must hold a mapping",
    "cannot read",
    "file not found",
    "nested more than",
    "holds more than",
)
"""Problems about a whole file, which name no field."""


def check_problems(exc: planner.InstanceError, source: str, keys: set[str]) -> None:
    """Each problem reads ``<source>: <field>: <what>``, the field starting at a top-level
    key of the input (or a file-level problem), with no Python or numpy reprs leaking."""
    assert exc.problems, "an InstanceError must carry at least one problem"
    text = str(exc)
    for problem in exc.problems:
        assert problem in text
        assert problem.startswith(f"{source}: "), problem
        for leak in ("Traceback", "np.float64(", "array(", "<class ", "object at 0x"):
            assert leak not in problem, problem
        rest = problem[len(source) + 2 :]
        if rest.startswith(FILE_LEVEL):
            continue
        where, sep, what = rest.partition(": ")
        assert sep and where and what, problem
        if where.startswith("["):  # a quoted key: 'name ', '.', 1
            assert any(not re.fullmatch(r"[A-Za-z_]\w*", k) for k in keys), problem
            continue
        head = re.match(r"[^.\[]*", where).group()  # type: ignore[union-attr]
        assert head in keys or where == "(top level)", problem


def check_valid(inst: planner.Instance, build: bool = True) -> None:
    """A loaded instance is usable: every series finite, in range and of the right length,
    names unique, timestamps computable; a short one builds into a model."""
    hours = inst.hours
    assert 0 < hours <= MAX_HOURS
    for where, series in hourly_arrays(inst.spec):
        assert isinstance(series, np.ndarray) and series.dtype == float, where
        assert series.shape == (hours,), where
        assert np.isfinite(series).all(), where
        assert (np.abs(series) <= MAX_MAGNITUDE).all(), where
    assert (np.asarray(inst.weights) > 0).all()
    names = [item.name for _, item in inst.resources()]
    assert len(set(names)) == len(names) and "grid" not in names
    for _, item in inst.resources():
        for name in type(item).model_fields:
            bounds = hourly_bounds(type(item), name)
            if bounds is not None and getattr(item, name) is not None:
                assert not bounds.violations(np.asarray(getattr(item, name))).any(), (
                    item.name,
                    name,
                )
    assert len(inst.timestamps) == hours
    if build and hours <= 48:
        build_model(inst)


def outcome(load: Callable[[], Any], source: str, keys: set[str]) -> Any:
    """Run ``load``: a valid result or a clean InstanceError; count the case."""
    try:
        result = load()
    except planner.InstanceError as exc:
        check_problems(exc, source, keys)
        return exc
    return result


def count(kind: str, result: Any) -> None:
    CASES[kind] += 1
    REJECTED[kind] += isinstance(result, planner.InstanceError)


def instance_keys(raw: Any, added: list[str]) -> set[str]:
    keys = set(InstanceSpec.model_fields) | set(added)
    if isinstance(raw, dict):
        keys |= {str(k) for k in raw}
    return keys


_ids = itertools.count()


def unique(stem: str) -> str:
    """A fresh file name per case (the CSV cache is keyed by path, time and size)."""
    return f"{stem}_{next(_ids)}"


# -- instances: values in the tree ----------------------------------------------------------
def inside_pvlib(loc: tuple[Any, ...]) -> bool:
    return "pvlib" in loc[:-1]


@fuzz_settings("instance_values")
@given(data=st.data())
def test_mutated_instance_values_load_or_fail_cleanly(
    data: st.DataObject, shipped: dict[str, dict[str, Any]], work: Path
) -> None:
    name = data.draw(st.sampled_from([*sorted(shipped), "tiny"]), label="instance")
    base = tiny_raw() if name == "tiny" else shipped[name]
    raw, added = mutate(data, base, skip=inside_pvlib)
    result = outcome(
        lambda: planner.Instance.from_dict(raw, work, "mutated.yaml"),
        "mutated.yaml",
        instance_keys(raw, added),
    )
    if isinstance(result, planner.Instance):
        check_valid(result)
    count("instance_values", result)


@fuzz_settings("instance_api")
@given(
    field=st.sampled_from(
        [
            ("demand", "load_mw"),
            ("grid", "price_usd_per_mwh"),
            ("grid", "carbon_free_share"),
            ("time", "weights"),
            ("fusion", 0, "availability"),
            ("solar", 0, "capacity_factor"),
        ]
    ),
    value=st.one_of(
        st.lists(st.floats(), min_size=HOURS - 1, max_size=HOURS + 1),
        st.lists(st.floats(min_value=0, max_value=1), min_size=HOURS, max_size=HOURS).map(np.array),
        st.sampled_from(
            [
                np.zeros((2, HOURS)),
                np.zeros(0),
                np.array(["a"] * HOURS),
                np.array([None] * HOURS),
                np.full(HOURS, np.inf),
                np.full(HOURS, 1e13),
                np.arange(HOURS, dtype=np.int64),
                np.full(HOURS, True),
                tuple(range(HOURS)),
                {1, 2},
                np.float32(0.5),
                np.int64(3),
                np.datetime64("2028-01-01"),
                b"\x00" * HOURS,
                range(HOURS),
                np.ma.masked_all(HOURS),
            ]
        ),
    ),
    hours=st.sampled_from([1, HOURS, HOURS + 1]),
)
def test_api_arrays_load_or_fail_cleanly(field: tuple[Any, ...], value: Any, hours: int) -> None:
    """From the Python API hourly fields take arrays and sequences of any shape and type."""
    raw = tiny_raw()
    raw["time"]["hours"] = hours
    parent_of(raw, field)[field[-1]] = value
    result = outcome(
        lambda: planner.Instance.from_dict(raw, source="api"), "api", instance_keys(raw, [])
    )
    if isinstance(result, planner.Instance):
        check_valid(result)
    count("instance_api", result)


@fuzz_settings("pvlib_block")
@given(data=st.data())
def test_mutated_pvlib_block_loads_or_fails_cleanly(
    data: st.DataObject, shipped: dict[str, dict[str, Any]], work: Path
) -> None:
    """Values inside a ``pvlib:`` block (a valid change computes a new profile: ~0.4 s)."""
    name = data.draw(
        st.sampled_from(["dc_alley_va", "helion_wa_2028"]), label="instance"
    )  # EPW weather of their stations: fast
    pool = st.sampled_from(
        [
            v
            for v in BAD_VALUES
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0 <= v <= 1
        ]
    )
    raw, added = mutate(data, shipped[name], pool=pool, skip=lambda loc: "pvlib" not in loc[:-1])
    result = outcome(
        lambda: planner.Instance.from_dict(raw, work, "mutated.yaml"),
        "mutated.yaml",
        instance_keys(raw, added),
    )
    if isinstance(result, planner.Instance):
        check_valid(result, build=False)
    count("pvlib_block", result)


# -- CSV files ----------------------------------------------------------------------------------
def csv_refs_of(raw: Any) -> Iterator[dict[str, Any]]:
    if isinstance(raw, dict):
        if "csv" in raw and "column" in raw:
            yield raw
        for child in raw.values():
            yield from csv_refs_of(child)
    elif isinstance(raw, list):
        for child in raw:
            yield from csv_refs_of(child)


CELLS = [
    "",
    "abc",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "-1",
    "-0.001",
    "1.2",
    "1e400",
    "1e13",
    "-1e308",
    " 5 ",
    "0x10",
    "1_000",
    "∞",
    "1e-400",
    "TRUE",
    "0",
    "0.5",
    "12",
]
"""Replacement cells (no comma, quote or line break: the file keeps its shape)."""

CSV_MUTATIONS = (
    "cell",
    "cell",
    "cell",
    "cell",
    "swap_timestamps",
    "timestamp_cell",
    "drop_rows",
    "rename_column",
    "duplicate_column",
    "pad_header",
    "semicolons",
    "empty",
    "header_only",
    "non_utf8",
    "bom",
    "nul",
    "ragged",
    "crlf",
)


@fuzz_settings("csv_content")
@given(data=st.data())
def test_mutated_csv_loads_or_names_file_field_and_row(
    data: st.DataObject, shipped: dict[str, dict[str, Any]], work: Path
) -> None:
    name = data.draw(
        st.sampled_from(sorted(n for n in shipped if any(csv_refs_of(shipped[n])))),
        label="instance",
    )
    raw = copy.deepcopy(shipped[name])
    refs = list(csv_refs_of(raw))
    original = refs[0]["csv"]
    refs = [r for r in refs if r["csv"] == original]
    text = (work / original).read_text(encoding="utf-8")
    header, *rows = text.splitlines()
    columns = header.split(",")
    used = sorted({r["column"] for r in refs})
    kind = data.draw(st.sampled_from(CSV_MUTATIONS), label="kind")
    row = data.draw(st.integers(0, CSV_ROWS - 1), label="row")  # data row; CSV line row + 2
    expect_row: int | None = None  # a failure must name this CSV row
    must_load = False
    if kind == "cell":
        column = data.draw(
            st.sampled_from([c for c in columns if c != "timestamp"]), label="column"
        )
        cells = rows[row].split(",")
        cells[columns.index(column)] = data.draw(
            st.sampled_from(CELLS) | st.floats().map(repr), label="cell"
        )
        rows[row] = ",".join(cells)
        must_load = column not in used or row >= HOURS
        expect_row = row + 2
    elif kind == "swap_timestamps":
        other = data.draw(st.integers(0, CSV_ROWS - 1), label="other")
        a, b = rows[row].split(","), rows[other].split(",")
        a[0], b[0] = b[0], a[0]
        rows[row], rows[other] = ",".join(a), ",".join(b)
        must_load = row == other or min(row, other) >= HOURS
    elif kind == "timestamp_cell":
        cells = rows[row].split(",")
        cells[0] = data.draw(
            st.sampled_from(
                [
                    "",
                    "soon",
                    "2028-01-01 00:30",
                    "2028-13-01 00:00",
                    "2027-01-01 00:00",
                    "2028-01-01T00:00+01:00",
                    "1",
                ]
            ),
            label="stamp",
        )
        rows[row] = ",".join(cells)
        must_load = row >= HOURS
        expect_row = row + 2
    elif kind == "drop_rows":
        rows = rows[: data.draw(st.integers(0, HOURS + 2), label="keep")]
        must_load = len(rows) >= HOURS
    elif kind == "rename_column":
        i = data.draw(st.integers(1, len(columns) - 1), label="column")
        must_load = columns[i] not in used
        columns[i] = data.draw(
            st.sampled_from(["", "x", columns[i].upper(), columns[i] + "_v2"]), label="new"
        )
    elif kind == "duplicate_column":
        i = data.draw(st.integers(1, len(columns) - 1), label="column")
        columns.append(columns[i])
        rows = [r + "," + r.split(",")[i] for r in rows]
        must_load = columns[i] not in used
    elif kind == "pad_header":
        i = data.draw(st.integers(1, len(columns) - 1), label="column")
        must_load = columns[i] not in used
        columns[i] = f" {columns[i]} "
    elif kind == "semicolons":
        columns, rows = [";".join(columns)], [r.replace(",", ";") for r in rows]
    elif kind == "empty":
        columns, rows = [], []
    elif kind == "header_only":
        rows = []
    elif kind == "bom":
        columns[0] = "\ufeff" + columns[0]
        must_load = True
    elif kind == "nul":
        rows[row] = rows[row].replace(",", ",\x00", 1)
    elif kind == "ragged":
        rows[row] += ",1,2"
    body = (",".join(columns) + "\n" if columns else "") + "".join(r + "\n" for r in rows)
    if kind == "crlf":
        body = body.replace("\n", "\r\n")
        must_load = True
    encoded = body.encode("utf-8")
    if kind == "non_utf8":
        at = data.draw(st.integers(0, len(encoded) - 1), label="at")
        bad = data.draw(
            st.sampled_from([b"\xff", b"\xe9", b"\xc3", b"\x80", b"\xed\xa0\x80"]), label="bytes"
        )
        encoded = encoded[:at] + bad + encoded[at:]
    new_csv = f"profiles/{unique(name)}.csv"
    (work / new_csv).write_bytes(encoded)
    for ref in refs:
        if ref["csv"] == original:
            ref["csv"] = new_csv
    source = f"{unique(name)}.yaml"
    try:
        result = outcome(
            lambda: planner.Instance.from_dict(raw, work, source), source, instance_keys(raw, [])
        )
    finally:
        (work / new_csv).unlink()
    if isinstance(result, planner.Instance):
        check_valid(result)
    else:
        assert not must_load, result.problems
        joined = "\n".join(result.problems)
        assert new_csv in joined or Path(new_csv).name in joined, joined
        if expect_row is not None:
            assert f"row {expect_row}" in joined, joined
        if kind == "non_utf8":
            line = encoded[:at].count(b"\n") + 1
            assert f"not UTF-8 text: line {line} " in joined, joined
    count("csv_content", result)


# -- YAML text --------------------------------------------------------------------------------
TEXT_MUTATIONS = (
    "insert",
    "insert",
    "delete_line",
    "duplicate_line",
    "truncate",
    "non_utf8",
    "empty",
    "bom",
    "tab",
    "tag",
    "alias_loop",
    "deep",
    "swap_lines",
)
INSERTS = [
    ":",
    "[",
    "]",
    "{",
    "- ",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "!!python/name:os.system ",
    "!!binary ",
    "!!int x",
    "!!timestamp x",
    "? ",
    "%YAML 1.1\n",
    "---\n",
    "\t",
    "'",
    '"',
    "\x07",
    "\x00",
    "<<: *a\n",
    "1e400",
    "2028-13-45",
    "\u2028",
    "#",
    "\\",
]


def mutate_text(data: st.DataObject, text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    kind = data.draw(st.sampled_from(TEXT_MUTATIONS), label="kind")
    i = data.draw(st.integers(0, len(lines) - 1), label="line")
    if kind == "insert":
        at = data.draw(st.integers(0, len(lines[i])), label="at")
        lines[i] = (
            lines[i][:at]
            + data.draw(st.sampled_from(INSERTS) | st.text(max_size=4), label="text")
            + lines[i][at:]
        )
    elif kind == "delete_line":
        del lines[i]
    elif kind == "duplicate_line":
        lines.insert(i, lines[i])
    elif kind == "swap_lines":
        j = data.draw(st.integers(0, len(lines) - 1), label="other")
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "truncate":
        lines = lines[:i]
    elif kind == "empty":
        lines = []
    elif kind == "bom":
        lines.insert(0, "\ufeff")
    elif kind == "tab":
        lines[i] = "\t" + lines[i]
    elif kind == "tag":
        lines.append(
            data.draw(
                st.sampled_from(
                    [
                        "colour: !!python/object/apply:os.system ['true']\n",
                        "name: !!python/object:builtins.dict {}\n",
                        "x: !!set {a}\n",
                        "y: !!binary AAAA\n",
                    ]
                ),
                label="tag",
            )
        )
    elif kind == "alias_loop":
        lines.append("loop: &a [*a]\n")
    elif kind == "deep":
        lines.append("deep: " + "[" * 100 + "]" * 100 + "\n")
    encoded = "".join(lines).encode("utf-8")
    if kind == "non_utf8":
        at = data.draw(st.integers(0, len(encoded)), label="at")
        encoded = (
            encoded[:at]
            + data.draw(st.sampled_from([b"\xff", b"\xe9", b"\x80\x80"]), label="bytes")
            + encoded[at:]
        )
    return encoded


WITHOUT_PVLIB = ["default", "grid_only_baseline"]
"""Shipped instances without a ``pvlib:`` block: a text edit cannot make them compute a new
solar profile (0.4-3 s each; ``test_mutated_pvlib_block_loads_or_fails_cleanly`` does that)."""


@fuzz_settings("yaml_text")
@given(data=st.data())
def test_mutated_yaml_text_loads_or_fails_cleanly(
    data: st.DataObject,
    work: Path,
    shipped: dict[str, dict[str, Any]],
    sweeps: dict[str, dict[str, Any]],
) -> None:
    """Instance and sweep files edited at the byte level (read from disk, as the CLI does)."""
    is_sweep = data.draw(st.booleans(), label="sweep")
    folder = work / "sweeps" if is_sweep else work
    name = data.draw(st.sampled_from(sorted(sweeps) if is_sweep else WITHOUT_PVLIB), label="file")
    encoded = mutate_text(data, (folder / f"{name}.yaml").read_text(encoding="utf-8"))
    path = folder / f"{unique(name)}.yaml"
    path.write_bytes(encoded)
    try:
        raw = yaml.safe_load(encoded.decode("utf-8", errors="replace").lstrip("\ufeff"))
    except Exception:
        raw = None
    keys = set(SweepSpec.model_fields if is_sweep else InstanceSpec.model_fields) | (
        {str(k) for k in raw} if isinstance(raw, dict) else set()
    )
    try:
        result = outcome(
            lambda: (planner.load_sweep if is_sweep else planner.load_instance)(path),
            str(path),
            keys,
        )
    finally:
        path.unlink()
    if isinstance(result, planner.Instance):
        check_valid(result)
    count("yaml_text", result)


# -- sweeps ---------------------------------------------------------------------------------
SWEEP_VALUES = [
    "../default.yaml",
    "../default.yml",
    "../absent.yaml",
    "default.txt",
    "../profiles/default_2028.csv",
    OUTSIDE,
    "/etc/passwd",
    "/dev/zero",
    "../default.yaml\x00",
    "",
    ["../default.yaml", "../default.yaml"],
    "policy.hourly_cfe_target",
    "policy..x",
    "time.hours.x",
    "fusion.",
    "fusion.helion",
    "fusion.nope.x",
    "storage.li_ion.charge_efficiency",
    "demand.load_mw",
    "../../x",
    "a/b",
    ".hidden",
    "x" * 200,
    {"csv": OUTSIDE, "column": "x"},
    {"csv": "../profiles/default_2028.csv", "column": "load_mw"},
    {"policy.hourly_cfe_target": 1.5},
    {"demand.load_mw": {"csv": "/etc/passwd", "column": "root"}},
    {"start": 0, "stop": 1e308, "step": 1e-308},
    {"start": 0, "stop": 1, "step": 0},
    list(range(20)),
    [{"path": "policy.hourly_cfe_target", "values": [0.5]}] * 2,
    {"name": "../../x"},
    "zip",
    "grid",
    "product",
]
sweep_values = st.one_of(st.sampled_from(SWEEP_VALUES), values)


@fuzz_settings("sweep_values")
@given(data=st.data())
def test_mutated_sweep_loads_or_fails_cleanly(
    data: st.DataObject, work: Path, sweeps: dict[str, dict[str, Any]]
) -> None:
    name = data.draw(st.sampled_from(sorted(sweeps)), label="sweep")
    raw, added = mutate(data, sweeps[name], pool=sweep_values)
    source = str(work / "sweeps" / "mutated.yaml")
    keys = (
        set(SweepSpec.model_fields)
        | set(added)
        | ({str(k) for k in raw} if isinstance(raw, dict) else set())
    )
    result = outcome(lambda: Sweep.from_dict(raw, work / "sweeps", source), source, keys)
    if isinstance(result, Sweep):
        assert result.points
        for point in result.points[:3]:  # a jointly invalid point is fine, a crash is not
            outcome(
                lambda point=point: result.bases[point.base].with_overrides(point.overrides),
                result.bases[point.base].source,
                keys | set(InstanceSpec.model_fields),
            )
    else:
        assert isinstance(result, planner.SweepError)
    count("sweep_values", result)


# -- the command line on a sample --------------------------------------------------------------
@fuzz_settings("cli_validate")
@given(data=st.data())
def test_cli_validate_on_mutated_files_exits_0_or_2_with_one_message(
    data: st.DataObject,
    work: Path,
    shipped: dict[str, dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``planner validate`` in-process (capsys is read before and after each case)."""
    name = data.draw(st.sampled_from(WITHOUT_PVLIB), label="file")
    encoded = mutate_text(data, (work / f"{name}.yaml").read_text(encoding="utf-8"))
    path = work / f"{unique(name)}.yaml"
    path.write_bytes(encoded)
    capsys.readouterr()
    try:
        code = main(["validate", str(path)])
    finally:
        path.unlink()
    out, err = capsys.readouterr()
    assert code in (0, 2), err
    if code == 2:
        assert out == ""
        assert err.startswith("error: ") and err.count("error: ") == 1, err
        assert "Traceback" not in err
        assert f"{path}: " in err
    else:
        assert "valid (" in out and err == ""
    CASES["cli_validate"] += 1
    REJECTED["cli_validate"] += code == 2


BAD_FILES = {
    "not_utf8.yaml": b"name: x\ntime: {start: 2028-01-01 00:00, hours: 24}\ndemand: {load_mw: 1\xe9}\n",
    "python_tag.yaml": b"name: !!python/object/apply:os.system ['true']\n",
    "duplicate_key.yaml": b"name: a\nname: b\ntime: {start: 2028-01-01 00:00, hours: 24}\ndemand: {load_mw: 1}\n",
    "outside_csv.yaml": b"name: x\ntime: {start: 2028-01-01 00:00, hours: 24}\ndemand: {load_mw: {csv: ../../../../../../etc/passwd, column: root}}\n",
}


def test_cli_subprocess_prints_one_message_and_exits_2(tmp_path: Path) -> None:
    """In a real process, ``validate`` and ``solve``: exit 2, one ``error:`` message each, no
    traceback."""
    import subprocess
    import sys

    for name, content in BAD_FILES.items():
        (tmp_path / name).write_bytes(content)
    script = (
        "from planner.cli import main\n"
        f"print([main([command, name]) for command in ('validate', 'solve') for name in {sorted(BAD_FILES)!r}])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str([2] * 2 * len(BAD_FILES))
    assert "Traceback" not in done.stderr
    assert done.stderr.count("error: ") == 2 * len(BAD_FILES)
    for name in BAD_FILES:
        assert done.stderr.count(f"error: 1 problem in the instance:\n  {name}: ") == 2, done.stderr
    assert "not_utf8.yaml: not UTF-8 text: line 3 has the byte 0xe9" in done.stderr
    assert "duplicate_key.yaml: not valid YAML: while reading a mapping" in done.stderr
    assert "found the key 'name' twice (first on line 1)" in done.stderr


# -- the count ---------------------------------------------------------------------------------
def test_generated_case_count() -> None:
    """At least 1,000 malformed or mutated inputs ran (when the whole module runs)."""
    ran = {kind: CASES[kind] for kind in EXAMPLES}
    rejected = {kind: REJECTED[kind] for kind in EXAMPLES}
    print(
        f"\nfuzz cases by kind: {ran}; total {sum(ran.values())}; refused with an InstanceError: {rejected}"
    )
    if not all(ran.values()):
        pytest.skip(f"only part of the module ran: {ran}")
    assert sum(ran.values()) >= 1000, ran
