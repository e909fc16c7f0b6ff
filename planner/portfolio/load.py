"""Reading a portfolio file: the schema, every site's instance with its overrides and the
contracts it is served by, one shared time axis; every problem collected before one
:class:`~planner.errors.InstanceError` is raised, each naming the file and the field.

Each site's instance is built from its base file in this order: the file; the portfolio's
``flexibility`` (as ``demand.flexibility``); the portfolio's ``overrides``; the site's
``overrides``; then what the portfolio decides: the site's hourly CFE target becomes its
``cfe_floor`` (null: none, the portfolio target is the claim), and the contracts serving the
site are added as items of their kind. The base instance file must lie inside the portfolio's
folder, its parent (a ``portfolios/`` folder beside the instances) or an allowed data folder,
as a sweep's base instances; its own CSV files follow the instance rule, and CSV files named in
the portfolio (in overrides or contract items) are read relative to the portfolio file.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import time as _time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from planner.errors import InstanceError
from planner.inputs.files import data_folders, resolve_inside
from planner.inputs.flexibility import Flexibility
from planner.inputs.instance import Instance
from planner.inputs.messages import describe_error
from planner.inputs.paths import set_path
from planner.inputs.yaml_file import read_yaml_mapping, structure_problem
from planner.portfolio.checks import (
    contract_problems,
    item_is_valid,
    name_problems,
    rebase_csv,
)
from planner.portfolio.periods import shared_periods, time_axis_problems
from planner.portfolio.schema import Contract, PortfolioSpec, Site

REPRESENTATIVE = "time.representative_periods"


@dataclass(frozen=True)
class PortfolioSite:
    """A site of a loaded portfolio: its name, grid region and resolved instance."""

    name: str
    region: str
    inst: Instance
    cfe_floor: float | None = None


@dataclass(frozen=True)
class Portfolio:
    """A validated portfolio: its spec and every site's instance on one shared time axis.

    Create it with :func:`load_portfolio` or :meth:`from_dict`; derive variants with
    :meth:`with_overrides`.
    """

    spec: PortfolioSpec
    raw: Mapping[str, Any] = field(repr=False)
    base_dir: Path
    source: str
    sites: tuple[PortfolioSite, ...]
    allowed_dirs: tuple[Path, ...] = field(default=(), repr=False)
    load_seconds: float = field(default=0.0, compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def horizon_years(self) -> float:
        return self.sites[0].inst.horizon_years

    def site(self, name: str) -> PortfolioSite:
        return next(s for s in self.sites if s.name == name)

    @classmethod
    def from_dict(
        cls,
        raw: Mapping[str, Any],
        base_dir: str | Path = ".",
        source: str = "<portfolio>",
        allowed_dirs: Iterable[str | Path] | None = None,
    ) -> Portfolio:
        """Validate ``raw`` (the content of a portfolio file) and load every site; raise
        :class:`InstanceError` with every problem."""
        started = _time.perf_counter()
        if not isinstance(raw, Mapping):
            raise InstanceError([f"{source}: must hold a mapping, got {type(raw).__name__}"])
        problem = structure_problem(raw)
        if problem:
            raise InstanceError([f"{source}: {problem}"])
        raw = copy.deepcopy(dict(raw))
        base = Path(base_dir)
        allowed = tuple(Path(d).expanduser().absolute() for d in allowed_dirs or ())
        problems: list[str] = []
        spec: PortfolioSpec | None = None
        try:
            spec = PortfolioSpec.model_validate(raw)
        except pydantic.ValidationError as exc:
            problems += [
                f"{source}: {describe_error(err, raw, ('overrides',), PortfolioSpec)}"
                for err in exc.errors()
            ]
        problems += [f"{source}: {p}" for p in name_problems(raw) + contract_problems(raw)]
        sites, warnings = _load_sites(raw, spec, base, source, allowed, problems)
        if spec is not None and spec.representative_periods is not None:
            problems += _periods_problems(spec, sites, source)
        if problems:
            raise InstanceError(list(dict.fromkeys(problems)))
        assert spec is not None
        if spec.representative_periods is not None:
            shared = shared_periods([s.inst for s in sites], spec.representative_periods)
            sites = [dataclasses.replace(s, inst=i) for s, i in zip(sites, shared, strict=True)]
        return cls(
            spec=spec,
            raw=raw,
            base_dir=base,
            source=source,
            sites=tuple(sites),
            allowed_dirs=allowed,
            load_seconds=_time.perf_counter() - started,
            warnings=tuple(warnings),
        )

    def with_overrides(self, overrides: Mapping[str, Any]) -> Portfolio:
        """A new portfolio with values replaced by dotted path.

        A path whose first part is a field of the portfolio file sets it
        (``policy.hourly_cfe_target``, ``flexibility.share``, ``net_zero_shift``,
        ``sites.<name>.cfe_floor``, ``contracts.<name>.item.max_capacity_mw``); any other path
        is an instance path applied to every site (``time.hours``, ``grid.import_limit_mw``),
        after the portfolio's own overrides.
        """
        raw = copy.deepcopy(dict(self.raw))
        problems = []
        for path, value in overrides.items():
            head = path.split(".")[0]
            if head in PortfolioSpec.model_fields:
                problem = _set(raw, path, value)
                if problem:
                    problems.append(f"{self.source}: override {path!r}: {problem}")
            else:
                shared = raw.get("overrides")
                raw["overrides"] = {**(shared if isinstance(shared, dict) else {}), path: value}
        if problems:
            raise InstanceError(problems)
        return Portfolio.from_dict(raw, self.base_dir, self.source, self.allowed_dirs)


def load_portfolio(path: str | Path, allowed_dirs: Iterable[str | Path] | None = None) -> Portfolio:
    """Read and validate a portfolio file (YAML); raises :class:`planner.InstanceError`.

    >>> pf = load_portfolio("instances/portfolio_three_sites.yaml")   # doctest: +SKIP
    >>> [s.name for s in pf.sites]                                     # doctest: +SKIP
    ['texas', 'virginia', 'washington']
    """
    started = _time.perf_counter()
    path = Path(path)
    raw, problem = read_yaml_mapping(path, "fields")
    if problem:
        raise InstanceError([problem])
    pf = Portfolio.from_dict(raw, path.parent, str(path), allowed_dirs)
    return dataclasses.replace(pf, load_seconds=_time.perf_counter() - started)


def is_portfolio(raw: Mapping[str, Any]) -> bool:
    """Whether the content of a YAML file is a portfolio (top-level ``sites``), not an
    instance."""
    return "sites" in raw and "demand" not in raw


def is_portfolio_file(path: str | Path) -> bool:
    """Whether the YAML file at ``path`` holds a portfolio (False if it cannot be read: the
    instance loader then says why)."""
    raw, problem = read_yaml_mapping(Path(path), "fields")
    return problem is None and is_portfolio(raw)


def _set(raw: dict[str, Any], path: str, value: Any) -> str | None:
    """Set ``raw`` at dotted ``path``; list items (``sites``, ``contracts``) by name."""
    node: Any = raw
    parts = path.split(".")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            names = [e.get("name") if isinstance(e, dict) else None for e in node]
            if part not in names:
                return f"no item named {part!r} in {'.'.join(parts[:i])}"
            if last:
                node[names.index(part)] = value
                return None
            node = node[names.index(part)]
            continue
        if not isinstance(node, dict):
            return f"{'.'.join(parts[:i])} is not a section"
        if last:
            node[part] = value
            return None
        if node.get(part) is None:
            node[part] = {}
        node = node[part]
    return "empty path"


def _valid(value: Any, schema: Any) -> bool:
    """Whether ``value`` is a mapping ``schema`` accepts (a bad one is reported once, by the
    portfolio's schema, not again at every site)."""
    if not isinstance(value, dict):
        return False
    try:
        schema.model_validate(value)
    except pydantic.ValidationError:
        return False
    return True


def _entries(raw: Mapping[str, Any], key: str, schema: Any) -> list[Any]:
    """The entries of a list section that validate on their own (the others are reported by
    the schema of the whole file)."""
    entries = raw.get(key)
    out = []
    for entry in entries if isinstance(entries, list) else []:
        try:
            out.append(schema.model_validate(entry))
        except pydantic.ValidationError:
            continue
    return out


def _load_sites(
    raw: Mapping[str, Any],
    spec: PortfolioSpec | None,
    base: Path,
    source: str,
    allowed: tuple[Path, ...],
    problems: list[str],
) -> tuple[list[PortfolioSite], list[str]]:
    """Every site's instance (those that load) and the loading notes, adding the problems to
    ``problems``."""
    sites: list[Site] = list(spec.sites) if spec is not None else _entries(raw, "sites", Site)
    contracts = list(spec.contracts) if spec is not None else _entries(raw, "contracts", Contract)
    given, flexible = raw.get("overrides"), raw.get("flexibility")
    shared: dict[str, Any] = given if isinstance(given, dict) else {}
    flex: dict[str, Any] | None = flexible if _valid(flexible, Flexibility) else None
    folders = data_folders(base, (*allowed, base.parent))
    loaded, notes, dropped = [], [], []
    for site in sites:
        where = f"{source}: sites[{site.name}]"
        path, outside = resolve_inside(site.instance, base, folders, "instance")
        if outside or path is None:
            problems.append(f"{where}.instance: {outside}")
            continue
        shown = os.path.normpath(base / site.instance)
        content, problem = read_yaml_mapping(path, "sections")
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        site_raw, found, note = _site_raw(content, site, contracts, flex, shared, base, path.parent)
        problems += [f"{source}: {p}" for p in found]
        notes += [f"sites[{site.name}]: {n}" for n in note]
        policy = content.get("policy")
        own = policy.get("hourly_cfe_target") if isinstance(policy, dict) else None
        if own is not None and site.cfe_floor is None:
            dropped.append(f"{site.name} {own}")
        try:
            inst = Instance.from_dict(site_raw, path.parent, shown, (*allowed, base))
        except InstanceError as exc:
            problems += [f"{where}: {p}" for p in exc.problems]
            continue
        if inst.spec.scenarios is not None or getattr(inst.spec, "pathway", None) is not None:
            problems.append(
                f"{where}: {shown} has scenarios or a pathway: a portfolio site is one outcome "
                "in one period"
            )
            continue
        loaded.append(PortfolioSite(site.name, site.region, inst, site.cfe_floor))
    if dropped:
        notes.append(
            f"the sites' own hourly CFE targets ({', '.join(dropped)}) are replaced by the "
            "portfolio target (a site's cfe_floor keeps a floor)"
        )
    if spec is not None and len(loaded) == len(sites) and loaded:
        problems += [
            f"{source}: {p}"
            for p in time_axis_problems([s.name for s in loaded], [s.inst for s in loaded])
        ]
    return loaded, notes


def _site_raw(
    content: dict[str, Any],
    site: Site,
    contracts: list[Contract],
    flex: dict[str, Any] | None,
    shared: dict[str, Any],
    base: Path,
    site_dir: Path,
) -> tuple[dict[str, Any], list[str], list[str]]:
    """The site's instance content with the portfolio's changes; (content, problems, notes),
    each problem beginning with the field of the portfolio file it concerns."""
    raw = copy.deepcopy(content)
    problems, notes = [], []
    if isinstance(raw.get("time"), dict) and raw["time"].get("representative_periods"):
        notes.append(
            "the instance's representative periods are replaced by the portfolio's (shared "
            "by every site)"
        )
    steps: list[tuple[str, dict[str, Any]]] = []
    if flex is not None:
        steps.append(("flexibility", {"demand.flexibility": copy.deepcopy(flex)}))
    steps += [("overrides", shared), (f"sites[{site.name}].overrides", site.overrides)]
    at = f" (at sites[{site.name}])"
    for label, changes in steps:
        for path, value in changes.items():
            here = at if not label.startswith("sites[") else ""
            if path.startswith(REPRESENTATIVE) or path == "time":
                problems.append(
                    f"{label}[{path}]: the portfolio's representative_periods apply to every "
                    "site; set them there"
                )
                continue
            problem = set_path(raw, path, rebase_csv(value, base, site_dir))
            if problem:
                problems.append(f"{label}[{path}]: {problem}{here}")
    given = raw.get("policy")
    policy: dict[str, Any] = given if isinstance(given, dict) else {}
    raw["policy"] = {
        **policy,
        "hourly_cfe_target": site.cfe_floor,
        "hourly_cfe_penalty_usd_per_mwh": None,
    }
    if isinstance(raw.get("time"), dict):
        raw["time"]["representative_periods"] = None
    for c in contracts:
        if site.name not in c.sites or not item_is_valid(c.kind, c.name, c.item):
            continue
        listed = raw.get(c.kind)
        items: list[Any] = listed if isinstance(listed, list) else []
        if any(isinstance(i, dict) and i.get("name") == c.name for i in items):
            problems.append(
                f"contracts[{c.name}].name: the instance of site {site.name!r} already has a "
                f"{c.kind} item named {c.name!r}; rename the contract"
            )
            continue
        item = {**rebase_csv(copy.deepcopy(c.item), base, site_dir), "name": c.name}
        if len(c.sites) > 1:  # the total holds the minimum (portfolio_contract_split)
            item["min_capacity_mw"] = 0.0
        raw[c.kind] = [*items, item]
    return raw, problems, notes


def _periods_problems(spec: PortfolioSpec, sites: list[PortfolioSite], source: str) -> list[str]:
    rep = spec.representative_periods
    assert rep is not None
    problems = []
    if rep.extreme_periods or rep.keep_periods:
        problems.append(
            f"{source}: representative_periods: extreme and kept periods are not supported for "
            "a portfolio yet (medoids or means only)"
        )
    if sites:
        whole = sites[0].inst.hours // rep.period_hours
        if rep.count > whole:
            problems.append(
                f"{source}: representative_periods.count: must be <= {whole}, the number of "
                f"whole {rep.period_hours}-hour periods in the horizon, got {rep.count}"
            )
    return problems
