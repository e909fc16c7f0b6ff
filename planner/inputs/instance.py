"""The instance: schema of the whole file, loading, validation and overrides.

Loading happens in two passes that each collect *every* problem before raising one
:class:`planner.InstanceError`:

1. structure: the YAML is checked against the schema (types, ranges, unknown and missing keys);
2. series: every hourly field is turned into one float per modelled hour (constants are
   broadcast, CSV columns are read), then checked for length, non-numeric and NaN values and
   its admissible range, naming the CSV row; finally names and cross-field rules are checked.

Files are read defensively: YAML with a safe loader that also refuses duplicate keys, CSV as
UTF-8 (a byte-order mark is skipped), and every CSV or weather file must resolve inside the
instance's folder or an allowed data folder (:func:`planner.inputs.common.data_folders`). A
CSV with a ``timestamp`` column must list consecutive hours from ``time.start``.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import difflib
import io
import re
import time as _time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import pydantic
import yaml
from pydantic import AfterValidator, Field

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
    MAX_HOURS,
    MAX_MAGNITUDE,
    NAME_PATTERN,
    Count,
    Hourly,
    HourlyValue,
    Number,
    Schema,
    SeriesRef,
    Timestamp,
    data_folders,
    hourly_bounds,
    resolve_inside,
)
from planner.inputs.fusion import FusionOffer
from planner.inputs.grid import Grid
from planner.inputs.policy import Policy
from planner.inputs.solar import Solar
from planner.inputs.storage import Storage

RESOURCE_LISTS = ("fusion", "solar", "storage")
"""Sections holding a list of named resources; overrides address their items by name."""


def _on_the_hour(value: datetime) -> datetime:
    if (value.minute, value.second, value.microsecond) != (0, 0, 0):
        raise ValueError(f"must be on the hour (hour-beginning timestamps), got {value}")
    return value


class RepresentativePeriods(Schema):
    """Solve on a few representative periods instead of every hour (clustered at load time)."""

    count: Count = Field(gt=0, description="number of representative periods")
    period_hours: Count = Field(24, gt=0, description="hours per period (24: days, 168: weeks)")
    values: Literal["medoid", "mean"] = Field(
        "medoid",
        description="`medoid`: the hours of the cluster's most central real period; `mean`: "
        "the mean over the cluster's periods (annual totals exact, extremes smoothed away)",
    )
    seed: Count = Field(0, ge=0, le=2**32 - 1, description="seed of the clustering")


class TimeAxis(Schema):
    """Modelled hours: consecutive hours from ``start``, each standing for ``weights`` hours."""

    start: Annotated[Timestamp, AfterValidator(_on_the_hour)] = Field(
        description="timestamp of the first hour (local standard time, on the hour)"
    )
    hours: Count = Field(gt=0, le=MAX_HOURS, description="number of modelled hours")
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

    name: str = Field(
        pattern=NAME_PATTERN,
        description="instance name: a letter, then letters, digits or _ (it names the default "
        "output folder)",
    )
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
    allowed_dirs: tuple[Path, ...] = field(default=(), repr=False, compare=False)
    """Data folders besides ``base_dir`` its CSV and weather files may come from (kept by
    :meth:`with_overrides`)."""

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
        cls,
        raw: Mapping[str, Any],
        base_dir: str | Path = ".",
        source: str = "<instance>",
        allowed_dirs: Iterable[str | Path] | None = None,
    ) -> Instance:
        """Validate ``raw`` (the content of an instance file) and load its series.

        CSV paths are resolved against ``base_dir`` and must lie inside it or inside one of
        ``allowed_dirs`` (or a folder of the ``PLANNER_DATA_DIRS`` environment variable);
        ``source`` names the input in messages.
        """
        started = _time.perf_counter()
        if not isinstance(raw, Mapping):
            raise InstanceError(
                [f"{source}: must hold a mapping of sections, got {type(raw).__name__}"]
            )
        problem = structure_problem(raw)
        if problem:
            raise InstanceError([f"{source}: {problem}"])
        raw = copy.deepcopy(dict(raw))
        allowed = tuple(Path(d).expanduser().absolute() for d in allowed_dirs or ())
        ctx = _Context(Path(base_dir), data_folders(base_dir, allowed), source)
        try:
            spec = InstanceSpec.model_validate(raw)
        except pydantic.ValidationError as exc:
            problems = [f"{source}: {describe_error(err, raw)}" for err in exc.errors()]
            problems += _series_problems_of_valid_parts(raw, ctx)
            raise InstanceError(problems) from None
        problems: list[str] = []
        ctx.start, ctx.hours = spec.time.start, spec.time.hours
        resolved = _resolve_series(spec, ctx, problems, ())
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
            allowed_dirs=allowed,
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
        return Instance.from_dict(raw, self.base_dir, self.source, self.allowed_dirs)


def load_instance(path: str | Path, allowed_dirs: Iterable[str | Path] | None = None) -> Instance:
    """Read and validate an instance file (YAML); raises :class:`planner.InstanceError`.

    Its CSV and weather files must lie in the file's folder or in one of ``allowed_dirs``
    (or of the folders listed in the ``PLANNER_DATA_DIRS`` environment variable).
    """
    started = _time.perf_counter()
    path = Path(path)
    raw, problem = read_yaml_mapping(path, "sections")
    if problem:
        raise InstanceError([problem])
    inst = Instance.from_dict(raw, path.parent, str(path), allowed_dirs)
    return _replace_load_seconds(inst, _time.perf_counter() - started)


MAX_YAML_BYTES = 64 * 2**20
"""Largest input file read (64 MiB; an instance with inline full-year lists is ~1 MiB)."""

MAX_YAML_DEPTH = 64
"""Deepest nesting of lists and mappings accepted (an instance needs 5)."""

MAX_YAML_VALUES = 5_000_000
"""Most values a file may expand to, aliases counted at every use (a full year inline in
every hourly field of a large instance is ~200,000)."""


class StrictSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader (plain data only, never Python objects) that also refuses a key
    given twice in one mapping, and turns a malformed scalar (``2028-13-45``, ``!!int x``)
    into a YAML error with its line instead of a Python exception."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """Refuse nesting deeper than :data:`MAX_YAML_DEPTH` before Python's stack runs out."""
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                problem = f"nested more than {MAX_YAML_DEPTH} levels deep"
                raise yaml.composer.ComposerError(None, None, problem, mark)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value {node.value!r} ({exc})", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base` merges; its keys may be overridden
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # unhashable: SafeConstructor reports it
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found the key {key!r} twice (first on line {first})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, name: str = "<text>") -> Any:
    """Parse YAML text with :class:`StrictSafeLoader` (``yaml.safe_load`` plus checks);
    ``name`` is the file named in error marks."""
    loader = StrictSafeLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def structure_problem(raw: Any) -> str | None:
    """Why ``raw`` cannot be input data: nested deeper than :data:`MAX_YAML_DEPTH` (a YAML
    alias inside its own anchor nests forever) or more than :data:`MAX_YAML_VALUES` values
    once aliases are expanded. None if it is fine. Arrays count as one value."""
    try:
        _expanded_size(raw, 0, {})
    except _TooDeep:
        return (
            f"nested more than {MAX_YAML_DEPTH} levels deep "
            "(a YAML alias used inside its own anchor?)"
        )
    except _TooMany:
        return f"holds more than {MAX_YAML_VALUES:,} values (YAML aliases repeated?)"
    return None


