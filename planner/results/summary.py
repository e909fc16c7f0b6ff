"""The words every report of a result opens with (:func:`opening`: what to buy, what it costs,
how clean, what yearly figures are scaled from; :func:`input_facts`: the inputs and
assumptions; :func:`field_parts`: label, unit and scale of a field), and the console summary
(:func:`summary_text`, 80 columns). The HTML page and the workbook (:mod:`planner.report`)
render the same words; this module imports only results and lower layers."""

from __future__ import annotations

import json
import math
import re
import textwrap
from typing import Any

import numpy as np
import pandas as pd

from planner.formats import joined, num
from planner.inputs.catalogue import BY_KEY
from planner.results.saved import SavedResult

WIDTH = 78
YEAR_H, WEEK_H = 8760, 168

# fmt: off
UNITS: tuple[tuple[str, str], ...] = (
    ("_usd_per_mw_yr", "$/MW-yr"), ("_usd_per_kw_month", "$/kW-month"),
    ("_usd_per_kw_yr", "$/kW-yr"), ("_usd_per_mwh", "$/MWh"), ("_usd_per_kwh", "$/kWh"),
    ("_usd_per_kw", "$/kW"), ("_usd_per_t", "$/t CO2"), ("_usd_per_yr", "USD/yr"), ("_usd", "USD"),
    ("_g_per_kwh", "g/kWh"), ("_t_per_mwh", "t/MWh"), ("_t_per_yr", "t/yr"), ("_mwh", "MWh"),
    ("_mw", "MW"), ("_pct", "%"), ("_per_h", "% per h"), ("_h", "h"), ("_yr", "yr"), ("_s", "s"),
    ("_t", "t"),
)
"""Unit of a name by its suffix, the longest first."""
NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
# fmt: on
PERCENT_WORDS = frozenset({"efficiency", "fraction", "share", "rate", "target", "score"})
"""A name holding one of these words (and no unit) is a fraction 0-1, shown in %."""
WORDS = {"cfe": "CFE", "om": "O&M", "ppa": "PPA", "co2": "CO2", "highs": "HiGHS"}


def field_parts(name: str) -> tuple[str, str, float]:
    """Words, unit and scale of the values of a field or column name.

    >>> field_parts("energy_price_usd_per_mwh"), field_parts("discount_rate")
    (('energy price', '$/MWh', 1.0), ('discount rate', '%', 100.0))
    """
    leaf, unit, scale = name, "", 1.0
    for suffix, text in UNITS:
        if leaf.endswith(suffix) and len(leaf) > len(suffix):
            leaf, unit = leaf.removesuffix(suffix), text
            break
    words = leaf.split("_")
    if unit == "% per h" or (not unit and PERCENT_WORDS & set(words)):
        unit, scale = unit or "%", 100.0
    return " ".join(WORDS.get(w, w) for w in words), unit, scale


def field_label(name: str) -> str:
    """``energy price, $/MWh``: the words of a name, then its unit."""
    return ", ".join(part for part in field_parts(name)[:2] if part)


def _decimals(value: float) -> int:
    return next((d for d in range(5) if abs(round(value, d) - value) < 1e-9 * max(1.0, value)), 4)


