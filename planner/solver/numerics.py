"""Numerics of the LP handed to HiGHS: scaling, coefficient ranges, and the solution check.

Everything here works on the arrays of one :class:`LinearProgram`,

    minimise ``cost @ x + offset``
    subject to ``row_lower <= matrix @ x <= row_upper`` and ``col_lower <= x <= col_upper``,

and is vectorised (no loop over rows or columns). See docs/reliability.md for the choices and
the measured effect.

- :func:`compute_scaling` / :class:`Scaling`: row and column factors (powers of 2, so that
  scaling and unscaling are exact in floating point) from a few passes of geometric-mean
  scaling of the matrix, then one factor for the objective so that costs are O(1). Primal and
  dual solutions and the objective are mapped back to the original units.
- :func:`coefficient_ranges` and :func:`conditioning_warnings`: the span of the matrix, cost,
  bound and right-hand-side magnitudes, and a warning when the span of the matrix or the
  costs exceeds :data:`MAX_RANGE` after scaling.
- :func:`check_solution`: row and column bound violations of a primal solution in original
  units, each against ``CHECK_TOLERANCE * max(1, |bound|, sum_j |a_ij x_j|)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

MAX_RANGE = 1e9
"""Largest ratio of the largest to the smallest non-zero magnitude of the matrix, or of the
cost vector, that the planner accepts without a conditioning warning (after scaling)."""

CHECK_TOLERANCE = 1e-6
"""Relative tolerance of :func:`check_solution` (see there for the scale it is relative to)."""

SMALL_MATRIX_VALUE = 1e-9
"""HiGHS's default ``small_matrix_value``: matrix entries at most this large are set to zero
when the LP is passed (e.g. a capacity factor of sin(pi) = 1.2e-16)."""

MAX_FACTOR_LOG2 = 20
"""Scale factors stay within 2^-20..2^20 (HiGHS's own ``allowed_matrix_scale_factor``)."""

SCALE_COST = False
"""Whether :func:`compute_scaling` also scales the objective by default (see there)."""

SCALING_PASSES = 4
"""Largest number of passes of geometric-mean row and column scaling; it stops earlier at a
fixed point (after 2-3 passes on the shipped instances)."""


class NumericsWarning(UserWarning):
    """The LP's coefficients span too many orders of magnitude for reliable results."""


@dataclass
class LinearProgram:
    """An LP in the column-wise arrays HiGHS takes; infinite bounds are ``inf``."""

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sp.csc_matrix
    offset: float = 0.0

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return int(self.matrix.shape[0]), int(self.matrix.shape[1])

    def copy(self) -> LinearProgram:
        """A copy whose arrays can be changed without touching this one."""
        return replace(
            self,
            cost=self.cost.copy(),
            col_lower=self.col_lower.copy(),
            col_upper=self.col_upper.copy(),
            row_lower=self.row_lower.copy(),
            row_upper=self.row_upper.copy(),
            matrix=self.matrix.copy(),
        )

    def objective(self, x: np.ndarray) -> float:
        """``cost @ x + offset``."""
        return float(self.cost @ x) + self.offset


@dataclass(frozen=True)
class Scaling:
    """``scaled A = row * A * col``, ``scaled x = x / col``, ``scaled c = col * c / cost_scale``.

    All factors are powers of 2. The identity scaling has every factor 1.
    """

    row: np.ndarray
    col: np.ndarray
    cost_scale: float = 1.0

    @classmethod
    def identity(cls, lp: LinearProgram) -> Scaling:
        rows, cols = lp.shape
        return cls(np.ones(rows), np.ones(cols), 1.0)

    @property
    def is_identity(self) -> bool:
        return self.cost_scale == 1.0 and bool(np.all(self.row == 1.0) and np.all(self.col == 1.0))

    def apply(self, lp: LinearProgram) -> LinearProgram:
        """The scaled LP (a new object; ``lp`` is left unchanged)."""
        matrix = sp.diags(self.row) @ lp.matrix @ sp.diags(self.col)
        with np.errstate(invalid="ignore"):  # inf / factor stays inf
            return LinearProgram(
                cost=lp.cost * self.col / self.cost_scale,
                col_lower=lp.col_lower / self.col,
                col_upper=lp.col_upper / self.col,
                row_lower=lp.row_lower * self.row,
                row_upper=lp.row_upper * self.row,
                matrix=sp.csc_matrix(matrix),
                offset=lp.offset / self.cost_scale,
            )

    def primal(self, x_scaled: np.ndarray) -> np.ndarray:
        """Column values in original units."""
        return np.asarray(x_scaled, dtype=float) * self.col

    def row_dual(self, y_scaled: np.ndarray) -> np.ndarray:
        """Row duals (d objective / d row bound) in original units."""
        return np.asarray(y_scaled, dtype=float) * self.row * self.cost_scale

    def col_dual(self, d_scaled: np.ndarray) -> np.ndarray:
        """Reduced costs (d objective / d column bound) in original units."""
        return np.asarray(d_scaled, dtype=float) / self.col * self.cost_scale


def _pow2(values: np.ndarray) -> np.ndarray:
    """The power of 2 nearest to each value (in log scale); 1 where the value is not > 0."""
    out = np.ones_like(values, dtype=float)
    ok = np.isfinite(values) & (values > 0)
    out[ok] = np.exp2(np.round(np.log2(values[ok])))
    return out


def _segment_extremes(log_abs: np.ndarray, indptr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Largest and smallest entry of each compressed segment (column of CSC, row of CSR).

    Empty segments get 0 for both, so that their factor is 1.
    """
    n = len(indptr) - 1
    high, low = np.zeros(n), np.zeros(n)
    filled = np.diff(indptr) > 0
    if log_abs.size:
        starts = indptr[:-1][filled]
        high[filled] = np.maximum.reduceat(log_abs, starts)
        low[filled] = np.minimum.reduceat(log_abs, starts)
    return high, low


def compute_scaling(
    lp: LinearProgram, passes: int = SCALING_PASSES, cost: bool | None = None
) -> Scaling:
    """Geometric-mean row and column scaling of the matrix, then an objective scale.

    Each pass divides every row, then every column, by the geometric mean of its largest and
    smallest magnitude (rounded to a power of 2, each factor within 2^-20..2^20, ignoring
    entries HiGHS drops as zero: |a| <= :data:`SMALL_MATRIX_VALUE`). With ``cost=True``
    (default :data:`SCALE_COST`: measured to change where interior point stops more than how
    fast it gets there; docs/reliability.md) the costs are then divided by the power of 2
    nearest to the geometric mean of their largest and smallest non-zero magnitude, so that the
    costs HiGHS sees are spread evenly around 1. If the result would leave the matrix or the
    costs spanning more orders of magnitude than before, no scaling is used.

    >>> lp = LinearProgram(np.array([1e4, 30.0]), np.zeros(2), np.full(2, np.inf),
    ...                    np.array([100.0]), np.array([100.0]), sp.csc_matrix([[1000.0, 1.0]]))
    >>> s = compute_scaling(lp, cost=True)
    >>> bool(np.all(np.log2(s.col) % 1 == 0)), float(s.cost_scale) > 1
    (True, True)
    """
    rows, cols = lp.shape
    row = np.zeros(rows)  # log2 of the factors
    col = np.zeros(cols)
    csc = sp.csc_matrix(lp.matrix, copy=True)
    csc.data[np.abs(csc.data) <= SMALL_MATRIX_VALUE] = 0.0
    csc.eliminate_zeros()
    csc.sort_indices()
    log_abs = np.log2(np.abs(csc.data))
    csr = csc.tocsr()
    csr.data = np.log2(np.abs(csr.data))
    row_of_csr = np.repeat(np.arange(rows), np.diff(csr.indptr))
    col_of_csc = np.repeat(np.arange(cols), np.diff(csc.indptr))
    for _ in range(passes):
        high, low = _segment_extremes(csr.data + row[row_of_csr] + col[csr.indices], csr.indptr)
        new_row = np.clip(row - np.round((high + low) / 2), -MAX_FACTOR_LOG2, MAX_FACTOR_LOG2)
        high, low = _segment_extremes(log_abs + new_row[csc.indices] + col[col_of_csc], csc.indptr)
        new_col = np.clip(col - np.round((high + low) / 2), -MAX_FACTOR_LOG2, MAX_FACTOR_LOG2)
        if np.array_equal(new_row, row) and np.array_equal(new_col, col):
            break  # a fixed point: further passes change nothing
        row, col = new_row, new_col
    row_f, col_f = np.exp2(row), np.exp2(col)
    cost_scale = 1.0
    if SCALE_COST if cost is None else cost:
        c = np.abs(lp.cost * col_f)
        c = c[c > 0]
        if c.size:
            cost_scale = float(_pow2(np.array([np.sqrt(c.max() * c.min())]))[0])
    scaling = Scaling(row_f, col_f, cost_scale)
    if _worst_ratio(scaling.apply(lp)) > _worst_ratio(lp):
        return Scaling.identity(lp)
    return scaling


def _worst_ratio(lp: LinearProgram) -> float:
    """The larger of the matrix's and the costs' largest / smallest magnitude."""
    ranges = coefficient_ranges(lp)
    ratios = [high / low for low, high in (ranges["matrix"], ranges["cost"]) if low > 0]
    return max(ratios, default=1.0)


# -- ranges ---------------------------------------------------------------------------------
def _span(values: np.ndarray) -> tuple[float, float]:
    v = np.abs(np.asarray(values, dtype=float))
    v = v[np.isfinite(v) & (v > 0)]
    return (float(v.min()), float(v.max())) if v.size else (np.nan, np.nan)


def coefficient_ranges(lp: LinearProgram) -> dict[str, tuple[float, float]]:
    """Smallest and largest non-zero finite magnitude of the matrix, costs, bounds and
    right-hand sides (row bounds), as HiGHS reports them in its log; matrix entries that HiGHS
    drops as zero (|a| <= :data:`SMALL_MATRIX_VALUE`) are left out."""
    data = np.abs(lp.matrix.data)
    return {
        "matrix": _span(data[data > SMALL_MATRIX_VALUE]),
        "cost": _span(lp.cost),
        "bounds": _span(np.concatenate([lp.col_lower, lp.col_upper])),
        "rhs": _span(np.concatenate([lp.row_lower, lp.row_upper])),
    }


def conditioning_warnings(
    ranges: dict[str, tuple[float, float]], limit: float = MAX_RANGE
) -> list[str]:
    """A message for the matrix or the costs when largest / smallest magnitude > ``limit``."""
    out = []
    for name, what in (("matrix", "constraint coefficients"), ("cost", "cost coefficients")):
        low, high = ranges[name]
        if np.isfinite(low) and high / low > limit:
            out.append(
                f"{what} span {low:.3g} to {high:.3g} (ratio {high / low:.2g} > {limit:.0e}) "
                "even after scaling: HiGHS may return inaccurate results; check the inputs for "
                "extreme values (prices, value of lost load, capacity factors, weights)"
            )
    return out


# -- solution check -------------------------------------------------------------------------
@dataclass
class SolutionCheck:
    """Result of :func:`check_solution`, violations in original units.

    ``row_violation`` and ``col_violation`` are per row and per column (0 when satisfied);
    ``row_tolerance`` and ``col_tolerance`` what each is allowed.
    """

    row_violation: np.ndarray
    col_violation: np.ndarray
    row_tolerance: np.ndarray
    col_tolerance: np.ndarray
    tolerance: float = CHECK_TOLERANCE
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def bad_rows(self) -> np.ndarray:
        return np.flatnonzero(self.row_violation > self.row_tolerance)

    @property
    def bad_cols(self) -> np.ndarray:
        return np.flatnonzero(self.col_violation > self.col_tolerance)

    @property
    def ok(self) -> bool:
        return self.bad_rows.size == 0 and self.bad_cols.size == 0

    @property
    def max_row_violation(self) -> float:
        return float(self.row_violation.max()) if self.row_violation.size else 0.0

    @property
    def max_col_violation(self) -> float:
        return float(self.col_violation.max()) if self.col_violation.size else 0.0

    def worst_row(self) -> int | None:
        """Row with the largest violation relative to its tolerance (None if none)."""
        if not self.row_violation.size:
            return None
        return int(np.argmax(self.row_violation / self.row_tolerance))

    def worst_col(self) -> int | None:
        if not self.col_violation.size:
            return None
        return int(np.argmax(self.col_violation / self.col_tolerance))


def check_solution(
    lp: LinearProgram, x: np.ndarray, tolerance: float = CHECK_TOLERANCE
) -> SolutionCheck:
    """Violations of the row and column bounds of ``lp`` by ``x`` (original units).

    Row i is violated when ``A x`` leaves its bounds by more than
    ``tolerance * max(1, |bound|, sum_j |a_ij x_j|)``: relative to the size of the terms, so
    that a sum of large terms cancelling out is judged at their scale. Column j is violated
    when ``x_j`` leaves its bounds by more than ``tolerance * max(1, |bound|)``. A NaN
    counts as an infinite violation.

    >>> lp = LinearProgram(np.zeros(2), np.zeros(2), np.array([5.0, np.inf]),
    ...                    np.array([10.0]), np.array([10.0]), sp.csc_matrix([[1.0, 1.0]]))
    >>> check_solution(lp, np.array([4.0, 6.0])).ok
    True
    >>> check = check_solution(lp, np.array([4.0, 6.1]))
    >>> check.ok, round(check.max_row_violation, 6)
    (False, 0.1)
    """
    x = np.asarray(x, dtype=float)
    activity = lp.matrix @ x
    magnitude = abs(lp.matrix) @ np.abs(x)
    with np.errstate(invalid="ignore"):
        row_violation = np.maximum.reduce(
            [lp.row_lower - activity, activity - lp.row_upper, np.zeros_like(activity)]
        )
        col_violation = np.maximum.reduce([lp.col_lower - x, x - lp.col_upper, np.zeros_like(x)])
    row_violation = np.where(np.isnan(row_violation), np.inf, row_violation)
    col_violation = np.where(np.isnan(col_violation), np.inf, col_violation)
    row_bound = np.maximum(_finite_abs(lp.row_lower), _finite_abs(lp.row_upper))
    col_bound = np.maximum(_finite_abs(lp.col_lower), _finite_abs(lp.col_upper))
    row_scale = np.maximum.reduce([np.ones_like(activity), row_bound, np.nan_to_num(magnitude)])
    col_scale = np.maximum(1.0, col_bound)
    return SolutionCheck(
        row_violation=row_violation,
        col_violation=col_violation,
        row_tolerance=tolerance * row_scale,
        col_tolerance=tolerance * col_scale,
        tolerance=tolerance,
    )


def _finite_abs(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values), np.abs(values), 0.0)
