"""Model layer: the shared core plus one module per resource kind and the policies."""

from planner.model.build import build_model
from planner.model.core import Registry

__all__ = ["Registry", "build_model"]
