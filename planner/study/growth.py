"""Growth to 2030-2035 (the study file's ``pathway`` block): a pathway instance
(:mod:`planner.pathway`: investment periods, vintages, a rising CFE target) solved with each
foresight, at each price of one fusion offer (every other fusion offer off) and, if asked, with
every fusion offer as shipped.

The cases run in parallel on the study's cluster (:func:`planner.sweep.backends.run_calls`);
each answer (the pathway's tables: periods, capacity by period, vintages, net present cost) is
kept in ``<out>/pathway/<case>.json`` under a hash of the solved instance and the package
version, so a re-run skips it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.hashing import content_hash
from planner.inputs.instance import Instance, load_instance
from planner.solve import solve
from planner.study.config import Study
from planner.study.parts import Context
from planner.sweep.backends import run_calls
from planner.version import __version__

AS_SHIPPED = "as_shipped"


@dataclass(frozen=True)
class PathwayCase:
    """One pathway solve: its name, foresight, the offer's price (None: as shipped) and the
    overrides that make it."""

    name: str
    foresight: str
    price_usd_per_mwh: float
    shipped: bool
    overrides: dict[str, Any]


def pathway_instance(study: Study) -> Instance:
    """The part's pathway instance as loaded (validated by the study's loader), without the
    part's overrides."""
    part = study.spec.pathway
    assert part is not None
    return load_instance(Path(os.path.normpath(study.folder / part.instance)).resolve())


def offer_price(inst: Instance, offer: str) -> float:
    """The energy price of ``offer`` in ``inst``, $/MWh."""
    return float(next(o for o in inst.spec.fusion if o.name == offer).energy_price_usd_per_mwh)


def pathway_cases(ctx: Context, inst: Instance) -> list[PathwayCase]:
    """Every case of the part: foresight x (prices, then as shipped)."""
    part = ctx.study.spec.pathway
    assert part is not None
    common = {**ctx.study.spec.overrides, **part.overrides}
    base = offer_price(inst, part.offer)
    prices = list(dict.fromkeys(base if p is None else float(p) for p in part.prices_usd_per_mwh))
    others_off = {
        f"fusion.{o.name}.max_capacity_mw": 0 for o in inst.spec.fusion if o.name != part.offer
    }
    price_path = f"fusion.{part.offer}.energy_price_usd_per_mwh"
    out = []
    for foresight in part.foresights:
        fixed = {**common, "pathway.foresight": foresight}
        for price in prices:
            out.append(
                PathwayCase(
                    f"{foresight}_{price:g}",
                    foresight,
                    price,
                    False,
                    {**fixed, **others_off, price_path: price},
                )
            )
        if part.as_shipped and others_off:
            out.append(PathwayCase(f"{foresight}_{AS_SHIPPED}", foresight, base, True, fixed))
    return out


def solve_case(path: str, overrides: dict[str, Any], threads: int | None) -> dict[str, Any]:
    """Solve one pathway case in a worker process; return its tables as plain lists."""
    inst = load_instance(path).with_overrides(overrides)
    started = time.perf_counter()
    result = solve(inst, solver_options={"threads": threads} if threads else None, baseline=False)
    out: dict[str, Any] = {"status": result.status, "seconds": time.perf_counter() - started}
    report = result.pathway
    if result.ok and report is not None:
        out["npv_usd"] = report.npv_usd
        out["periods"] = report.table.reset_index().to_dict(orient="list")
        capacity = report.capacity.rename(columns=str).reset_index(names="resource")
        out["capacity"] = capacity.to_dict(orient="list")  # period columns named "2028", ...
        out["vintages"] = report.vintages.to_dict(orient="list")
    return out


def pathway_part(ctx: Context) -> dict[str, dict[str, Any]]:
    """Every case solved (or read back): case name -> its answer (``status``, and if optimal
    ``npv_usd``, ``periods``, ``capacity``, ``vintages`` as column lists) with the case's
    ``foresight``, ``price_usd_per_mwh``, ``as_shipped`` and each fusion offer's
    ``max_capacity_mw``."""
    part = ctx.study.spec.pathway
    assert part is not None
    inst = pathway_instance(ctx.study)
    folder = ctx.out / "pathway"
    folder.mkdir(parents=True, exist_ok=True)
    answers: dict[str, dict[str, Any]] = {}
    todo: dict[str, tuple[Any, ...]] = {}
    keys: dict[str, str] = {}
    threads: int | None = 1 if ctx.scheduler is not None or ctx.workers > 1 else None
    caps: dict[str, dict[str, float]] = {}
    for case in pathway_cases(ctx, inst):
        solved = inst.with_overrides(case.overrides)
        key = content_hash({"instance": solved.spec.model_dump(), "v": __version__})
        keys[case.name] = key
        caps[case.name] = {o.name: float(o.max_capacity_mw) for o in solved.spec.fusion}
        stored = folder / f"{case.name}.json"
        if stored.exists():
            answer = json.loads(stored.read_text(encoding="utf-8"))
            if answer.get("key") == key:
                answers[case.name] = answer
                continue
        todo[case.name] = (inst.source, case.overrides, threads)
    if todo:
        workers = max(1, min(ctx.workers, len(todo)))
        for name, answer in run_calls(solve_case, todo, workers, ctx.scheduler).items():
            answer["key"] = keys[name]
            text = json.dumps(answer, indent=1, default=float) + "\n"
            (folder / f"{name}.json").write_text(text, encoding="utf-8")
            answers[name] = answer
    out = {}
    for case in pathway_cases(ctx, inst):
        out[case.name] = {
            **answers[case.name],
            "foresight": case.foresight,
            "price_usd_per_mwh": case.price_usd_per_mwh,
            "as_shipped": case.shipped,
            "max_capacity_mw": caps[case.name],
        }
    return out


def frame(answer: dict[str, Any], table: str) -> pd.DataFrame:
    """One of an answer's tables as a DataFrame (empty if the case failed)."""
    return pd.DataFrame(answer.get(table, {}))
