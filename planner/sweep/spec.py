"""Sweep specification: schema, up-front validation and expansion into points.

A sweep file (YAML) names one or more base instances and the values to vary, by the dotted
paths of :meth:`planner.Instance.with_overrides`::

    name: fusion_price
    base: ../default.yaml                # or a list of instance files, relative to this file
    overrides: {time.hours: 168}         # applied to every point
    combine: grid                        # grid: every combination; zip: lists advance together
    parameters:
      - path: fusion.helion.energy_price_usd_per_mwh
        values: [30, 50, 70]
      - path: policy.hourly_cfe_target
        range: {start: 0.8, stop: 1.0, step: 0.1}      # 0.8, 0.9, 1.0 (stop included)
    scenarios:                           # named sets of overrides, crossed with the parameters
      - name: cheap_storage
        overrides: {storage.li_ion.energy_capex_usd_per_kwh: 150}

Points are bases x scenarios x parameter combinations, in that order (the first base, the first
scenario and the first parameter vary slowest). Parameters that share a ``group`` advance
together (zipped); groups and ungrouped parameters are crossed. Overrides apply in the order
``overrides`` < scenario < parameters. CSV paths in values (``{csv: FILE, column: NAME}``) are
relative to the sweep file, like those of an instance are relative to the instance file.

Files: each ``base`` must be a ``.yaml``/``.yml`` file; it is only ever read as YAML and
validated as an instance, whose own CSV files follow the instance rule (inside its folder or an
allowed data folder). A CSV named in the sweep must lie inside the sweep file's folder, a base
instance's folder or an allowed data folder; the base instances may read the sweep's folder too.
A sweep expands to at most :data:`MAX_POINTS` points.

Every problem is collected before one :class:`SweepError` is raised, each naming the file and
the field: ``sweeps/x.yaml: parameters[2].path: unknown field 'hourly_cfe_targt' in policy (did
you mean 'hourly_cfe_target'?)``. Each value is applied to each base to catch out-of-range
values; a combination that is invalid only jointly is recorded as an ``invalid`` point when the
sweep runs, and the others go on.
"""

from __future__ import annotations

import difflib
import itertools
import math
import os
import types
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, model_validator

from planner.errors import InstanceError
from planner.inputs.common import NAME_PATTERN, Number, Schema, data_folders, resolve_inside
from planner.inputs.instance import (
    Instance,
    InstanceSpec,
    describe_error,
    load_instance,
    read_yaml_mapping,
    structure_problem,
)

MAX_POINTS = 100_000
"""Most points a sweep may expand to (bases x scenarios x parameter combinations)."""

MAX_VALUES = 10_000
"""Most values of one parameter (a list or a range)."""


