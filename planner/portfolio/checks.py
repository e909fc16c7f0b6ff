"""Checks of a portfolio file that the schema cannot make: names given twice, contracts naming
unknown sites or sites in another grid region, contract items of the wrong shape. Each reads
the raw content defensively, so that they run (and report) even when other parts of the file
are invalid: every problem is listed at once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pydantic

from planner.inputs.catalogue import KINDS
from planner.inputs.messages import describe_error, did_you_mean
from planner.portfolio.schema import CONTRACT_KINDS


def _named(entries: Any) -> list[tuple[int, Mapping[str, Any]]]:
    """(position, entry) of every mapping in a raw list (nothing if it is not a list)."""
    if not isinstance(entries, list):
        return []
    return [(i, e) for i, e in enumerate(entries) if isinstance(e, Mapping)]


def _label(entry: Mapping[str, Any], i: int) -> str:
    name = entry.get("name")
    return str(name) if isinstance(name, str) and name else str(i)


def name_problems(raw: Mapping[str, Any]) -> list[str]:
    """A problem for each site or contract whose name is given more than once."""
    problems = []
    for section in ("sites", "contracts"):
        seen: set[str] = set()
        for i, entry in _named(raw.get(section)):
            name = entry.get("name")
            if not isinstance(name, str):
                continue
            if name in seen:
                problems.append(f"{section}[{i}].name: {name!r} is named more than once")
            seen.add(name)
    return problems


def contract_problems(raw: Mapping[str, Any]) -> list[str]:
    """A problem for each contract that names a site the portfolio lacks, a site of another
    grid region (a contract counts toward the CFE score only in its own region), or an item
    that its kind's schema refuses."""
    regions = {
        e["name"]: e.get("region")
        for _, e in _named(raw.get("sites"))
        if isinstance(e.get("name"), str)
    }
    problems = []
    for i, c in _named(raw.get("contracts")):
        where = f"contracts[{_label(c, i)}]"
        region = c.get("region")
        sites = c.get("sites")
        for site in sites if isinstance(sites, list) else []:
            if not isinstance(site, str):
                continue
            if site not in regions:
                have = ", ".join(regions) or "none"
                problems.append(
                    f"{where}.sites: no site named {site!r}{did_you_mean(site, regions)} "
                    f"(have: {have})"
                )
            elif isinstance(region, str) and regions[site] != region:
                problems.append(
                    f"{where}.sites: site {site!r} lies in region {regions[site]!r}, the "
                    f"contract delivers into {region!r}: a contract counts toward the CFE "
                    "score only in its own grid region (deliverability)"
                )
        problems += _item_problems(c, where)
    return problems


def _item_problems(c: Mapping[str, Any], where: str) -> list[str]:
    """The contract's item checked against its kind's schema (hourly fields as written: their
    files are read with each site's instance)."""
    kind = c.get("kind")
    item = c.get("item")
    if kind not in CONTRACT_KINDS or not isinstance(item, Mapping):
        return []  # the schema says so
    if "name" in item:
        return [f"{where}.item.name: the contract's name names the item; leave it out"]
    schema = next(k.schema for k in KINDS if k.key == kind)
    named = {**item, "name": c.get("name") if isinstance(c.get("name"), str) else "contract"}
    try:
        schema.model_validate(named)
    except pydantic.ValidationError as exc:
        return [
            f"{where}.item{_at(describe_error(err, named, model=schema))}" for err in exc.errors()
        ]
    return []


def _at(text: str) -> str:
    """``.field: ...`` of a field's problem, ``: ...`` of the item's own."""
    top = "(top level): "
    return f": {text[len(top) :]}" if text.startswith(top) else f".{text}"


def item_is_valid(kind: str, name: str, item: Mapping[str, Any]) -> bool:
    """Whether the contract's item passes its kind's schema (a bad one is reported once, by
    :func:`contract_problems`, and left out of the sites)."""
    schema = next(k.schema for k in KINDS if k.key == kind)
    try:
        schema.model_validate({**item, "name": name})
    except pydantic.ValidationError:
        return False
    return True


def rebase_csv(value: Any, from_dir: Path, to_dir: Path) -> Any:
    """Copy of ``value`` with every ``{csv: FILE, column: NAME}`` re-pointed from ``from_dir``
    (the portfolio's folder, where it was written) to ``to_dir`` (a site instance's folder)."""
    if isinstance(value, dict):
        out = {k: rebase_csv(v, from_dir, to_dir) for k, v in value.items()}
        text = out.get("csv")
        if isinstance(text, str) and "column" in out and not Path(text).is_absolute():
            try:
                out["csv"] = os.path.relpath((from_dir / text).resolve(), to_dir.resolve())
            except (OSError, ValueError, RuntimeError):
                pass  # left as written: loading the instance reports it
        return out
    if isinstance(value, list):
        return [rebase_csv(v, from_dir, to_dir) for v in value]
    return value