class _TooDeep(Exception):
    pass


class _TooMany(Exception):
    pass


def _expanded_size(node: Any, depth: int, sizes: dict[int, int]) -> int:
    """Values in ``node`` counting a shared (aliased) part at each use; each distinct list or
    mapping is walked once (``sizes`` by id), so a billion laughs costs microseconds."""
    if not isinstance(node, (dict, list, tuple, Mapping)):
        return 1
    if id(node) in sizes:
        return sizes[id(node)]
    if depth >= MAX_YAML_DEPTH:
        raise _TooDeep  # also ends a structure that contains itself
    total = 1
    for child in node.values() if isinstance(node, Mapping) else node:
        nested = isinstance(child, (dict, list, tuple))
        total += _expanded_size(child, depth + 1, sizes) if nested else 1
        if total > MAX_YAML_VALUES:
            raise _TooMany
    sizes[id(node)] = total
    return total


def read_yaml_mapping(path: Path, what: str) -> tuple[dict[str, Any], str | None]:
    """Content of a YAML file holding a mapping (of ``what``), or a problem naming the file."""
    source = str(path)
    try:
        if not path.exists():
            return {}, f"{source}: file not found"
        if not path.is_file():
            return {}, f"{source}: cannot read: not a regular file"
        if path.stat().st_size > MAX_YAML_BYTES:
            return {}, f"{source}: cannot read: larger than {MAX_YAML_BYTES // 2**20} MiB"
        data = path.read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        return {}, f"{source}: cannot read: {exc}"
    text, problem = decode_utf8(data)
    if problem:
        return {}, f"{source}: {problem}"
    try:
        raw = parse_yaml(text, path.name)
    except yaml.YAMLError as exc:
        return {}, f"{source}: not valid YAML: {exc}"
    except RecursionError:
        return {}, f"{source}: not valid YAML: nested too deeply"
    if not isinstance(raw, dict):
        got = "an empty file" if raw is None else type(raw).__name__
        return {}, f"{source}: must hold a mapping of {what}, got {got}"
    problem = structure_problem(raw)
    if problem:
        return {}, f"{source}: {problem}"
    return raw, None


