"""Number formats shared by every text the planner writes (console summary, reports, the study,
the generated docs): thousands separators, a dash for a missing value, and no ``-0.0``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def num(value: Any, decimals: int = 1, scale: float = 1.0) -> str:
    """``value * scale`` with thousands separators and ``decimals`` decimals; ``-`` when
    missing or not finite; what rounds to zero is ``0.0`` (solver noise, no ``-0.0``); text
    that is not a number is shown as it is (a table cell such as ``> 10,000``).

    >>> num(1234.567), num(None), num(-1e-9, 2), num(0.5, 0, 100), num("> 10,000")
    ('1,234.6', '-', '0.00', '50', '> 10,000')
    """
    if value is None:
        return "-"
    try:
        v = float(value) * scale
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return "-"
    if abs(v) < 0.5 * 10.0**-decimals:
        v = 0.0
    return f"{v:,.{decimals}f}"


def signed(value: Any, decimals: int = 1, unit: str = "") -> str:
    """``+1.2``, ``-3.4``, and ``0.0`` for what rounds to zero (no ``-0.0``).

    >>> signed(1.25), signed(-0.01), signed(None)
    ('+1.2', '0.0', '-')
    """
    v = _finite(value)
    if v is None:
        return "-"
    if abs(v) < 0.5 * 10.0**-decimals:
        return f"{0.0:.{decimals}f}{unit}"
    return f"{v:+,.{decimals}f}{unit}"


def pct(value: Any, decimals: int = 1) -> str:
    """``12.3 %`` of a value already in percent; ``-`` when missing."""
    v = _finite(value)
    return "-" if v is None else f"{v:.{decimals}f} %"


def joined(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def cell(value: float) -> str:
    """A number in a wide table: 4 significant digits below 10,000, whole numbers above."""
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def noise_free(value: float, tolerance: float = 1e-6) -> float:
    """``value``, or 0 when its magnitude is below ``tolerance`` (solver noise)."""
    return 0.0 if abs(value) < tolerance else value
