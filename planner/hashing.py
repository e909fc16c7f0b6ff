"""Canonical hashes and JSON text of inputs, for keys of stored solves and reproducible results."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np


def _feed(h: Any, value: Any) -> None:
    """Feed a canonical, type-tagged encoding of ``value`` into hash ``h``."""
    if isinstance(value, Mapping):
        h.update(b"{")
        for key in sorted(value, key=str):
            _feed(h, str(key))
            _feed(h, value[key])
        h.update(b"}")
    elif isinstance(value, (list, tuple)):
        h.update(b"[")
        for item in value:
            _feed(h, item)
        h.update(b"]")
    elif isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value, dtype=float)
        h.update(b"a%d:" % array.size)
        h.update(array.tobytes())
    elif isinstance(value, bool) or value is None:
        h.update(repr(value).encode())
    elif isinstance(value, (int, float, np.integer, np.floating)):
        h.update(b"n" + repr(float(value)).encode())
    elif isinstance(value, (_dt.datetime, _dt.date)):
        h.update(b"t" + value.isoformat().encode())
    else:
        h.update(b"s" + str(value).encode() + b"\0")


def content_hash(value: Any) -> str:
    """SHA-256 of a canonical encoding: mappings by sorted key, arrays by their float bytes,
    numbers as floats (so ``50`` and ``50.0`` hash alike).

    >>> content_hash({"a": 1, "b": [2.0]}) == content_hash({"b": [2], "a": 1.0})
    True
    """
    h = hashlib.sha256()
    _feed(h, value)
    return h.hexdigest()


def to_json(value: Any) -> str:
    """JSON text of overrides and options (dates as ISO text, arrays as lists)."""

    def default(obj: Any) -> Any:
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        if isinstance(obj, (np.integer, np.floating)):
            return obj.item()
        if isinstance(obj, (_dt.datetime, _dt.date)):
            return obj.isoformat()
        return str(obj)

    return json.dumps(value, default=default, sort_keys=True)
