"""Clean-firm offers other than fusion (fission, geothermal, gas with capture): the firm
contract model (:mod:`planner.model.contract`) on the ``clean_firm`` section, with fuel and the
residual emissions of gas with capture."""

from __future__ import annotations

import pyomo.environ as pyo

from planner.inputs.catalogue import CLEAN_FIRM
from planner.inputs.instance import Instance
from planner.model.contract import add_offers
from planner.model.core import Registry

KIND = CLEAN_FIRM.key


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    add_offers(m, reg, inst, CLEAN_FIRM, list(inst.spec.clean_firm))