class SweepError(InstanceError):
    """Invalid sweep input: every problem found, one line each, naming file and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the sweep:"
        self.args = ("\n".join([head, *("  " + p for p in self.problems)]),)


# -- schema ----------------------------------------------------------------------------------
def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _yaml_files(paths: list[str]) -> list[str]:
    """Base paths must name YAML files: they are read as YAML instances and nothing else."""
    for path in paths:
        if "\x00" in path:
            raise ValueError(f"{path!r}: a file name cannot contain a NUL character")
        if Path(path).suffix.lower() not in (".yaml", ".yml"):
            raise ValueError(f"{path!r}: must be an instance file ending in .yaml or .yml")
    return paths


class Range(Schema):
    """Evenly spaced values from ``start`` to ``stop`` (included when reached) by ``step``."""

    start: Number = Field(description="first value")
    stop: Number = Field(description="last value (included if start + k * step reaches it)")
    step: Number = Field(gt=0, description="spacing between values")

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.stop < self.start:
            raise ValueError(f"stop ({self.stop}) is below start ({self.start})")
        if (self.stop - self.start) / self.step > MAX_VALUES:
            raise ValueError(f"more than {MAX_VALUES:,} values; use a larger step")
        return self

    def values(self) -> list[float]:
        """The expanded values, rounded to 12 significant digits to drop float noise.

        >>> Range(start=0.8, stop=1.0, step=0.1).values()
        [0.8, 0.9, 1.0]
        """
        count = math.floor((self.stop - self.start) / self.step + 1e-9) + 1
        return [float(f"{self.start + i * self.step:.12g}") for i in range(count)]


class Parameter(Schema):
    """One swept input: a dotted path and its values (a list or a range)."""

    path: str = Field(min_length=1, description="dotted path, as in Instance.with_overrides")
    values: list[Any] | None = Field(
        None, min_length=1, max_length=MAX_VALUES, description="the values to try"
    )
    range: Range | None = Field(None, description="evenly spaced values instead of a list")
    group: str | None = Field(
        None, min_length=1, description="parameters sharing a group advance together (zip)"
    )

    @model_validator(mode="after")
    def _one_source(self) -> Parameter:
        if (self.values is None) == (self.range is None):
            raise ValueError("give either values or range, not both or neither")
        return self

    def expanded(self) -> list[Any]:
        return list(self.values) if self.values is not None else self.range.values()  # type: ignore[union-attr]


class Scenario(Schema):
    """A named set of overrides."""

    name: str = Field(pattern=NAME_PATTERN, description="scenario name (a column of the table)")
    description: str = Field("", description="what the scenario represents")
    overrides: dict[str, Any] = Field(default_factory=dict, description="dotted path -> value")


class SweepSpec(Schema):
    """The whole sweep file."""

    name: str = Field(pattern=NAME_PATTERN, description="sweep name (default output folder)")
    description: str = Field("", description="what the sweep explores")
    base: Annotated[list[str], BeforeValidator(_as_list), AfterValidator(_yaml_files)] = Field(
        min_length=1, description="instance file(s) (.yaml or .yml), relative to the sweep file"
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="dotted path -> value, applied to every point"
    )
    combine: Literal["grid", "zip"] = Field(
        "grid", description="grid: every combination of the parameters; zip: one list"
    )
    parameters: list[Parameter] = Field(default_factory=list, description="swept inputs")
    scenarios: list[Scenario] = Field(default_factory=list, description="named scenarios")
    solver_options: dict[str, Any] = Field(
        default_factory=dict, description="HiGHS options merged over planner's defaults"
    )
    time_limit_s: Number | None = Field(None, gt=0, description="HiGHS time limit per point")
    baseline: bool = Field(True, description="also solve each point's grid-only baseline")


# -- the validated, expanded sweep -----------------------------------------------------------
@dataclass(frozen=True)
class Point:
    """One case of a sweep.

    ``values`` holds the swept values as written (the columns of the result table);
    ``overrides`` everything applied to the base, in order (CSV paths made relative to the
    base instance's folder).
    """

    index: int
    base: str
    scenario: str | None
    values: Mapping[str, Any]
    overrides: Mapping[str, Any]


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: its base instances (by label) and every point, in order."""

    name: str
    source: str
    bases: Mapping[str, Instance]
    points: tuple[Point, ...]
    columns: tuple[str, ...]
    """The swept paths, one column each in the result table."""
    solver_options: Mapping[str, Any] = field(default_factory=dict)
    time_limit_s: float | None = None
    baseline: bool = True
    fixed: Mapping[str, Any] = field(default_factory=dict)
    """Overrides applied to every point, as written."""

    @classmethod
    def from_dict(
        cls,
        raw: Mapping[str, Any],
        base_dir: str | Path = ".",
        source: str = "<sweep>",
        allowed_dirs: Iterable[str | Path] | None = None,
    ) -> Sweep:
        """Validate ``raw`` (the content of a sweep file); raise :class:`SweepError`.

        Base instances and CSV paths are resolved against ``base_dir``; CSV files may come
        from ``base_dir``, a base instance's folder or ``allowed_dirs`` (which the base
        instances may read too).
        """
        if not isinstance(raw, Mapping):
            raise SweepError([f"{source}: must hold a mapping of fields, got {type(raw).__name__}"])
        problem = structure_problem(raw)
        if problem:
            raise SweepError([f"{source}: {problem}"])
        try:
            spec = SweepSpec.model_validate(dict(raw))
        except pydantic.ValidationError as exc:
            raise SweepError(
                [f"{source}: {describe_error(err, raw, KEYED)}" for err in exc.errors()]
            ) from None
        return _expand(spec, Path(base_dir), source, tuple(Path(d) for d in allowed_dirs or ()))

    @classmethod
    def of_instance(
        cls,
        inst: Instance,
        name: str,
        cases: Sequence[Mapping[str, Any]],
        fixed: Mapping[str, Any] | None = None,
        solver_options: Mapping[str, Any] | None = None,
        time_limit_s: float | None = None,
        baseline: bool = True,
    ) -> Sweep:
        """A sweep over one loaded instance: one point per mapping of ``cases`` (path -> value).

        Used by the analyses; values are applied as :meth:`Instance.with_overrides` applies
        them (CSV paths relative to the instance file). Raises :class:`SweepError` if a path
        is unknown; invalid values become ``invalid`` points when run.
        """
        fixed = dict(fixed or {})
        columns = tuple(dict.fromkeys(path for case in cases for path in case))
        problems = [
            f"{inst.source}: {path}: {problem}"
            for path in (*fixed, *columns)
            if (problem := path_problem(inst, path)) is not None
        ]
        if problems:
            raise SweepError(problems)
        points = tuple(
            Point(i, inst.name, None, dict(case), {**fixed, **case}) for i, case in enumerate(cases)
        )
        return cls(
            name=name,
            source=inst.source,
            bases={inst.name: inst},
            points=points,
            columns=columns,
            solver_options=dict(solver_options or {}),
            time_limit_s=time_limit_s,
            baseline=baseline,
            fixed=fixed,
        )


def load_sweep(path: str | Path, allowed_dirs: Iterable[str | Path] | None = None) -> Sweep:
    """Read, validate and expand a sweep file (YAML); raise :class:`SweepError`.

    ``allowed_dirs``: data folders, besides the sweep's and the base instances' own, that
    CSV files may come from (see :meth:`Sweep.from_dict`).

    >>> sweep = load_sweep("instances/sweeps/cfe_target.yaml")   # doctest: +SKIP
    >>> len(sweep.points)                                         # doctest: +SKIP
    11
    """
    path = Path(path)
    raw, problem = read_yaml_mapping(path, "fields")
    if problem:
        raise SweepError([problem])
    return Sweep.from_dict(raw, path.parent, str(path), allowed_dirs)


# -- messages --------------------------------------------------------------------------------
KEYED = ("overrides", "solver_options")
"""Mappings of a sweep file whose keys are paths or option names, not fields."""


# -- paths -----------------------------------------------------------------------------------
def _child(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """(``list`` or ``section``, model) if a field holds sub-models, else None (a value)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _child(typing.get_args(annotation)[0])
    if origin is list:
        (item,) = typing.get_args(annotation)
        return ("list", item) if isinstance(item, type) and issubclass(item, BaseModel) else None
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return "section", arg
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section", annotation
    return None


def path_problem(inst: Instance, path: str) -> str | None:
    """Why ``path`` does not address a field of ``inst`` (None if it does).

    Walks the schema, so misspelt fields are caught before any value is tried, with a
    suggestion. Items of ``fusion``, ``solar`` and ``storage`` are addressed by name; a path
    may stop at a whole section or item.
    """
    parts = path.split(".")
    if not all(parts):
        return "empty path segment"
    model: type[BaseModel] = InstanceSpec
    raw: Any = inst.raw
    i = 0
    while i < len(parts):
        part = parts[i]
        fields = model.model_fields
        if part not in fields:
            where = ".".join(parts[:i]) or "the instance"
            close = difflib.get_close_matches(part, list(fields), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return f"unknown field {part!r} in {where}{hint}"
        child = _child(fields[part].annotation)
        raw = raw.get(part) if isinstance(raw, dict) else None
        i += 1
        if i == len(parts):
            return None
        if child is None:
            return f"{'.'.join(parts[:i])} is a value, not a section"
        kind, model = child
        if kind == "list":
            names = [item.get("name") for item in raw or [] if isinstance(item, dict)]
            if parts[i] not in names:
                have = ", ".join(str(n) for n in names if n is not None) or "none"
                return f"no item named {parts[i]!r} in {'.'.join(parts[:i])} (have: {have})"
            raw = raw[names.index(parts[i])]
            i += 1
    return None


def rebase_csv(value: Any, from_dir: Path, to_dir: Path) -> Any:
    """Copy of ``value`` with every ``{csv: FILE, column: NAME}`` re-pointed from ``from_dir``
    (where it was written) to ``to_dir`` (the base instance's folder)."""
    if isinstance(value, dict):
        out = {k: rebase_csv(v, from_dir, to_dir) for k, v in value.items()}
        if isinstance(out.get("csv"), str) and "column" in out and not Path(out["csv"]).is_absolute():
            try:
                out["csv"] = os.path.relpath((from_dir / out["csv"]).resolve(), to_dir.resolve())
            except (OSError, ValueError, RuntimeError):
                pass  # left as written: loading the instance reports it
        return out
    if isinstance(value, list):
        return [rebase_csv(v, from_dir, to_dir) for v in value]
    return value


def csv_refs(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """(CSV path as written, location) of every ``{csv: FILE, column: NAME}`` in ``value``."""
    if isinstance(value, dict):
        if isinstance(value.get("csv"), str) and "column" in value:
            yield value["csv"], f"{where}.csv"
        for key, item in value.items():
            yield from csv_refs(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from csv_refs(item, f"{where}[{i}]")


def _csv_problems(value: Any, where: str, base_dir: Path, folders: tuple[Path, ...]) -> list[str]:
    """A problem for each CSV path in ``value`` that resolves outside ``folders``."""
    problems = []
    for text, at in csv_refs(value, where):
        _, problem = resolve_inside(text, base_dir, folders, "CSV file")
        if problem:
            problems.append(f"{at}: {problem}")
    return problems


# -- expansion -------------------------------------------------------------------------------
def _instance_problems(exc: InstanceError, inst: Instance) -> list[str]:
    """The problems of an InstanceError without the ``<instance file>: `` prefix."""
    prefix = f"{inst.source}: "
    return [p.removeprefix(prefix) for p in exc.problems]


def _try(inst: Instance, overrides: Mapping[str, Any]) -> list[str]:
    try:
        inst.with_overrides(overrides)
    except InstanceError as exc:
        return _instance_problems(exc, inst)
    return []


def _combinations(
    spec: SweepSpec, source: str, problems: list[str], copies: int = 1
) -> list[dict[str, Any]] | None:
    """Every combination of the parameters (path -> value), grid or zip; None (and a
    problem) if there would be more than :data:`MAX_POINTS` points with ``copies`` (bases x
    scenarios)."""
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(spec.parameters):
        key = "all" if spec.combine == "zip" else (p.group or f"#{i}")
        groups.setdefault(key, []).append(i)
    axes = []
    for members in groups.values():
        expanded = {i: spec.parameters[i].expanded() for i in members}
        lengths = {i: len(values) for i, values in expanded.items()}
        first = members[0]
        for i in members[1:]:
            if lengths[i] != lengths[first]:
                problems.append(
                    f"{source}: parameters[{i}]: has {lengths[i]} values, but parameters[{first}], "
                    f"zipped with it, has {lengths[first]}"
                )
        count = min(lengths.values())
        axes.append(
            [
                {spec.parameters[i].path: expanded[i][k] for i in members}
                for k in range(count)
            ]
        )
    total = math.prod(len(axis) for axis in axes) * copies
    if total > MAX_POINTS:
        problems.append(
            f"{source}: parameters: expand to {total:,} points (bases x scenarios x "
            f"combinations), more than {MAX_POINTS:,}; split the sweep"
        )
        return None
    order = [p.path for p in spec.parameters]
    combos = []
    for combo in itertools.product(*axes):
        merged = {path: value for part in combo for path, value in part.items()}
        combos.append({path: merged[path] for path in order if path in merged})
    return combos


def _expand(
    spec: SweepSpec, base_dir: Path, source: str, allowed: tuple[Path, ...] = ()
) -> Sweep:
    problems: list[str] = []
    bases: dict[str, Instance] = {}
    loaded: list[tuple[str, Instance]] = []
    for i, name in enumerate(spec.base):
        base_path = Path(os.path.normpath(base_dir / name))
        try:
            loaded.append((name, load_instance(base_path, allowed_dirs=(*allowed, base_dir))))
        except InstanceError as exc:
            problems += [f"{source}: base[{i}]: {p}" for p in exc.problems]
    names = [inst.name for _, inst in loaded]
    for written, inst in loaded:
        label = inst.name if names.count(inst.name) == 1 else written
        if label in bases:
            problems.append(f"{source}: base: {written!r} is listed twice")
        bases[label] = inst
    many = len(bases) > 1

    def on(label: str) -> str:
        return f" (base {label})" if many else ""

    seen_paths: dict[str, int] = {}
    for i, param in enumerate(spec.parameters):
        if param.path in seen_paths:
            problems.append(
                f"{source}: parameters[{i}].path: {param.path!r} is already swept by "
                f"parameters[{seen_paths[param.path]}]"
            )
        seen_paths.setdefault(param.path, i)
    scenario_names = [s.name for s in spec.scenarios]
    for name in sorted({n for n in scenario_names if scenario_names.count(n) > 1}):
        problems.append(f"{source}: scenarios[{name}].name: duplicate scenario name")
    copies = len(spec.base) * max(1, len(spec.scenarios))
    combos = _combinations(spec, source, problems, copies)
    too_many = combos is None

    # CSV files named in the sweep: inside its folder, a base's folder or an allowed one.
    folders = data_folders(base_dir, (*allowed, *(inst.base_dir for _, inst in loaded)))
    fixed_csv = [
        f"{source}: {p}"
        for path, value in spec.overrides.items()
        for p in _csv_problems(value, f"overrides[{path}]", base_dir, folders)
    ]
    value_csv = {
        (i, j): [
            f"{source}: {p}"
            for p in _csv_problems(value, f"parameters[{i}].values[{j}]", base_dir, folders)
        ]
        for i, param in enumerate(spec.parameters)
        for j, value in enumerate(param.expanded())
    }
    scenario_csv = [
        [
            f"{source}: {p}"
            for path, value in s.overrides.items()
            for p in _csv_problems(
                value, f"scenarios[{s.name}].overrides[{path}]", base_dir, folders
            )
        ]
        for s in spec.scenarios
    ]
    problems += fixed_csv
    problems += [p for found in value_csv.values() for p in found]
    problems += [p for found in scenario_csv for p in found]

    # Paths first (one message per path), then every value on every base.
    for label, inst in bases.items():
        to_dir = inst.base_dir

        def rebased(mapping: Mapping[str, Any], to_dir: Path = to_dir) -> dict[str, Any]:
            return {k: rebase_csv(v, base_dir, to_dir) for k, v in mapping.items()}

        bad_paths = False
        for path in spec.overrides:
            if (problem := path_problem(inst, path)) is not None:
                problems.append(f"{source}: overrides[{path}]: {problem}{on(label)}")
                bad_paths = True
        fixed = rebased(spec.overrides)
        fixed_problems = [] if bad_paths or fixed_csv else _try(inst, fixed)
        problems += [f"{source}: overrides: {p}{on(label)}" for p in fixed_problems]
        if bad_paths or fixed_csv or fixed_problems:
            continue  # values cannot be judged on a broken base
        for i, param in enumerate(spec.parameters):
            if (problem := path_problem(inst, param.path)) is not None:
                problems.append(f"{source}: parameters[{i}].path: {problem}{on(label)}")
                continue
            if too_many:
                continue  # the sweep is refused anyway: spare trying every value
            for j, value in enumerate(param.expanded()):
                if value_csv[i, j]:
                    continue
                for p in _try(inst, {**fixed, param.path: rebase_csv(value, base_dir, to_dir)}):
                    problems.append(f"{source}: parameters[{i}].values[{j}]: {p}{on(label)}")
        for k, s in enumerate(spec.scenarios):
            bad = [(path, path_problem(inst, path)) for path in s.overrides]
            bad = [(path, problem) for path, problem in bad if problem is not None]
            problems += [
                f"{source}: scenarios[{s.name}].overrides[{path}]: {problem}{on(label)}"
                for path, problem in bad
            ]
            if not bad and not scenario_csv[k]:
                problems += [
                    f"{source}: scenarios[{s.name}]: {p}{on(label)}"
                    for p in _try(inst, {**fixed, **rebased(s.overrides)})
                ]
    if problems:
        raise SweepError(list(dict.fromkeys(problems)))
    assert combos is not None  # too many points is a problem

    points: list[Point] = []
    for label, inst in bases.items():
        scenarios: list[Scenario | None] = list(spec.scenarios) or [None]
        for scenario in scenarios:
            for combo in combos:
                overrides = {
                    **spec.overrides,
                    **(scenario.overrides if scenario else {}),
                    **combo,
                }
                overrides = {
                    k: rebase_csv(v, base_dir, inst.base_dir) for k, v in overrides.items()
                }
                points.append(
                    Point(
                        index=len(points),
                        base=label,
                        scenario=scenario.name if scenario else None,
                        values=dict(combo),
                        overrides=overrides,
                    )
                )
    return Sweep(
        name=spec.name,
        source=source,
        bases=bases,
        points=tuple(points),
        columns=tuple(p.path for p in spec.parameters),
        solver_options=dict(spec.solver_options),
        time_limit_s=spec.time_limit_s,
        baseline=spec.baseline,
        fixed=dict(spec.overrides),
    )