def value_text(name: str, value: Any) -> str:
    """A setting's value in the unit of :func:`field_parts` (``0.07`` of a rate: ``7``)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "no limit" if name.startswith("max_") or "limit" in name else "-"
    if isinstance(value, (int, float)):
        v = float(value) * field_parts(name)[2]
        return num(v, _decimals(abs(v))) if math.isfinite(v) else "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(name, v) for v in value) or "none"
    text = str(value)
    date = re.fullmatch(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?", text)
    return text.replace("T", " ")[:16] if date else text.replace("_", " ")


def setting_text(name: str, value: Any) -> str:
    """``energy price 112.5 $/MWh``, ``contract type: take or pay``, ``max power: no limit``."""
    words, unit, _ = field_parts(name)
    shown = value_text(name, value)
    if isinstance(value, (bool, str)) or value is None:
        return f"{words}: {shown}"
    return f"{words} {shown} {unit}".rstrip()


# -- the horizon --------------------------------------------------------------------------------
def span_text(start: pd.Timestamp, hours: float) -> str:
    """``one week in January``, ``28 days from January to February``, ``a full year``."""
    years = round(hours / YEAR_H)
    if years >= 1 and abs(hours - years * YEAR_H) <= 24 * years:
        return "a full year" if years == 1 else f"{years} full years"
    h = max(int(round(hours)), 1)
    size = f"{h // 24} days" if h % 24 == 0 and h > 24 else f"{h} hours"
    if h % WEEK_H == 0 and h // WEEK_H in NUMBERS:
        size = f"{NUMBERS[h // WEEK_H]} week" + ("s" if h > WEEK_H else "")
    end, month = start + pd.Timedelta(hours=h - 1), "%B" if hours < YEAR_H else "%B %Y"
    if (start.year, start.month) == (end.year, end.month):
        return f"{size} in {start:%B}"
    return f"{size} from {start:{month}} to {end:{month}}"


def horizon_text(
    start: Any, hours: int, years: float, representative: bool = False, period_h: int = 0
) -> str:
    """What the figures per year are scaled from, in one sentence: plainly not a year when the
    horizon is shorter, without alarm when it is a full year."""
    day, represented = pd.Timestamp(start), years * YEAR_H
    span = span_text(day, represented)
    full = span.endswith(("full year", "full years"))
    if representative or abs(represented - hours) > 0.5:
        what = f"{hours:,} modelled hours"
        if representative and period_h:
            what = f"{hours // period_h} representative periods of {period_h} hours ({what})"
        elif representative:
            what += " of representative periods"
        verb = "weighted" if full else "scaled"
        text = f"Figures per year are {verb} from {what} standing for {represented:,.0f} hours"
    elif full:
        text = "Figures are for" if span == "a full year" else "Figures per year are averages over"
        text += f" {span}: {hours:,} modelled hours"
    else:
        text = f"Figures per year are scaled from {hours:,} modelled hours"
    text += f" starting {day:%Y-%m-%d}" + ("" if full and not representative else f" ({span})")
    return text + ("." if full else ": they are not a year's costs or emissions.")


def result_horizon(d: SavedResult) -> str:
    """:func:`horizon_text` of a result (its inputs, else its dispatch)."""
    i, hours = d.inputs, int(d.inputs.get("modelled_hours", d.hours))
    years = float(i.get("horizon_years", d.metrics.get("horizon_years", hours / YEAR_H)))
    start = i.get("start") or (d.dispatch.index[0] if len(d.dispatch) else None)
    if start is None or not hours:
        return "The horizon is not recorded in these results."
    rep = bool(i.get("representative_periods"))
    return horizon_text(start, hours, years, rep, int(i.get("period_hours") or 0))


# -- the opening paragraph ----------------------------------------------------------------------
def _amount(value: float) -> str:
    return num(value, 0 if abs(value) >= 10 else 1 if abs(value) >= 1 else 2)


def _verb(settings: dict[str, Any]) -> str:
    ppa = "buy under a PPA" if settings.get("procurement") == "ppa" else "build"
    return "contract" if "contract_type" in settings else ppa


def _flows(d: SavedResult, name: str, years: float) -> list[str]:
    """``import 138 GWh/yr from the grid (at most 94 MW)``, ``export 44 GWh/yr``."""
    out = []
    weights = d.weights.reindex(d.dispatch.index).fillna(1.0)
    for output in BY_KEY[d.kinds[name]].outputs:
        column = f"{name}_{output.suffix}"
        if output.role not in ("supply", "withdrawal") or column not in d.dispatch:
            continue
        gwh = float((d.dispatch[column] * weights).sum()) / years / 1e3
        peak = _amount(float(d.capacity.loc[name, "capacity_mw"]))
        source = f" from the {name} (at most {peak} MW)" if output.role == "supply" else ""
        if round(gwh, 2) > 0:
            out.append(f"{output.label} {_amount(gwh)} GWh/yr{source}")
    return out


def _what_to_buy(d: SavedResult, years: float) -> str:
    settings = {str(r.get("name")): r for r in d.inputs.get("resources", [])}
    kinds = d.kinds
    chosen, left_out = [], []
    for name in sorted(kinds, key=lambda r: (BY_KEY[kinds[r]].order, r)):
        kind = BY_KEY[kinds[name]]
        if kind.in_baseline:
            chosen += _flows(d, name, years)
            continue
        mw = float(d.capacity.loc[name, "capacity_mw"])
        if not round(mw, 2) > 0:
            left_out.append(f"{kind.key} ({name})")
            continue
        size = f"{_amount(mw)} MW"
        if "energy_mwh" in kind.capacity_columns:
            size += f" / {_amount(float(d.capacity.loc[name, 'energy_mwh']))} MWh"
        chosen.append(f"{_verb(settings.get(name, {}))} {size} of {kind.key} ({name})")
    text = joined(chosen) if chosen else "buy nothing"
    if left_out:
        text += f"; leave out {joined(left_out)}"
    return text[0].upper() + text[1:] + "."


def difference_words(extra_musd: float, per_mwh: float | None = None) -> str:
    """``an extra cost of 55.43 M$/yr (74.83 $/MWh of load)`` or ``a saving of ...``."""
    if round(extra_musd, 2) == 0:
        return "no extra cost and no saving"
    text = f"{'an extra cost' if extra_musd > 0 else 'a saving'} of {num(abs(extra_musd), 2)} M$/yr"
    if per_mwh is not None and math.isfinite(per_mwh):
        text += f" ({num(abs(per_mwh), 2)} $/MWh of load)"
    return text


def _what_it_costs(m: pd.Series) -> str:
    cost, total = m["cost_usd_per_mwh_load"], m["total_cost_usd_per_yr"] / 1e6
    text = f"This costs {num(cost, 2)} $/MWh of load, {num(total, 2)} M$/yr"
    if "baseline_total_cost_usd_per_yr" in m:
        base = m["baseline_total_cost_usd_per_yr"] / 1e6
        base_cost = m.get("baseline_cost_usd_per_mwh_load", np.nan)
        text += f": {difference_words(total - base, cost - base_cost)} against the grid alone"
        text += f" ({num(base_cost, 2)} $/MWh, {num(base, 2)} M$/yr)"
    return text + "."


def _how_clean(m: pd.Series, years: float) -> str:
    text = f"Hourly CFE score {num(100 * m['hourly_cfe_score'], 1)} %"
    if "baseline_hourly_cfe_score" in m:
        text += f" (grid alone {num(100 * m['baseline_hourly_cfe_score'], 1)} %)"
    text += f", annual clean match {num(100 * m['annual_match_fraction'], 1)} %"
    kt = m["emissions_location_t"] / years / 1e3
    g = num(m["emissions_location_g_per_kwh"], 1)
    text += f", emissions {num(kt, 2)} kt CO2/yr ({g} g/kWh, location-based)"
    base = m.get("baseline_emissions_location_t", np.nan) / years / 1e3
    if math.isfinite(base) and base > 0:
        cut = 100 * (1 - kt / base)
        text += f", {num(abs(cut), 0)} % {'below' if cut >= 0 else 'above'} the grid alone"
        text += f" ({num(base, 2)} kt CO2/yr)"
        abatement = m.get("abatement_cost_usd_per_t", np.nan)
        if math.isfinite(abatement) and abatement > 0:
            text += f"; abatement cost {num(abatement, 1)} $/t CO2"
    return text + "."


def opening(d: SavedResult) -> str:
    """What to buy, what it costs, how clean, and what yearly figures are scaled from."""
    horizon = result_horizon(d)
    if not d.ok:
        why = ": the diagnosis below says why" if d.message else ""
        return f"No portfolio: the solve ended with status {d.status}{why}. {horizon}"
    m = d.metrics
    years = float(m.get("horizon_years", 1.0)) or 1.0
    return " ".join([_what_to_buy(d, years), _what_it_costs(m), _how_clean(m, years), horizon])


# -- the inputs and assumptions -----------------------------------------------------------------
def series_label(field: str) -> str:
    """``solar[solar_pv].capacity_factor`` -> ``solar_pv capacity factor``."""
    match = re.fullmatch(r"(\w+)(?:\[(.+)\])?\.(\w+)", field)
    if match is None:
        return field
    section, item, leaf = match.groups()
    return f"{item or section} {field_label(leaf)}"


def provenance_text(series: list[dict[str, Any]]) -> str:
    """``real data: none; not stated: demand load, ...; constants: helion availability``."""
    groups: dict[str, list[str]] = {}
    for row in series:
        label = series_label(str(row.get("field", ""))).split(",")[0]
        groups.setdefault(str(row.get("provenance") or "not stated"), []).append(label)
    groups = {"real data": groups.pop("real", ["none"])} | groups
    groups["constants"] = groups.pop("input", [])
    return "; ".join(f"{key}: {', '.join(names)}" for key, names in groups.items() if names)


def overrides_text(overrides: list[Any]) -> str:
    """``time.hours = 168; time.representative_periods = {"count": 12}``, or ``none``."""
    shown = [(p, v if isinstance(v, (int, float, str)) else json.dumps(v)) for p, v in overrides]
    return "; ".join(f"{path} = {value}" for path, value in shown) or "none"


def _clustering(i: dict[str, Any]) -> str:
    c = i.get("clustering") or {}
    parts = [f"{c.get('method', 'given')} clustering"]
    parts += [setting_text(k, c[k]) for k in ("count", "values", "seed") if k in c]
    parts.append(f"extreme periods: {', '.join(c.get('extreme_periods') or []) or 'none'}")
    if i.get("periods_represented"):
        parts.append(f"{i['periods_represented']} periods represented")
    return "; ".join(parts)


def input_facts(d: SavedResult) -> list[tuple[str, str]]:
    """The inputs and assumptions as (label, text): the instance, its status, the horizon and
    how representative periods were chosen, the policy, finance, where prices and costs come
    from, the provenance of the hourly series, the overrides and the inputs' hash."""
    i = d.inputs
    about = f": {i['description']}" if i.get("description") else ""
    facts = [("instance", f"{d.name}, from {d.source}{about}")]
    cost = "" if d.objective_usd is None else f"; cost {num(d.objective_usd, 0)} USD"
    facts.append(("status", f"{d.status}{cost} over the modelled hours"))
    if not i:
        return [*facts, ("inputs", "not recorded in these results")]
    hours, years = int(i.get("modelled_hours", d.hours)), float(i.get("horizon_years", 0.0))
    horizon = f"{hours:,} modelled hours from {i.get('start')} ({num(years, 3)} years)"
    if i.get("representative_periods"):
        horizon += f" on representative periods of {i.get('period_hours')} hours"
        facts += [("horizon", horizon), ("representative periods", _clustering(i))]
    else:
        facts.append(("horizon", horizon + ", every hour modelled"))
    policy = "; ".join(setting_text(k, v) for k, v in (i.get("policy") or {}).items())
    lost_load = {k: i[k] for k in ("value_of_lost_load_usd_per_mwh",) if k in i}
    finance = {**(i.get("finance") or {}), **lost_load}
    overrides = i.get("overrides") or []
    given = f"as given in {d.source}" + (", with the overrides" if overrides else "")
    return facts + [
        ("policy", policy or "none"),
        ("finance", "; ".join(setting_text(k, v) for k, v in finance.items())),
        ("prices and costs", f"{given}; each resource's below"),
        ("hourly series", provenance_text(i.get("series") or [])),
        ("overrides", overrides_text(overrides)),
        ("inputs hash", f"sha256 {str(i.get('inputs_sha256', '-'))[:16]}"),
    ]


