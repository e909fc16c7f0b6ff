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

Files: each ``base`` must be a ``.yaml``/``.yml`` file inside the sweep file's folder or its
parent (a ``sweeps/`` folder beside the instances) or an allowed data folder (``--allow-dir``,
``allowed_dirs=``, ``PLANNER_DATA_DIRS``); it is only ever read as YAML and validated as an
instance, whose own CSV files follow the instance rule (inside its folder or an allowed data
folder). A CSV named in the sweep must lie inside the sweep file's folder, a base
instance's folder or an allowed data folder; the base instances may read the sweep's folder too.
A sweep expands to at most :data:`MAX_POINTS` points.

Every problem is collected before one :class:`SweepError` is raised, each naming the file and
the field: ``sweeps/x.yaml: parameters[2].path: unknown field 'hourly_cfe_targt' in policy (did
you mean 'hourly_cfe_target'?)``. Each value is applied to each base to catch out-of-range
values; a combination that is invalid only jointly is recorded as an ``invalid`` point when the
sweep runs, and the others go on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from planner.errors import InstanceError
from planner.inputs.files import data_folders, resolve_inside
from planner.inputs.instance import Instance, load_instance
from planner.inputs.messages import describe_error
from planner.inputs.paths import path_problem
from planner.inputs.yaml_file import read_yaml_mapping, structure_problem
from planner.portfolio.load import Portfolio, is_portfolio_file, load_portfolio
from planner.portfolio.schema import PortfolioSpec
from planner.sweep.expand import combinations, csv_problems, rebase_csv, try_overrides
from planner.sweep.schema import (
    KEYED,
    MAX_POINTS,
    MAX_VALUES,
    Range,
    Scenario,
    SweepError,
    SweepSpec,
)

__all__ = [
    "MAX_POINTS",
    "MAX_VALUES",
    "Point",
    "Range",
    "Sweep",
    "SweepError",
    "SweepSpec",
    "load_sweep",
]


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
    reuse_model: bool = False
    """Warm-start each point from the previous one of the same structure in its worker."""

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
                [f"{source}: {describe_error(err, raw, KEYED, SweepSpec)}" for err in exc.errors()]
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
        reuse_model: bool = False,
    ) -> Sweep:
        """A sweep over one loaded instance: one point per mapping of ``cases`` (path -> value).

        Used by the analyses; values are applied as :meth:`Instance.with_overrides` applies
        them (CSV paths relative to the instance file). Raises :class:`SweepError` if a path
        is unknown, or if ``fixed`` makes the instance invalid by itself and with the first
        case (``--set time.hours=-1`` would make every point invalid); other invalid values
        become ``invalid`` points when run.
        """
        fixed = dict(fixed or {})
        columns = tuple(dict.fromkeys(path for case in cases for path in case))
        problems = [
            f"{inst.source}: {path}: {problem}"
            for path in (*fixed, *columns)
            if (problem := path_problem(inst.raw, path)) is not None
        ]
        if problems:
            raise SweepError(problems)
        if fixed:
            _check_fixed(inst, fixed, cases[0] if cases else {})
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
            reuse_model=reuse_model,
        )


def _check_fixed(inst: Instance, fixed: Mapping[str, Any], case: Mapping[str, Any]) -> None:
    """Raise :class:`SweepError` with the problems of ``fixed`` if the instance is invalid with
    ``fixed`` applied, alone and together with ``case``."""
    try:
        inst.with_overrides(dict(fixed))
    except InstanceError as alone:
        try:
            inst.with_overrides({**fixed, **case})
        except InstanceError:
            raise SweepError(
                [f"overrides applied to every point: {p}" for p in alone.problems]
            ) from None


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


