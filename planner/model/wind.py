"""Land-based wind: the variable renewable model (:mod:`planner.model.renewable`) on the
``wind`` section."""

from __future__ import annotations

import pyomo.environ as pyo

from planner.inputs.catalogue import WIND
from planner.inputs.instance import Instance
from planner.model.core import Registry
from planner.model.renewable import add_plants

KIND = WIND.key


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    add_plants(m, reg, inst, WIND, list(inst.spec.wind))