def resource_settings(d: SavedResult) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, kind, settings) of every resource, in the catalogue's order (as recorded)."""
    skip = ("name", "kind")
    return [
        (str(r.get("name")), str(r.get("kind")), {k: v for k, v in r.items() if k not in skip})
        for r in d.inputs.get("resources") or []
    ]


# -- the console summary ------------------------------------------------------------------------
RULE = "  " + "-" * (WIDTH - 2)


def _inputs_lines(d: SavedResult) -> list[str]:
    facts = [f"{label}: {text}" for label, text in input_facts(d) if label != "status"]
    lines = ["", "Inputs and assumptions", *(x for fact in facts for x in _wrap(fact, "    "))]
    for name, kind, settings in resource_settings(d):
        shown = ", ".join(setting_text(k, v) for k, v in settings.items() if v is not None)
        lines += _wrap(f"{name if name == kind else f'{name} ({kind})'}: {shown}", "    ")
    return lines


def _key_figures(m: pd.Series, has_base: bool) -> list[str]:
    names = "total_cost_usd_per_yr cost_usd_per_mwh_load hourly_cfe_score emissions_location_t"
    y, base = m["horizon_years"], {k: m.get(f"baseline_{k}", np.nan) for k in names.split()}
    # fmt: off
    rows = [  # label, portfolio, grid only (None: not shown), decimals
        ("cost, M$/yr", m["total_cost_usd_per_yr"] / 1e6, base["total_cost_usd_per_yr"] / 1e6, 2),
        ("cost, $/MWh of load", m["cost_usd_per_mwh_load"], base["cost_usd_per_mwh_load"], 2),
        ("hourly CFE score, %", 100 * m["hourly_cfe_score"], 100 * base["hourly_cfe_score"], 1),
        ("annual clean match, %", 100 * m["annual_match_fraction"], 0.0, 1),
        ("emissions (location), kt/yr", m["emissions_location_t"] / y / 1e3,
         base["emissions_location_t"] / y / 1e3, 2),
        ("emissions (location), g/kWh", m["emissions_location_g_per_kwh"], None, 1),
        ("emissions (market), g/kWh", m["emissions_market_g_per_kwh"], None, 1),
        ("grid import, GWh/yr", m["grid_import_mwh"] / y / 1e3, None, 2),
        ("curtailment, GWh/yr", m["curtailment_mwh"] / y / 1e3, None, 2),
        ("unserved energy, MWh", m["unserved_mwh"], None, 1),
    ]
    # fmt: on
    lines = []
    for label, value, grid_only, digits in rows:
        text = f"  {label:<34}{num(value, digits):>14}"
        if has_base and grid_only is not None:
            text += f"{num(grid_only, digits):>14}{num(value - grid_only, digits):>14}"
        lines.append(text.rstrip())
    return lines