def base_path_problem(base: Any, path: str) -> str | None:
    """Why ``path`` cannot be overridden in ``base`` (an instance, or a portfolio: its own
    fields, or an instance path applied to every site), or None."""
    if isinstance(base, Portfolio):
        if path.split(".")[0] in PortfolioSpec.model_fields:
            return None  # a field of the portfolio file: its value is checked by loading it
        return path_problem(base.sites[0].inst.raw, path)
    return path_problem(base.raw, path)


def _expand(spec: SweepSpec, base_dir: Path, source: str, allowed: tuple[Path, ...] = ()) -> Sweep:
    problems: list[str] = []
    bases: dict[str, Instance] = {}
    loaded: list[tuple[str, Instance]] = []
    # like an instance's files: the sweep's folder (and its parent: a sweeps/ folder beside its
    # instances, as the shipped sweeps and the study's specs are), or an allowed folder
    base_folders = data_folders(base_dir, (*allowed, base_dir.parent))
    for i, name in enumerate(spec.base):
        base_path = Path(os.path.normpath(base_dir / name))
        _, outside = resolve_inside(name, base_dir, base_folders, "base instance")
        if outside:
            problems.append(f"{source}: base[{i}]: {outside}")
            continue
        try:
            folders = (*allowed, base_dir)
            base = (
                load_portfolio(base_path, allowed_dirs=folders)
                if is_portfolio_file(base_path)
                else load_instance(base_path, allowed_dirs=folders)
            )
            loaded.append((name, base))  # type: ignore[arg-type]
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
    combos = combinations(spec, source, problems, copies)
    too_many = combos is None

    # CSV files named in the sweep: inside its folder, a base's folder or an allowed one.
    folders = data_folders(base_dir, (*allowed, *(inst.base_dir for _, inst in loaded)))
    fixed_csv = [
        f"{source}: {p}"
        for path, value in spec.overrides.items()
        for p in csv_problems(value, f"overrides[{path}]", base_dir, folders)
    ]
    value_csv = {
        (i, j): [
            f"{source}: {p}"
            for p in csv_problems(value, f"parameters[{i}].values[{j}]", base_dir, folders)
        ]
        for i, param in enumerate(spec.parameters)
        for j, value in enumerate(param.expanded())
    }
    scenario_csv = [
        [
            f"{source}: {p}"
            for path, value in s.overrides.items()
            for p in csv_problems(
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
            if (problem := base_path_problem(inst, path)) is not None:
                problems.append(f"{source}: overrides[{path}]: {problem}{on(label)}")
                bad_paths = True
        fixed = rebased(spec.overrides)
        fixed_problems = [] if bad_paths or fixed_csv else try_overrides(inst, fixed)
        problems += [f"{source}: overrides: {p}{on(label)}" for p in fixed_problems]
        if bad_paths or fixed_csv or fixed_problems:
            continue  # values cannot be judged on a broken base
        for i, param in enumerate(spec.parameters):
            if (problem := base_path_problem(inst, param.path)) is not None:
                problems.append(f"{source}: parameters[{i}].path: {problem}{on(label)}")
                continue
            if too_many:
                continue  # the sweep is refused anyway: spare trying every value
            for j, value in enumerate(param.expanded()):
                if value_csv[i, j]:
                    continue
                for p in try_overrides(
                    inst, {**fixed, param.path: rebase_csv(value, base_dir, to_dir)}
                ):
                    problems.append(f"{source}: parameters[{i}].values[{j}]: {p}{on(label)}")
        for k, s in enumerate(spec.scenarios):
            bad = [(path, base_path_problem(inst, path)) for path in s.overrides]
            bad = [(path, problem) for path, problem in bad if problem is not None]
            problems += [
                f"{source}: scenarios[{s.name}].overrides[{path}]: {problem}{on(label)}"
                for path, problem in bad
            ]
            if not bad and not scenario_csv[k]:
                problems += [
                    f"{source}: scenarios[{s.name}]: {p}{on(label)}"
                    for p in try_overrides(inst, {**fixed, **rebased(s.overrides)})
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
        reuse_model=spec.reuse_model,
    )
