"""Determinism: the same input gives the same optimum, bit for bit, on every solve, in a fresh
process, with another hash seed and with another HiGHS thread count.

HiGHS's interior point (IPX, planner's default solver, without crossover) is serial, so the
``threads`` option, which the sweep runner sets to cores // workers, cannot change the answer;
neither can the order Python iterates sets in (``PYTHONHASHSEED``) nor the OpenMP threads of the
seeded k-means that picks representative periods. ``random_seed`` does change
the path of the solver (it is fixed at HiGHS's default 0 and is part of a sweep point's key).
The sweep's own check (one worker, two workers, Dask: the same table bit for bit) is in
tests/test_sweep_run.py. Documented in docs/sweeps.md, "Faults and determinism".

Run as a script (``python tests/test_determinism.py THREADS``) it prints the fingerprints of
the cases solved with that many HiGHS threads: the tests run it in fresh processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import ROOT

import planner


def tied_offers() -> planner.Instance:
    """Two identical fusion offers, 8 MW each, for a flat 10 MW load over 48 hours: every split
    of 10 MW between them is optimal (a degenerate optimum), at 10 MW x 48 h x 30 $/MWh =
    14,400 $ (the grid, at 40 $/MWh, is dearer)."""
    offer = {"max_capacity_mw": 8, "energy_price_usd_per_mwh": 30, "availability": 1.0}
    raw = {
        "name": "tied",
        "time": {"start": "2028-01-01 00:00", "hours": 48},
        "demand": {"load_mw": 10},
        "fusion": [{"name": "a", **offer}, {"name": "b", **offer}],
        "grid": {
            "price_usd_per_mwh": 40,
            "carbon_intensity_t_per_mwh": 0.4,
            "carbon_free_share": 0.3,
        },
    }
    return planner.Instance.from_dict(raw, source="tied.yaml")


def shipped(name: str, **overrides: Any) -> Callable[[], planner.Instance]:
    return lambda: planner.load_instance(ROOT / "instances" / f"{name}.yaml").with_overrides(
        overrides
    )


CASES: dict[str, Callable[[], planner.Instance]] = {
    "default_48h": shipped(
        "default", **{"time.hours": 48}
    ),  # fusion, solar, Li-ion, grid, 90 % CFE
    "stargate_48h": shipped("stargate_tx", **{"time.hours": 48}),  # two offers, two storage types
    "tied_offers_48h": tied_offers,
    # the year clustered into 4 days (scikit-learn's k-means, seeded; OpenMP threads)
    "default_4_days": shipped(
        "default", **{"time.representative_periods": {"count": 4, "period_hours": 24}}
    ),
}


def fingerprint(res: planner.Result) -> dict[str, Any]:
    """What must not change, to the bit: status, objective, capacities, dispatch, prices."""

    def digest(values: Any) -> str:
        return hashlib.sha256(np.ascontiguousarray(values, dtype=float).tobytes()).hexdigest()

    assert res.ok, res.status
    return {
        "status": res.status,
        "objective_usd": float(res.objective_usd).hex(),
        "capacity": {
            str(name): [float(v).hex() for v in row[["capacity_mw", "energy_mwh"]].fillna(-1.0)]
            for name, row in res.capacity.iterrows()
        },
        "dispatch": digest(res.dispatch.to_numpy(dtype=float)),
        "hourly_price": digest(res.prices.hourly_usd_per_mwh.to_numpy(dtype=float)),
        "policy_prices": [float(v).hex() for v in res.prices.policy.to_numpy(dtype=float)],
    }


def fingerprints(threads: int | None = None) -> dict[str, Any]:
    options = {} if threads is None else {"threads": threads}
    return {
        name: fingerprint(planner.solve(make(), solver_options=options, baseline=False))
        for name, make in CASES.items()
    }


@pytest.fixture(scope="module")
def here() -> dict[str, Any]:
    """The fingerprints in this process, HiGHS's default thread count."""
    return fingerprints()


def test_tied_offers_have_the_hand_derived_optimum() -> None:
    res = planner.solve(tied_offers(), baseline=False)
    assert res.objective_usd == pytest.approx(14_400, rel=1e-9)
    assert res.capacity.loc[["a", "b"], "capacity_mw"].sum() == pytest.approx(10, rel=1e-9)


@pytest.mark.parametrize("name", list(CASES))
def test_repeated_solves_in_one_process_are_identical(name: str, here: dict[str, Any]) -> None:
    inst = CASES[name]()
    for _ in range(2):
        assert fingerprint(planner.solve(inst, baseline=False)) == here[name]


def test_fresh_processes_with_other_threads_and_hash_seeds_agree(here: dict[str, Any]) -> None:
    """Two fresh processes, 1 and 2 HiGHS threads (a process keeps one thread count), 1 and 2
    OpenMP threads for the clustering, other hash seeds: the same bits as in this process,
    degenerate optimum included."""
    procs = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "test_determinism.py"), str(threads)],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": str(seed), "OMP_NUM_THREADS": str(threads)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for threads, seed in ((1, 1), (2, 2))
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert json.loads(out) == here


if __name__ == "__main__":
    print(json.dumps(fingerprints(int(sys.argv[1]))))