def decode_utf8(data: bytes) -> tuple[str, str | None]:
    """``data`` as text (a leading byte-order mark dropped), or a problem naming the line of
    the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        return "", (
            f"not UTF-8 text: line {line} has the byte 0x{byte} "
            "(save the file as UTF-8, e.g. 'CSV UTF-8' in a spreadsheet)"
        )


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
            # done: a resolved spec (e.g. shipped to a sweep worker) must not cluster again
            "representative_periods": None,
        }
    )
    return chosen.model_copy(update={"time": time}), agg.hour_index


# -- pass 1: structure messages ------------------------------------------------------------
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def field_location(loc: tuple[Any, ...], raw: Any, keyed: tuple[str, ...] = ()) -> str:
    """``('storage', 0, 'charge_efficiency')`` -> ``storage[li_ion].charge_efficiency``.

    List items are named by their ``name`` when they have one; keys of the mappings named
    in ``keyed`` (e.g. a sweep's ``overrides``) are shown in brackets.
    """
    text = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int) and not isinstance(node, dict):
            name = None
            if isinstance(node, list) and 0 <= part < len(node) and isinstance(node[part], dict):
                name = node[part].get("name")
            text += f"[{name}]" if isinstance(name, str) and name else f"[{part}]"
        elif isinstance(node, dict) and text in keyed:
            text += f"[{part}]"
        elif not isinstance(part, str) or not _PLAIN_KEY.fullmatch(part):
            text += f"[{part!r}]"  # a key such as 'name ' or '.', quoted to show it as it is
        else:
            text += f".{part}" if text else part
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return text or "(top level)"


def describe_error(err: Mapping[str, Any], raw: Any, keyed: tuple[str, ...] = ()) -> str:
    """One pydantic error as ``field: what, got value``, the field named as in the input
    (list items by name, see :func:`field_location`; ``keyed``: mappings whose keys are paths).
    Shared by the instance, sweep and study loaders."""
    loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
    where = field_location(loc, raw, keyed)
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
@dataclass
class _Context:
    """What loading the series needs: where files may come from, the horizon, and the CSV
    files whose timestamps were already checked (each file is reported once)."""

    base_dir: Path
    folders: tuple[Path, ...]
    source: str
    start: datetime | None = None
    hours: int = 0
    checked_files: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Table:
    """A CSV file as read: the frame, header names given twice, the ``timestamp`` column."""

    frame: pd.DataFrame
    duplicates: frozenset[str]
    stamps: np.ndarray | None
    """``timestamp`` parsed (datetime64[s], NaT where unreadable); None without that column."""
    stamps_problem: str | None = None


class _CsvProblem(ValueError):
    """A CSV file that cannot be used at all (not UTF-8...); the message follows its name."""


TIMESTAMP_COLUMN = "timestamp"
"""A CSV column of this name is checked: consecutive hours from ``time.start``."""


@lru_cache(maxsize=64)
def _read_csv(path: str, mtime_ns: int, size: int) -> _Table:
    """Read a CSV once per (path, modification time, size)."""
    del mtime_ns, size  # part of the cache key only
    text, problem = decode_utf8(Path(path).read_bytes())
    if problem:
        raise _CsvProblem(problem)
    header = next(csv.reader(io.StringIO(text)), [])
    duplicates = frozenset(name for name in header if header.count(name) > 1)
    frame = pd.read_csv(io.StringIO(text))
    if TIMESTAMP_COLUMN not in frame.columns:
        return _Table(frame, duplicates, None)
    cells = frame[TIMESTAMP_COLUMN].astype(str)
    zoned = cells.str.contains(_ZONED, regex=True)  # local hours only: refused, by row
    try:
        parsed = pd.to_datetime(cells.mask(zoned, ""), errors="coerce", format="ISO8601")
        stamps = parsed.to_numpy(dtype="datetime64[s]")
    except (ValueError, TypeError, OverflowError) as exc:
        return _Table(frame, duplicates, None, f"cannot be read as timestamps ({exc})")
    return _Table(frame, duplicates, stamps)


_ZONED = r"\d:\d\d(?::\d\d(?:\.\d*)?)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)\s*$"
"""A time followed by a UTC offset (``+01:00``, ``Z``)."""


def _csv_table(ref: SeriesRef, ctx: _Context) -> tuple[_Table | None, str, str | None]:
    """(table, resolved path, None) or (None, "", problem) for the CSV file of ``ref``."""
    path, problem = resolve_inside(ref.csv, ctx.base_dir, ctx.folders, "CSV file")
    if path is None:
        return None, "", problem
    try:
        if not path.exists():
            return None, "", f"CSV file {ref.csv!r} not found (looked in {path.parent})"
        if not path.is_file():
            return None, "", f"CSV file {ref.csv!r} cannot be read: not a regular file"
        stat = path.stat()
        table = _read_csv(str(path), stat.st_mtime_ns, stat.st_size)
    except _CsvProblem as exc:
        return None, "", f"CSV file {ref.csv!r}: {exc}"
    except (OSError, ValueError, csv.Error) as exc:  # pandas' parser errors are ValueErrors
        return None, "", f"CSV file {ref.csv!r} cannot be read: {exc}"
    return table, str(path), None


def _missing_column(ref: SeriesRef, columns: list[str]) -> str:
    """The message for a column ``ref`` names that the file does not have, with a hint."""
    text = f"CSV file {ref.csv!r} has no column {ref.column!r} (columns: {', '.join(columns)})"
    spaced = [c for c in columns if c.strip() == ref.column.strip()]
    if spaced:
        return f"{text}; {spaced[0]!r} has spaces around its name"
    if len(columns) == 1:
        for sep in (";", "\t", "|"):
            if sep in columns[0]:
                return f"{text}; the header looks separated by {sep!r}: save the file with commas"
    close = difflib.get_close_matches(ref.column, columns, n=1)
    return f"{text}; did you mean {close[0]!r}?" if close else text


def _load_column(ref: SeriesRef, ctx: _Context) -> tuple[np.ndarray | None, list[str]]:
    """Return (raw column as objects, problems found in its file) or (None, problems)."""
    table, key, problem = _csv_table(ref, ctx)
    if table is None:
        return None, [problem or f"CSV file {ref.csv!r} cannot be read"]
    columns = [str(c) for c in table.frame.columns]
    if ref.column in table.duplicates:
        return None, [f"CSV file {ref.csv!r} has the column {ref.column!r} more than once"]
    if ref.column not in columns:
        return None, [_missing_column(ref, columns)]
    problems = []
    if key not in ctx.checked_files:
        ctx.checked_files.add(key)
        stamp_problem = _timestamp_problem(table, ref.csv, ctx)
        if stamp_problem:
            problems.append(stamp_problem)
    return table.frame[ref.column].to_numpy(), problems


def _stamp_text(stamp: np.datetime64) -> str:
    return str(stamp).replace("T", " ")[:16]


def _timestamp_problem(table: _Table, csv_name: str, ctx: _Context) -> str | None:
    """Why the ``timestamp`` column of the rows used is not consecutive hours from
    ``time.start`` (CSV rows numbered as lines: the header is line 1)."""
    if table.stamps_problem:
        return f"{csv_name} column {TIMESTAMP_COLUMN!r} {table.stamps_problem}"
    if table.stamps is None:
        return None
    used = table.stamps[: ctx.hours]
    if not used.size:
        return None
    unread = np.flatnonzero(np.isnat(used))
    if unread.size:
        cell = table.frame[TIMESTAMP_COLUMN].iloc[unread[0]]
        return (
            f"{csv_name} row {unread[0] + 2}: {TIMESTAMP_COLUMN} {_cell_text(cell)} is not a "
            "local date and time such as 2028-01-01 00:00 (no time zone)"
        )
    steps = np.flatnonzero(np.diff(used) != np.timedelta64(1, "h"))
    if steps.size:
        i = steps[0]
        return (
            f"{csv_name} row {i + 3}: {TIMESTAMP_COLUMN} {_stamp_text(used[i + 1])} is not one "
            f"hour after row {i + 2} ({_stamp_text(used[i])}): the rows must be consecutive "
            "hours in time order"
        )
    if ctx.start is not None and used[0] != np.datetime64(ctx.start, "s"):
        return (
            f"{csv_name} row 2: {TIMESTAMP_COLUMN} {_stamp_text(used[0])} is not time.start "
            f"({ctx.start:%Y-%m-%d %H:%M}): the rows must begin at the first modelled hour "
            f"(rename the {TIMESTAMP_COLUMN!r} column to use the rows as they are)"
        )
    return None


def _weather_problem(weather: str, ctx: _Context) -> str | None:
    """Why a pvlib weather file may not be read: a name of pvlib's data folder is fine,
    anything else must lie inside the allowed folders."""
    from planner.profiles.solar import pvlib_data_dir

    plain = not any(c in weather for c in "/\\\x00")
    if plain and (pvlib_data_dir() / weather).is_file():
        return None
    _, problem = resolve_inside(weather, ctx.base_dir, ctx.folders, "weather file")
    return problem


def _series(
    value: Any, bounds: Hourly, ctx: _Context, where: str
) -> tuple[np.ndarray | None, list[str]]:
    """Turn one hourly field into ``ctx.hours`` floats, or return the problems found."""
    from planner.inputs.pvlib_profile import PvlibRef

    hours = ctx.hours
    if isinstance(value, float):
        if not np.isfinite(value):
            return None, [f"{where}: must be a finite number, got {value}"]
        if bounds.violations(np.array([value])).any():
            return None, [f"{where}: must be {bounds.describe()}, got {value}"]
        if abs(value) > MAX_MAGNITUDE:
            return None, [f"{where}: must be at most {MAX_MAGNITUDE:g} in magnitude, got {value:g}"]
        return np.full(hours, value), []
    problems: list[str] = []
    if isinstance(value, SeriesRef):
        column, problems = _load_column(value, ctx)
        if column is None:
            return None, [f"{where}: {p}" for p in problems]
        problems = [f"{where}: {p}" for p in problems]
        label = f"{value.csv} column {value.column!r}"
        row_offset = 2  # CSV line of data row 0: the header is line 1
    elif isinstance(value, PvlibRef):
        from planner.profiles.solar import ProfileError, capacity_factor  # imports pvlib: slow

        problem = _weather_problem(value.pvlib.weather, ctx)
        if problem:
            return None, [f"{where}.pvlib.weather: {problem}"]
        try:
            column = capacity_factor(value.pvlib, ctx.base_dir)
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
        short = f"{where}: {label} has {len(column)} rows, time.hours needs {hours}"
        return None, [short, *problems]
    if isinstance(value, np.ndarray) and len(column) != hours:
        return None, [f"{where}: {label} has {len(column)} values, time.hours is {hours}"]
    column = column[:hours]
    numbers = pd.to_numeric(pd.Series(column), errors="coerce").to_numpy(dtype=float)
    bad_rows = np.flatnonzero(~np.isfinite(numbers))
    if bad_rows.size:
        first = bad_rows[0]
        problems.append(
            f"{where}: {label} row {first + row_offset}: not a finite number "
            f"({_cell_text(column[first])})"
            + (f"; {bad_rows.size - 1} more such rows" if bad_rows.size > 1 else "")
        )
    finite = np.nan_to_num(numbers, nan=0.0, posinf=0.0, neginf=0.0)
    for mask, wanted in (
        (bounds.violations(finite), f"be {bounds.describe()}"),
        (np.abs(finite) > MAX_MAGNITUDE, f"be at most {MAX_MAGNITUDE:g} in magnitude"),
    ):
        rows = np.flatnonzero(mask)
        if rows.size:
            first = rows[0]
            problems.append(
                f"{where}: {label} row {first + row_offset}: must {wanted}, got {numbers[first]}"
                + (f"; {rows.size - 1} more such rows" if rows.size > 1 else "")
            )
            break
    return (None if problems else numbers), problems


def _cell_text(value: Any) -> str:
    """A CSV cell as the user wrote it: ``'abc'``, ``empty``, ``nan``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return "empty or NaN"
    return repr(value)


def _resolve_series(
    model: Schema, ctx: _Context, problems: list[str], path: tuple[str, ...]
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
            array, found = _series(value, bounds, ctx, where)
            problems.extend(f"{ctx.source}: {p}" for p in found)
            updates[name] = array
        elif isinstance(value, Schema):
            updates[name] = _resolve_series(value, ctx, problems, (*path, name))
        elif isinstance(value, list) and value and isinstance(value[0], Schema):
            updates[name] = [
                _resolve_series(item, ctx, problems, (f"{where}[{item.name}]",)) for item in value
            ]
    return model.model_copy(update=updates)


def _series_problems_of_valid_parts(raw: Mapping[str, Any], ctx: _Context) -> list[str]:
    """Series problems of the sections that are valid on their own, when others are not.

    So that one run reports a wrong key in one section and a bad CSV in another together.
    """
    time = raw.get("time")
    try:
        axis = TimeAxis.model_validate(time)
        ctx.start, ctx.hours = axis.start, axis.hours
    except pydantic.ValidationError:
        hours = time.get("hours") if isinstance(time, dict) else None
        if not isinstance(hours, int) or isinstance(hours, bool) or not 0 < hours <= MAX_HOURS:
            return []
        ctx.start, ctx.hours = None, hours
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
        _resolve_series(part, ctx, problems, (where,))
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
