"""Must-pay carbon-free sources (take-or-pay fusion, solar) into the shared balance.

Such a source costs the same whether its energy is used or curtailed, so only the total
curtailment of all of them matters. Builds (labels of ``docs/formulation.md``):

- ``lean`` (default): ``spill_mw[h] >= 0`` with ``spill_le_available[h]``:
  ``spill_mw[h] <= sum_r a[r, h] * capacity_r`` (hours where every ``a`` is 0 get the bound
  ``spill_mw = 0`` instead). Supply, clean supply and procured clean energy each get
  ``sum_r a[r, h] * capacity_r - spill_mw[h]``. One variable and at most one row per hour,
  whatever the number of sources.
- ``naive``: ``generation_mw[r, h] >= 0`` with ``available_gen_le_available[r, h]``:
  ``generation_mw[r, h] <= a[r, h] * capacity_r`` for each source (bound 0 where a = 0).

Both have the same feasible capacities, imports and storage, hence the same optimum. In the
lean form the results split the curtailment of an hour between sources in proportion to what
each made available.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pyomo.environ as pyo

from planner.inputs.catalogue import kind
from planner.inputs.instance import Instance
from planner.model.core import (
    Available,
    HourlyTerm,
    Registry,
    hourly_vars,
    linear_rows,
    var_values,
)


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance, lean: bool) -> None:
    """Turn the registered must-pay sources into supply, ``lean`` or ``naive``."""
    sources = reg.available
    if not sources:
        return
    mixed = [s.name for s in sources if not (kind(s.kind).carbon_free and kind(s.kind).procured)]
    if mixed:
        # one shared curtailment variable is subtracted from supply, clean supply and procured
        # clean energy alike: only right when every source counts in all three
        raise ValueError(
            f"must-pay sources {', '.join(mixed)}: only carbon-free, procured kinds may register "
            "available energy (planner.model.available)"
        )
    if lean:
        on_site = [s for s in sources if s.on_site]
        virtual = [s for s in sources if not s.on_site]
        metered = inst.spec.grid is not None and inst.spec.grid.has_tariff
        if metered and on_site and virtual:
            # the metered import needs the on-site part of the supply: a spill variable each
            _add_lean(m, reg, virtual, "spill_mw", "spill_le_available")
            _add_lean(m, reg, on_site, "spill_on_site_mw", "spill_on_site_le_available")
        else:
            _add_lean(m, reg, sources, "spill_mw", "spill_le_available")
    else:
        _add_naive(m, reg, sources)
    for s in sources:
        reg.capacity.append(partial(_capacity_row, s))


def _add_lean(
    m: pyo.ConcreteModel, reg: Registry, sources: list[Available], var_name: str, row_name: str
) -> None:
    """One spill variable per hour for ``sources`` (component ``var_name``), limited by rows
    ``row_name``; with a tariff, on-site and virtual sources get one each ([tariff])."""
    total = np.sum([s.coef for s in sources], axis=0)
    spill_mw = pyo.Var(m.T, bounds=lambda _, h: (0.0, None) if total[h] > 0 else (0.0, 0.0))
    m.add_component(var_name, spill_mw)

    # label: spill_le_available -- spill_mw[h] - sum_s coef_s[h] * capacity_s <= 0
    n = len(total)
    rows = linear_rows(
        [(np.ones(n), hourly_vars(spill_mw))] + [(-s.coef, [s.capacity] * n) for s in sources]
    )
    m.add_component(
        row_name,
        pyo.Constraint(
            pyo.Set(initialize=np.flatnonzero(total > 0).tolist()),
            rule=lambda m, h: rows[h] <= 0.0,
        ),
    )

    spill = HourlyTerm(spill_mw, coef=-np.ones(len(total)))
    terms = [HourlyTerm(s.capacity, coef=s.coef, scalar=True) for s in sources]
    for target in (reg.supply, reg.clean_supply, reg.procured_clean):
        target.extend(terms)
        target.append(spill)
    if all(s.on_site for s in sources):
        reg.on_site_supply.extend([*terms, spill])

    def share(s: Available) -> np.ndarray:
        """Fraction of the hour's spill attributed to ``s``: its share of what was available."""
        available = np.sum([t.coef * float(t.capacity.value) for t in sources], axis=0)
        mine = s.coef * float(s.capacity.value)
        return np.divide(mine, available, out=np.zeros_like(mine), where=available > 0)

    for s in sources:

        def curtailment(s: Available = s) -> np.ndarray:
            return np.clip(share(s) * var_values(spill_mw), 0.0, s.coef * float(s.capacity.value))

        def generation(s: Available = s) -> np.ndarray:
            return np.maximum(s.coef * float(s.capacity.value) - curtailment(s), 0.0)

        reg.dispatch[f"{s.name}_generation_mw"] = generation
        reg.dispatch[f"{s.name}_curtailment_mw"] = curtailment


def _add_naive(m: pyo.ConcreteModel, reg: Registry, sources: list[Available]) -> None:
    b = m.available = pyo.Block()
    names = [s.name for s in sources]
    by_name = {s.name: s for s in sources}
    b.generation_mw = pyo.Var(
        names, m.T, bounds=lambda _, r, h: (0.0, None) if by_name[r].coef[h] > 0 else (0.0, 0.0)
    )

    # label: available_gen_le_available
    def gen_le_available(b: Any, r: str, h: int) -> Any:
        a = by_name[r].coef[h]
        if a <= 0:
            return pyo.Constraint.Skip
        return b.generation_mw[r, h] <= float(a) * by_name[r].capacity

    b.gen_le_available = pyo.Constraint(names, m.T, rule=gen_le_available)

    for s in sources:
        gen = HourlyTerm(b.generation_mw, s.name)
        for target in (reg.supply, reg.clean_supply, reg.procured_clean):
            target.append(gen)
        if s.on_site:
            reg.on_site_supply.append(gen)
        reg.dispatch[f"{s.name}_generation_mw"] = gen.values
        reg.dispatch[f"{s.name}_curtailment_mw"] = partial(_unused, s, gen)


def _capacity_row(s: Available) -> dict[str, Any]:
    return {"resource": s.name, "kind": s.kind, "capacity_mw": s.capacity.value}


def _unused(s: Available, gen: HourlyTerm) -> np.ndarray:
    """Curtailment of ``s`` in the naive form: available energy not generated."""
    return np.maximum(s.coef * float(s.capacity.value) - gen.values(), 0.0)
