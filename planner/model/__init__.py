"""Model layer: the shared core plus one module per resource kind and the policies."""

from planner.model.core import Registry, build_model

__all__ = ["Registry", "build_model"]
