"""The instance: schema of the whole file, loading, validation and overrides.

Loading happens in two passes that each collect *every* problem before raising one
:class:`planner.InstanceError`:

1. structure: the YAML is checked against the schema (types, ranges, unknown and missing keys);
2. series: every hourly field is turned into one float per modelled hour (constants are
   broadcast, CSV columns are read), then checked for length, non-numeric and NaN values and
   its admissible range, naming the CSV row; finally names and cross-field rules are checked.
"""

from __future__ import annotations

import copy
import dataclasses
import time as _time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import pydantic
import yaml
from pydantic import Field

from planner.errors import InstanceError
from planner.inputs.aggregate import (
    cluster_periods,
    hourly_arrays,
    map_hourly,
    represent,
    timestamps_of,
)
from planner.inputs.common import (
    HOURS_PER_YEAR,
    Count,
    Hourly,
    HourlyValue,
    Number,
    Schema,
    SeriesRef,
    hourly_bounds,
)
from planner.inputs.fusion import FusionOffer
from planner.inputs.grid import Grid
from planner.inputs.policy import Policy
from planner.inputs.solar import Solar
from planner.inputs.storage import Storage

RESOURCE_LISTS = ("fusion", "solar", "storage")
"""Sections holding a list of named resources; overrides address their items by name."""


class RepresentativePeriods(Schema):
    """Solve on a few representative periods instead of every hour (clustered at load time)."""

    count: Count = Field(gt=0, description="number of representative periods")
    period_hours: Count = Field(24, gt=0, description="hours per period (24: days, 168: weeks)")
    values: Literal["medoid", "mean"] = Field(
        "medoid",
        description="`medoid`: the hours of the cluster's most central real period; `mean`: "
        "the mean over the cluster's periods (annual totals exact, extremes smoothed away)",
    )
    seed: Count = Field(0, ge=0, description="seed of the clustering")


class TimeAxis(Schema):
    """Modelled hours: consecutive hours from ``start``, each standing for ``weights`` hours."""

    start: datetime = Field(description="timestamp of the first hour")
    hours: Count = Field(gt=0, description="number of modelled hours")
    weights: Annotated[HourlyValue, Hourly(gt=0)] = Field(
        1.0, description="hours of the year each modelled hour stands for (default 1)"
    )
    period_hours: Count | None = Field(
        None,
        gt=0,
        description="the modelled hours form consecutive periods of this many hours; storage "
        "cycles within each period unless period_sequence links them (null: one period)",
    )
    period_sequence: list[Count] | None = Field(
        None,
        description="for each original period of the year, in order, the modelled period "
        "(0-based) that represents it; links storage across periods",
    )
    representative_periods: RepresentativePeriods | None = Field(
        None,
        description="cluster the horizon into representative periods at load time, which "
        "sets hours, weights, period_hours and period_sequence (null: every hour)",
    )


class Demand(Schema):
    """The datacenter's electricity demand."""

    load_mw: Annotated[HourlyValue, Hourly(ge=0)] = Field(description="demand each hour, MW")
    value_of_lost_load_usd_per_mwh: Number = Field(
        10_000.0, gt=0, description="cost of each MWh of demand not served, $/MWh"
    )


class Finance(Schema):
    """How overnight costs become yearly payments."""

    discount_rate: Number = Field(0.07, ge=0, lt=1, description="real discount rate, per year")


class InstanceSpec(Schema):
    """The whole instance file."""

    name: str = Field(min_length=1, description="instance name")
    description: str = Field("", description="what the instance represents")
    time: TimeAxis = Field(description="the modelled hours")
    demand: Demand = Field(description="the datacenter's demand")
    finance: Finance = Field(default_factory=Finance, description="discounting")
    fusion: list[FusionOffer] = Field(default_factory=list, description="fusion PPA offers")
    solar: list[Solar] = Field(default_factory=list, description="solar resources")
    storage: list[Storage] = Field(default_factory=list, description="storage types")
    grid: Grid | None = Field(None, description="grid connection (null: islanded)")
    policy: Policy = Field(default_factory=Policy, description="clean-energy targets")


