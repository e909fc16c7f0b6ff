"""A Pyomo model as matrices: Pyomo's linear standard-form compiler, then HiGHS's LP arrays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from planner.solver.numerics import LinearProgram


@dataclass
class CompiledModel:
    """A Pyomo model as a :class:`~planner.solver.numerics.LinearProgram`, with the Pyomo
    variable of each column and the constraint of each row (``rows[i].constraint``)."""

    lp: LinearProgram
    columns: list[Any]
    rows: list[Any]

    @cached_property
    def row_of(self) -> dict[int, int]:
        """Row position of each compiled constraint, by ``id`` of the constraint."""
        return {id(entry.constraint): i for i, entry in enumerate(self.rows)}

    @cached_property
    def column_of(self) -> dict[int, int]:
        """Column position of each compiled variable, by ``id`` of the variable."""
        return {id(var): j for j, var in enumerate(self.columns)}


def compile_model(m: pyo.ConcreteModel) -> CompiledModel:
    """Compile ``m`` to matrices with Pyomo's linear standard-form compiler (rows keep their
    sense: ``<=``, ``>=`` and ``==`` rows, no slack columns)."""
    repn = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    inf = highspy.kHighsInf
    n_col = len(repn.columns)
    sense = np.array([r.bound_type for r in repn.rows], dtype=int)  # -1 >=, 0 ==, 1 <=
    rhs = np.asarray(repn.rhs, dtype=float)
    lp = LinearProgram(
        cost=repn.c.toarray().ravel() if repn.c.shape[0] else np.zeros(n_col),
        col_lower=np.array([-inf if v.lb is None else v.lb for v in repn.columns], dtype=float),
        col_upper=np.array([inf if v.ub is None else v.ub for v in repn.columns], dtype=float),
        row_lower=np.where(sense <= 0, rhs, -inf),
        row_upper=np.where(sense >= 0, rhs, inf),
        matrix=repn.A.tocsc(),
        offset=float(np.sum(repn.c_offset)) if len(repn.c_offset) else 0.0,
    )
    return CompiledModel(lp, list(repn.columns), list(repn.rows))


def highs_lp(lp: LinearProgram) -> highspy.HighsLp:
    """``lp`` as HiGHS's column-wise LP (the arrays are passed, not copied row by row)."""
    out = highspy.HighsLp()
    out.num_row_, out.num_col_ = lp.shape
    out.col_cost_ = lp.cost
    out.col_lower_ = lp.col_lower
    out.col_upper_ = lp.col_upper
    out.row_lower_ = lp.row_lower
    out.row_upper_ = lp.row_upper
    out.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    out.a_matrix_.start_ = lp.matrix.indptr
    out.a_matrix_.index_ = lp.matrix.indices
    out.a_matrix_.value_ = lp.matrix.data
    return out
