"""Numerics of the LP handed to HiGHS: scaling leaves results unchanged, spans that cannot be
conditioned are warned about, and solutions that violate their constraints are refused."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import check_identities, fusion, grid, tiny

import planner
from planner.model.build import build_model
from planner.solver.compile import compile_model
from planner.solver.highs import solve_lp
from planner.solver.numerics import (
    MAX_RANGE,
    LinearProgram,
    NumericsWarning,
    Scaling,
    check_solution,
    coefficient_ranges,
    compute_scaling,
)
from planner.solver.run import run_highs
from planner.solver.settings import (
    DEFAULT_SOLVER_OPTIONS,
    DUALIZE_ROWS_PER_COLUMN,
    SolveSettings,
    shaped_options,
)

SIMPLEX = {"solver": "simplex"}
"""Vertex solutions, exact to round-off: scaled and unscaled solves must agree closely."""


def storage_case(hours: int = 24) -> planner.Instance:
    """Solar, storage, take-or-pay fusion and a grid under a 90 % CFE target: every kind of row
    and a policy dual."""
    cf = [max(0.0, 1 - abs(h % 24 - 12) / 6) for h in range(hours)]
    return tiny(
        hours,
        load_mw=[80 + 20 * ((h * 7) % 5) for h in range(hours)],
        grid=grid(price=[30 + 3 * (h % 24) for h in range(hours)], ci=0.4, cfe=0.2),
        fusion=[fusion(max_capacity_mw=40, energy_price_usd_per_mwh=90, availability=0.9)],
        solar=[
            {
                "name": "pv",
                "capacity_factor": cf,
                "max_capacity_mw": 500,
                "capex_usd_per_kw": 1200,
                "lifetime_yr": 30,
            }
        ],
        storage=[
            {
                "name": "battery",
                "power_capex_usd_per_kw": 300,
                "energy_capex_usd_per_kwh": 250,
                "lifetime_yr": 15,
                "charge_efficiency": 0.95,
                "discharge_efficiency": 0.95,
            }
        ],
        policy={"hourly_cfe_target": 0.9},
    )


def compiled_lp(inst: planner.Instance) -> LinearProgram:
    m, _ = build_model(inst)
    return compile_model(m).lp


# -- scaling ------------------------------------------------------------------------------------
def test_scaling_is_exact_algebra() -> None:
    """Power-of-2 factors: the scaled LP evaluated at x / col equals the original rows times the
    row factors and the original objective over the cost scale, to round-off."""
    lp = compiled_lp(storage_case())
    s = compute_scaling(lp, cost=True)
    assert not s.is_identity
    for f in (s.row, s.col, np.array([s.cost_scale])):
        assert np.all(np.log2(f) == np.round(np.log2(f)))
    scaled = s.apply(lp)
    x = np.random.default_rng(0).uniform(0, 100, lp.shape[1])
    assert scaled.matrix @ (x / s.col) == pytest.approx(s.row * (lp.matrix @ x), rel=1e-12)
    assert scaled.objective(x / s.col) * s.cost_scale == pytest.approx(lp.objective(x), rel=1e-12)
    assert np.array_equal(s.primal(x / s.col), x)


def test_scaling_narrows_a_badly_scaled_matrix_and_ignores_tiny_entries() -> None:
    """Rows of magnitude 1e6 and 1e-3 next to rows of 1: one pass brings every row to O(1). An
    entry of 1e-16 (HiGHS drops it as zero) does not drive the factors."""
    matrix = sp.csc_matrix(np.array([[1e6, 2e6, 0.0], [1e-3, 0.0, 4e-3], [1.0, 1.0, 1e-16]]))
    lp = LinearProgram(
        np.ones(3), np.zeros(3), np.full(3, np.inf), np.ones(3), np.full(3, np.inf), matrix
    )
    s = compute_scaling(lp)
    low, high = coefficient_ranges(s.apply(lp))["matrix"]
    assert high / low <= 8
    assert coefficient_ranges(lp)["matrix"] == (1e-3, 2e6)


@pytest.mark.parametrize("options", [SIMPLEX, DEFAULT_SOLVER_OPTIONS], ids=["simplex", "ipm"])
def test_scaling_leaves_objective_and_duals_unchanged(options: dict[str, str]) -> None:
    """The same LP solved with no scaling, row and column scaling, and row, column and
    objective scaling: objective, primal values of the capacities and every dual agree to 1e-6
    relative (to the largest dual for the duals; interior-point duals of a degenerate LP are
    only unique up to its tolerances, so those are compared through the objective only)."""
    lp = compiled_lp(storage_case())
    scalings = (
        Scaling.identity(lp),
        compute_scaling(lp, cost=False),
        compute_scaling(lp, cost=True),
    )
    runs = [solve_lp(lp, options, scale=s) for s in scalings]
    base = runs[0]
    assert all(r.status == "optimal" for r in runs)
    assert base.row_dual is not None
    for r in runs[1:]:
        assert r.objective == pytest.approx(base.objective, rel=1e-6)
        if options is SIMPLEX:
            assert r.row_dual is not None and r.col_dual is not None
            scale_y = np.abs(base.row_dual).max()
            assert np.abs(r.row_dual - base.row_dual).max() <= 1e-6 * scale_y
            assert np.abs(r.col_dual - base.col_dual).max() <= 1e-6 * np.abs(base.col_dual).max()


def test_prices_are_the_same_with_and_without_scaling() -> None:
    """Through planner.solve (simplex: unique vertex duals): objective, hourly marginal costs
    and the CFE shadow price agree whether the LP is scaled or not."""
    inst = storage_case()
    on = planner.solve(inst, baseline=False, scale=True, solver_options=SIMPLEX)
    off = planner.solve(inst, baseline=False, scale=False, solver_options=SIMPLEX)
    check_identities(on)
    assert on.objective_usd == pytest.approx(off.objective_usd, rel=1e-9)
    assert on.prices.hourly_usd_per_mwh.to_numpy() == pytest.approx(
        off.prices.hourly_usd_per_mwh.to_numpy(), rel=1e-6, abs=1e-6
    )
    assert on.prices.policy["hourly_cfe_usd_per_mwh"] == pytest.approx(
        off.prices.policy["hourly_cfe_usd_per_mwh"], rel=1e-6
    )
    assert on.numerics["scaled"] == 1 and off.numerics["scaled"] == 0


# -- conditioning -------------------------------------------------------------------------------
def test_absurd_cost_span_is_warned_about() -> None:
    """A grid price of 1e-4 $/MWh next to a value of lost load of 1e7 $/MWh: costs span 1e11,
    which no scaling of rows and columns can narrow (both columns have a coefficient of 1 in the
    same balance row)."""
    inst = tiny(
        6,
        grid=grid(price=[1e-4, 50, 50, 50, 50, 50]),
    ).with_overrides({"demand.value_of_lost_load_usd_per_mwh": 1e7})
    with pytest.warns(NumericsWarning, match=r"cost coefficients span 0.0001 to 1e\+07"):
        res = planner.solve(inst, baseline=False)
    assert res.ok
    assert len(res.warnings) == 1 and "even after scaling" in res.warnings[0]
    assert res.numerics["cost_max_scaled"] / res.numerics["cost_min_scaled"] > MAX_RANGE
    assert "Warnings" in res.summary()


def test_ordinary_instance_raises_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumericsWarning)
        res = planner.solve(storage_case(), baseline=False)
    assert res.warnings == []
    assert res.numerics["matrix_max_scaled"] / res.numerics["matrix_min_scaled"] < 1e3


# -- solution check -----------------------------------------------------------------------------
def test_check_catches_a_corrupted_solution() -> None:
    """A solved LP passes; one more MW of import in hour 3 breaks that hour's balance; an
    import above its 150 MW limit breaks a bound; a NaN breaks everything it touches."""
    inst = storage_case().with_overrides({"grid.import_limit_mw": 150})
    m, _ = build_model(inst)
    run = run_highs(m, SolveSettings())
    lp, x = run.compiled.lp, run.lp_run.x
    assert run.status == "optimal" and x is not None
    check = check_solution(lp, x)
    assert check.ok
    assert run.numerics["max_balance_residual_mw"] <= 1e-6
    assert run.numerics["max_row_violation"] <= 1e-6

    names = [v.name for v in run.columns]
    j = names.index("grid.import_mw[3]")
    bumped = x.copy()
    bumped[j] += 1.0
    bad = check_solution(lp, bumped)
    assert not bad.ok
    worst = bad.worst_row()
    assert worst is not None and run.rows[worst].constraint.name == "power_balance[3]"
    assert bad.row_violation[worst] == pytest.approx(1.0, rel=1e-9)

    over = x.copy()
    over[j] = 150.5
    bad = check_solution(lp, over)
    assert list(bad.bad_cols) == [j]
    assert bad.max_col_violation == pytest.approx(0.5)

    nan = x.copy()
    nan[j] = np.nan
    assert not check_solution(lp, nan).ok

    tiny_error = x.copy()
    tiny_error[j] += 1e-9  # far below the tolerance of 1e-6 * 100 MW
    assert check_solution(lp, tiny_error).ok


def test_solution_violating_its_rows_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """If HiGHS's answer (here: deliberately corrupted on the way back) violates the rows, the
    solve is retried with crossover and then refused with status numerical_error and a
    message naming the worst row, instead of reporting a wrong optimum."""

    def corrupted(self: Scaling, x_scaled: np.ndarray) -> np.ndarray:
        x = np.asarray(x_scaled, dtype=float) * self.col
        return x + 0.5  # half a MW on every variable

    monkeypatch.setattr(Scaling, "primal", corrupted)
    res = planner.solve(storage_case(), baseline=False)
    assert res.status == "numerical_error"
    assert res.objective_usd is None and res.capacity.empty
    assert res.model_stats["crossover_retry"] == 1
    d = res.diagnosis
    assert d is not None and d.cause == "numerical"
    assert "violates the constraints beyond the tolerance" in d.message
    assert "Refused" in d.message


def test_check_is_in_every_result() -> None:
    res = planner.solve(tiny(3, grid=grid(), fusion=[fusion(max_capacity_mw=30)]), baseline=False)
    assert res.ok
    assert res.numerics["check_tolerance"] == pytest.approx(1e-6)
    assert res.numerics["max_balance_residual_mw"] <= 1e-6 * 100
    assert {"matrix_min_input", "cost_max_scaled", "rhs_max_input"} <= set(res.numerics.index)


# -- interior point on the dual ------------------------------------------------------------------
def test_interior_point_dualizes_only_a_tall_lp_it_was_not_told_about() -> None:
    """The shape rule of :func:`shaped_options`: interior point dualizes an LP of at least
    DUALIZE_ROWS_PER_COLUMN rows per column, unless the caller set a strategy; simplex never."""
    ipm = dict(DEFAULT_SOLVER_OPTIONS)
    tall = round(DUALIZE_ROWS_PER_COLUMN * 100)  # exactly at the ratio: dualized
    assert shaped_options(ipm, tall, 100)["ipx_dualize_strategy"] == 1
    assert "ipx_dualize_strategy" not in shaped_options(ipm, tall - 1, 100)
    assert (
        shaped_options({**ipm, "ipx_dualize_strategy": 0}, tall, 100)["ipx_dualize_strategy"] == 0
    )
    assert "ipx_dualize_strategy" not in shaped_options(SIMPLEX, tall, 100)


def test_the_dual_interior_point_reaches_the_same_optimum() -> None:
    """The storage case solved by interior point on the LP and on its dual (forced both ways:
    -1 never, 1 always): the same objective to 1e-7; the stats say the shape rule chose
    nothing there (the caller did), and with the defaults it chose by the LP's shape."""
    lp = compiled_lp(storage_case())
    runs = {k: solve_lp(lp, {**DEFAULT_SOLVER_OPTIONS, "ipx_dualize_strategy": k}) for k in (-1, 1)}
    assert all(r.status == "optimal" for r in runs.values())
    assert runs[1].objective == pytest.approx(runs[-1].objective, rel=1e-7)
    assert runs[1].stats["ipx_dualized_by_shape"] == runs[-1].stats["ipx_dualized_by_shape"] == 0
    rows, columns = lp.shape
    tall = rows / columns >= DUALIZE_ROWS_PER_COLUMN
    default = solve_lp(lp, DEFAULT_SOLVER_OPTIONS)
    assert default.stats["ipx_dualized_by_shape"] == float(tall)
    assert default.objective == pytest.approx(runs[-1].objective, rel=1e-7)


def test_a_tall_lp_is_solved_on_its_dual_by_default() -> None:
    """min x1 + 2 x2 s.t. x1 >= 1, x2 >= 2, x1 + x2 >= 4 (three rows, two columns: 1.5 rows
    per column): the optimum is x1 = 2, x2 = 2, objective 6, reached on the dual as chosen by
    the shape rule, and the same with the rule opted out (-1)."""
    matrix = sp.csc_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    inf = np.full(3, np.inf)
    lp = LinearProgram(
        np.array([1.0, 2.0]), np.zeros(2), inf[:2], np.array([1.0, 2, 4]), inf, matrix
    )
    dual = solve_lp(lp, DEFAULT_SOLVER_OPTIONS)
    plain = solve_lp(lp, {**DEFAULT_SOLVER_OPTIONS, "ipx_dualize_strategy": -1})
    assert dual.stats["ipx_dualized_by_shape"] == 1.0
    assert plain.stats["ipx_dualized_by_shape"] == 0.0
    for run in (dual, plain):
        assert run.status == "optimal"
        assert run.objective == pytest.approx(6.0, rel=1e-7)
        assert run.x == pytest.approx([2.0, 2.0], rel=1e-6)