@dataclass(frozen=True)
class Instance:
    """A validated instance whose hourly fields are numpy arrays of length ``hours``.

    Create it with :func:`load_instance` or :meth:`from_dict`; derive variants with
    :meth:`with_overrides`.
    """

    spec: InstanceSpec
    raw: Mapping[str, Any] = field(repr=False)
    base_dir: Path
    source: str
    load_seconds: float = field(default=0.0, compare=False)
    hour_index: np.ndarray | None = field(default=None, repr=False, compare=False)
    """Positions of the modelled hours in the full horizon (representative periods only)."""

    # -- convenient views -------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def hours(self) -> int:
        return self.spec.time.hours

    @property
    def weights(self) -> np.ndarray:
        """Hours of the year each modelled hour stands for."""
        return self.spec.time.weights  # type: ignore[no-any-return]

    @property
    def horizon_years(self) -> float:
        """Length of the modelled horizon in years: sum of weights / 8760."""
        return float(self.weights.sum()) / HOURS_PER_YEAR

    @property
    def timestamps(self) -> pd.DatetimeIndex:
        """Timestamp of each modelled hour (the real hours of representative periods)."""
        if self.hour_index is None:
            return timestamps_of(self.spec.time.start, self.hours, None)
        return timestamps_of(self.spec.time.start, int(self.hour_index[-1]) + 1, self.hour_index)

    @property
    def is_aggregated(self) -> bool:
        """Whether the hours are representative periods clustered at load time."""
        return self.hour_index is not None

    def resources(self) -> Iterator[tuple[str, Any]]:
        """(kind, resource) for every resource of the list sections, in file order."""
        for kind in RESOURCE_LISTS:
            for item in getattr(self.spec, kind):
                yield kind, item

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_dict(
        cls, raw: Mapping[str, Any], base_dir: str | Path = ".", source: str = "<instance>"
    ) -> Instance:
        """Validate ``raw`` (the content of an instance file) and load its series.

        CSV paths are resolved against ``base_dir``; ``source`` names the input in messages.
        """
        started = _time.perf_counter()
        raw = copy.deepcopy(dict(raw))
        try:
            spec = InstanceSpec.model_validate(raw)
        except pydantic.ValidationError as exc:
            problems = [f"{source}: {_describe(err, raw)}" for err in exc.errors()]
            problems += _series_problems_of_valid_parts(raw, Path(base_dir), source)
            raise InstanceError(problems) from None
        problems: list[str] = []
        resolved = _resolve_series(spec, spec.time.hours, Path(base_dir), source, problems, ())
        problems += [f"{source}: {p}" for p in _cross_checks(resolved)]
        if problems:
            raise InstanceError(problems)
        hour_index = None
        if resolved.time.representative_periods is not None:
            resolved, hour_index = _aggregate(resolved)
        return cls(
            spec=resolved,
            raw=raw,
            base_dir=Path(base_dir),
            source=source,
            load_seconds=_time.perf_counter() - started,
            hour_index=hour_index,
        )

    def with_overrides(self, overrides: Mapping[str, Any]) -> Instance:
        """A new instance with values replaced by dotted path.

        Paths follow the file: ``policy.hourly_cfe_target``, ``time.hours``,
        ``fusion.<offer name>.energy_price_usd_per_mwh``, ``storage.<name>.lifetime_yr``,
        ``grid.price_usd_per_mwh`` (a number, ``{csv:, column:}`` or an array). Items of
        ``fusion``, ``solar`` and ``storage`` are addressed by name; ``fusion.<name>`` alone
        replaces the whole item. Every bad path is reported in one :class:`InstanceError`.
        Example: ``inst.with_overrides({"policy.hourly_cfe_target": 0.95})``.
        """
        raw = copy.deepcopy(dict(self.raw))
        problems = []
        for path, value in overrides.items():
            problem = _set_path(raw, path, value)
            if problem:
                problems.append(f"{self.source}: override {path!r}: {problem}")
        if problems:
            raise InstanceError(problems)
        return Instance.from_dict(raw, self.base_dir, self.source)


def load_instance(path: str | Path) -> Instance:
    """Read and validate an instance file (YAML); raises :class:`planner.InstanceError`."""
    started = _time.perf_counter()
    path = Path(path)
    raw, problem = read_yaml_mapping(path, "sections")
    if problem:
        raise InstanceError([problem])
    inst = Instance.from_dict(raw, path.parent, str(path))
    return _replace_load_seconds(inst, _time.perf_counter() - started)


