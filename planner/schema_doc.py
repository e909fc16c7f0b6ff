"""Generate docs/instances.md from the input schema: ``python -m planner.schema_doc``.

The field tables are built from the pydantic models, so the reference cannot drift from the
code (``tests/test_docs.py`` checks that the committed file is current).
"""

from __future__ import annotations

import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from planner.formats import num
from planner.inputs.base import hourly_bounds
from planner.inputs.catalogue import KINDS, listed
from planner.inputs.contract import Outage
from planner.inputs.flexibility import Flexibility
from planner.inputs.hourly import SeriesRef
from planner.inputs.pathway import Pathway, Trajectories
from planner.inputs.policy import Policy
from planner.inputs.pvlib_profile import PvArray
from planner.inputs.scenarios import Recourse, Risk, Scenario, Scenarios
from planner.inputs.sections import Demand, Finance
from planner.inputs.spec import InstanceSpec
from planner.inputs.time_axis import RepresentativePeriods, TimeAxis
from planner.portfolio.schema import Contract, PortfolioPolicy, PortfolioSpec, Site
from planner.shipped.catalogue import SHIPPED
from planner.shipped.costs import FIGURES, derived
from planner.shipped.results import RESULTS_FILE

DEFAULT_RESULTS = Path("instances") / RESULTS_FILE

UNITS = [
    ("_usd_per_mw_yr", "$/MW-yr"),
    ("_usd_per_kw_yr", "$/kW-yr"),
    ("_usd_per_mwh", "$/MWh"),
    ("_usd_per_kwh", "$/kWh"),
    ("_usd_per_kw", "$/kW"),
    ("_usd_per_t", "$/t"),
    ("_t_per_mwh", "t/MWh"),
    ("_t_per_yr", "t/yr"),
    ("_per_h", "1/h"),
    ("_mwh", "MWh"),
    ("_mw", "MW"),
    ("_yr", "years"),
    ("_utc_offset_h", "hours"),
    ("_h", "hours"),
    ("_deg", "degrees"),
    ("_m", "m"),
    ("_per_c", "1/°C"),
]

SECTIONS: list[tuple[str, type[BaseModel], str]] = [
    ("top level", InstanceSpec, ""),
    ("time", TimeAxis, ""),
    ("time.representative_periods", RepresentativePeriods, "optional"),
    ("demand", Demand, ""),
    ("demand.flexibility", Flexibility, "optional; docs/formulation.md, Flexible load"),
    ("finance", Finance, ""),
    *(
        (
            f"{k.key}[]" if k.many else k.key,
            k.schema,
            f"a list of {k.title}" if k.many else "optional",
        )
        for k in KINDS
    ),
    ("fusion[].outages[], clean_firm[].outages[]", Outage, "a list in each firm offer"),
    ("policy", Policy, "optional; every target defaults to null (not imposed)"),
    ("scenarios", Scenarios, "optional; docs/formulation.md, Delivery risk"),
    ("scenarios.cases[]", Scenario, "at least one"),
    ("scenarios.risk", Risk, "optional"),
    ("scenarios.recourse", Recourse, "optional; null: no recourse"),
    ("pathway", Pathway, "optional; docs/formulation.md, Pathway"),
    ("pathway.trajectories", Trajectories, "optional; one entry per period"),
    ("portfolio file", PortfolioSpec, "a file of its own, top-level `sites`; docs/portfolio.md"),
    ("portfolio sites[]", Site, "at least one"),
    ("portfolio contracts[]", Contract, "optional"),
    ("portfolio policy", PortfolioPolicy, "optional"),
    ("{pvlib: ...}", PvArray, "the block of an hourly field, meant for `solar[].capacity_factor`"),
]
"""The documented sections, the resource kinds from the catalogue, in file order."""


