"""The hedging solves of a two-stage plan outcome by outcome (docs/formulation.md, "Delivery
risk", EVPI and VSS), for :mod:`planner.stochastic`.

When every outcome keeps its own targets (``scenarios.targets: per_scenario``), the
wait-and-see problem (the linking rows dropped) and the on-time plan fixed in every outcome
share no row between outcomes: each outcome is then solved as its own LP, which is smaller
and quicker than the outcomes side by side (measured on a dc_alley_va plan of the study: 11 s
against 23 s for the wait-and-see problem). Minimising each outcome's cost alone also minimises
the expected cost plus a weight times the CVaR of the outcomes' costs (both grow with every
outcome's cost), so the figures are those of the problem solved as one LP.

Each outcome's answer is kept in the process (:data:`MEMO_SIZE` of them) under a hash of its
instance, the fixed capacities and the solve options: the plans of one site at one price with
other probabilities or risk measures (the study's probability sets) share their outcomes and
their on-time plan, which a worker that already solved them does not solve again. Where the
environment variable :data:`SHARED_ENV` names a folder, every answer is also written there, one
JSON file per key, and read from there by any process that sees the variable: the study sets
it to a fresh folder for one run, so that its worker processes share their answers (a plan no
longer solves again what another worker solved).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.composite import Case, Composite, build_cases, capacities_of, fix_capacities
from planner.hashing import content_hash
from planner.inputs.instance import Instance
from planner.inputs.scenarios import Scenarios
from planner.model.build import build_model
from planner.results.risk import cvar
from planner.scenario_cases import deterministic
from planner.solver.run import SolverRun, run_highs
from planner.solver.settings import SolveSettings

MEMO_SIZE = 64
"""Outcome answers kept per process (a study worker sees about 15 plans of 3 outcomes)."""

_MEMO: OrderedDict[str, tuple[str, Any]] = OrderedDict()
_LOCK = threading.Lock()
_COUNTS = {"solved": 0, "reused": 0}

SHARED_ENV = "PLANNER_HEDGING_ANSWERS"
"""Environment variable naming a folder of answers shared by processes (see the module doc). A
folder for one run: the key hashes the instance and options, not the code that solved it."""

Capacities = dict[tuple[str, str, str], float]


def forget() -> None:
    """Drop the kept answers (tests)."""
    with _LOCK:
        _MEMO.clear()
        _COUNTS.update(solved=0, reused=0)


def counts() -> dict[str, int]:
    """Outcome solves run and answers reused in this process since :func:`forget`."""
    with _LOCK:
        return dict(_COUNTS)


@contextlib.contextmanager
def shared_answers() -> Iterator[Path]:
    """Within the block, answers go to (and come from) a fresh folder named by
    :data:`SHARED_ENV`, seen by the processes started inside it; removed afterwards."""
    before = os.environ.get(SHARED_ENV)
    with tempfile.TemporaryDirectory(prefix="planner-hedging-") as folder:
        os.environ[SHARED_ENV] = folder
        try:
            yield Path(folder)
        finally:
            if before is None:
                os.environ.pop(SHARED_ENV, None)
            else:
                os.environ[SHARED_ENV] = before


def _recall(key: str) -> tuple[str, Any] | None:
    with _LOCK:
        hit = _MEMO.get(key)
        if hit is None:
            hit = _read_shared(key)
            if hit is not None:
                _remember(key, hit)
        else:
            _MEMO.move_to_end(key)
        if hit is not None:
            _COUNTS["reused"] += 1
        return hit


def _keep(key: str, answer: tuple[str, Any]) -> None:
    with _LOCK:
        _COUNTS["solved"] += 1
        _remember(key, answer)
    _write_shared(key, answer)


def _remember(key: str, answer: tuple[str, Any]) -> None:
    _MEMO[key] = answer
    _MEMO.move_to_end(key)
    while len(_MEMO) > MEMO_SIZE:
        _MEMO.popitem(last=False)


def _shared_path(key: str) -> Path | None:
    folder = os.environ.get(SHARED_ENV)
    return Path(folder) / f"{key}.json" if folder else None


def _read_shared(key: str) -> tuple[str, Any] | None:
    """The answer another process wrote under ``key``, or None (none, or not readable)."""
    path = _shared_path(key)
    if path is None or not path.exists():
        return None
    try:
        raw = json.loads(path.read_text())
        if "capacities" in raw:
            return raw["status"], {(a, b, c): v for a, b, c, v in raw["capacities"]}
        return raw["status"], raw["value"]
    except (OSError, ValueError, KeyError, TypeError):  # unreadable: solved here instead
        return None


def _write_shared(key: str, answer: tuple[str, Any]) -> None:
    """Write ``answer`` for the other processes (atomically: a reader never sees half)."""
    path = _shared_path(key)
    if path is None:
        return
    status, value = answer
    if isinstance(value, dict):
        raw: dict[str, Any] = {"status": status, "capacities": [[*k, v] for k, v in value.items()]}
    else:
        raw = {"status": status, "value": value}
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(json.dumps(raw))
        os.replace(tmp, path)
    except OSError:  # a cache: the answer stands in this process; the others solve it
        tmp.unlink(missing_ok=True)


def _key(what: str, inst: Instance, settings: SolveSettings, extra: Any) -> str:
    return content_hash(
        {
            "what": what,
            "instance": inst.spec.model_dump(),
            "options": dict(settings.options),
            "formulation": settings.formulation,
            "time_limit_s": settings.time_limit_s,
            "extra": extra,
        }
    )


def solve_composite(comp: Composite, settings: SolveSettings) -> SolverRun:
    """Solve ``comp`` and, if optimal, load its values (scaled by its largest peak load)."""
    run = run_highs(comp.m, settings)
    if run.status == "optimal":
        peak = max(float(np.max(c.inst.spec.demand.load_mw)) for c in comp.cases)
        run.load_vars(comp.m, scale=peak)
    return run


def penalty_income(comp: Composite, k: int) -> Any | None:
    """Case k's delivery penalties received (a negative cost), or None if it has none."""
    terms = [t.expr for t in comp.regs[k].costs if t.component == "delivery_penalty"]
    return pyo.quicksum(terms) if terms else None


