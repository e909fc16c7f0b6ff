"""Fusion PPA offers: the firm contract model (:mod:`planner.model.contract`) on the
``fusion`` section. Fusion keeps its own section because it is the planner's subject."""

from __future__ import annotations

import pyomo.environ as pyo

from planner.inputs.catalogue import FUSION
from planner.inputs.instance import Instance
from planner.model.contract import add_offers
from planner.model.core import Registry

KIND = FUSION.key


def add(m: pyo.ConcreteModel, reg: Registry, inst: Instance) -> None:
    add_offers(m, reg, inst, FUSION, list(inst.spec.fusion))