def unit_of(name: str) -> str:
    for suffix, unit in UNITS:
        if name.endswith(suffix):
            return unit
    if any(
        word in name
        for word in (
            "fraction",
            "share",
            "efficiency",
            "target",
            "rate",
            "availability",
            "capacity_factor",
        )
    ):
        return "0-1"
    return ""


def type_of(model: type[BaseModel], name: str) -> str:
    if hourly_bounds(model, name) is not None:
        bounds = hourly_bounds(model, name)
        assert bounds is not None
        rng = bounds.describe()
        return "hourly" + (f" ({rng})" if rng else "")
    annotation = model.model_fields[name].annotation
    text = _type_text(annotation)
    return text


def _type_text(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_text(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_text(a) for a in typing.get_args(annotation))
    if origin is typing.Literal:
        return " / ".join(f"`{a}`" for a in typing.get_args(annotation))
    if origin is list:
        return "list"
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    return getattr(annotation, "__name__", str(annotation))


def default_of(model: type[BaseModel], name: str) -> str:
    field = model.model_fields[name]
    if field.default_factory is not None:
        return "[]" if name in {k.key for k in listed()} else "(section defaults)"
    if field.default is PydanticUndefined:
        return "**required**"
    value = field.default
    return "null" if value is None else f"`{value}`"


def constraints_of(model: type[BaseModel], name: str) -> str:
    parts = []
    for meta in model.model_fields[name].metadata:
        for attr, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if (
                hasattr(meta, attr)
                and getattr(meta, attr) is not None
                and type(meta).__name__ != "Hourly"
            ):
                parts.append(f"{sym} {getattr(meta, attr)}")
    return ", ".join(parts)


def render(results: Path = DEFAULT_RESULTS) -> str:
    """The whole of docs/instances.md; ``results``: the shipped instances' results.json."""
    lines = [
        "# Instance file format",
        "",
        "<!-- Generated by `python -m planner.schema_doc` from planner/inputs/; do not edit by "
        "hand. -->",
        "",
        "An instance is a YAML file. Hourly fields take a number (constant in every hour), a CSV",
        "column `{csv: profiles.csv, column: name}` with the path relative to the instance file "
        "and",
        "one row per hour after the header (rows beyond `time.hours` are ignored), a solar profile",
        "computed by pvlib when the instance loads `{pvlib: {weather: ..., latitude_deg: ...}}` "
        "(see",
        "the `{pvlib: ...}` section and docs/data.md), or, from the Python API, a list or array of",
        "exactly `time.hours` values. Unknown keys are errors; `planner validate FILE` lists every",
        "problem at once, naming file, field and CSV row.",
        "",
        "Items of " + ", ".join(f"`{k.key}`" for k in listed()) + " are addressed by name in",
        "`Instance.with_overrides`, e.g. `fusion.helion.energy_price_usd_per_mwh`. Names are",
        "unique across all resources; `grid` is reserved.",
        "",
        "Costs are in US dollars; `capex` is annualised with the capital recovery factor of",
        "`finance.discount_rate` and the resource's `lifetime_yr` (see docs/formulation.md).",
        "",
    ]
    for title, model, note in SECTIONS:
        lines += [f"## `{title}`" if title != "top level" else "## Top level", ""]
        doc = _prose((model.__doc__ or "").strip().split("\n\n")[0])
        lines += [doc + (f" ({note})" if note else ""), ""]
        lines += [
            "| field | type | unit | default | range | meaning |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name, field in model.model_fields.items():
            desc = (field.description or "").replace("|", "\\|")
            lines.append(
                f"| `{name}` | {type_of(model, name)} | {unit_of(name)} | "
                f"{default_of(model, name)} "
                f"| {constraints_of(model, name)} | {desc} |"
            )
        lines.append("")
    lines += [
        "## Hourly CSV reference",
        "",
        f"`{{csv: FILE, column: NAME}}`: {_prose(SeriesRef.__doc__ or '')}",
        "",
    ]
    lines += shipped_section(results)
    return "\n".join(lines)


def _prose(docstring: str) -> str:
    """A docstring as one line of Markdown: line breaks and indentation become single spaces."""
    return " ".join(docstring.split())


def shipped_section(path: Path = DEFAULT_RESULTS) -> list[str]:
    """The shipped instances (key figures and full-year results) and the cost set.

    Read from ``path`` (``instances/results.json``, written by ``make results``) and
    :mod:`planner.shipped.costs`, so that rendering never solves anything.
    """
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    lines = [
        "## Shipped instances",
        "",
        "Generated by `make instances` from `planner/shipped/` (one cost set, "
        "`planner/shipped/costs.py`);",
        "full-year results from `make results` (`instances/results.json`). Grid profiles are",
        "synthetic, calibrated to published statistics; solar comes from pvlib's real TMY weather",
        "(docs/data.md). Cost and CFE score: the optimal portfolio of the full year; capacities in "
        "MW",
        "(storage: MW / MWh); the last column is the HiGHS time of the full-year solve on the",
        "reference machine (2 shared cores).",
        "",
        "| instance | peak load, MW | solar CF | grid CI, g/kWh | grid CFE | fusion offers "
        "| cost, $/MWh (grid only) | CFE score | capacity mix | solve, s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in SHIPPED:
        entry = stored.get(name)
        if entry is None:
            lines.append(f"| `{name}` | (run `make results`) | | | | | | | | |")
            continue
        f = entry["figures"]
        offers = (
            "; ".join(
                f"{o['name']} <= {o['max_capacity_mw']:g} MW @ {o['energy_price_usd_per_mwh']:g} "
                "$/MWh"
                + (
                    f" + {o['capacity_charge_usd_per_mw_yr'] / 1e3:,.0f} k$/MW-yr"
                    if o["capacity_charge_usd_per_mw_yr"]
                    else ""
                )
                for o in f["fusion_offers"]
            )
            or "none"
        )
        r = entry.get("result")
        if r is None:
            result = f"{entry['status']} | | |"
        else:
            mix = ", ".join(
                f"{k} {v:,.0f}" + (f" / {r['energy_mwh'][k]:,.0f}" if k in r["energy_mwh"] else "")
                for k, v in r["capacity_mw"].items()
            )
            base = (
                f" ({num(r['baseline_cost_usd_per_mwh'], 2)})"
                if r.get("baseline_cost_usd_per_mwh")
                else ""
            )
            result = (
                f"{num(r['cost_usd_per_mwh'], 2)}{base} | "
                f"{num(r['hourly_cfe_score'], 1, 100)} % | {mix or '-'}"
            )
        lines.append(
            f"| `{name}` | {num(f['peak_load_mw'], 0)} | {num(f['solar_capacity_factor'], 3)} "
            f"| {num(f['grid_carbon_intensity_g_per_kwh'], 0)} | "
            f"{num(f['grid_carbon_free_share'], 1, 100)} % "
            f"| {offers} | {result} | {num(entry['timings_s'].get('highs_s'), 0)} |"
        )
    lines += [
        "",
        "## Cost set",
        "",
        "Every figure the shipped instances use (`planner/shipped/costs.py`), with its source and "
        "year.",
        "",
        "| key | value | unit | source, year; note |",
        "| --- | --- | --- | --- |",
    ]
    for key, fig in FIGURES.items():
        lines.append(f"| `{key}` | {fig.value:g} | {fig.unit} | {fig.cite().replace('|', '/')} |")
    lines += [
        "",
        "Derived for a 2028 project:",
        "",
        "| key | value | rule |",
        "| --- | --- | --- |",
    ]
    for key, d in derived().items():
        lines.append(f"| `{key}` | {d.value:g} | {d.rule} |")
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    """``python -m planner.schema_doc [TARGET] [RESULTS]`` (defaults: docs/instances.md,
    instances/results.json)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("docs/instances.md")
    results = Path(args[1]) if len(args) > 1 else DEFAULT_RESULTS
    target.write_text(render(results))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
