"""Each site as the study solves it: clustered once into representative periods and written
as an instance file of its own (``<out>/instances/<site>.yaml`` and ``<site>.csv``).

Every solve of a site then starts from that file, so all its cases share the same
representative days (differences between cases are not blurred by a different clustering)
and no solve pays for the clustering again. The file is the site's instance with the site's
overrides and the study's common overrides applied and ``time.representative_periods``
resolved into explicit ``time.hours``, ``time.weights``, ``time.period_hours`` and
``time.period_sequence``; every hourly input is a column of the CSV, one row per modelled
hour. It loads like any instance (``planner solve <out>/instances/<site>.yaml``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from planner.inputs.instance import Instance, load_instance
from planner.study.config import LoadedSite

REPRESENTATIVE = "time.representative_periods"


@dataclass(frozen=True)
class PreparedSite:
    """A site ready to solve: ``instance`` (loaded from ``path``, representative periods) and
    ``full`` (the same inputs over every hour); ``hour_index`` gives the position of each
    modelled hour in ``full`` (None: every hour is modelled)."""

    site: LoadedSite
    path: Path
    instance: Instance
    full: Instance
    hour_index: np.ndarray | None

    @property
    def name(self) -> str:
        return self.site.name

    @property
    def offer(self) -> str:
        return self.site.offer


def prepare(site: LoadedSite, common: Mapping[str, Any], folder: Path) -> PreparedSite:
    """Apply ``common`` to the site, cluster it if asked, write it to ``folder`` and load it."""
    rep = common.get(REPRESENTATIVE)
    rest = {k: v for k, v in common.items() if k != REPRESENTATIVE}
    full = site.base.with_overrides({**site.overrides, **rest})
    aggregated = full.with_overrides({REPRESENTATIVE: rep}) if rep is not None else full
    # a resolved spec no longer carries the clustering settings: read them from the overrides
    if aggregated.is_aggregated and (rep or {}).get("values", "medoid") != "medoid":
        raise ValueError("the study writes the modelled hours of medoid periods only")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{site.name}.yaml"
    write_instance(aggregated, path, site)
    return PreparedSite(site, path, load_instance(path), full, aggregated.hour_index)


def write_instance(inst: Instance, path: Path, site: LoadedSite) -> None:
    """Write a loaded instance as a YAML file and a CSV of its hourly inputs."""
    csv = path.with_suffix(".csv")
    columns: dict[str, np.ndarray] = {}
    body = _externalise(inst.spec.model_dump(), "", columns, csv.name, inst.hours)
    body["description"] = (body.get("description") or "") + " [study: representative periods]"
    pd.DataFrame(columns).to_csv(csv, index=False, lineterminator="\n", float_format="%.10g")
    header = (
        f"# Written by python -m planner.study from {site.path} (site overrides "
        f"{dict(site.overrides) or 'none'}, the study's common overrides, representative "
        "periods resolved).\n# Every hourly input is a column of the CSV beside this file.\n"
    )
    path.write_text(header + yaml.safe_dump(_plain(body), sort_keys=False), encoding="utf-8")


def _externalise(
    node: Any, where: str, columns: dict[str, np.ndarray], csv: str, hours: int
) -> Any:
    """``node`` with every array of ``hours`` values replaced by a reference to a CSV column."""
    if isinstance(node, np.ndarray) and node.ndim == 1 and len(node) == hours:
        columns[where] = np.asarray(node, dtype=float)
        return {"csv": csv, "column": where}
    if isinstance(node, dict):
        return {
            k: _externalise(v, f"{where}.{k}" if where else k, columns, csv, hours)
            for k, v in node.items()
        }
    if isinstance(node, list):
        out = []
        for i, item in enumerate(node):
            label = item.get("name", i) if isinstance(item, dict) else i
            out.append(_externalise(item, f"{where}[{label}]", columns, csv, hours))
        return out
    return node


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value
