"""The overrides that turn a site into each case of the study (dotted paths of
:meth:`planner.Instance.with_overrides`).

- :func:`fusion_off`: no fusion contract possible (every offer's capacity bounded to 0);
- :func:`long_duration_storage`: allow or forbid long-duration storage (storage whose
  ``min_duration_h`` is at least :data:`LONG_DURATION_H`); a site without one gets the cost
  set's 100-hour iron-air (:func:`planner.shipped.blocks.iron_air`);
- :func:`sensitivity`: factors on solar cost, storage cost, the grid's fossil share and the
  datacenter's size; hourly inputs changed this way are written to a CSV file and referenced;
- :func:`fixed_builds` / :func:`kept_builds`: every capacity of an on-time solve but the
  studied fusion contract (other fusion offers, clean firm, solar, wind, storage) as fixed or
  lower bounds, for the delivery-risk cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.inputs.catalogue import FUSION, Kind, Limit, listed
from planner.inputs.instance import Instance
from planner.shipped.blocks import iron_air
from planner.shipped.yaml_writer import C
from planner.study.config import Sensitivity

LONG_DURATION_H = 24.0
"""Storage whose minimum duration is at least this many hours counts as long-duration."""

NOISE_MW = 1e-3
"""Capacities below this (MW or MWh) are solver noise of an interior-point solve: taken as 0."""

BAND = 1e-6
"""Relative (and absolute, MW) half-width of the band that fixes a capacity: fixing at the
exact value of an interior-point solution can make a duration ratio infeasible by 1e-9."""


def _plain(value: Any) -> Any:
    """A shipped-instance building block without its source comments (:class:`C`)."""
    if isinstance(value, C):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def fusion_off(inst: Instance) -> dict[str, Any]:
    """No fusion contract: every offer's limited capacities bounded to 0 (the catalogue's
    :meth:`~planner.inputs.catalogue.Kind.switch_off`)."""
    out: dict[str, Any] = {}
    for offer in inst.spec.fusion:
        out |= FUSION.switch_off(offer.name)
    return out


def long_duration_names(inst: Instance) -> list[str]:
    """The site's long-duration storage types."""
    return [s.name for s in inst.spec.storage if s.min_duration_h >= LONG_DURATION_H]


def long_duration_storage(inst: Instance, allowed: bool) -> dict[str, Any]:
    """Allow long-duration storage (adding the cost set's iron-air if the site has none), or
    forbid it (power and energy bounded to 0)."""
    names = long_duration_names(inst)
    if allowed:
        if names:
            return {}
        taken = {s.name for s in inst.spec.storage}
        item = _plain(iron_air("iron_air" if "iron_air" not in taken else "iron_air_ld"))
        return {"storage": [*inst.raw.get("storage", []), item]}
    out: dict[str, Any] = {}
    for name in names:
        out[f"storage.{name}.max_power_mw"] = 0.0
        out[f"storage.{name}.max_energy_mwh"] = 0.0
    return out


def sensitivity(
    inst: Instance, case: Sensitivity, folder: Path, hour_index: np.ndarray | None = None
) -> dict[str, Any]:
    """Overrides of one sensitivity case of ``inst`` (its full hourly horizon); hourly series
    are computed over every hour, then kept at ``hour_index`` (the modelled hours of the
    study's representative-period instance; None: every hour).

    - ``solar_cost``: capex of built solar (or the price of solar PPAs) times the factor;
      fixed O&M unchanged;
    - ``storage_cost``: power and energy capex of every storage type times the factor;
    - ``grid_fossil``: the fossil share of the grid's generation, 1 - carbon-free share, times
      the factor each hour (capped at 1), the fossil mix unchanged: the carbon intensity scales
      by the same factor wherever the cap does not bind;
    - ``demand``: the load and the grid connection's import and export limits times the factor;
      fusion offer sizes and solar limits are not scaled (in a linear model, scaling every
      quantity alike would leave every cost per MWh unchanged).

    Hourly series are written to ``folder/<instance>_<case>.csv`` and referenced by absolute
    path.
    """
    out: dict[str, Any] = {}
    spec = inst.spec
    if case.solar_cost != 1:
        for s in spec.solar:
            if s.procurement == "ppa" and s.ppa_price_usd_per_mwh is not None:
                price = s.ppa_price_usd_per_mwh * case.solar_cost
                out[f"solar.{s.name}.ppa_price_usd_per_mwh"] = round(price, 6)
            elif s.capex_usd_per_kw is not None:
                capex = s.capex_usd_per_kw * case.solar_cost
                out[f"solar.{s.name}.capex_usd_per_kw"] = round(capex, 6)
    if case.storage_cost != 1:
        for k in spec.storage:
            power = k.power_capex_usd_per_kw * case.storage_cost
            energy = k.energy_capex_usd_per_kwh * case.storage_cost
            out[f"storage.{k.name}.power_capex_usd_per_kw"] = round(power, 6)
            out[f"storage.{k.name}.energy_capex_usd_per_kwh"] = round(energy, 6)
    columns: dict[str, np.ndarray] = {}
    g = spec.grid
    if case.grid_fossil != 1 and g is not None:
        cfe = np.asarray(g.carbon_free_share, dtype=float)
        ci = np.asarray(g.carbon_intensity_t_per_mwh, dtype=float)
        fossil = 1.0 - cfe
        scaled = np.minimum(1.0, case.grid_fossil * fossil)
        ratio = np.divide(scaled, fossil, out=np.ones_like(fossil), where=fossil > 0)
        columns["grid_carbon_free_share"] = np.round(1.0 - scaled, 6)
        columns["grid_carbon_intensity_t_per_mwh"] = np.round(ci * ratio, 6)
    if case.demand != 1:
        columns["load_mw"] = np.round(np.asarray(spec.demand.load_mw, dtype=float) * case.demand, 6)
        if g is not None and g.import_limit_mw is not None:
            out["grid.import_limit_mw"] = g.import_limit_mw * case.demand
        if g is not None and g.export_limit_mw is not None:
            out["grid.export_limit_mw"] = g.export_limit_mw * case.demand
    if columns:
        if hour_index is not None:
            columns = {k: v[hour_index] for k, v in columns.items()}
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{inst.name}_{case.name}.csv"
        frame = pd.DataFrame(columns)
        frame.to_csv(path, index=False, lineterminator="\n")
        where = {
            "grid_carbon_free_share": "grid.carbon_free_share",
            "grid_carbon_intensity_t_per_mwh": "grid.carbon_intensity_t_per_mwh",
            "load_mw": "demand.load_mw",
        }
        for column in columns:
            out[where[column]] = {"csv": str(path.resolve()), "column": column}
    return out


