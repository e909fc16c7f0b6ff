"""Input layer: one schema module per resource kind, the catalogue of kinds, and the instance
that ties them together (reading, validation, overrides, representative periods)."""

from planner.inputs.instance import Instance, load_instance
from planner.inputs.spec import InstanceSpec

__all__ = ["Instance", "InstanceSpec", "load_instance"]
