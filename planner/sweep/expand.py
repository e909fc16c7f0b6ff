"""Helpers of a sweep's expansion into points: CSV paths re-pointed to each base and confined
to the allowed folders, values tried on each base, and the grid or zip of the parameters."""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from planner.errors import InstanceError
from planner.inputs.files import resolve_inside
from planner.inputs.instance import Instance
from planner.sweep.schema import MAX_POINTS, SweepSpec


def rebase_csv(value: Any, from_dir: Path, to_dir: Path) -> Any:
    """Copy of ``value`` with every ``{csv: FILE, column: NAME}`` re-pointed from ``from_dir``
    (where it was written) to ``to_dir`` (the base instance's folder)."""
    if isinstance(value, dict):
        out = {k: rebase_csv(v, from_dir, to_dir) for k, v in value.items()}
        if (
            isinstance(out.get("csv"), str)
            and "column" in out
            and not Path(out["csv"]).is_absolute()
        ):
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


def csv_problems(value: Any, where: str, base_dir: Path, folders: tuple[Path, ...]) -> list[str]:
    """A problem for each CSV path in ``value`` that resolves outside ``folders``."""
    problems = []
    for text, at in csv_refs(value, where):
        _, problem = resolve_inside(text, base_dir, folders, "CSV file")
        if problem:
            problems.append(f"{at}: {problem}")
    return problems


def instance_problems(exc: InstanceError, inst: Instance) -> list[str]:
    """The problems of an InstanceError without the ``<instance file>: `` prefix."""
    prefix = f"{inst.source}: "
    return [p.removeprefix(prefix) for p in exc.problems]


def try_overrides(inst: Instance, overrides: Mapping[str, Any]) -> list[str]:
    try:
        inst.with_overrides(overrides)
    except InstanceError as exc:
        return instance_problems(exc, inst)
    return []


def combinations(
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
            [{spec.parameters[i].path: expanded[i][k] for i in members} for k in range(count)]
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