def clean_mw(value: Any) -> float:
    """A capacity of a solved record, with missing values and solver noise as 0."""
    v = float(value) if value is not None and np.isfinite(value) else 0.0
    return 0.0 if abs(v) < NOISE_MW else v


def _band(value: float) -> tuple[float, float]:
    return max(0.0, value * (1 - BAND) - BAND), value * (1 + BAND) + BAND


def built(
    inst: Instance, record: Mapping[str, Any], offer: str
) -> list[tuple[Kind, str, list[tuple[Limit, float]]]]:
    """Every capacity an on-time solve decided (:attr:`~planner.inputs.catalogue.Kind.sized`:
    fusion, clean firm, solar, wind, storage) but fusion offer ``offer`` (the contract, the
    caller's to fix: :func:`contract`): (kind, item name, each capacity's limit and its value
    in a solved record, ``<name>_<capacity column>``), noise and a missing value (None, NaN)
    taken as 0; a record without such a column raises KeyError. A resource with one of its
    capacities at 0 (a storage without power or without energy) is none at all."""
    out: list[tuple[Kind, str, list[tuple[Limit, float]]]] = []
    for k in listed():
        if not k.physical or not k.sized:
            continue
        for item in getattr(inst.spec, k.key):
            if k is FUSION and item.name == offer:
                continue
            columns = [f"{item.name}_{column}" for column, _ in k.sized]
            missing = [c for c in columns if c not in record]
            if missing:  # a capacity the record does not hold must not be fixed at 0 silently
                raise KeyError(f"{inst.name}: the solved record has no {', '.join(missing)}")
            values = [
                (limit, clean_mw(record[c])) for c, (_, limit) in zip(columns, k.sized, strict=True)
            ]
            if any(v == 0.0 for _, v in values):
                values = [(limit, 0.0) for limit, _ in values]
            out.append((k, item.name, values))
    return out


def fixed_builds(inst: Instance, record: Mapping[str, Any], offer: str) -> dict[str, Any]:
    """Every capacity but the contract of fusion offer ``offer`` (other fusion offers, clean
    firm, solar, wind, storage power and energy) fixed, within a 1e-6 band, at its value in
    ``record``."""
    out: dict[str, Any] = {}
    for k, name, values in built(inst, record, offer):
        for limit, value in values:
            assert limit.lower is not None and limit.upper is not None  # Kind.sized
            low, high = _band(value)
            out[k.path(name, limit.lower)], out[k.path(name, limit.upper)] = low, high
    return out


def kept_builds(inst: Instance, record: Mapping[str, Any], offer: str) -> dict[str, Any]:
    """Every capacity but the contract of fusion offer ``offer`` at least its value in
    ``record`` (more may be added)."""
    out: dict[str, Any] = {}
    for k, name, values in built(inst, record, offer):
        for limit, value in values:
            assert limit.lower is not None  # Kind.sized
            out[k.path(name, limit.lower)] = _band(value)[0]
    return out


def contract(offer: str, capacity_mw: float) -> dict[str, Any]:
    """A signed contract: the offer's capacity fixed at ``capacity_mw``."""
    mw = clean_mw(capacity_mw)
    return {FUSION.path(offer, "min_capacity_mw"): mw, FUSION.path(offer, "max_capacity_mw"): mw}
