"""Solar PV: the variable renewable model (:mod:`planner.model.renewable`) on the ``solar``
section."""

from __future__ import annotations

import pyomo.environ as pyo

from planner.inputs.catalogue import SOLAR
from planner.inputs.instance import Instance
from planner.model.core import Registry
from planner.model.renewable import add_plants

KIND = SOLAR.key


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    add_plants(m, reg, inst, SOLAR, list(inst.spec.solar))