def read_yaml_mapping(path: Path, what: str) -> tuple[dict[str, Any], str | None]:
    """Content of a YAML file holding a mapping (of ``what``), or a problem naming the file."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, f"{source}: file not found"
    except (OSError, UnicodeDecodeError) as exc:
        return {}, f"{source}: cannot read: {exc}"
    try:
        raw = yaml.safe_load(text)  # safe: plain data only, never Python objects
    except yaml.YAMLError as exc:
        return {}, f"{source}: not valid YAML: {exc}"
    if not isinstance(raw, dict):
        return {}, f"{source}: must hold a mapping of {what}, got {type(raw).__name__}"
    return raw, None


def _replace_load_seconds(inst: Instance, seconds: float) -> Instance:
    return dataclasses.replace(inst, load_seconds=seconds)


def _aggregate(spec: InstanceSpec) -> tuple[InstanceSpec, np.ndarray]:
    """Replace the hours of ``spec`` by representative periods (see planner.inputs.aggregate)."""
    rep = spec.time.representative_periods
    assert rep is not None
    stamps = timestamps_of(spec.time.start, spec.time.hours, None)
    # what the model sees: no fusion before commercial operation, baked into the availability
    # (a representative hour may stand for hours on both sides of the date)
    offers = [
        offer.model_copy(
            update={
                "availability": np.where(
                    stamps < offer.commercial_operation_date, 0.0, offer.availability
                ),
                "commercial_operation_date": None,
            }
        )
        if offer.commercial_operation_date is not None
        else offer
        for offer in spec.fusion
    ]
    spec = spec.model_copy(update={"fusion": offers})
    features = {where: values for where, values in hourly_arrays(spec) if where != "time.weights"}
    agg = cluster_periods(features, rep.count, rep.period_hours, rep.seed)
    chosen = map_hourly(spec, lambda values: represent(values, agg, rep.values))
    time = chosen.time.model_copy(
        update={
            "hours": len(agg.hour_index),
            "weights": agg.weights * represent(np.asarray(spec.time.weights), agg, rep.values),
            "period_hours": agg.period_hours,
            "period_sequence": agg.sequence,
        }
    )
    return chosen.model_copy(update={"time": time}), agg.hour_index


# -- pass 1: structure messages ------------------------------------------------------------
def field_location(loc: tuple[Any, ...], raw: Any, keyed: tuple[str, ...] = ()) -> str:
    """``('storage', 0, 'charge_efficiency')`` -> ``storage[li_ion].charge_efficiency``.

    List items are named by their ``name`` when they have one; keys of the mappings named
    in ``keyed`` (e.g. a sweep's ``overrides``) are shown in brackets.
    """
    text = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            name = None
            if isinstance(node, list) and 0 <= part < len(node) and isinstance(node[part], dict):
                name = node[part].get("name")
            text += f"[{name}]" if isinstance(name, str) and name else f"[{part}]"
        elif isinstance(node, dict) and text in keyed:
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return text or "(top level)"


def _describe(err: Mapping[str, Any], raw: Mapping[str, Any]) -> str:
    loc = tuple(p for p in err["loc"] if p not in ("function-before", "function-after"))
    where = field_location(loc, raw)
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"{where}: required field is missing"
    if kind == "extra_forbidden":
        return f"{where}: unknown field"
    if kind == "value_error":  # our own validators: the message says everything
        return f"{where}: {ctx.get('error', err['msg'])}"
    message = RANGE_MESSAGES[kind].format(**ctx) if kind in RANGE_MESSAGES else str(err["msg"])
    value = err.get("input")
    shown = f"a {type(value).__name__}" if isinstance(value, (dict, list)) else repr(value)
    return f"{where}: {message}, got {shown}"


RANGE_MESSAGES = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "finite_number": "must be a finite number",
    "string_pattern_mismatch": "must match {pattern} (a letter, then letters, digits, _)",
    "too_short": "must not be empty",
    "literal_error": "must be one of {expected}",
}
"""Plain wording of pydantic's range and pattern errors, shared by every input file."""


# -- pass 2: hourly series -----------------------------------------------------------------
@lru_cache(maxsize=64)
def _read_csv(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    """Read a CSV once per (path, modification time, size)."""
    del mtime_ns, size  # part of the cache key only
    return pd.read_csv(path, encoding="utf-8")


def _load_column(ref: SeriesRef, base_dir: Path) -> tuple[np.ndarray | None, str | None]:
    """Return (raw column as objects, None) or (None, problem)."""
    path = (base_dir / ref.csv).resolve()
    try:
        stat = path.stat()
        frame = _read_csv(str(path), stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        return None, f"CSV file {ref.csv!r} not found (looked in {path.parent})"
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return None, f"CSV file {ref.csv!r} cannot be read: {exc}"
    if ref.column not in frame.columns:
        return None, (
            f"CSV file {ref.csv!r} has no column {ref.column!r} "
            f"(columns: {', '.join(map(str, frame.columns))})"
        )
    return frame[ref.column].to_numpy(), None


def _series(
    value: Any, bounds: Hourly, hours: int, base_dir: Path, where: str
) -> tuple[np.ndarray | None, list[str]]:
    """Turn one hourly field into ``hours`` floats, or return the problems found."""
    from planner.inputs.pvlib_profile import PvlibRef

    if isinstance(value, float):
        if not np.isfinite(value):
            return None, [f"{where}: must be a finite number, got {value}"]
        if bounds.violations(np.array([value])).any():
            return None, [f"{where}: must be {bounds.describe()}, got {value}"]
        return np.full(hours, value), []
    if isinstance(value, SeriesRef):
        column, problem = _load_column(value, base_dir)
        if problem:
            return None, [f"{where}: {problem}"]
        label = f"{value.csv} column {value.column!r}"
        row_offset = 2  # CSV line of data row 0: the header is line 1
    elif isinstance(value, PvlibRef):
        from planner.profiles.solar import ProfileError, capacity_factor  # imports pvlib: slow

        try:
            column = capacity_factor(value.pvlib, base_dir)
        except ProfileError as exc:
            return None, [f"{where}.pvlib: {exc}"]
        label = f"pvlib profile of {value.pvlib.weather!r}"
        row_offset = 0
    else:
        column = np.asarray(value)
        label = "array"
        row_offset = 0
        if column.ndim != 1:
            return None, [f"{where}: must be one-dimensional, got shape {column.shape}"]
    assert column is not None
    if len(column) < hours:
        return None, [f"{where}: {label} has {len(column)} rows, time.hours needs {hours}"]
    if isinstance(value, np.ndarray) and len(column) != hours:
        return None, [f"{where}: {label} has {len(column)} values, time.hours is {hours}"]
    column = column[:hours]
    numbers = pd.to_numeric(pd.Series(column), errors="coerce").to_numpy(dtype=float)
    problems = []
    bad_rows = np.flatnonzero(~np.isfinite(numbers))
    if bad_rows.size:
        first = bad_rows[0]
        problems.append(
            f"{where}: {label} row {first + row_offset}: not a finite number "
            f"({_cell_text(column[first])})"
            + (f"; {bad_rows.size - 1} more such rows" if bad_rows.size > 1 else "")
        )
    out_of_range = np.flatnonzero(bounds.violations(np.nan_to_num(numbers, nan=0.0)))
    if out_of_range.size:
        first = out_of_range[0]
        problems.append(
            f"{where}: {label} row {first + row_offset}: must be {bounds.describe()}, "
            f"got {numbers[first]}"
            + (f"; {out_of_range.size - 1} more such rows" if out_of_range.size > 1 else "")
        )
    return (None if problems else numbers), problems


def _cell_text(value: Any) -> str:
    """A CSV cell as the user wrote it: ``'abc'``, ``empty``, ``nan``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return "empty or NaN"
    return repr(value)


def _resolve_series(
    model: Schema,
    hours: int,
    base_dir: Path,
    source: str,
    problems: list[str],
    path: tuple[str, ...],
) -> Any:
    """Copy of ``model`` with each hourly field replaced by an array (recursively)."""
    updates: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        where = ".".join((*path, name))
        bounds = hourly_bounds(type(model), name)
        if bounds is not None:
            if value is None:
                continue
            array, found = _series(value, bounds, hours, base_dir, where)
            problems.extend(f"{source}: {p}" for p in found)
            updates[name] = array
        elif isinstance(value, Schema):
            updates[name] = _resolve_series(value, hours, base_dir, source, problems, (*path, name))
        elif isinstance(value, list) and value and isinstance(value[0], Schema):
            updates[name] = [
                _resolve_series(item, hours, base_dir, source, problems, (f"{where}[{item.name}]",))
                for item in value
            ]
    return model.model_copy(update=updates)


def _series_problems_of_valid_parts(raw: Mapping[str, Any], base_dir: Path, source: str) -> list[str]:
    """Series problems of the sections that are valid on their own, when others are not.

    So that one run reports a wrong key in one section and a bad CSV in another together.
    """
    time = raw.get("time")
    hours = time.get("hours") if isinstance(time, dict) else None
    if not isinstance(hours, int) or isinstance(hours, bool) or hours <= 0:
        return []
    parts: list[tuple[Any, type[Schema], str]] = [
        (raw.get(name), model, name) for name, model in (("time", TimeAxis), ("demand", Demand), ("grid", Grid))
    ]
    for kind, model in (("fusion", FusionOffer), ("solar", Solar), ("storage", Storage)):
        items = raw.get(kind)
        if isinstance(items, list):
            parts += [(item, model, kind) for item in items]
    problems: list[str] = []
    for value, model, name in parts:
        if not isinstance(value, dict):
            continue
        try:
            part = model.model_validate(value)
        except pydantic.ValidationError:
            continue  # already reported by the structure pass
        where = f"{name}[{value['name']}]" if name in RESOURCE_LISTS else name
        _resolve_series(part, hours, base_dir, source, problems, (where,))
    return problems


def _time_checks(time: TimeAxis) -> list[str]:
    problems = []
    rep = time.representative_periods
    if rep is not None:
        if time.period_hours is not None or time.period_sequence is not None:
            problems.append(
                "time.representative_periods: sets period_hours and period_sequence itself; "
                "do not give them too"
            )
        if rep.count > time.hours // rep.period_hours:
            problems.append(
                f"time.representative_periods.count: must be <= {time.hours // rep.period_hours}, "
                f"the number of whole {rep.period_hours}-hour periods in time.hours, got {rep.count}"
            )
        return problems
    if time.period_sequence is not None and time.period_hours is None:
        problems.append("time.period_sequence: needs time.period_hours")
    if time.period_hours is not None:
        if time.hours % time.period_hours:
            problems.append(
                f"time.period_hours: must divide time.hours ({time.hours}), got {time.period_hours}"
            )
        n_periods = time.hours // time.period_hours
        if time.period_sequence is not None:
            bad = [p for p in time.period_sequence if not 0 <= p < n_periods]
            if bad or not time.period_sequence:
                problems.append(
                    f"time.period_sequence: needs values in [0, {n_periods - 1}], got {bad[:5] or 'none'}"
                )
    return problems


def _cross_checks(spec: InstanceSpec) -> list[str]:
    problems = _time_checks(spec.time)
    seen: dict[str, str] = {}
    for kind in RESOURCE_LISTS:
        for item in getattr(spec, kind):
            if item.name == "grid":
                problems.append(f"{kind}[{item.name}].name: 'grid' is reserved for the grid")
            if item.name in seen:
                problems.append(
                    f"{kind}[{item.name}].name: duplicate name (also used in {seen[item.name]})"
                )
            seen[item.name] = kind
    policy = spec.policy
    needs_grid = policy.emissions_cap_fraction_of_baseline is not None
    if needs_grid and spec.grid is None:
        problems.append(
            "policy.emissions_cap_fraction_of_baseline: needs a grid to define the baseline"
        )
    return problems


# -- overrides -------------------------------------------------------------------------------
def _item_index(items: list[Any], name: str, where: str) -> tuple[int, str | None]:
    names = [item.get("name") if isinstance(item, dict) else None for item in items]
    if name not in names:
        have = ", ".join(str(n) for n in names if n is not None) or "none"
        return -1, f"no item named {name!r} in {where} (have: {have})"
    return names.index(name), None


def _set_path(raw: dict[str, Any], path: str, value: Any) -> str | None:
    """Set ``raw`` at dotted ``path``; return a problem or None."""
    parts = path.split(".")
    if not all(parts):
        return "empty path segment"
    node: Any = raw
    for i, part in enumerate(parts[:-1]):
        if isinstance(node, list):
            index, problem = _item_index(node, part, ".".join(parts[:i]))
            if problem:
                return problem
            node = node[index]
        elif isinstance(node, dict):
            if part not in node or node[part] is None:
                if i == 0 and part in RESOURCE_LISTS:
                    return f"the instance has no {part} section"
                if i == 0 and part not in InstanceSpec.model_fields:
                    return f"unknown section {part!r}"
                node[part] = {}
            node = node[part]
        else:
            return f"{'.'.join(parts[: i + 1])} is not a section"
    if isinstance(node, list):  # a whole item, by name
        index, problem = _item_index(node, parts[-1], ".".join(parts[:-1]))
        if problem:
            return problem
        node[index] = value
        return None
    if not isinstance(node, dict):
        return f"{'.'.join(parts[:-1])} is not a section"
    node[parts[-1]] = value
    return None
