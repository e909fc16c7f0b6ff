"""The points of a sweep made ready for the workers: the instance of each point, its store key
(content hash of the instance, package version, solver options, baseline and reuse switches),
or the ``invalid`` record of a point whose overrides break the instance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from planner.errors import InstanceError
from planner.hashing import content_hash, to_json
from planner.portfolio.load import Portfolio
from planner.sweep.keys import point_key
from planner.sweep.schedule import Prepared
from planner.sweep.spec import Sweep
from planner.sweep.worker import Task


def prepare_points(
    sweep: Sweep, options: dict[str, Any], version: str, limit_s: float | None
) -> Iterator[Prepared]:
    """Each point of ``sweep`` as a task for a worker with its store key, or as an ``invalid``
    record when its overrides make an invalid instance (never sent to a worker)."""
    base_hashes = {
        label: content_hash(inst.spec.model_dump()) for label, inst in sweep.bases.items()
    }
    for point in sweep.points:
        base = sweep.bases[point.base]
        try:
            inst = base.with_overrides(point.overrides)
        except InstanceError as exc:
            key = content_hash(
                {
                    "invalid": base_hashes[point.base],
                    "overrides": to_json(point.overrides),
                    "version": version,
                }
            )
            record = {
                "status": "invalid",
                "error": "; ".join(exc.problems),
                "objective_usd": None,
            }
            yield Prepared(key, point, base.source, invalid=record)
            continue
        if isinstance(inst, Portfolio):
            # a portfolio point is re-read on the worker from its file's content (with
            # the point's overrides) and the folders its sites come from
            raw = dict(inst.raw)
            ihash = content_hash([raw, *(s.inst.spec.model_dump() for s in inst.sites)])
            where: dict[str, Any] = {
                "portfolio_dir": str(inst.base_dir),
                "allowed_dirs": tuple(str(d) for d in inst.allowed_dirs),
            }
        else:
            raw = inst.spec.model_dump()
            ihash = content_hash(raw)
            where = {}
        key = point_key(ihash, version, options, sweep.baseline, sweep.reuse_model)
        task = Task(
            key,
            raw,
            base.source,
            options,
            limit_s,
            sweep.baseline,
            sweep.reuse_model,
            **where,
        )
        yield Prepared(key, point, base.source, task=task, instance_hash=ihash)
