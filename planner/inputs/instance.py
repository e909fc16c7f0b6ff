"""The instance: loading, validation and overrides.

Loading happens in two passes that each collect *every* problem before raising one
:class:`planner.InstanceError`:

1. structure: the YAML is checked against the schema (:class:`~planner.inputs.spec.InstanceSpec`:
   types, ranges, unknown and missing keys);
2. series: every hourly field is turned into one float per modelled hour
   (:mod:`planner.inputs.series`), then names and cross-field rules are checked
   (:mod:`planner.inputs.checks`).

Files are read defensively (:mod:`planner.inputs.yaml_file`, :mod:`planner.inputs.csv_table`):
every CSV or weather file must resolve inside the instance's folder or an allowed data folder
(:func:`planner.inputs.files.data_folders`).
"""

from __future__ import annotations

import copy
import dataclasses
import time as _time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pydantic

from planner.errors import InstanceError
from planner.inputs.aggregate import aggregate_spec, timestamps_of
from planner.inputs.base import HOURS_PER_YEAR
from planner.inputs.catalogue import listed
from planner.inputs.checks import cross_checks
from planner.inputs.files import data_folders
from planner.inputs.messages import describe_error
from planner.inputs.paths import set_path
from planner.inputs.series import Context, resolve_series, series_problems_of_valid_parts
from planner.inputs.spec import InstanceSpec
from planner.inputs.yaml_file import read_yaml_mapping, structure_problem


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
    overrides: tuple[tuple[str, Any], ...] = field(default=(), repr=False, compare=False)
    """Every override applied since the instance was read, as (path, value) in the order
    applied: applying them again to ``source`` gives the same instance."""
    periods: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """How the modelled hours were chosen when they are representative periods (the settings
    of the clustering and what it found); empty for every hour. Reported with the results."""

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
        weights: np.ndarray = self.spec.time.weights
        return weights

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
        """(kind, resource) for every resource of the list sections (the catalogue's kinds
        held as lists), in file order; :meth:`InstanceSpec.resources` includes the grid."""
        for kind in listed():
            for item in self.spec.items(kind):
                yield kind.key, item

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
        ctx = Context(Path(base_dir), data_folders(base_dir, allowed), source)
        try:
            spec = InstanceSpec.model_validate(raw)
        except pydantic.ValidationError as exc:
            problems: list[str] = [
                f"{source}: {describe_error(err, raw, model=InstanceSpec)}" for err in exc.errors()
            ]
            problems += series_problems_of_valid_parts(raw, ctx)
            raise InstanceError(problems) from None
        problems = []
        ctx.start, ctx.hours = spec.time.start, spec.time.hours
        resolved = resolve_series(spec, ctx, problems, ())
        problems += [f"{source}: {p}" for p in cross_checks(resolved)]
        if problems:
            raise InstanceError(problems)
        hour_index = None
        periods: dict[str, Any] = {}
        rep = resolved.time.representative_periods
        if rep is not None:
            resolved, hour_index, periods = aggregate_spec(resolved)
        return cls(
            spec=resolved,
            raw=raw,
            base_dir=Path(base_dir),
            source=source,
            load_seconds=_time.perf_counter() - started,
            hour_index=hour_index,
            allowed_dirs=allowed,
            periods=periods,
        )

    def with_overrides(self, overrides: Mapping[str, Any]) -> Instance:
        """A new instance with values replaced by dotted path.

        Paths follow the file: ``policy.hourly_cfe_target``, ``time.hours``,
        ``fusion.<offer name>.energy_price_usd_per_mwh``, ``storage.<name>.lifetime_yr``,
        ``grid.price_usd_per_mwh`` (a number, ``{csv:, column:}`` or an array). Items of the
        list sections (``fusion``, ``solar``, ``storage``) are addressed by name;
        ``fusion.<name>`` alone replaces the whole item. Every bad path is reported in one
        :class:`InstanceError`. Example: ``inst.with_overrides({"policy.hourly_cfe_target":
        0.95})``.
        """
        raw = copy.deepcopy(dict(self.raw))
        problems = []
        for path, value in overrides.items():
            problem = set_path(raw, path, value)
            if problem:
                problems.append(f"{self.source}: override {path!r}: {problem}")
        if problems:
            raise InstanceError(problems)
        new = Instance.from_dict(raw, self.base_dir, self.source, self.allowed_dirs)
        applied = self.overrides + tuple((str(k), v) for k, v in overrides.items())
        return dataclasses.replace(new, overrides=applied)


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
    return dataclasses.replace(inst, load_seconds=_time.perf_counter() - started)