def risk_value(costs: np.ndarray, p: np.ndarray, spec: Scenarios) -> float:
    """The plan's objective on the outcomes' ``costs``: expected, plus the CVaR term."""
    expected = float(np.dot(p, costs))
    if spec.risk.measure == "expected":
        return expected
    return expected + spec.risk.weight * cvar(costs, p, spec.risk.alpha)


def on_time_capacities(
    inst: Instance, settings: SolveSettings, names: set[str]
) -> tuple[Capacities | None, str]:
    """The first-stage capacities of the base instance solved alone (the on-time plan)."""
    base = deterministic(inst)
    key = _key("on_time_plan", base, settings, sorted(names))
    hit = _recall(key)
    if hit is not None:
        return hit[1], hit[0]
    m, _ = build_model(base, settings.formulation)
    run = run_highs(m, settings)
    values = None
    if run.status == "optimal":
        run.load_vars(m, scale=float(np.max(inst.spec.demand.load_mw)))
        values = capacities_of(m, names)
    if run.status in ("optimal", "infeasible"):  # a time limit or error is not kept
        _keep(key, (run.status, values))
    return values, run.status


def _outcome_cost(
    case: Case, settings: SolveSettings, fixed: Capacities | None, net: bool
) -> tuple[str, float | None]:
    """One outcome alone: its least cost (without its delivery penalties if ``net``), its
    first-stage capacities held at ``fixed`` if given."""
    extra = {"fixed": sorted(fixed.items()) if fixed else None, "net": net}
    key = _key("outcome", case.inst, settings, extra)
    hit = _recall(key)
    if hit is not None:
        return hit
    comp = build_cases(case.inst.name, [case], settings.formulation)
    cost = comp.cost(0)
    income = penalty_income(comp, 0) if net else None
    # z^WS (each outcome with its own first stage) or z^EEV (the on-time plan fixed), one outcome
    comp.m.outcome_objective = pyo.Objective(
        expr=cost - income if income is not None else cost, sense=pyo.minimize
    )
    if fixed:
        fix_capacities(comp, fixed)
    run = solve_composite(comp, settings)
    value = float(pyo.value(comp.m.outcome_objective)) if run.status == "optimal" else None
    answer = (run.status, value)
    if run.status in ("optimal", "infeasible"):  # a time limit or error is not kept
        _keep(key, answer)
    return answer


def separate_value(
    cases: list[Case],
    settings: SolveSettings,
    spec: Scenarios,
    fixed: Capacities | None = None,
    net: bool = False,
) -> tuple[str, float | None]:
    """(status, risk value) of ``cases`` each solved alone: the wait-and-see problem (``fixed``
    None; ``net``: without delivery penalties) or the plan ``fixed`` in every outcome. The
    status is the first outcome's that is not optimal (then no value), else ``optimal``."""
    costs = []
    for case in cases:
        status, value = _outcome_cost(case, settings, fixed, net)
        if value is None:
            return status, None
        costs.append(value)
    p = np.array([c.weight for c in cases])
    return "optimal", risk_value(np.array(costs), p, spec)
