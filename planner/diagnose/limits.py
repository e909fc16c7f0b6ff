"""Which input limits bind in a relaxed solution: the bounds and rows that the resource
catalogue ties to input fields (:class:`planner.inputs.catalogue.Limit` and
:class:`~planner.inputs.catalogue.RowLimit`), and the held policy targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.diagnose.findings import BindingLimit
from planner.diagnose.names import Namer
from planner.inputs.catalogue import KINDS, Kind
from planner.inputs.instance import Instance
from planner.solver.compile import CompiledModel
from planner.solver.highs import LpRun

ACTIVE_TOLERANCE = 1e-6
"""A bound is active when within this share of max(1, |bound|) of the solution."""
DUAL_TOLERANCE = 1e-7
"""A bound binds when also its dual (shortfall unit per unit of the bound) exceeds this."""

POLICY_ROWS = ("hourly_cfe_target", "annual_matching", "emissions_cap", "market_based_net_zero")
"""Policy rows that stand for an input limit when held while another target is relaxed."""


def column_limits() -> dict[str, tuple[Kind, str | None, str | None, str]]:
    """Variables whose bounds are input limits: component (``<kind>.<variable>``) -> (kind,
    upper field, lower field, unit), from the catalogue."""
    return {
        f"{k.key}.{limit.variable}": (k, limit.upper, limit.lower, limit.unit)
        for k in KINDS
        for limit in k.limits
    }


def row_limits() -> dict[str, tuple[Kind | None, str, str]]:
    """Rows that stand for an input limit: component -> (kind, field, unit); policy rows have
    no kind."""
    out: dict[str, tuple[Kind | None, str, str]] = {
        f"{k.key}.{limit.row}": (k, limit.field, limit.unit)
        for k in KINDS
        for limit in k.row_limits
    }
    out |= {name: (None, name, "") for name in POLICY_ROWS}
    return out


def _row_limit(inst: Instance, component: str, key: str) -> str:
    """The input field behind a limit row, with its value: ``storage[li_ion].max_duration_h =
    8 h``; policy rows are marked ``(held)``: they bind only when another target is relaxed."""
    p = inst.spec.policy
    kind, field, unit = row_limits()[component]
    if kind is not None:
        items = {(item.name if kind.many else kind.key): item for item in inst.spec.items(kind)}
        value = getattr(items[key or kind.key], field)
        return f"{kind.field_text(key, field)} = {value:g}" + (f" {unit}" if unit else "")
    if component == "hourly_cfe_target":
        return f"policy.hourly_cfe_target = {p.hourly_cfe_target:g} (held)"
    if component == "annual_matching":
        return f"policy.annual_matching_fraction = {p.annual_matching_fraction:g} (held)"
    if component == "emissions_cap":
        if p.emissions_cap_t_per_yr is not None:
            return f"policy.emissions_cap_t_per_yr = {p.emissions_cap_t_per_yr:g} (held)"
        return (
            f"policy.emissions_cap_fraction_of_baseline = "
            f"{p.emissions_cap_fraction_of_baseline:g} (held)"
        )
    return "policy.market_based_net_zero (held)"


@dataclass
class LimitIndex:
    """Columns and rows of the compiled LP that stand for input limits."""

    col: dict[str, np.ndarray]
    col_hour: dict[str, np.ndarray]
    col_key: dict[str, list[str]]
    row: dict[str, np.ndarray]
    row_key: dict[str, list[str]]


def limit_index(compiled: CompiledModel, namer: Namer) -> LimitIndex:
    columns = column_limits()
    rows = row_limits()
    col: dict[str, list[int]] = {}
    col_hour: dict[str, list[int]] = {}
    col_key: dict[str, list[str]] = {}
    for j, var in enumerate(compiled.columns):
        name = var.parent_component().name
        if name in columns:
            col.setdefault(name, []).append(j)
            h = namer.hour(var)
            col_hour.setdefault(name, []).append(-1 if h is None else h)
            col_key.setdefault(name, []).append(_key(var) if h is None else _item_of(var))
    row: dict[str, list[int]] = {}
    row_key: dict[str, list[str]] = {}
    for i, entry in enumerate(compiled.rows):
        name = entry.constraint.parent_component().name
        if name in rows:
            row.setdefault(name, []).append(i)
            row_key.setdefault(name, []).append(_key(entry.constraint))
    return LimitIndex(
        {k: np.array(v) for k, v in col.items()},
        {k: np.array(v) for k, v in col_hour.items()},
        col_key,
        {k: np.array(v) for k, v in row.items()},
        row_key,
    )


def _key(data: Any) -> str:
    if not data.parent_component().is_indexed():
        return ""
    index = data.index()
    return ", ".join(map(str, index)) if isinstance(index, tuple) else str(index)


def _item_of(data: Any) -> str:
    """The item of an hourly variable indexed by (item, hour); "" when indexed by hour only."""
    index = data.index()
    return str(index[0]) if isinstance(index, tuple) else ""


def _active(value: np.ndarray, bound: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.isfinite(bound) & (
            np.abs(value - bound) <= ACTIVE_TOLERANCE * np.maximum(1.0, np.abs(bound))
        )


def binding_limits(
    run: LpRun, index: LimitIndex, inst: Instance, exclude_row: int | None = None
) -> list[BindingLimit]:
    """Input limits active with a non-zero dual in the solution of ``run`` (a minimisation of
    a shortfall), largest number of binding hours first; ``exclude_row`` is the relaxed
    target's own row."""
    assert run.x is not None and run.col_dual is not None and run.row_dual is not None
    lp = run.lp
    out: list[BindingLimit] = []
    columns = column_limits()
    for name, cols in index.col.items():
        kind, upper_field, lower_field, unit = columns[name]
        x, d = run.x[cols], run.col_dual[cols]
        for bound, field_name, values, sign in (
            ("upper", upper_field, lp.col_upper[cols], -1.0),
            ("lower", lower_field, lp.col_lower[cols], 1.0),
        ):
            if field_name is None:
                continue
            binds = _active(x, values) & (sign * d > DUAL_TOLERANCE)
            if bound == "lower":
                binds &= values != 0  # a lower bound of 0 is not an input limit
            if not binds.any():
                continue
            hour = index.col_hour[name]
            keys = index.col_key[name]
            if (hour[binds] >= 0).all():  # hourly limit: one entry per item, with its hours
                chosen = np.flatnonzero(binds)
                for item in dict.fromkeys(keys[k] for k in chosen):
                    mine = [k for k in chosen if keys[k] == item]
                    out.append(
                        BindingLimit(
                            f"{kind.field_text(item, field_name)} = {values[mine[0]]:g} {unit}",
                            name,
                            bound,
                            int(np.unique(hour[mine]).size),
                            inst.hours,
                        )
                    )
            else:
                for k in np.flatnonzero(binds):
                    out.append(
                        BindingLimit(
                            f"{kind.field_text(keys[k], field_name)} = {values[k]:g} {unit}",
                            name,
                            bound,
                            None,
                        )
                    )
    activity = lp.matrix @ run.x
    for name, rows in index.row.items():
        act, y = activity[rows], run.row_dual[rows]
        for bound, values, sign in (
            ("upper", lp.row_upper[rows], -1.0),
            ("lower", lp.row_lower[rows], 1.0),
        ):
            binds = _active(act, values) & (sign * y > DUAL_TOLERANCE) & (rows != exclude_row)
            for k in np.flatnonzero(binds):
                label = _row_limit(inst, name, index.row_key[name][k])
                out.append(BindingLimit(label, name, bound, None))
    out.sort(key=lambda b: -(b.hours or 0))
    return out
