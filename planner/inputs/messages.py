"""Input problems in plain words: where (the field, items by name) and what, shared by the
instance, sweep and study loaders."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from planner.inputs.base import child_model

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def field_location(loc: tuple[Any, ...], raw: Any, keyed: tuple[str, ...] = ()) -> str:
    """``('storage', 0, 'charge_efficiency')`` -> ``storage[li_ion].charge_efficiency``.

    List items are named by their ``name`` when they have one; keys of the mappings named
    in ``keyed`` (e.g. a sweep's ``overrides``) are shown in brackets.
    """
    text = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int) and not isinstance(node, dict):
            name = None
            if isinstance(node, list) and 0 <= part < len(node) and isinstance(node[part], dict):
                name = node[part].get("name")
            text += f"[{name}]" if isinstance(name, str) and name else f"[{part}]"
        elif isinstance(node, dict) and text in keyed:
            text += f"[{part}]"
        elif not isinstance(part, str) or not _PLAIN_KEY.fullmatch(part):
            text += f"[{part!r}]"  # a key such as 'name ' or '.', quoted to show it as it is
        else:
            text += f".{part}" if text else part
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return text or "(top level)"


SHOWN_CHARACTERS = 80
"""Longest value quoted in a message; a longer one is cut and its length given."""


def shorten(value: Any, limit: int = SHOWN_CHARACTERS) -> str:
    """``repr(value)``, cut to ``limit`` characters with its full length said.

    >>> shorten("x" * 1000, 10)
    "'xxxxxxxx... (1,002 characters)"
    """
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}... ({len(text):,} characters)"


def _fields_at(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> list[str]:
    """The field names of the schema at ``loc`` (list positions skipped), [] if not known."""
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        child = child_model(field.annotation) if field is not None else None
        model = child[1] if child is not None else None
    return list(model.model_fields) if model is not None else []


def describe_error(
    err: Mapping[str, Any],
    raw: Any,
    keyed: tuple[str, ...] = (),
    model: type[BaseModel] | None = None,
) -> str:
    """One pydantic error as ``field: what, got value``, the field named as in the input
    (list items by name, see :func:`field_location`; ``keyed``: mappings whose keys are paths).
    With the root ``model``, an unknown field gets the closest known one as a suggestion.
    Values are quoted at most :data:`SHOWN_CHARACTERS` long. Shared by the instance, sweep and
    study loaders."""
    loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
    where = field_location(loc, raw, keyed)
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"{where}: required field is missing"
    if kind == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), _fields_at(model, loc[:-1])) if loc else ""
        return f"{where}: unknown field{hint}"
    if kind == "value_error":  # our own validators: the message says everything
        return f"{where}: {ctx.get('error', err['msg'])}"
    message = RANGE_MESSAGES[kind].format(**ctx) if kind in RANGE_MESSAGES else str(err["msg"])
    value = err.get("input")
    shown = f"a {type(value).__name__}" if isinstance(value, (dict, list)) else shorten(value)
    return f"{where}: {message}, got {shown}"


RANGE_MESSAGES = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "finite_number": "must be a finite number",
    "string_pattern_mismatch": "must match {pattern} (a letter, then letters, digits, _)",
    "too_short": "must not be empty",
    "literal_error": "must be one of {expected}",
}
"""Plain wording of pydantic's range and pattern errors, shared by every input file."""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word`` (a likely typo), or None."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or an empty string."""
    close = closest(word, choices)
    return f" (did you mean {close!r}?)" if close else ""
