"""Readable names of the compiled LP's rows and columns (hours as timestamps), and HiGHS's
irreducible infeasible subset in those names."""

from __future__ import annotations

from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo

from planner.inputs.instance import Instance
from planner.solver.compile import CompiledModel

ROW_TERMS_SHOWN = 8
"""IIS rows with more terms are named without their expression."""
IIS_TIME_LIMIT_S = 10.0
"""Time HiGHS may spend reducing an infeasible subset to an irreducible one."""


class Namer:
    """Pyomo names with the hour index replaced by its timestamp:
    ``storage.charge_le_power[li_ion, 2028-01-01 05:00]``."""

    def __init__(self, inst: Instance, m: pyo.ConcreteModel) -> None:
        self.stamps = list(inst.timestamps.strftime("%Y-%m-%d %H:%M"))
        self.hours_set = m.T
        self._hour_pos: dict[int, int | None] = {}

    def hour_position(self, component: Any) -> int | None:
        """Position of the hour in the component's index, None if not indexed by hour."""
        key = id(component)
        if key not in self._hour_pos:
            pos = None
            if component.is_indexed():
                for i, s in enumerate(component.index_set().subsets()):
                    if s is self.hours_set:
                        pos = i
            self._hour_pos[key] = pos
        return self._hour_pos[key]

    def hour(self, data: Any) -> int | None:
        """The hour of a variable or constraint indexed by hour, else None."""
        pos = self.hour_position(data.parent_component())
        if pos is None:
            return None
        index = data.index()
        return int(index[pos] if isinstance(index, tuple) else index)

    def name(self, data: Any) -> str:
        component = data.parent_component()
        if not component.is_indexed():
            return str(component.name)
        index = data.index()
        parts = list(index) if isinstance(index, tuple) else [index]
        pos = self.hour_position(component)
        if pos is not None:
            h = int(parts[pos])
            parts[pos] = self.stamps[h] if 0 <= h < len(self.stamps) else h
        return f"{component.name}[{', '.join(str(p) for p in parts)}]"


def _bound_text(lower: float, upper: float, which: str) -> str:
    if which == "lower":
        return f">= {lower:.6g}"
    if which == "upper":
        return f"<= {upper:.6g}"
    if which == "boxed":
        return f"= {lower:.6g}" if lower == upper else f"in [{lower:.6g}, {upper:.6g}]"
    return "free"


_IIS_BOUND = {2: "lower", 3: "upper", 4: "boxed", 1: "free"}


def _row_text(i: int, compiled: CompiledModel, csr: Any, namer: Namer) -> str:
    """``name: 0.93 x[a] - y[b] <= 0`` in original units; rows of more than
    :data:`ROW_TERMS_SHOWN` terms are shown by name and number of terms only."""
    lp = compiled.lp
    lower, upper = lp.row_lower[i], lp.row_upper[i]
    if lower == upper:
        bound = f"= {lower:.6g}"
    elif np.isfinite(lower) and np.isfinite(upper):
        bound = f"in [{lower:.6g}, {upper:.6g}]"
    else:
        bound = f">= {lower:.6g}" if np.isfinite(lower) else f"<= {upper:.6g}"
    name = namer.name(compiled.rows[i].constraint)
    start, end = csr.indptr[i], csr.indptr[i + 1]
    if end - start > ROW_TERMS_SHOWN:
        return f"{name} ({end - start} terms) {bound}"
    terms = []
    for j, a in zip(csr.indices[start:end], csr.data[start:end], strict=True):
        coef = "" if abs(a) == 1 else f"{abs(a):.6g} "
        sign = "-" if a < 0 else "+"
        terms.append(f"{sign} {coef}{namer.name(compiled.columns[j])}")
    expr = " ".join(terms).removeprefix("+ ") if terms else "0"
    return f"{name}: {expr} {bound}"


def irreducible_subset(
    highs: highspy.Highs,
    compiled: CompiledModel,
    namer: Namer,
    time_limit_s: float | None = None,
) -> tuple[list[str], bool]:
    """HiGHS's irreducible infeasible subset (IIS) of the infeasible LP loaded in ``highs``.

    Returns the members as readable names with the bound involved (original units), rows
    first, and whether the subset is irreducible. HiGHS's light test runs first (instant, finds
    a row that its column bounds alone cannot satisfy); if it finds none, an elastic LP gives
    an infeasible subset that a deletion filter reduces to an irreducible one, stopped after
    ``time_limit_s`` (default :data:`IIS_TIME_LIMIT_S`; the filter solves one LP per member
    and took minutes on a 672-hour instance), leaving a subset that may not be irreducible.
    """
    highs.setOptionValue("iis_strategy", int(highspy.IisStrategy.kIisStrategyLight))
    status, iis = highs.getIis()
    irreducible = True
    if (
        status == highspy.HighsStatus.kError
        or not iis.valid_
        or (not len(iis.row_index_) and not len(iis.col_index_))
    ):
        limit = IIS_TIME_LIMIT_S if time_limit_s is None else min(time_limit_s, IIS_TIME_LIMIT_S)
        strategy = int(highspy.IisStrategy.kIisStrategyFromLp) | int(
            highspy.IisStrategy.kIisStrategyIrreducible
        )
        highs.setOptionValue("iis_strategy", strategy)
        highs.setOptionValue("iis_time_limit", float(limit))
        status, iis = highs.getIis()
        irreducible = status == highspy.HighsStatus.kOk
    if status == highspy.HighsStatus.kError or not iis.valid_:
        return [], False
    lp = compiled.lp
    csr = lp.matrix.tocsr()
    out = []
    for i in iis.row_index_:
        out.append(_row_text(i, compiled, csr, namer))
    for j, b in zip(iis.col_index_, iis.col_bound_, strict=True):
        which = _IIS_BOUND.get(int(b), "free")
        if which != "free":  # a free member only links rows; its bounds play no part
            out.append(
                f"{namer.name(compiled.columns[j])} "
                f"{_bound_text(lp.col_lower[j], lp.col_upper[j], which)}"
            )
    return out, irreducible and bool(out)
