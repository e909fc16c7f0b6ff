"""Colours and helpers shared by every figure, the study's too: one colour family per resource
kind (the kind's colour in the catalogue, :mod:`planner.inputs.catalogue`), no offset axis
labels, solver noise removed (:func:`denoise`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: figures are only written to files

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from planner.inputs.catalogue import KINDS

# Never an offset axis label ("1e-10+5e1"): a constant 50 MW reads 50, whatever the noise.
matplotlib.rcParams["axes.formatter.useoffset"] = False

KIND_COLOURS = {k.key: k.colour for k in KINDS} | {"demand": "#000000"}
FLOW_COLOURS = {
    "export": "#4a90d9",  # blue
    "curtailment": "#e8a0a0",  # pale red
    "unserved": "#d62728",
    "baseline": "#bdbdbd",
}


NOISE = 1e-6
"""Solver noise: values within this of a round number are drawn as that number."""


def denoise(values: Any) -> np.ndarray:
    """``values`` as floats with solver noise removed: what is below :data:`NOISE` in magnitude
    is 0, and the rest is rounded to 6 decimals (a capacity of 50 +- 1e-10 MW is 50)."""
    arr = np.asarray(values, dtype=float)
    return np.round(np.where(np.abs(arr) < NOISE, 0.0, arr), 6)


def colour(kind: str, i: int = 0) -> str:
    """Colour of the ``i``-th resource of ``kind``: the kind's colour, lighter for each next one.
    Every kind of the catalogue has a colour; an unknown one is a bug (KeyError)."""
    base = KIND_COLOURS[kind]
    if i == 0:
        return base
    r, g, b = mcolors.to_rgb(base)
    mix = min(0.6, 0.25 * i)
    return mcolors.to_hex((r + (1 - r) * mix, g + (1 - g) * mix, b + (1 - b) * mix))


def resource_colours(kinds: dict[str, str]) -> dict[str, str]:
    """Resource name -> colour, the same in every figure."""
    seen: dict[str, int] = {}
    out = {}
    for name, kind in kinds.items():
        out[name] = colour(kind, seen.get(kind, 0))
        seen[kind] = seen.get(kind, 0) + 1
    return out


def new_figure(width: float = 9.0, height: float = 4.5) -> tuple[Figure, Axes]:
    """A figure with one axes (constrained layout)."""
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def new_grid(width: float, height: float, **kw: Any) -> tuple[Figure, Any]:
    """A figure with several axes (``plt.subplots`` keywords: ``ncols``, ``nrows``...)."""
    fig, axes = plt.subplots(figsize=(width, height), layout="constrained", **kw)
    return fig, axes


def save_png(fig: Figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


def png_bytes(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def close(fig: Figure) -> None:
    plt.close(fig)


def pretty(path: str) -> str:
    """Axis label of a swept path with its unit: ``policy.hourly_cfe_target`` ->
    ``hourly CFE target (policy), 0-1``."""
    leaf = path.split(".")[-1]
    units = {
        "_usd_per_mwh": "$/MWh",
        "_usd_per_kwh": "$/kWh",
        "_usd_per_kw": "$/kW",
        "_mw": "MW",
        "_mwh": "MWh",
        "_h": "h",
        "_pct": "%",
        "_yr": "yr",
    }
    unit = ""
    for suffix, text in units.items():
        if leaf.endswith(suffix):
            leaf, unit = leaf.removesuffix(suffix), text
            break
    if leaf.endswith(("target", "share", "factor", "efficiency")) and not unit:
        unit = "0-1"
    words = leaf.replace("_", " ").replace("cfe", "CFE")
    owner = ".".join(path.split(".")[:-1])
    label = f"{words} ({owner})" if owner else words
    return f"{label}, {unit}" if unit else label


def order_of(kind: str) -> int:
    """Stacking order of a kind (the catalogue's)."""
    return next(k.order for k in KINDS if k.key == kind)