def summary_text(res: SavedResult) -> str:
    """The opening paragraph, the inputs and assumptions, then the capacity mix, costs, CFE
    score and emissions with the grid-only baseline beside them."""
    hours = int(res.inputs.get("modelled_hours", res.hours))
    title = f"Instance {res.name} ({res.source}): {hours} h, status {res.status}"
    lines = [*textwrap.wrap(title, WIDTH, break_on_hyphens=False), ""]
    lines += _wrap(opening(res)) + _inputs_lines(res)
    if not res.ok:
        diagnosis = [] if res.message is None else ["", "Diagnosis", *_wrap(res.message)]
        return "\n".join(lines + diagnosis + _warnings(res))
    m = res.metrics
    lines += ["", "Capacity", f"  {'resource':<30}{'kind':<12}{'MW':>18}{'MWh':>18}", RULE]
    for name, item in res.capacity.iterrows():
        mw, mwh = num(item["capacity_mw"]), num(item["energy_mwh"])
        lines.append(f"  {str(name)[:29]:<30}{str(item['kind']):<12}{mw:>18}{mwh:>18}")
    has_base = res.baseline is not None and "baseline_total_cost_usd_per_yr" in m
    head = f"  {'':<34}{'portfolio':>14}" + (f"{'grid only':>14}{'change':>14}" if has_base else "")
    lines += ["", "Key figures", head, RULE, *_key_figures(m, has_base)]
    if len(res.shadow_prices):
        lines += ["", "Shadow prices", f"  {'constraint':<44}{'value':>14}", RULE]
        for name, value in res.shadow_prices.items():
            lines.append(f"  {field_label(str(name))[:43]:<44}{num(value, 2):>14}")
    timings = ", ".join(f"{k.removesuffix('_s')} {v:.2f}" for k, v in res.timings.items())
    return "\n".join([*lines, "", f"Timings, s: {timings}", *_warnings(res)])


def _wrap(text: str, hang: str = "  ") -> list[str]:
    """``text`` in lines of WIDTH, unbroken at hyphens, a number kept with the word after it."""
    kept = re.sub(r"(\d) (?=\S)", "\\1\xa0", text).replace("-", "\u2011")
    lines = textwrap.wrap(kept, WIDTH, initial_indent="  ", subsequent_indent=hang)
    return [line.replace("\xa0", " ").replace("\u2011", "-") for line in lines]


def _warnings(res: SavedResult) -> list[str]:
    """Conditioning warnings (docs/reliability.md), if any."""
    lines = [line for text in res.warnings for line in _wrap(text)]
    return ["", "Warnings", *lines] if lines else []
