"""Dotted paths into an instance: ``policy.hourly_cfe_target``, ``fusion.helion.max_capacity_mw``.

One walker serves :meth:`planner.inputs.instance.Instance.with_overrides` (:func:`set_path`:
set a value in the raw content of an instance file) and the sweep files (:func:`path_problem`:
check a path against the schema before any value is tried). Items of the list sections (the
resource kinds of the catalogue) are addressed by name; a path may stop at a whole section or
a whole item.

The two differ only in what they report: setting leaves an unknown field to the schema
validation that follows (``policy.cfe_target: unknown field``); checking names it at once,
with a suggestion (``unknown field 'cfe_target' in policy (did you mean ...)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from planner.inputs.base import child_model
from planner.inputs.messages import did_you_mean
from planner.inputs.spec import InstanceSpec


def _item_index(items: list[Any], name: str, where: str) -> tuple[int, str | None]:
    names = [item.get("name") if isinstance(item, dict) else None for item in items]
    if name not in names:
        have = ", ".join(str(n) for n in names if n is not None) or "none"
        return -1, f"no item named {name!r} in {where} (have: {have})"
    return names.index(name), None


def _walk(
    raw: dict[str, Any], path: str, strict: bool, create: bool
) -> tuple[Any, Any, str | None]:
    """(container, key or list index, None) of ``path`` in ``raw``, or (None, None, problem).

    ``strict``: every field must exist in the schema (sweep paths); otherwise only the
    top-level sections are checked. ``create``: missing or null sections are created (empty)
    on the way.
    """
    parts = path.split(".")
    if not all(parts):
        return None, None, "empty path segment"
    node: Any = raw  # the raw value at parts[:i]
    model: type[BaseModel] | None = InstanceSpec  # the schema of ``node``
    i = 0
    while i < len(parts):
        part, here = parts[i], ".".join(parts[:i])
        fields = model.model_fields if model is not None else None
        if fields is not None and part not in fields and (strict or i == 0):
            if strict:
                hint = did_you_mean(part, fields)
                return None, None, f"unknown field {part!r} in {here or 'the instance'}{hint}"
            return None, None, f"unknown section {part!r}"
        if not isinstance(node, dict):
            return None, None, f"{here} is not a section"
        if i == len(parts) - 1:
            return node, part, None
        child = child_model(fields[part].annotation) if fields and part in fields else None
        if child is None and strict:
            return None, None, f"{'.'.join(parts[: i + 1])} is a value, not a section"
        kind, sub = child if child is not None else ("section", None)
        value = node.get(part)
        if kind == "list":
            if not isinstance(value, list):
                if not strict:
                    return None, None, f"the instance has no {part} section"
                value = []
            index, problem = _item_index(value, parts[i + 1], ".".join(parts[: i + 1]))
            if problem:
                return None, None, problem
            if i + 2 == len(parts):
                return value, index, None
            node, model, i = value[index], sub, i + 2
            continue
        if value is None:
            value = {}
            if create:
                node[part] = value
        node, model, i = value, sub, i + 1
    return None, None, "empty path"


def set_path(raw: dict[str, Any], path: str, value: Any) -> str | None:
    """Set ``raw`` (an instance file's content) at dotted ``path``; return a problem or None.

    A missing section on the way is created; an unknown field is left for the schema
    validation to report.
    """
    container, key, problem = _walk(raw, path, strict=False, create=True)
    if problem:
        return problem
    container[key] = value
    return None


def path_problem(raw: Mapping[str, Any], path: str) -> str | None:
    """Why ``path`` does not address a field of the instance ``raw`` (None if it does).

    Walks the schema, so misspelt fields are caught before any value is tried, with a
    suggestion.
    """
    _, _, problem = _walk(dict(raw), path, strict=True, create=False)
    return problem
